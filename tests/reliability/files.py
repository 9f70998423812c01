"""Export files for the reliability fault matrix, written straight from docs/dialects.md.

An `Export` is one variant of one dialect: its header, two clean data rows as the source
system prints them, and how the file is written (suffix, delimiter, encoding, title rows,
sheet). A fault is a change to an `Export` (a header renamed, a row cut short, a blank line,
another encoding), so one fault runs across every dialect it applies to. The JSON and
pipe-delimited dialects have no header row and get their own builders.
"""

import csv
import dataclasses
import datetime as dt
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import polars as pl

from connectors import registry
from connectors.base import Column, header_key
from connectors.validate import TableResult

KEY = b"reliability-pseudonym-key"
Cell = str | float | int | dt.date | None


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
    for record in (*export.title_rows, export.header, *export.rows):
        buffer = io.StringIO()
        csv.writer(buffer, delimiter=export.delimiter, lineterminator="").writerow(
            [text(v) for v in record]
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


def xlsx_bytes(exports: Sequence[Export], title_sheet: Sequence[Sequence[Cell]] = ()) -> bytes:
    """A workbook with one sheet per export; `title_sheet` rows become a leading cover sheet."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    if title_sheet:
        cover = workbook.create_sheet("Cover")
        for row in title_sheet:
            cover.append(list(row))
    for export in exports:
        sheet = workbook.create_sheet(export.sheet)
        for record in (*export.title_rows, export.header, *export.rows):
            sheet.append(list(record))
            for cell in sheet[sheet.max_row]:
                if isinstance(cell.value, dt.date):
                    cell.number_format = "DD-MMM-YYYY"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


TMC_AIR = (
    "Client Account", "Traveller Name", "Employee ID", "Cost Centre", "Trip Purpose",
    "Record Locator", "Ticket Number", "Original Ticket Number", "Transaction Type",
    "Issue Date", "Validating Carrier", "Segment No", "Marketing Carrier", "Operating Carrier",
    "Flight Number", "Origin Airport", "Origin City", "Origin Country", "Destination Airport",
    "Destination City", "Destination Country", "Departure Date", "Departure Time",
    "Arrival Date", "Booking Class", "Cabin", "Fare Basis", "Segment Km", "Segment Miles",
    "Haul", "Ticket Fare", "Ticket Taxes", "Ticket Total", "Currency", "CO2 kg",
    "CO2e kg incl RF", "CO2 Methodology",
)  # fmt: skip
TMC_TITLE = (
    ("Travel Data Report - Air Segments",),
    ("Client: United Nations Environment Programme",),
    ("Period: 01-Jan-2024 to 31-Mar-2024",),
    ("Generated: 02-Apr-2024 06:00",),
    (),
)


def tmc_air_row(segment: int, origin: tuple, destination: tuple, day: Cell) -> tuple:
    return (
        "UNEP-NBO", "OTIENO/JANE MS", "E100234", "CC1200", "Workshop", "QX7LMB",
        "724-2201234567", "", "SALE", day, "LX", str(segment), "LX", "LX", f"LX{290 + segment}",
        *origin, *destination, day, "23:35", day, "Y", "Economy", "YOWKE", "6166", "3831",
        "Long", "920.50" if segment == 1 else "", "310.25" if segment == 1 else "",
        "1230.75" if segment == 1 else "", "USD", "712.4", "1353.6", "DEFRA 2024",
    )  # fmt: skip


NBO = ("NBO", "Nairobi", "KE")
ZRH = ("ZRH", "Zürich", "CH")
GRU = ("GRU", "São Paulo", "BR")

TMC_CSV = Export(
    name="tmc_travel_csv",
    key_column="Transaction Type",
    dialect="tmc_travel_xlsx",
    domain="travel",
    suffix=".csv",
    header=TMC_AIR,
    rows=(
        tmc_air_row(1, NBO, ZRH, "05-Mar-2024"),
        tmc_air_row(2, ZRH, GRU, "07-Mar-2024"),
    ),
    table="tmc_air_segments",
    delimiter=";",
    encoding="cp1252",
    date_column="Departure Date",
    text_column="Destination City",
)
TMC_XLSX = dataclasses.replace(
    TMC_CSV,
    name="tmc_travel_xlsx",
    suffix=".xlsx",
    rows=(
        tmc_air_row(1, NBO, ZRH, dt.date(2024, 3, 5)),
        tmc_air_row(2, ZRH, GRU, dt.date(2024, 3, 7)),
    ),
    title_rows=TMC_TITLE,
    sheet="Air Segments",
    encoding="",
    delimiter="",
)

FUELCARD_HEADER = (
    "Account Number", "Card Number", "Vehicle Registration", "Fleet ID", "Driver Name",
    "Transaction ID", "Transaction Line", "Transaction Date", "Transaction Time", "Site Code",
    "Site Name", "Site City", "Country Code", "Product Code", "Product Name", "Fuel Product",
    "Quantity", "Unit", "Unit Price", "Net Amount", "VAT Amount", "Gross Amount",
    "Transaction Currency", "Invoice Currency", "Exchange Rate", "Odometer", "Credit Debit",
    "Refund Flag", "Original Transaction ID", "Invoice Number", "Posting Date",
)  # fmt: skip


def fuel_row(transaction: str, day: str, litres: str, site_city: str = "Nairobi") -> tuple:
    return (
        "CZ1234567890", "700205******890645", "UN-1234", "V017", "J. OTIENO", transaction, "1",
        day, "08:23:00", "KE004512", "SHELL WESTLANDS", site_city, "KE", "01", "Diesel", "Y",
        litres, "L", "1.6590", "64.65", "10.34", "74.99", "KES", "USD", "0.007634", "125430",
        "D", "N", "", "S04500493", day,
    )  # fmt: skip


FUELCARD = Export(
    name="fuelcard_csv",
    key_column="Quantity",
    dialect="fuelcard_csv",
    domain="fuel",
    suffix=".csv",
    header=FUELCARD_HEADER,
    rows=(fuel_row("T-1001", "02/05/2024", "45.200"), fuel_row("T-1002", "15/05/2024", "38.750")),
    table="fuelcard_transactions",
    date_column="Transaction Date",
    text_column="Site City",
)
FUEL_NUMBERS = (
    "Quantity",
    "Unit Price",
    "Net Amount",
    "VAT Amount",
    "Gross Amount",
    "Exchange Rate",
)


def decimal_comma(number: str) -> str:
    """`1234.500` as the decimal-comma variant prints it: `1.234,500` (`-` stays in front)."""
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    whole, _, fraction = digits.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def comma_variant(export: Export) -> Export:
    """The fuel-card file of a provider printing decimal commas: `;`, cp1252 (D5 variants)."""
    rows = [
        tuple(
            decimal_comma(v) if h in FUEL_NUMBERS else v
            for h, v in zip(export.header, r, strict=True)
        )
        for r in export.rows
    ]
    return dataclasses.replace(
        export, name=f"{export.name}_comma", delimiter=";", encoding="cp1252"
    ).with_rows(rows)


FUELCARD_COMMA = comma_variant(
    FUELCARD.with_rows(
        [fuel_row("T-1001", "02/05/2024", "1234.500"), fuel_row("T-1002", "15/05/2024", "38.750")]
    )
)

REFRIGERANT_HEADER = (
    "Site Code", "Site Name", "Country", "Equipment ID", "Equipment Type", "Refrigerant",
    "Nameplate Charge", "Charge Unit", "Service Date", "Service Type", "Quantity Added",
    "Quantity Recovered", "Quantity Unit", "Leak Check Result", "Technician",
    "Certificate No", "Contractor", "Notes",
)  # fmt: skip
REFRIGERANT = Export(
    name="refrigerant_log_csv",
    key_column="Quantity Added",
    dialect="refrigerant_log_csv",
    domain="refrigerants",
    suffix=".csv",
    header=REFRIGERANT_HEADER,
    rows=(
        (
            "NBO-HQ",
            "Gigiri",
            "KE",
            "AC-001",
            "Split AC",
            "R-410A",
            "2.50",
            "kg",
            "2024-03-05",
            "Top-up",
            "0.40",
            "",
            "kg",
            "",
            "Peter Mwangi",
            "F-GAS-123456",
            "CoolTech",
            "",
        ),
        (
            "NBO-HQ",
            "Gigiri",
            "KE",
            "AC-002",
            "Chiller",
            "R-134a",
            "45.00",
            "kg",
            "2024-06-18",
            "Leak repair",
            "3.20",
            "",
            "kg",
            "Pass",
            "Peter Mwangi",
            "F-GAS-123456",
            "CoolTech",
            "Valve replaced",
        ),
    ),
    table="refrigerant_log",
    date_column="Service Date",
    text_column="Notes",
)

UTILITY_HEADER = (
    "Site Code", "Country", "Supplier", "Account Number", "Meter ID", "Period Start",
    "Period End", "Consumption", "Unit", "Read Type", "Tariff", "Amount", "Currency",
    "Renewable %",
)  # fmt: skip
UTILITY_CSV = Export(
    name="utility_bill_csv",
    key_column="Consumption",
    dialect="utility_bill_json",
    domain="energy",
    suffix=".csv",
    header=UTILITY_HEADER,
    rows=(
        (
            "NBO-GIGIRI-B",
            "KE",
            "Kenya Power",
            "0123456789",
            "14523678",
            "2024-02-15",
            "2024-03-14",
            "15230",
            "kWh",
            "ACTUAL",
            "CI1",
            "152300.00",
            "KES",
            "",
        ),
        (
            "NBO-GIGIRI-B",
            "KE",
            "Kenya Power",
            "0123456789",
            "14523678",
            "2024-03-15",
            "2024-04-14",
            "14870",
            "kWh",
            "ACTUAL",
            "CI1",
            "148700.00",
            "KES",
            "",
        ),
    ),
    table="utility_bill_meters",
    date_column="Period Start",
    text_column="Supplier",
)

ME2N_DE = (
    "Einkaufsbeleg", "Position", "Einkaufsbelegart", "Einkaufsbelegtyp", "Buchungskreis",
    "Einkaufsorganisation", "Einkäufergruppe", "Lieferant/Lieferwerk", "Belegdatum", "Material",
    "Kurztext", "Warengruppe", "Werk", "Lagerort", "Bestellmenge", "Bestellmengeneinheit",
    "Nettopreis", "Währung", "Preiseinheit", "Bestellnettowert", "noch zu liefern (Menge)",
    "noch zu liefern (Wert)", "Löschkennzeichen", "Endlieferung", "Retourenposition",
    "Kontierungstyp", "Positionstyp",
)  # fmt: skip
ME2N_EN = (
    "Purchasing Document", "Item", "Purch. Doc. Type", "Purch. Doc. Category", "Company Code",
    "Purch. Organization", "Purchasing Group", "Supplier/Supplying Plant", "Document Date",
    "Material", "Short Text", "Material Group", "Plant", "Storage Location", "Order Quantity",
    "Order Unit", "Net Price", "Currency", "Price Unit", "Net Order Value",
    "Still to be delivered (qty)", "Still to be delivered (value)", "Deletion Indicator",
    "Delivery Completed", "Returns Item", "Acct Assignment Cat.", "Item Category",
)  # fmt: skip


def me2n_row(item: str, day: str, text_: str, qty: str, unit: str, price: str, value: str,
             returns: str = "") -> tuple:  # fmt: skip
    return (
        "4500012345", item, "NB", "F", "1000", "1000", "021", "100123     Acme Logistics Ltd",
        day, "", text_, "15101505", "KE01", "", qty, unit, price, "USD", "1", value, "", "",
        "", "", returns, "K", "",
    )  # fmt: skip


SAP_DE = Export(
    name="sap_me2n_de",
    key_column="Bestellmenge",
    dialect="sap_me2n_csv",
    domain="procurement",
    suffix=".csv",
    header=ME2N_DE,
    rows=(
        me2n_row(
            "10", "05.03.2024", "Dieselkraftstoff 50ppm", "2.000,000", "L", "1,35", "2.700,00"
        ),
        me2n_row(
            "20", "16.03.2024", "Kopierpapier A4 für Büro", "8,000", "KAR", "154,32", "1.234,56"
        ),
    ),
    table="sap_me2n_items",
    delimiter=";",
    encoding="cp1252",
    date_column="Belegdatum",
    text_column="Kurztext",
)
SAP_EN = dataclasses.replace(
    SAP_DE,
    name="sap_me2n_en",
    header=ME2N_EN,
    key_column="Order Quantity",
    rows=(
        me2n_row("10", "03/05/2024", "Diesel fuel 50ppm", "2,000.000", "L", "1.35", "2,700.00"),
        me2n_row(
            "20", "03/16/2024", "Copy paper A4 for office", "8.000", "BOX", "154.32", "1,234.56"
        ),
    ),
    date_column="Document Date",
    text_column="Short Text",
)
SAP_XLSX = dataclasses.replace(
    SAP_DE,
    name="sap_me2n_xlsx",
    suffix=".xlsx",
    rows=(
        me2n_row("10", dt.date(2024, 3, 5), "Dieselkraftstoff 50ppm", 2000.0, "L", 1.35, 2700.0),
        me2n_row(
            "20", dt.date(2024, 3, 16), "Kopierpapier A4 für Büro", 8.0, "KAR", 154.32, 1234.56
        ),
    ),
    encoding="",
    delimiter="",
)

FUSION = (
    "PRC_BU_NAME", "PO_HEADER_ID", "SEGMENT1", "TYPE_LOOKUP_CODE", "DOCUMENT_STATUS",
    "VENDOR_ID", "VENDOR_NAME", "VENDOR_SITE_CODE", "SUPPLIER_COUNTRY", "CURRENCY_CODE",
    "RATE", "CREATION_DATE", "APPROVED_DATE", "PO_LINE_ID", "LINE_NUM", "LINE_TYPE",
    "ORDER_TYPE_LOOKUP_CODE", "ITEM_NUMBER", "ITEM_DESCRIPTION", "CATEGORY_NAME", "UOM_CODE",
    "QUANTITY", "UNIT_PRICE", "AMOUNT", "QUANTITY_CANCELLED", "LINE_STATUS", "CANCEL_FLAG",
    "CANCEL_DATE", "NEED_BY_DATE", "SHIP_TO_COUNTRY",
)  # fmt: skip


def fusion_row(line: str, description: str, need_by: str, amount: str) -> tuple:
    return (
        "UNDP Procurement BU", "300000123456789", "UNDP1-0001234", "STANDARD", "OPEN",
        "300000045678901", "Acme Solar, S.A.", "NAIROBI", "KE", "USD", "",
        "2024-03-05T14:22:10.000+00:00", "", f"30000012345000{line}", line, "Goods", "QUANTITY",
        "", description, "26111600", "Ea", "2", str(Decimal(amount) / 2), amount, "0", "OPEN",
        "N", "", need_by, "KE",
    )  # fmt: skip


ORACLE_FUSION = Export(
    name="oracle_po_fusion",
    key_column="AMOUNT",
    dialect="oracle_po_lines_csv",
    domain="procurement",
    suffix=".csv",
    header=FUSION,
    rows=(
        fusion_row("1", "Solar PV system 5 kWp, incl. installation", "2024-04-01", "9000.00"),
        fusion_row("2", 'Inverter 5 kW, "hybrid"', "2024-04-15", "2400.00"),
    ),
    table="oracle_po_lines",
    encoding="utf-8-sig",
    date_column="NEED_BY_DATE",
    text_column="ITEM_DESCRIPTION",
)

OTBI = (
    "Procurement BU", "Order", "Supplier", "Supplier Site", "Currency Code", "Creation Date",
    "Line", "Item Description", "Purchasing Category", "UOM", "Quantity", "Price",
    "Ordered Amount", "Canceled Quantity", "Line Status",
)  # fmt: skip
ORACLE_OTBI = Export(
    name="oracle_po_otbi",
    key_column="Ordered Amount",
    dialect="oracle_po_lines_csv",
    domain="procurement",
    suffix=".csv",
    header=OTBI,
    rows=(
        (
            "UNDP Procurement BU",
            "UNDP1-0001234",
            "Acme Solar, S.A.",
            "NAIROBI",
            "USD",
            "03/05/2024",
            "1",
            "Solar PV system 5 kWp, incl. installation",
            "26111600",
            "Ea",
            "2",
            "4,500.00",
            "9,000.00",
            "0",
            "OPEN",
        ),
        (
            "UNDP Procurement BU",
            "UNDP1-0001234",
            "Acme Solar, S.A.",
            "NAIROBI",
            "USD",
            "03/05/2024",
            "2",
            "Inverter 5 kW",
            "26111600",
            "Ea",
            "2",
            "1,200.00",
            "2,400.00",
            "0",
            "OPEN",
        ),
    ),
    table="oracle_po_lines",
    date_column="Creation Date",
    text_column="Item Description",
)

GENERATOR_HEADER = (
    "Date", "Delivery Note No", "Supplier", "Fuel Type", "Quantity Delivered", "Unit",
    "Tank Level Before (%)", "Tank Level After (%)", "Run Hours Start", "Run Hours End",
    "Unit Cost", "Currency", "Total Cost", "Remarks",
)  # fmt: skip
GENERATOR_XLSX = Export(
    name="generator_fuel_log_xlsx",
    key_column="Quantity Delivered",
    dialect="generator_fuel_log_xlsx",
    domain="fuel",
    suffix=".xlsx",
    header=GENERATOR_HEADER,
    rows=(
        (
            "05/03/2024",
            "DN-5512",
            "Total Kenya",
            "Diesel",
            200,
            "L",
            20,
            85,
            1200,
            1262,
            1.45,
            "USD",
            290,
            None,
        ),
        (
            "18/03/2024",
            "DN-5530",
            "Total Kenya",
            "Diesel",
            150,
            "L",
            30,
            80,
            1262,
            1310,
            1.45,
            "USD",
            217.5,
            "Nachgefüllt",
        ),
    ),
    table="generator_fuel_log",
    title_rows=(("Office: UNEP Kampala",), ("Generator ID: GEN-02",), ("Capacity: 60 kVA",), ()),
    sheet="Mar",
    encoding="",
    delimiter="",
    date_column="Date",
    text_column="Remarks",
)

TABULAR = (
    TMC_CSV,
    TMC_XLSX,
    FUELCARD,
    REFRIGERANT,
    UTILITY_CSV,
    SAP_DE,
    SAP_EN,
    SAP_XLSX,
    ORACLE_FUSION,
    ORACLE_OTBI,
    GENERATOR_XLSX,
)
CSV_EXPORTS = tuple(e for e in TABULAR if e.suffix == ".csv")


def utility_document(*periods: tuple[str, str, float], statement: str = "a3f9c2") -> dict:
    """docs/dialects.md D7's example statement, one meter reading per (start, end, kWh)."""
    meters = [
        {
            "meterNumber": "14523678",
            "commodity": "ELECTRIC",
            "tariff": {"code": "CI1", "name": "Commercial & Industrial 1"},
            "periodStart": start,
            "periodEnd": end,
            "readType": "ACTUAL",
            "usages": [
                {"measurementType": "GENERAL_CONSUMPTION", "value": kwh, "unit": "kWh"},
                {"measurementType": "DEMAND", "value": 48.2, "unit": "kW"},
            ],
            "charges": [{"description": "Energy charge", "amount": round(kwh * 10, 2)}],
            "renewablePercent": None,
        }
        for start, end, kwh in periods
    ]
    return {
        "generatedAt": "2024-04-02T06:00:00Z",
        "statements": [
            {
                "statementId": statement,
                "statementType": "BILL",
                "providerName": "Kenya Power",
                "accountNumber": "0123456789",
                "invoiceNumber": f"INV-{statement}",
                "statementDate": periods[-1][1],
                "currency": "KES",
                "totalCharges": round(sum(p[2] for p in periods) * 10, 2),
                "site": {
                    "siteId": "NBO-GIGIRI-B",
                    "name": "UN Gigiri Block B",
                    "city": "Nairobi",
                    "countryCode": "KE",
                },
                "meters": meters,
            }
        ],
    }


UTILITY_JSON = utility_document(("2024-02-15", "2024-03-14", 15230.0))


def json_bytes(document: dict) -> bytes:
    return json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")


CONCUR_DEFAULTS: dict[int, str] = {
    1: "812", 2: "2024-04-02", 4: "E1002345", 5: "Otieno", 6: "Jane", 8: "UNEP",
    18: "R7Q2ZPLM4XK8CV1B9NWT", 19: "5001", 20: "DEFAULT", 21: "USD", 22: "KENYA",
    23: "2024-03-20", 25: "2024-03-28", 26: "Mission Geneva March", 30: "42.5000",
    32: "Travel", 40: "Employee", 61: "REG", 62: "Taxi", 63: "2024-03-11", 64: "USD",
    65: "1.0000", 66: "M", 67: "N", 68: "Taxi airport to hotel", 69: "Taxi Bleu",
    70: "TAXI BLEU GENEVE", 86: "18", 87: "KM", 121: "42.5000", 122: "42.5000", 125: "CASH",
    126: "Cash", 162: "Company", 164: "Employee", 166: "62030", 167: "DR", 168: "+42.5000",
    188: "900002", 189: "100.0000", 323: "2024-03-10", 324: "2024-03-15", 338: "CH",
}  # fmt: skip


def concur_detail(sequence: int, **changes: str) -> list[str]:
    """The 400 fields of a Taxi DETAIL line; `changes` by position (`p68='...'`)."""
    fields = [""] * 400
    fields[0] = "DETAIL"
    values = {**CONCUR_DEFAULTS, 3: str(sequence), 60: str(7000 + sequence),
              169: str(900000 + sequence)}  # fmt: skip
    values.update({int(k[1:]): v for k, v in changes.items()})
    for position, value in values.items():
        fields[position] = value
    return fields


def concur_bytes(details: Sequence[Sequence[str]], encoding: str = "utf-8",
                 newline: str = "\n", count: int | None = None) -> bytes:  # fmt: skip
    """An extract: the EXTRACT line with the count and 4-decimal total, then the lines."""
    total = sum((Decimal(d[168]) for d in details), Decimal(0))
    n = len(details) if count is None else count
    lines = [f"EXTRACT|2024-04-02|{n}|{total:.4f}|812", *("|".join(d) for d in details)]
    return encode(newline.join(lines) + newline, encoding)


CONCUR = concur_bytes([concur_detail(1), concur_detail(2, p63="2024-03-12")])


def read(data: bytes, suffix: str, domain: str) -> registry.FileRead:
    """Detect and read as the loader does; every table must account for every data row."""
    result = registry.read(data, suffix, domain, KEY)
    for table in result.tables:
        assert_accounted(table)
    return result


def read_export(export: Export, data: bytes | None = None) -> TableResult:
    result = read(export.bytes() if data is None else data, export.suffix, export.domain)
    assert result.dialect.name == export.dialect
    (table,) = [t for t in result.tables if t.table.name == export.table]
    return table


def assert_accounted(table: TableResult) -> None:
    """rows_in = loaded + quarantined, and no row both loaded and quarantined."""
    loaded = set(zip(table.rows["_sheet"], table.rows["_source_row"], strict=True))
    quarantined = set(zip(table.quarantine["sheet"], table.quarantine["source_row"], strict=True))
    assert not loaded & quarantined, f"rows both loaded and quarantined: {loaded & quarantined}"
    assert table.rows_in == len(loaded) + len(quarantined), (
        f"{table.table.name}: rows_in {table.rows_in} != {len(loaded)} loaded "
        f"+ {len(quarantined)} quarantined"
    )


def declared(export: Export, header: str) -> Column:
    """The declared column a file header maps to (by its header or one of its aliases)."""
    (table,) = [t for t in registry.DIALECTS[export.dialect].tables if t.name == export.table]
    key = header_key(header)
    return next(c for c in table.columns if key in {header_key(h) for h in (c.header, *c.aliases)})


def values(table: TableResult, export: Export, header: str) -> list:
    """The raw text loaded for a file column, in row order."""
    return table.rows.get_column(declared(export, header).name).to_list()


def quarantine_of(table: TableResult, source_row: int) -> list[dict]:
    return table.quarantine.filter(pl.col("source_row") == source_row).to_dicts()


def first_data_row(export: Export) -> int:
    """The row (line, or sheet row) a person sees the first data row on."""
    return len(export.title_rows) + 2


REGISTRY = """organizations:
  - code: UNEP
    name: United Nations Environment Programme
    country: KE
    currency: USD
    headcount: {2023: 1270, 2024: 1302}
"""


def write_registry(landing: Path) -> Path:
    landing.mkdir(parents=True, exist_ok=True)
    path = landing / "organizations.yaml"
    path.write_text(REGISTRY)
    return path
