"""`tmc_travel_xlsx`: the travel-management company's workbook (docs/dialects.md D4).

Sheets `Air Segments`, `Hotel` and `Rail` after a title preamble, or the `Air Segments`
columns alone in a `;`-delimited cp1252 CSV. Amounts, CO2 columns and ticket numbers stay as
text in raw; staging casts them. The agency's own CO2 columns are kept for the
reconciliation view only, never used as the headline figure.
"""

from itertools import islice

from connectors.base import Column, Dialect, RejectedFile, Table
from connectors.tabular import (
    HEADER_SEARCH_ROWS,
    csv_header_problem,
    find_header,
    header_matches,
    missing_message,
    open_workbook,
    read_csv_text,
    read_sheet,
    sheet_rows,
)
from connectors.validate import TableResult, validate

TRANSACTION_TYPES = ("SALE", "EXCHANGE", "REFUND", "VOID")
FLOWN = ("SALE", "EXCHANGE")
# Every sheet opens with the client account and who travelled (pseudonymised at load).
TRAVELLER = (
    Column("Client Account", required=True),
    Column("Traveller Name", personal="pseudonymise"),
    Column("Employee ID", personal="pseudonymise"),
)

AIR = Table(
    name="tmc_air_segments",
    sheet="Air Segments",
    description="One row per flight coupon (segment) sold, exchanged, refunded or voided.",
    columns=(
        *TRAVELLER,
        Column("Cost Centre"),
        Column("Trip Purpose"),
        Column("Record Locator"),
        Column("Ticket Number", "ticket"),
        Column("Original Ticket Number", "ticket"),
        Column("Transaction Type", "enum", required=True, values=TRANSACTION_TYPES),
        Column("Issue Date", "date", required=True),
        Column("Validating Carrier"),
        Column("Segment No", "int"),
        Column("Marketing Carrier"),
        Column("Operating Carrier"),
        Column("Flight Number"),
        Column("Origin Airport"),
        Column("Origin City"),
        Column("Origin Country"),
        Column("Destination Airport"),
        Column("Destination City"),
        Column("Destination Country"),
        Column("Departure Date", "date", required_when=("transaction_type", FLOWN)),
        Column("Departure Time"),
        Column("Arrival Date", "date"),
        Column("Booking Class"),
        Column("Cabin"),
        Column("Fare Basis"),
        Column("Segment Km", "decimal"),
        Column("Segment Miles", "decimal"),
        Column("Haul"),
        Column("Ticket Fare", "decimal"),
        Column("Ticket Taxes", "decimal"),
        Column("Ticket Total", "decimal"),
        Column("Currency"),
        Column("CO2 kg", "decimal"),
        Column("CO2e kg incl RF", "decimal"),
        Column("CO2 Methodology"),
    ),
)

HOTEL = Table(
    name="tmc_hotel",
    sheet="Hotel",
    description="One row per hotel booking.",
    columns=(
        *TRAVELLER,
        Column("Record Locator"),
        Column("Hotel Chain"),
        Column("Hotel Name"),
        Column("Hotel City"),
        Column("Hotel Country"),
        Column("Check-in Date", "date", required=True),
        Column("Check-out Date", "date"),
        Column("Room Nights", "decimal"),
        Column("Rooms", "int"),
        Column("Nightly Rate", "decimal"),
        Column("Currency"),
        Column("Total Amount", "decimal"),
        Column(
            "Booking Status", "enum", required=True, values=("CONFIRMED", "CANCELLED", "NO-SHOW")
        ),
        Column("Booking Channel"),
    ),
)

RAIL = Table(
    name="tmc_rail",
    sheet="Rail",
    description="One row per rail ticket sold, exchanged, refunded or voided.",
    columns=(
        *TRAVELLER,
        Column("Ticket Number"),
        Column("Transaction Type", "enum", required=True, values=TRANSACTION_TYPES),
        Column("Issue Date", "date", required=True),
        Column("Rail Carrier"),
        Column("Origin Station"),
        Column("Destination Station"),
        Column("Origin Country"),
        Column("Destination Country"),
        Column("Travel Date", "date", required_when=("transaction_type", FLOWN)),
        Column("Class"),
        Column("Distance Km", "decimal"),
        Column("Amount", "decimal"),
        Column("Currency"),
        Column("CO2 kg", "decimal"),
    ),
)

DIALECT = Dialect(
    name="tmc_travel_xlsx",
    domain="travel",
    tables=(AIR, HOTEL, RAIL),
    extensions=(".xlsx", ".csv"),
    description="Travel-agency workbook (Air Segments, Hotel, Rail) or its Air Segments CSV.",
    date_formats=("%Y-%m-%d", "%d-%b-%Y"),
    options={"csv_table": "tmc_air_segments"},
)


def sheet_for(workbook, table: Table):
    """The sheet named as in the document, else the sheet holding the table's header.

    Two sheets holding one table's header are refused: only one of them would be read.
    """
    holding = [
        ws
        for ws in workbook.worksheets
        if find_header(list(islice(sheet_rows(ws), HEADER_SEARCH_ROWS)), table) is not None
    ]
    if len(holding) > 1:
        names = ", ".join(repr(ws.title) for ws in holding)
        raise RejectedFile(
            f"sheets {names} each hold the {table.sheet} columns: only one would be read; "
            f"put all {table.sheet} rows in one sheet"
        )
    by_name = {ws.title.strip().lower(): ws for ws in workbook.worksheets}
    named = by_name.get((table.sheet or "").lower())
    if named is not None:
        return named
    return holding[0] if holding else None


def nearest_sheet_message(workbook) -> str:
    """Which sheet came closest to which table, and the columns it lacks."""
    best = (-1, "the workbook has no sheets")
    for ws in workbook.worksheets:
        head = list(islice(sheet_rows(ws), HEADER_SEARCH_ROWS))
        for table in DIALECT.tables:
            score = max((header_matches(r, table)[0] for r in head), default=0)
            if score > best[0]:
                best = (score, f"sheet {ws.title!r}: {missing_message(head, table)}")
    return best[1]


def detect(data: bytes, suffix: str) -> str | None:
    """None when the file is this dialect, else what it lacks (for the rejection message)."""
    if suffix == ".csv":
        return csv_header_problem(data, AIR)
    if suffix == ".xlsx":
        workbook = open_workbook(data)
        try:
            if any(sheet_for(workbook, t) is not None for t in DIALECT.tables):
                return None
            return nearest_sheet_message(workbook)
        finally:
            workbook.close()
    return f"{DIALECT.name} reads .xlsx or .csv, not {suffix}"


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    if suffix == ".csv":
        return [validate(read_csv_text(data, AIR), AIR, DIALECT, key)]
    workbook = open_workbook(data)
    try:
        results = []
        for table in DIALECT.tables:
            ws = sheet_for(workbook, table)
            if ws is None:
                continue
            text = read_sheet(ws, table)
            if text is None:
                head = list(islice(sheet_rows(ws), HEADER_SEARCH_ROWS))
                raise RejectedFile(f"sheet {ws.title!r}: {missing_message(head, table)}")
            results.append(validate(text, table, DIALECT, key))
        return results
    finally:
        workbook.close()
