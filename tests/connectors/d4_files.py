"""D4 `tmc_travel_xlsx` files written straight from docs/dialects.md, for connector tests.

Workbooks are written with openpyxl and CSV files with the csv module, the way any other
tool following docs/dialects.md would write them: preamble rows 1-4, a blank row 5, the header
in row 6 and data from row 7 (XLSX); `;`, cp1252, CRLF and `DD-MMM-YYYY` dates (CSV).
"""

import csv
import datetime as dt
import io
from collections.abc import Mapping, Sequence
from pathlib import Path

import openpyxl
from openpyxl.utils.datetime import CALENDAR_MAC_1904

from connectors import registry
from connectors.validate import TableResult

AIR_COLUMNS = (
    "Client Account",
    "Traveller Name",
    "Employee ID",
    "Cost Centre",
    "Trip Purpose",
    "Record Locator",
    "Ticket Number",
    "Original Ticket Number",
    "Transaction Type",
    "Issue Date",
    "Validating Carrier",
    "Segment No",
    "Marketing Carrier",
    "Operating Carrier",
    "Flight Number",
    "Origin Airport",
    "Origin City",
    "Origin Country",
    "Destination Airport",
    "Destination City",
    "Destination Country",
    "Departure Date",
    "Departure Time",
    "Arrival Date",
    "Booking Class",
    "Cabin",
    "Fare Basis",
    "Segment Km",
    "Segment Miles",
    "Haul",
    "Ticket Fare",
    "Ticket Taxes",
    "Ticket Total",
    "Currency",
    "CO2 kg",
    "CO2e kg incl RF",
    "CO2 Methodology",
)
HOTEL_COLUMNS = (
    "Client Account",
    "Traveller Name",
    "Employee ID",
    "Record Locator",
    "Hotel Chain",
    "Hotel Name",
    "Hotel City",
    "Hotel Country",
    "Check-in Date",
    "Check-out Date",
    "Room Nights",
    "Rooms",
    "Nightly Rate",
    "Currency",
    "Total Amount",
    "Booking Status",
    "Booking Channel",
)
RAIL_COLUMNS = (
    "Client Account",
    "Traveller Name",
    "Employee ID",
    "Ticket Number",
    "Transaction Type",
    "Issue Date",
    "Rail Carrier",
    "Origin Station",
    "Destination Station",
    "Origin Country",
    "Destination Country",
    "Travel Date",
    "Class",
    "Distance Km",
    "Amount",
    "Currency",
    "CO2 kg",
)
COLUMNS = {"Air Segments": AIR_COLUMNS, "Hotel": HOTEL_COLUMNS, "Rail": RAIL_COLUMNS}
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
DATE_DISPLAY = "DD-MMM-YYYY"

Row = Mapping[str, object]


def _row(columns: Sequence[str], defaults: dict, changes: dict) -> dict:
    unknown = set(changes) - set(columns)
    if unknown:
        raise KeyError(f"not a D4 column: {sorted(unknown)}")
    return defaults | changes


def air_row(**changes: object) -> dict:
    """Segment 1 of a clean SALE, Nairobi to Zürich; keyword names use `_` for spaces."""
    defaults = {
        "Client Account": "UNEP-NBO",
        "Traveller Name": "OTIENO/JANE MS",
        "Employee ID": "E100234",
        "Cost Centre": "CC1200",
        "Trip Purpose": "Workshop",
        "Record Locator": "QX7LMB",
        "Ticket Number": "724-2201234567",
        "Original Ticket Number": None,
        "Transaction Type": "SALE",
        "Issue Date": dt.date(2024, 2, 20),
        "Validating Carrier": "LX",
        "Segment No": 1,
        "Marketing Carrier": "LX",
        "Operating Carrier": "LX",
        "Flight Number": "LX295",
        "Origin Airport": "NBO",
        "Origin City": "Nairobi",
        "Origin Country": "KE",
        "Destination Airport": "ZRH",
        "Destination City": "Zürich",
        "Destination Country": "CH",
        "Departure Date": dt.date(2024, 3, 5),
        "Departure Time": "23:35",
        "Arrival Date": dt.date(2024, 3, 6),
        "Booking Class": "Y",
        "Cabin": "Economy",
        "Fare Basis": "YOWKE",
        "Segment Km": 6166,
        "Segment Miles": 3831,
        "Haul": "Long",
        "Ticket Fare": 920.5,
        "Ticket Taxes": 310.25,
        "Ticket Total": 1230.75,
        "Currency": "USD",
        "CO2 kg": 712.4,
        "CO2e kg incl RF": 1353.6,
        "CO2 Methodology": "DEFRA 2024",
    }
    return _row(AIR_COLUMNS, defaults, _headers(changes))


