"""D4 `tmc_travel_xlsx`: the travel agency's workbook (Air Segments, Hotel, Rail) and its CSV
variant.

Workbooks are written with openpyxl and CSV files with the csv module, the way any other tool
following docs/dialects.md would write them: title rows 1-4, a blank row 5, the header in row
6 and data from row 7 (XLSX); `;`, cp1252, CRLF and `DD-MMM-YYYY` dates (CSV). Rows are
dicts keyed by header: the dialect document's example with a test's changes.
"""

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from connectors import dialects
from connectors.validate import TableResult
from samples.tmc_travel import AIR_HEADER, HOTEL_HEADER, MONTHS, RAIL_HEADER
from tests.builders.common import Cell, Export, Row, row, workbook_bytes

AIR_COLUMNS = AIR_HEADER
HOTEL_COLUMNS = HOTEL_HEADER
RAIL_COLUMNS = RAIL_HEADER
COLUMNS = {"Air Segments": AIR_COLUMNS, "Hotel": HOTEL_COLUMNS, "Rail": RAIL_COLUMNS}
DATE_DISPLAY = "DD-MMM-YYYY"

# Segment 1 of a clean SALE, Nairobi to Zürich, the hotel night after it and the train back.
AIR = dict(zip(AIR_HEADER, (
    "UNEP-NBO", "OTIENO/JANE MS", "E100234", "CC1200", "Workshop", "QX7LMB", "724-2201234567",
    None, "SALE", dt.date(2024, 2, 20), "LX", 1, "LX", "LX", "LX295", "NBO", "Nairobi", "KE",
    "ZRH", "Zürich", "CH", dt.date(2024, 3, 5), "23:35", dt.date(2024, 3, 6), "Y", "Economy",
    "YOWKE", 6166, 3831, "Long", 920.5, 310.25, 1230.75, "USD", 712.4, 1353.6, "DEFRA 2024",
), strict=True))  # fmt: skip
HOTEL = dict(zip(HOTEL_HEADER, (
    "UNEP-NBO", "OTIENO/JANE MS", "E100234", "QX7LMB", "IHG", "Crowne Plaza Zurich", "Zürich",
    "CH", dt.date(2024, 3, 6), dt.date(2024, 3, 9), 3, 1, 245.5, "CHF", 736.5, "Confirmed",
    "Online",
), strict=True))  # fmt: skip
RAIL = dict(zip(RAIL_HEADER, (
    "UNEP-NBO", "OTIENO/JANE MS", "E100234", "SBB-88123", "SALE", dt.date(2024, 3, 1), "SBB",
    "Zürich HB", "Genève", "CH", "CH", dt.date(2024, 3, 9), "2nd", 277, 89.0, "CHF", 2.1,
), strict=True))  # fmt: skip


def preamble(title: str) -> tuple[str, ...]:
    """The agency's title rows 1-4 above a sheet's header (a blank row 5 follows)."""
    return (
        f"Travel Data Report - {title}",
        "Client: United Nations Environment Programme",
        "Period: 01-Jan-2024 to 31-Mar-2024",
        "Generated: 02-Apr-2024 06:00",
    )


def _headers(changes: dict) -> dict:
    """Keyword names to headers: `Ticket_Number` -> `Ticket Number`, `Check_in_Date` ->
    `Check-in Date`."""
    headers = {}
    for name, value in changes.items():
        header = name.replace("_", " ").replace("Check in", "Check-in")
        headers[header.replace("Check out", "Check-out")] = value
    return headers


def air_row(**changes: object) -> dict:
    """Segment 1 of a clean SALE, Nairobi to Zürich; keyword names use `_` for spaces."""
    return _checked(AIR, _headers(changes))


def hotel_row(**changes: object) -> dict:
    return _checked(HOTEL, _headers(changes))


def rail_row(**changes: object) -> dict:
    return _checked(RAIL, _headers(changes))


def _checked(example: Row, changes: dict) -> dict:
    unknown = set(changes) - set(example)
    if unknown:
        raise KeyError(f"not a D4 column: {sorted(unknown)}")
    return {**example, **changes}


def total_row(label: str = "Total", **cells: object) -> dict:
    """The `Total` line an agency puts under its data: a label and a few sums."""
    return {"Client Account": label, **_headers(cells)}


def write_workbook(
    path: Path,
    sheets: Mapping[str, Sequence[Row | None]],
    *,
    columns: Mapping[str, Sequence[str]] | None = None,
    preamble: bool = True,
    epoch_1904: bool = False,
) -> Path:
    """A D4 workbook: one sheet per entry, rows as dicts keyed by header, None = blank row.

    `columns` overrides a sheet's header row (to drop, reorder or add columns); with
    `preamble` the header sits in row 6 as in the clean profile, else in row 1.
    """
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    if epoch_1904:
        wb.epoch = CALENDAR_MAC_1904
    for title, rows in sheets.items():
        ws = wb.create_sheet(title)
        header = list((columns or {}).get(title, COLUMNS.get(title, AIR_COLUMNS)))
        if preamble:
            for line in _title_rows(title):
                ws.append(list(line))
        ws.append(header)
        for row_ in rows:
            ws.append([] if row_ is None else [row_.get(h) for h in header])
            if row_ is not None:
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, dt.date):
                        cell.number_format = DATE_DISPLAY
    wb.save(path)
    return path


