"""Bytes to text frames: encodings, delimiters, header rows and XLSX cells.

Everything is read as text. Type sniffers lose data (decimal commas, trailing minus, Excel
serial dates, cp1252), so casting happens later, explicitly, in `validate.py`.
"""

import codecs
import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import polars as pl

from connectors.base import RejectedFile, Table, header_key

HEADER_SEARCH_ROWS = 100
MAX_XLSX_UNCOMPRESSED = 2 * 1024**3  # a workbook that inflates past this is refused
MAX_XLSX_RATIO = 200  # ... or one that compresses implausibly well (zip bomb)


@dataclass
class TextTable:
    """Rows of one sheet or CSV as text, numbered as a spreadsheet shows them."""

    frame: pl.DataFrame  # one String column per header cell, plus `_source_row`
    header_row: int  # 1-based row of the header
    sheet: str | None
    encoding: str | None = None
    delimiter: str | None = None
    epoch_1904: bool = False  # serial numbers in date columns count from 1904-01-01
    cut_short: tuple[int, int] | None = None  # (row, cells) of a last record cut mid-row


def _cp1252_bytes(error: UnicodeDecodeError) -> tuple[str, int]:
    return error.object[error.start : error.end].decode("cp1252", errors="replace"), error.end


codecs.register_error("greenblue.cp1252", _cp1252_bytes)


def decode(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM or not) when it decodes strictly, else cp1252 (the other encoding ERPs emit).

    Bytes that are not UTF-8 are read as cp1252 one by one, so a file that mixes the two (a
    UTF-8 export with lines pasted from a cp1252 one) keeps every name readable.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="greenblue.cp1252"), "utf-8-sig"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="greenblue.cp1252")
    if text == data.decode("cp1252", errors="replace"):
        return text, "cp1252"
    return text, "utf-8 with cp1252 lines"


def head(data: bytes, limit: int = 65536) -> bytes:
    """The first `limit` bytes, cut after the last complete line so no character is split
    (a split UTF-8 character would make the head look like cp1252)."""
    if len(data) <= limit:
        return data
    cut = data.rfind(b"\n", 0, limit)
    return data[: cut + 1] if cut > 0 else data[:limit]


def header_matches(cells: Iterable[object], table: Table) -> tuple[int, list[str]]:
    """How many of the table's required headers a row holds, and which are missing."""
    present = {header_key(c) for c in cells if c is not None and str(c).strip()}
    missing = [
        c.header
        for c in table.columns
        if not c.optional
        and not ({header_key(c.header)} | {header_key(a) for a in c.aliases}) & present
    ]
    required = sum(1 for c in table.columns if not c.optional)
    return required - len(missing), missing


def find_header(rows: list[list[object]], table: Table) -> int | None:
    """Index of the first row (within the first 100) holding every required header."""
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if not header_matches(row, table)[1]:
            return i
    return None


def sniff_delimiter(lines: list[str]) -> str:
    """The delimiter that splits the most header-like line into the most fields."""
    best, best_count = ",", 0
    for line in lines[:HEADER_SEARCH_ROWS]:
        for delim in (";", ",", "\t", "|"):
            count = line.count(delim)
            if count > best_count:
                best, best_count = delim, count
    return best


def head_rows(text: str) -> tuple[list[list[str]], str]:
    """The first rows of a delimited text, where its header is looked for, and its delimiter."""
    lines = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    delimiter = sniff_delimiter(lines)
    return list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)), delimiter


def csv_header_problem(data: bytes, table: Table) -> str | None:
    """None when a delimited file's first rows hold the table's header, else what they lack
    (a dialect's `detect` for its delimited files)."""
    rows, _ = head_rows(decode(head(data))[0])
    return None if find_header(rows, table) is not None else missing_message(rows, table)


