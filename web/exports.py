"""Row-level downloads as CSV and XLSX, escaped against formula injection (docs/contract.md section
3.6).

A text cell that a spreadsheet would take for a formula (it begins with `=`, `+`, `-`, `@`,
a tab or a carriage return) is written with a leading apostrophe in CSV; in XLSX every text
is stored as a string cell, never as a formula.
"""

import csv
import datetime as dt
import io
import re

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# Characters XML 1.0 cannot hold; openpyxl refuses them.
NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def csv_text(value: object) -> object:
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def to_csv(columns: list[str], rows: list[tuple]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow([csv_text(v) for v in row])
    return ("\ufeff" + out.getvalue()).encode("utf-8")  # the BOM tells Excel it is UTF-8


def to_xlsx(sheet: str, columns: list[str], rows: list[tuple]) -> bytes:
    book = Workbook(write_only=True)
    ws = book.create_sheet(sheet[:31])
    ws.append(columns)
    for row in rows:
        ws.append([xlsx_cell(ws, v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def xlsx_cell(ws, value: object) -> object:
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.replace(tzinfo=None)
    if not isinstance(value, str):
        return value
    cell = WriteOnlyCell(ws, value=NOT_XML.sub("", value))
    cell.data_type = "s"  # a string, even when it begins with `=`
    return cell
