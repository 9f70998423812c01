"""Writing export bytes (CSV, XLSX) and reading them back through the connectors.

An `Export` is one variant of one dialect: its header, data rows as the source system prints
them, and how the file is written (suffix, delimiter, encoding, title rows, sheet). A fault is
a change to an `Export` (a header renamed, a row cut short, a blank line, another encoding),
so one fault runs across every dialect it applies to. The reading helpers detect and read a
file as the loader does and check that every data row is loaded or quarantined, never both,
never neither.
"""

import csv
import dataclasses
import datetime as dt
import functools
import io
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import openpyxl
import polars as pl

from connectors import dialects
from connectors.base import Column, header_key
from connectors.validate import TableResult

KEY = b"reliability-pseudonym-key"
Cell = str | float | int | dt.date | None
Row = Mapping[str, object]


def row(example: Row, changes: Row | None = None) -> dict:
    """The example row with `changes` applied; a header the dialect lacks is an error."""
    changes = dict(changes or {})
    unknown = set(changes) - set(example)
    if unknown:
        raise KeyError(f"not a column of this dialect: {sorted(unknown)}")
    return {**example, **changes}


def record(example: Row, changes: Row | None = None) -> tuple:
    """The cells of `row(example, changes)` in header order."""
    return tuple(row(example, changes).values())


def cells(example: Row, **changes: object) -> list:
    """The example row's cells in header order, with columns changed by keyword (`_` for a
    space: `Transaction_ID='T2'`)."""
    return list(row(example, {k.replace("_", " "): v for k, v in changes.items()}).values())


@dataclass(frozen=True)
class Export:
    name: str
    dialect: str
    domain: str
    suffix: str
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    table: str  # the raw table the rows land in
    delimiter: str = ","
    encoding: str = "utf-8"
    newline: str = "\r\n"
    title_rows: tuple[tuple[str, ...], ...] = ()  # rows above the header
    sheet: str = "Sheet1"
    key_column: str = ""  # a column every variant of the dialect must have (a quantity)
    date_column: str = ""  # a date column
    text_column: str = ""  # a free-text column (names, descriptions)

    def index(self, column: str) -> int:
        return self.header.index(column)

    def with_cell(self, row: int, column: str, value: Cell) -> "Export":
        rows = [list(r) for r in self.rows]
        rows[row][self.index(column)] = value
        return self.with_rows(rows)

    def with_rows(self, rows: Sequence[Sequence[Cell]]) -> "Export":
        return dataclasses.replace(self, rows=tuple(tuple(r) for r in rows))

    def without(self, column: str) -> "Export":
        keep = [i for i, h in enumerate(self.header) if h != column]
        return dataclasses.replace(
            self,
            header=tuple(self.header[i] for i in keep),
            rows=tuple(tuple(r[i] for i in keep) for r in self.rows),
        )

    def renamed(self, column: str, new: str) -> "Export":
        header = tuple(new if h == column else h for h in self.header)
        return dataclasses.replace(self, header=header)

    def with_column(self, column: str, values: Sequence[Cell]) -> "Export":
        rows = tuple((*r, v) for r, v in zip(self.rows, values, strict=True))
        return dataclasses.replace(self, header=(*self.header, column), rows=rows)

    def reordered(self) -> "Export":
        order = list(reversed(range(len(self.header))))
        return dataclasses.replace(
            self,
            header=tuple(self.header[i] for i in order),
            rows=tuple(tuple(r[i] for i in order) for r in self.rows),
        )

    def bytes(self) -> bytes:
        return xlsx_bytes([self]) if self.suffix == ".xlsx" else csv_bytes(self)


def text(value: Cell) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def csv_lines(export: Export) -> list[str]:
    """Each record as the delimited text it is written as (title rows, header, data)."""
    out = []
    for record_ in (*export.title_rows, export.header, *export.rows):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=export.delimiter, lineterminator="").writerow(
            [text(v) for v in record_]
        )
        out.append(buffer.getvalue())
    return out