def read_csv_text(data: bytes, table: Table) -> TextTable:
    """A delimited file as a text frame, starting after its header row."""
    text, encoding = decode(data)
    first_rows, delimiter = head_rows(text)
    index = find_header(first_rows, table)
    if index is None:
        raise RejectedFile(missing_message(first_rows, table))
    body = text.split("\n", index)[index] if index else text
    frame = pl.read_csv(
        io.BytesIO(body.encode("utf-8")),
        separator=delimiter,
        infer_schema=False,
        truncate_ragged_lines=True,
        raise_if_empty=False,
    )
    frame = frame.with_row_index("_source_row", offset=index + 2).with_columns(
        pl.col("_source_row").cast(pl.Int64)
    )
    cells = cut_short_cells(body, delimiter, frame.width - 1) if frame.height else None
    cut = (frame.get_column("_source_row")[-1], cells) if cells is not None else None
    return TextTable(frame, index + 1, None, encoding, delimiter, cut_short=cut)


def cut_short_cells(body: str, delimiter: str, width: int) -> int | None:
    """Cells of a last record the file ends inside of (no line break after it, fewer cells
    than the header), else None. A last record holding a quoted line break is not judged."""
    if body.endswith(("\n", "\r")):
        return None
    tail = body[body.rfind("\n") + 1 :]
    if tail.count('"') % 2:
        return None
    cells = len(next(csv.reader([tail], delimiter=delimiter), []))
    return cells if cells < width else None


def missing_message(rows: list[list[object]], table: Table) -> str:
    """Name the nearest header row and what it lacks, so the sender can fix the export."""
    best = max(rows[:HEADER_SEARCH_ROWS], key=lambda r: header_matches(r, table)[0], default=[])
    missing = header_matches(best, table)[1]
    return f"no header row with the {table.name} columns; missing: {', '.join(missing)}"


def open_workbook(data: bytes):
    """Open an XLSX safely: refuse zip bombs before openpyxl inflates anything."""
    import openpyxl

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise RejectedFile(f"not a valid .xlsx workbook ({exc})") from exc
    inflated = sum(i.file_size for i in archive.infolist())
    if inflated > MAX_XLSX_UNCOMPRESSED or inflated > MAX_XLSX_RATIO * max(len(data), 1):
        raise RejectedFile(
            f"workbook inflates to {inflated} bytes from {len(data)}: refused as a zip bomb"
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise RejectedFile(f"not a readable .xlsx workbook ({exc})") from exc


def cell_text(value: object) -> str | None:
    """A cell as the text a person reads: ISO dates, integers without `.0`, no exponent."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer():
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # shortest exact text, never an exponent
    text = str(value)
    return text if text.strip() else None


def sheet_rows(worksheet) -> Iterator[list[str | None]]:
    """Every row, whatever the sheet's stored dimension claims (some writers leave it stale)."""
    if hasattr(worksheet, "reset_dimensions"):
        worksheet.reset_dimensions()
    for row in worksheet.iter_rows(values_only=True):
        yield [cell_text(v) for v in row]


def read_sheet(worksheet, table: Table) -> TextTable | None:
    """A worksheet as a text frame after its header row, or None when it has no such header."""
    rows = list(sheet_rows(worksheet))
    index = find_header(rows, table)
    if index is None:
        return None
    header = [h if h is not None else f"column_{i + 1}" for i, h in enumerate(rows[index])]
    width = len(header)
    body = [(r + [None] * width)[:width] for r in rows[index + 1 :]]
    columns = dedupe_headers(header)
    frame = pl.DataFrame(
        {c: [r[i] for r in body] for i, c in enumerate(columns)},
        schema={c: pl.String for c in columns},
    )
    frame = frame.with_row_index("_source_row", offset=index + 2).with_columns(
        pl.col("_source_row").cast(pl.Int64)
    )
    epoch_1904 = worksheet.parent.epoch == dt.datetime(1904, 1, 1)
    return TextTable(frame, index + 1, worksheet.title, epoch_1904=epoch_1904)


def dedupe_headers(header: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for h in header:
        n = seen.get(h, 0)
        seen[h] = n + 1
        out.append(h if n == 0 else f"{h}_{n + 1}")
    return out


def read_path(path: Path) -> bytes:
    return path.read_bytes()