def hotel_row(**changes: object) -> dict:
    defaults = {
        "Client Account": "UNEP-NBO",
        "Traveller Name": "OTIENO/JANE MS",
        "Employee ID": "E100234",
        "Record Locator": "QX7LMB",
        "Hotel Chain": "IHG",
        "Hotel Name": "Crowne Plaza Zurich",
        "Hotel City": "Zürich",
        "Hotel Country": "CH",
        "Check-in Date": dt.date(2024, 3, 6),
        "Check-out Date": dt.date(2024, 3, 9),
        "Room Nights": 3,
        "Rooms": 1,
        "Nightly Rate": 245.5,
        "Currency": "CHF",
        "Total Amount": 736.5,
        "Booking Status": "Confirmed",
        "Booking Channel": "Online",
    }
    return _row(HOTEL_COLUMNS, defaults, _headers(changes))


def rail_row(**changes: object) -> dict:
    defaults = {
        "Client Account": "UNEP-NBO",
        "Traveller Name": "OTIENO/JANE MS",
        "Employee ID": "E100234",
        "Ticket Number": "SBB-88123",
        "Transaction Type": "SALE",
        "Issue Date": dt.date(2024, 3, 1),
        "Rail Carrier": "SBB",
        "Origin Station": "Zürich HB",
        "Destination Station": "Genève",
        "Origin Country": "CH",
        "Destination Country": "CH",
        "Travel Date": dt.date(2024, 3, 9),
        "Class": "2nd",
        "Distance Km": 277,
        "Amount": 89.0,
        "Currency": "CHF",
        "CO2 kg": 2.1,
    }
    return _row(RAIL_COLUMNS, defaults, _headers(changes))


def _headers(changes: dict) -> dict:
    """Keyword names to headers: `Ticket_Number` -> `Ticket Number`, `Check_in_Date` ->
    `Check-in Date`."""
    headers = {}
    for name, value in changes.items():
        header = name.replace("_", " ").replace("Check in", "Check-in")
        headers[header.replace("Check out", "Check-out")] = value
    return headers


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
            ws.append([f"Travel Data Report - {title}"])
            ws.append(["Client: United Nations Environment Programme"])
            ws.append(["Period: 01-Jan-2024 to 31-Mar-2024"])
            ws.append(["Generated: 02-Apr-2024 06:00"])
            ws.append([])
        ws.append(header)
        for row in rows:
            ws.append([] if row is None else [row.get(h) for h in header])
            if row is not None:
                for cell in ws[ws.max_row]:
                    if isinstance(cell.value, dt.date):
                        cell.number_format = DATE_DISPLAY
    wb.save(path)
    return path


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
    for row in rows:
        writer.writerow([] if row is None else [csv_text(row.get(c)) for c in columns])
    path.write_bytes(out.getvalue().encode(encoding))
    return path


def load(path: Path, key: bytes, domain: str = "travel") -> dict[str, TableResult]:
    """Detect and read a landed file; every table must keep rows_in = loaded + quarantined."""
    result = registry.read(path.read_bytes(), path.suffix.lower(), domain, key)
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