def _title_rows(title: str) -> tuple[tuple[str, ...], ...]:
    return (*((line,) for line in preamble(title)), ())


def tmc_workbook(air: Sequence[Row] = (), hotel: Sequence[Row] = (), rail: Sequence[Row] = ()):
    """The agency workbook's bytes, every sheet with its header; rows are changes to the
    examples, keyed by header."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for title, example, rows in (
        ("Air Segments", AIR, air),
        ("Hotel", HOTEL, hotel),
        ("Rail", RAIL, rail),
    ):
        ws = wb.create_sheet(title)
        for line in _title_rows(title):
            ws.append(list(line))
        ws.append(list(example))
        for changes in rows:
            ws.append(list(row(example, changes).values()))
    return workbook_bytes(wb)


def csv_text(value: object) -> str:
    """A cell as the CSV variant writes it: `DD-MMM-YYYY` dates, `.` decimals."""
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return f"{value.day:02d}-{MONTHS[value.month - 1]}-{value.year}"
    return str(value)


def write_csv(
    path: Path,
    rows: Sequence[Row | None],
    *,
    columns: Sequence[str] = AIR_COLUMNS,
    encoding: str = "cp1252",
    delimiter: str = ";",
    line_end: str = "\r\n",
) -> Path:
    """The `csv_instead_of_xlsx` variant: Air Segments columns, header on line 1."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter, lineterminator=line_end)
    writer.writerow(columns)
    for row_ in rows:
        writer.writerow([] if row_ is None else [csv_text(row_.get(c)) for c in columns])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def load(path: Path, key: bytes, domain: str = "travel") -> dict[str, TableResult]:
    """Detect and read a landed file; every table must keep rows_in = loaded + quarantined."""
    result = dialects.read(path.read_bytes(), path.suffix.lower(), domain, key)
    assert result.dialect.name == "tmc_travel_xlsx"
    for table in result.tables:
        assert_rows_accounted(table)
    return {t.table.name: t for t in result.tables}


def assert_rows_accounted(table: TableResult) -> None:
    quarantined_rows = table.quarantine.get_column("source_row").n_unique()
    assert table.rows_in == table.rows.height + quarantined_rows, (
        f"{table.table.name}: rows_in {table.rows_in} != loaded {table.rows.height} "
        f"+ quarantined {quarantined_rows}"
    )
    loaded = set(table.rows.get_column("_source_row").to_list())
    quarantined = set(table.quarantine.get_column("source_row").to_list())
    assert not loaded & quarantined, f"rows both loaded and quarantined: {loaded & quarantined}"


# The fault matrix's variants: two segments of one ticket, Nairobi - Zürich - São Paulo.
NBO = ("NBO", "Nairobi", "KE")
ZRH = ("ZRH", "Zürich", "CH")
GRU = ("GRU", "São Paulo", "BR")


def air_record(segment: int, origin: tuple, destination: tuple, day: Cell) -> tuple:
    """An Air Segments row as text cells (the fare on segment 1 only)."""
    fare = segment == 1
    return (
        "UNEP-NBO", "OTIENO/JANE MS", "E100234", "CC1200", "Workshop", "QX7LMB",
        "724-2201234567", "", "SALE", day, "LX", str(segment), "LX", "LX", f"LX{290 + segment}",
        *origin, *destination, day, "23:35", day, "Y", "Economy", "YOWKE", "6166", "3831",
        "Long", "920.50" if fare else "", "310.25" if fare else "", "1230.75" if fare else "",
        "USD", "712.4", "1353.6", "DEFRA 2024",
    )  # fmt: skip


TMC_CSV = Export(
    name="tmc_travel_csv", dialect="tmc_travel_xlsx", domain="travel", suffix=".csv",
    table="tmc_air_segments", header=AIR_COLUMNS,
    rows=(
        air_record(1, NBO, ZRH, "05-Mar-2024"),
        air_record(2, ZRH, GRU, "07-Mar-2024"),
    ),
    delimiter=";", encoding="cp1252", key_column="Transaction Type", date_column="Departure Date",
    text_column="Destination City",
)  # fmt: skip
TMC_XLSX = dataclasses.replace(
    TMC_CSV, name="tmc_travel_xlsx", suffix=".xlsx",
    rows=(
        air_record(1, NBO, ZRH, dt.date(2024, 3, 5)),
        air_record(2, ZRH, GRU, dt.date(2024, 3, 7)),
    ),
    delimiter="", encoding="", title_rows=_title_rows("Air Segments"), sheet="Air Segments",
)  # fmt: skip
