"""Delimited ERP list exports as rows of text: encodings, delimiters, boxed lists, headers.

`tabular.read_csv_text` takes a clean delimited file. ERP list downloads are less tidy: SAP's
"unconverted" list draws `|` boxes between `-----` rules and pads every cell, Oracle item
descriptions carry quoted line breaks, and either may start with title lines. These helpers
turn such bytes into rows of cells, and a chosen header row into the same `TextTable` the
other readers produce, so `validate.validate` applies unchanged.
"""

import csv
import dataclasses
import io
import re
from collections.abc import Iterable

import polars as pl

from connectors.base import RejectedFile, Table, header_key
from connectors.tabular import HEADER_SEARCH_ROWS, TextTable, decode, dedupe_headers
from connectors.validate import TableResult, cut_short_reason

DELIMITERS = (";", ",", "\t", "|")
RULE_LINE = re.compile(r"^[\s|+\-=_]*-{3,}[\s|+\-=_]*$")


def sniff(lines: list[str], allowed: Iterable[str] = DELIMITERS) -> str:
    """The allowed delimiter that occurs most often on one of the first lines (the header)."""
    best, best_count = next(iter(allowed)), 0
    for line in lines[:HEADER_SEARCH_ROWS]:
        for delim in allowed:
            count = line.count(delim)
            if count > best_count:
                best, best_count = delim, count
    return best


def text_rows(data: bytes, allowed: Iterable[str] = DELIMITERS) -> tuple[list[list[str]], str, str]:
    """Every record as a list of cells, with the encoding and delimiter it was read with.

    A `|`-boxed list (SAP "unconverted" download) has an empty cell before the first and
    after the last `|`; both are dropped so the cells line up with the header. Such lists
    never quote, so quotes in them are text (`2.5" drive`).
    """
    text, encoding = decode(data)
    head = text.split("\n", HEADER_SEARCH_ROWS)[:HEADER_SEARCH_ROWS]
    delimiter = sniff(head, allowed)
    boxed = delimiter == "|"
    reader = csv.reader(
        io.StringIO(text, newline=""),
        delimiter=delimiter,
        quoting=csv.QUOTE_NONE if boxed else csv.QUOTE_MINIMAL,
    )
    rows = []
    try:
        for row in reader:
            if boxed and len(row) > 1 and not row[0].strip():
                row = row[1:-1] if not row[-1].strip() else row[1:]
            rows.append(row)
    except csv.Error as exc:  # an unclosed quote running on, a field past the csv limit
        message = f"line {reader.line_num}: not readable as delimited text ({exc})"
        raise RejectedFile(message) from exc
    return rows, encoding, delimiter


def is_rule(row: list[object]) -> bool:
    """A line drawn with dashes (`-----`, `|----|`): layout, not data."""
    text = "".join(str(c) for c in row if c is not None)
    return bool(text.strip()) and bool(RULE_LINE.match(text))


def column_index(header: list[object], table: Table, name: str) -> int | None:
    """Position in a header row of the declared column `name` (by header or alias)."""
    column = table.column(name)
    keys = {header_key(column.header), *(header_key(a) for a in column.aliases)}
    for i, cell in enumerate(header):
        if cell is not None and header_key(str(cell)) in keys:
            return i
    return None


def build_table(
    rows: list[list[str | None]],
    header_index: int,
    keep: list[bool],
    sheet: str | None = None,
    encoding: str | None = None,
    delimiter: str | None = None,
    epoch_1904: bool = False,
) -> TextTable:
    """Rows after the header as a text frame; `keep[i]` is False for rows known to be layout.

    `_source_row` is the 1-based record number in the file (or row number in the sheet), so
    a quarantine entry points at the line a person sees.
    """
    header = [
        str(h).strip() if h is not None and str(h).strip() else f"column_{i + 1}"
        for i, h in enumerate(rows[header_index])
    ]
    width = len(header)
    body = [
        (
            index + 1,
            [c if c is None or str(c).strip() else None for c in (*r, *[None] * width)][:width],
        )
        for index, r in enumerate(rows)
        if index > header_index and keep[index]
    ]
    columns = dedupe_headers(header)
    frame = pl.DataFrame(
        {
            "_source_row": [n for n, _ in body],
            **{c: [r[i] for _, r in body] for i, c in enumerate(columns)},
        },
        schema={"_source_row": pl.Int64, **{c: pl.String for c in columns}},
    )
    return TextTable(frame, header_index + 1, sheet, encoding, delimiter, epoch_1904)


def with_every_column(frame: pl.DataFrame, table: Table) -> pl.DataFrame:
    """Add the declared columns the file left out, empty, under their declared header.

    `validate` then maps them like any other column instead of keeping them as extras.
    """
    present = {header_key(re.sub(r"_\d+$", "", c)) for c in frame.columns}
    missing = [
        c.header
        for c in table.columns
        if not ({header_key(c.header), *(header_key(a) for a in c.aliases)} & present)
    ]
    return frame.with_columns(pl.lit(None, pl.String).alias(h) for h in missing)


def cut_short(data: bytes, rows: list[list[str]], header_index: int) -> int | None:
    """Record number of a last record the file ends inside of, else None.

    A download that stopped mid-row leaves a last record without its line break and with
    fewer cells than the header; the cut may fall inside a number (`2400` of `2400.00`) or
    drop a flag (a deletion indicator), so that record cannot be loaded as it stands.
    """
    if data.endswith((b"\n", b"\r")) or len(rows) <= header_index + 1:
        return None
    if len(rows[-1]) >= len(rows[header_index]):
        return None
    return len(rows)


def quarantine_cut_short(
    result: TableResult, record: int, header: list[object], cells: int
) -> TableResult:
    """Move a delimited file's record the file ends inside of from the loaded rows to quarantine."""
    in_data = result.rows.get_column("_source_row").to_list()
    in_data += result.quarantine.get_column("source_row").to_list()
    if record not in in_data:
        return result  # a layout row (subtotal, rule) cut short carries no data
    entry = pl.DataFrame(
        {
            "sheet": [None],
            "source_row": [record],
            "column_name": [str(header[cells])],
            "value": [None],
            "reason": [cut_short_reason(cells, len(header))],
        },
        schema=result.quarantine.schema,
    )
    return dataclasses.replace(
        result,
        rows=result.rows.filter(pl.col("_source_row") != record),
        quarantine=pl.concat([result.quarantine, entry]),
    )