def encode(content: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + content.encode("utf-8")
    return content.encode(encoding)


def csv_bytes(export: Export, lines: Sequence[str] | None = None) -> bytes:
    records = csv_lines(export) if lines is None else lines
    return encode("".join(r + export.newline for r in records), export.encoding)


def delimited(rows: Sequence[Row], delimiter: str = ",", encoding: str = "utf-8") -> bytes:
    """Header line (the first row's keys) and rows, CRLF, quoting where the value needs it."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    header = list(rows[0])
    writer.writerow(header)
    writer.writerows(["" if r[h] is None else r[h] for h in header] for r in rows)
    return encode(buffer.getvalue(), encoding)


def csv_file(
    path: Path,
    header: Sequence[str],
    rows: Sequence[Sequence[object]],
    *,
    delimiter: str = ",",
    encoding: str = "utf-8",
    preamble: Sequence[str] = (),
) -> Path:
    """A CSV file: `preamble` lines, the header, the rows; CRLF, quoting where needed."""
    buffer = io.StringIO()
    for line in preamble:
        buffer.write(line + "\r\n")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return write(path, encode(buffer.getvalue(), encoding))


def workbook_bytes(workbook: openpyxl.Workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def xlsx_bytes(exports: Sequence[Export], title_sheet: Sequence[Sequence[Cell]] = ()) -> bytes:
    """A workbook with one sheet per export; `title_sheet` rows become a leading cover sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if title_sheet:
        cover = workbook.create_sheet("Cover")
        for row_ in title_sheet:
            cover.append(list(row_))
    for export in exports:
        sheet = workbook.create_sheet(export.sheet)
        for record_ in (*export.title_rows, export.header, *export.rows):
            sheet.append(list(record_))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD-MMM-YYYY"
    return workbook_bytes(workbook)


@functools.cache
def zip_bomb(megabytes: int = 300) -> bytes:
    """A workbook-shaped zip whose sheet inflates to `megabytes` of zeros (about 0.1 %)."""
    buffer = io.BytesIO()
    chunk = bytes(1 << 20)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as member:
            for _ in range(megabytes):
                member.write(chunk)
    return buffer.getvalue()


def write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def read(data: bytes, suffix: str, domain: str, key: bytes = KEY) -> dialects.FileRead:
    """Detect and read as the loader does; every table must account for every data row."""
    result = dialects.read(data, suffix, domain, key)
    for table in result.tables:
        assert_accounted(table)
    return result


def tables(data: bytes, suffix: str, domain: str, key: bytes = KEY) -> list[TableResult]:
    """The tables `read` gives, every row of each accounted for."""
    return read(data, suffix, domain, key).tables


def read_file(path: Path, domain: str, dialect: str, key: bytes) -> TableResult:
    """A landed file of a one-table dialect, detected as `dialect`: its one table."""
    result = read(path.read_bytes(), path.suffix.lower(), domain, key)
    assert result.dialect.name == dialect
    assert len(result.tables) == 1
    return result.tables[0]


def read_export(export: Export, data: bytes | None = None) -> TableResult:
    result = read(export.bytes() if data is None else data, export.suffix, export.domain)
    assert result.dialect.name == export.dialect
    (table,) = [t for t in result.tables if t.table.name == export.table]
    return table


def assert_accounted(table: TableResult) -> None:
    """rows_in = loaded + quarantined, no row loaded twice, none both loaded and quarantined."""
    loaded = set(zip(table.rows["_sheet"], table.rows["_source_row"], strict=True))
    assert table.rows.height == len(loaded), f"{table.table.name}: a source row loaded twice"
    quarantined = set(zip(table.quarantine["sheet"], table.quarantine["source_row"], strict=True))
    assert not loaded & quarantined, f"rows both loaded and quarantined: {loaded & quarantined}"
    assert table.rows_in == len(loaded) + len(quarantined), (
        f"{table.table.name}: rows_in {table.rows_in} != {len(loaded)} loaded "
        f"+ {len(quarantined)} quarantined"
    )


def declared(export: Export, header: str) -> Column:
    """The declared column a file header maps to (by its header or one of its aliases)."""
    (table,) = [t for t in dialects.DIALECTS[export.dialect].tables if t.name == export.table]
    key = header_key(header)
    return next(c for c in table.columns if key in {header_key(h) for h in (c.header, *c.aliases)})


def values(table: TableResult, export: Export, header: str) -> list:
    """The raw text loaded for a file column, in row order."""
    return table.rows.get_column(declared(export, header).name).to_list()


def column(table: TableResult, name: str) -> list:
    return table.rows.get_column(name).to_list()


def quarantine_of(table: TableResult, source_row: int) -> list[dict]:
    return table.quarantine.filter(pl.col("source_row") == source_row).to_dicts()


def reasons(table: TableResult, source_row: int) -> list[str]:
    return [q["reason"] for q in quarantine_of(table, source_row)]


def first_data_row(export: Export) -> int:
    """The row (line, or sheet row) a person sees the first data row on."""
    return len(export.title_rows) + 2
