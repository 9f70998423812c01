"""Fault-matrix family 9: random mixes of good and bad rows keep every row invariant.

Files in seven dialects (travel-agency CSV, fuel card, SAP ME2N, Oracle PO, Concur SAE,
utility bill JSON, refrigerant log) are written straight from docs/dialects.md, each data row
either good or carrying one defect in a known column. Read by the connector
(`connectors.dialects.read`) and loaded into a DuckDB file (`manifest.plan` +
`load_pending`), every file keeps these guarantees:
- rows_in = rows loaded + rows quarantined, and rows_in counts every data row written;
- every row with a defect is quarantined, with an entry naming the defective column (under
  its declared header or an alias) and a reason;
- every good row is loaded, each of its (non-personal) cells as its original text;
- source row numbers are unique and complete: each data row is loaded or quarantined, once;
- bad rows never change how the good rows of their file are read (connector level: the file
  without its bad rows loads the same good rows, with the same file-level readings).
"""

import csv
import datetime as dt
import io
import json
import re
import string
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import duckdb
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from connectors import dialects
from connectors.base import Column, Table, header_key
from connectors.landing import scan
from connectors.organizations import load_registry
from pipelines import database, manifest, raw_load
from tests.builders import fuelcard, refrigerant_log, tmc_travel
from tests.builders.common import encode
from tests.builders.concur_sae import DEFAULTS as CONCUR_DEFAULTS
from tests.builders.concur_sae import detail, extract, line
from tests.builders.oracle_po import FUSION, fusion_line
from tests.builders.sap_me2n import ME2N_DE, ME2N_EN
from tests.builders.tmc_travel import AIR_COLUMNS, csv_text

KEY = b"property-test-pseudonym-key"
ORG = "UNEP"
REGISTRY = f"""organizations:
  - code: {ORG}
    name: United Nations Environment Programme
    country: KE
    currency: USD
    headcount: {{2024: 1302}}
"""

PROPERTY = settings(
    max_examples=30,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@dataclass
class Sample:
    """One generated file and what each of its data rows must become."""

    name: str
    domain: str
    data: bytes
    table: Table
    good: dict[int, dict[str, str | None]]  # source row -> raw column -> text it must hold
    bad: dict[int, set[str]]  # source row -> names the quarantine may give its bad column
    clean: bytes  # the same file with its bad rows left out

    @property
    def suffix(self) -> str:
        return Path(self.name).suffix

    @property
    def rows(self) -> int:
        return len(self.good) + len(self.bad)


@dataclass
class Outcome:
    """What a reader or the warehouse made of one file, in one shape for both."""

    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    loaded: list[dict]  # raw rows, with _source_row
    quarantine: list[dict]  # source_row, column_name, reason


# --- declarations ---------------------------------------------------------------------------


def declared(table: Table, header: str) -> Column:
    """The declared column a file header maps to (by header or alias)."""
    key = header_key(header)
    return next(c for c in table.columns if key in {header_key(n) for n in (c.header, *c.aliases)})


def names_of(column: Column) -> set[str]:
    return {column.header, *column.aliases}


def raw_table(dialect: str, name: str) -> Table:
    return next(t for t in dialects.DIALECTS[dialect].tables if t.name == name)


# --- value strategies -----------------------------------------------------------------------

DATES = st.dates(dt.date(2000, 1, 1), dt.date(2035, 12, 31))
# Encodable in cp1252, and no run of their cp1252 bytes is valid UTF-8: the sniff is certain.
LATIN = string.ascii_letters + string.digits + " .,;:'\"()/&-éüÖß"


def free_text(alphabet: str = LATIN, max_size: int = 18) -> st.SearchStrategy[str]:
    """Text a person typed: punctuation, delimiters, quotes, accents, edge spaces."""
    return st.text(alphabet=alphabet, min_size=1, max_size=max_size).filter(str.strip)


def decimal_text(places: int, low: int = -9999, high: int = 99999) -> st.SearchStrategy[str]:
    return st.decimals(low, high, places=places, allow_nan=False, allow_infinity=False).map(
        lambda d: f"{d:.{places}f}"
    )


def cased(values: tuple[str, ...]) -> st.SearchStrategy[str]:
    """An enumeration value as people write it: upper, lower or title case."""
    case = st.sampled_from([str.upper, str.lower, str.title])
    return st.tuples(st.sampled_from(values), case).map(lambda p: p[1](p[0]))


Defect = tuple[str, st.SearchStrategy[dict[str, str]]]
Defects = dict[str, st.SearchStrategy[dict[str, str]]]


def bad(header: str, *values: str) -> Defect:
    """A defect in `header`: one of `values` written in it."""
    return header, st.sampled_from(values).map(lambda v: {header: v})


def bad_with(header: str, values: tuple[str, ...], **context: str) -> Defect:
    """A defect in `header` that is one only beside other cells (`context`, by header)."""
    others = {k.replace("_", " "): v for k, v in context.items()}
    return header, st.sampled_from(values).map(lambda v: {header: v} | others)


def defects(*pairs: Defect) -> Defects:
    """Defects grouped by the column the quarantine must name."""
    grouped: dict[str, list] = {}
    for header, strategy in pairs:
        grouped.setdefault(header, []).append(strategy)
    return {header: st.one_of(strategies) for header, strategies in grouped.items()}


@st.composite
def mixed_rows(
    draw,
    good_row: st.SearchStrategy[dict[str, str]],
    defects: Defects,
    max_rows: int,
) -> list[tuple[dict[str, str], str | None]]:
    """Rows of cells, each good (None) or broken in the named column."""
    rows = []
    for _ in range(draw(st.integers(0, max_rows))):
        cells = draw(good_row)
        column = draw(st.none() | st.sampled_from(sorted(defects)))
        if column is not None:
            cells = cells | draw(defects[column])
        rows.append((cells, column))
    return rows


def tabular_sample(
    name: str,
    dialect: str,
    table: str,
    rows: list[tuple[dict[str, str], str | None]],
    write: Callable[[list[dict[str, str]]], bytes],
    first_row: int,
) -> Sample:
    """The file `write` makes of the rows, and what each row must become by its declared
    columns."""
    declaration = raw_table(dialect, table)
    good, broken = {}, {}
    for number, (cells, column) in enumerate(rows, start=first_row):
        if column is not None:
            broken[number] = names_of(declared(declaration, column))
            continue
        expected = {}
        for header, text in cells.items():
            col = declared(declaration, header)
            if not col.personal:
                expected[col.name] = text if text.strip() else None
        good[number] = expected
    data = write([cells for cells, _ in rows])
    clean = write([cells for cells, column in rows if column is None])
    domain = dialects.DIALECTS[dialect].domain
    return Sample(name, domain, data, declaration, good, broken, clean)


def delimited(
    header: list[str], delimiter: str, encoding: str, file_header: list[str] | None = None
) -> Callable[[list[dict[str, str]]], bytes]:
    """A writer of CRLF, RFC 4180 files: the header (`file_header` if the file names the
    columns otherwise), then the cells of each row in header order."""

    def write(rows: list[dict[str, str]]) -> bytes:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerow(file_header or header)
        writer.writerows([cells[h] for h in header] for cells in rows)
        return encode(buffer.getvalue(), encoding)

    return write


# --- D4 travel-agency CSV (Air Segments columns, `;`, cp1252, DD-MMM-YYYY) ---------------------

AIR = AIR_COLUMNS
# The dialect document's example row as the CSV variant prints it.
AIR_EXAMPLE = {header: csv_text(value) for header, value in tmc_travel.AIR.items()}


@st.composite
def air_row(draw) -> dict[str, str]:
    return AIR_EXAMPLE | {
        "Traveller Name": draw(st.sampled_from(["OTIENO/JANE MS", "MÜLLER/JÖRG MR", ""])),
        "Trip Purpose": draw(free_text()),
        "Ticket Number": draw(st.sampled_from(["220-1234567890", "0556876458431", ""])),
        "Transaction Type": draw(cased(("SALE", "EXCHANGE", "REFUND", "VOID"))),
        "Issue Date": csv_text(draw(DATES)),
        "Segment No": str(draw(st.integers(1, 8))),
        "Departure Date": csv_text(draw(DATES)),
        "Arrival Date": draw(st.just("") | DATES.map(csv_text)),
        "Ticket Fare": draw(decimal_text(2)),
        "Segment Km": draw(st.just("") | st.integers(50, 20000).map(str)),
    }


AIR_DEFECTS = defects(
    bad("Client Account", "", "   "),
    bad("Transaction Type", "SOLD", "R", ""),
    bad("Issue Date", "31-Feb-2024", "2024-13-01", "05.03.2024", ""),
    bad_with("Departure Date", ("", "30-Feb-2024"), Transaction_Type="SALE"),
    bad("Arrival Date", "32-Jan-2024", "soon"),
    bad("Segment No", "1a", "2.5"),
    bad("Ticket Number", "2.20123E+12", "ABC-123"),
    bad("Ticket Fare", "12,50", "USD 12"),
    bad("Segment Km", "far", "6.331,0"),
)


@st.composite
def tmc_csv(draw, max_rows: int = 10) -> Sample:
    rows = draw(mixed_rows(air_row(), AIR_DEFECTS, max_rows))
    write = delimited(AIR, ";", "cp1252")
    name = "AmexGBT_UNEP_TravelData_202403.csv"
    return tabular_sample(name, "tmc_travel_xlsx", "tmc_air_segments", rows, write, 2)


# --- D5 fuel card ---------------------------------------------------------------------------

FUEL = fuelcard.HEADER
FUEL_EXAMPLE = fuelcard.EXAMPLE
FUEL_NUMBERS = ("Quantity", "Unit Price", "Net Amount", "VAT Amount", "Gross Amount")


def fuel_date(day: dt.date, shell_api: bool) -> str:
    return day.strftime("%Y%m%d" if shell_api else "%d/%m/%Y")


@st.composite
def fuel_row(draw, comma: bool) -> dict[str, str]:
    fuel = draw(st.booleans())
    row = FUEL_EXAMPLE | {
        "Card Number": draw(st.sampled_from(["700205******890645", "[7002051006629890645]"])),
        "Transaction ID": draw(st.text(string.ascii_letters + string.digits, min_size=6,
                                       max_size=22)),
        "Transaction Line": str(draw(st.integers(1, 9))),
        "Transaction Date": fuel_date(draw(DATES), draw(st.booleans())),
        "Site Name": draw(free_text()),
        "Product Name": "Diesel" if fuel else draw(st.sampled_from(["Car Wash", "Toll", "AdBlue"])),
        "Fuel Product": draw(cased(("Y",))) if fuel else "N",
        "Quantity": draw(decimal_text(3)),
        "Unit": draw(cased(("L", "USG", "IGAL", "KG", "KWH"))) if fuel else draw(
            st.sampled_from(["", "L"])),
        "Unit Price": draw(decimal_text(4, 0, 9)),
        "Credit Debit": draw(cased(("D", "C"))),
        "Refund Flag": draw(st.sampled_from(["Y", "N", ""])),
        "Posting Date": draw(st.just("") | DATES.map(lambda d: fuel_date(d, False))),
    }  # fmt: skip
    if comma:
        row |= {h: row[h].replace(".", ",") for h in (*FUEL_NUMBERS, "Exchange Rate")}
    return row


FUEL_DEFECTS = defects(
    bad("Account Number", ""),
    bad("Transaction ID", ""),
    bad("Transaction Line", "1.5", "one"),
    bad("Transaction Date", "31/02/2024", "02/13/2024", "yesterday", ""),
    bad("Country Code", ""),
    bad("Product Name", ""),
    bad("Fuel Product", "maybe", ""),
    bad("Quantity", "n/a", "1.2.3", ""),
    bad_with("Unit", ("", "gallons"), Fuel_Product="Y"),
    bad("Credit Debit", "X", ""),
    bad("Refund Flag", "Maybe"),
    bad("Posting Date", "soon", "30/02/2024"),
    bad("Exchange Rate", "abc"),
)


@st.composite
def fuelcard_csv(draw, max_rows: int = 10) -> Sample:
    comma = draw(st.booleans())
    delimiter = draw(st.sampled_from([";", "\t"] if comma else [",", ";", "\t"]))
    rows = draw(mixed_rows(fuel_row(comma), FUEL_DEFECTS, max_rows))
    write = delimited(FUEL, delimiter, draw(st.sampled_from(["utf-8", "cp1252"])))
    name = "ShellFleet_CZ1234567890_20240505.csv"
    return tabular_sample(name, "fuelcard_csv", "fuelcard_transactions", rows, write, 2)


# --- D8 refrigerant log ---------------------------------------------------------------------

REFRIGERANT = refrigerant_log.HEADER
REFRIGERANT_EXAMPLE = refrigerant_log.SERVICE
SERVICES = ("Installation", "Top-up", "Leak repair", "Recovery", "Disposal", "Leak check")


@st.composite
def refrigerant_row(draw) -> dict[str, str]:
    day = draw(DATES)
    recovered = draw(st.just("") | decimal_text(2, 0, 50))
    added = draw(decimal_text(2, 0 if recovered else -50, 50) | st.just(""))
    return REFRIGERANT_EXAMPLE | {
        "Equipment ID": draw(st.text(string.ascii_uppercase + string.digits + "-", min_size=1,
                                     max_size=8)),
        "Refrigerant": draw(st.sampled_from(["R-410A", "R410a", "HFC-410A", "Puron", "Freon 22"])),
        "Service Date": day.strftime(draw(st.sampled_from(["%Y-%m-%d", "%d/%m/%Y"]))),
        "Service Type": draw(cased(SERVICES)),
        "Quantity Added": added,
        "Quantity Recovered": recovered,
        "Quantity Unit": draw(st.sampled_from(["kg", "lb", "g", "KG", ""])),
        "Leak Check Result": draw(st.sampled_from(["", "Pass", "FAIL"])),
        "Technician": draw(st.sampled_from(["Peter Mwangi", "Zoë Ndlovu", ""])),
        "Notes": draw(st.just("") | free_text()),
    }  # fmt: skip


REFRIGERANT_DEFECTS = defects(
    bad("Site Code", ""),
    bad("Equipment ID", ""),
    bad("Refrigerant", ""),
    bad("Service Date", "2024-02-30", "05.03.2024", ""),
    bad("Service Type", "Refill", ""),
    bad_with("Nameplate Charge", ("", "2,5 kg"), Service_Type="Disposal"),
    bad("Charge Unit", "tons"),
    bad("Quantity Added", "full", "0,4"),
    bad_with("Quantity Added", ("-0.50",), Quantity_Recovered="0.50"),
    bad("Quantity Recovered", "some"),
    bad("Quantity Unit", "oz"),
    bad("Leak Check Result", "OK"),
)


@st.composite
def refrigerant_csv(draw, max_rows: int = 10) -> Sample:
    rows = draw(mixed_rows(refrigerant_row(), REFRIGERANT_DEFECTS, max_rows))
    write = delimited(REFRIGERANT, ",", draw(st.sampled_from(["utf-8", "cp1252"])))
    name = "Refrigerant_Log_UNEP_2024.csv"
    return tabular_sample(name, "refrigerant_log_csv", "refrigerant_log", rows, write, 2)


# --- D1 SAP ME2N (German or English logon) --------------------------------------------------

SAP_DATE = {"de": "%d.%m.%Y", "en": "%m/%d/%Y"}


def sap_number(value: Decimal, places: int, lang: str) -> str:
    """An ALV list number: grouping, the logon's decimal separator, trailing minus."""
    text = f"{abs(value):,.{places}f}"
    if lang == "de":
        text = text.translate(str.maketrans(",.", ".,"))
    return text + ("-" if value < 0 else "")


@st.composite
def me2n_row(draw, lang: str) -> dict[str, str]:
    quantity = draw(st.decimals("0.001", "99999", places=3))
    price = draw(st.decimals("0.01", "9999.99", places=2))
    per = draw(st.sampled_from([1, 10, 100]))
    value = (quantity * price / per).quantize(Decimal("0.01"))
    returns = draw(st.sampled_from(["", "X"]))
    if returns and draw(st.booleans()):
        value = -value
    vendor = draw(st.integers(1, 9_999_999))
    cells = [
        f"45{draw(st.integers(0, 99_999_999)):08d}", str(10 * draw(st.integers(1, 99))), "NB",
        draw(st.sampled_from(["F", "K", "L"])), "1000", "1000", "021",
        f"{vendor:<10} {draw(st.sampled_from(['Acme Logistics Ltd', 'Nairobi Office']))}",
        draw(DATES).strftime(SAP_DATE[lang]), "", draw(free_text(max_size=30)), "15101505",
        "KE01", "", sap_number(quantity, 3, lang), draw(st.sampled_from(["L", "ST", "KG"])),
        sap_number(price, 2, lang), draw(st.sampled_from(["USD", "EUR"])), str(per),
        sap_number(value, 2, lang), sap_number(Decimal(0), 3, lang),
        sap_number(Decimal(0), 2, lang), draw(st.sampled_from(["", "L", "S"])),
        draw(st.sampled_from(["", "X"])), returns, "K", "",
    ]  # fmt: skip
    return dict(zip(ME2N_DE, cells, strict=True))


def me2n_defects(lang: str) -> Defects:
    def n(text: str, places: int) -> str:
        return sap_number(Decimal(text), places, lang)

    dates = ("31.02.2024", "2024-13-01") if lang == "de" else ("02/30/2024", "13/13/2024")
    return defects(
        bad("Einkaufsbeleg", ""),
        bad("Position", "10a", n("1.5", 1)),
        bad("Einkaufsbelegtyp", "Z"),
        bad("Lieferant/Lieferwerk", ""),
        bad("Belegdatum", "", *dates),
        bad("Bestellmenge", "zwei", "1,2,3" if lang == "de" else "1.2.3"),
        bad("Nettopreis", "abc", "1,35,0" if lang == "de" else "1.35.0"),
        bad("Währung", ""),
        bad("Preiseinheit", "eins"),
        bad("Bestellnettowert", "abc"),
        bad_with(
            "Bestellnettowert",
            (n("2705", 2), n("27.00", 2)),
            Bestellmenge=n("2000", 3),
            Nettopreis=n("1.35", 2),
            Preiseinheit="1",
        ),
        bad("Löschkennzeichen", "Q", "X"),
        bad("Endlieferung", "Y"),
        bad("Retourenposition", "R"),
    )


@st.composite
def sap_me2n(draw, max_rows: int = 10) -> Sample:
    lang = draw(st.sampled_from(["de", "en"]))
    rows = draw(mixed_rows(me2n_row(lang), me2n_defects(lang), max_rows))
    suffix, delimiter = draw(st.sampled_from([(".csv", ";"), (".txt", "\t")]))
    encoding = draw(st.sampled_from(["cp1252", "utf-8-sig"]))
    write = delimited(ME2N_DE, delimiter, encoding, ME2N_DE if lang == "de" else ME2N_EN)
    name = f"ME2N_1000_20240331{suffix}"
    return tabular_sample(name, "sap_me2n_csv", "sap_me2n_items", rows, write, 2)


# --- D2 Oracle Fusion PO lines ----------------------------------------------------------------

FUSION_EXAMPLE = fusion_line()
DESCRIPTION = LATIN + "\n’€"


def stamp(day: dt.date) -> str:
    return f"{day.isoformat()}T14:22:10.000+00:00"


@st.composite
def fusion_row(draw) -> dict[str, str]:
    return FUSION_EXAMPLE | {
        "SEGMENT1": f"UNDP1-{draw(st.integers(0, 9_999_999)):07d}",
        "TYPE_LOOKUP_CODE": draw(cased(("STANDARD", "BLANKET", "CONTRACT"))),
        "DOCUMENT_STATUS": draw(st.sampled_from(["OPEN", "CLOSED", "FINALLY CLOSED", "CANCELED"])),
        "VENDOR_NAME": draw(free_text(DESCRIPTION)),
        "CREATION_DATE": stamp(draw(DATES)),
        "APPROVED_DATE": draw(st.just("") | DATES.map(stamp)),
        "LINE_NUM": str(draw(st.integers(1, 999))),
        "ITEM_DESCRIPTION": draw(free_text(DESCRIPTION, max_size=20)),
        "QUANTITY": draw(decimal_text(2, 0, 9999)),
        "UNIT_PRICE": draw(decimal_text(2, 0, 99999)),
        "AMOUNT": draw(decimal_text(2, -99999, 999999)),
        "CANCEL_FLAG": draw(st.sampled_from(["Y", "N", ""])),
        "NEED_BY_DATE": draw(DATES).isoformat(),
    }  # fmt: skip


FUSION_DEFECTS = defects(
    bad("PRC_BU_NAME", ""),
    bad("PO_HEADER_ID", "30000012345678A"),
    bad("SEGMENT1", ""),
    bad("TYPE_LOOKUP_CODE", "SPOT"),
    bad("DOCUMENT_STATUS", "DRAFT"),
    bad("VENDOR_ID", "V-1"),
    bad("CURRENCY_CODE", ""),
    bad("CREATION_DATE", "", "2024-02-30T14:22:10.000+00:00", "next week"),
    bad("LINE_NUM", "", "1.0", "one"),
    bad("QUANTITY", "two"),
    bad("UNIT_PRICE", "4.500,00"),
    bad("AMOUNT", "", "9000,00", "USD 9000"),
    bad("CANCEL_FLAG", "X"),
    bad("NEED_BY_DATE", "2024-04-31"),
)


@st.composite
def oracle_po(draw, max_rows: int = 10) -> Sample:
    rows = draw(mixed_rows(fusion_row(), FUSION_DEFECTS, max_rows))
    delimiter = draw(st.sampled_from([",", ";"]))
    write = delimited(FUSION, delimiter, draw(st.sampled_from(["utf-8-sig", "utf-8"])))
    name = "PO_Lines_UNDP_20240331.csv"
    return tabular_sample(name, "oracle_po_lines_csv", "oracle_po_lines", rows, write, 2)


# --- D3 Concur SAE ----------------------------------------------------------------------------

CONCUR = {
    "Batch ID": 1, "Batch Date": 2, "Sequence Number": 3, "Employee ID": 4, "Last Name": 5,
    "First Name": 6, "Employee Group": 8, "Report Key": 19, "Reimbursement Currency": 21,
    "Report Submit Date": 23, "Entry Key": 60, "Entry Transaction Type": 61,
    "Expense Type Name": 62, "Transaction Date": 63, "Spend Currency": 64, "Exchange Rate": 65,
    "Is Personal": 67, "Entry Description": 68, "Vendor Name": 69, "Vendor Description": 70,
    "Transaction Amount": 121, "Posted Amount": 122, "Payment Type Code": 125,
    "Journal Debit Credit": 167, "Journal Amount": 168, "Allocation Pct": 189,
    "Entry Location Country": 338,
}  # fmt: skip
CONCUR_EXAMPLE = {header: CONCUR_DEFAULTS[position] for header, position in CONCUR.items()}
JOURNAL = r"^[+-]\d+\.\d{4}$"


@st.composite
def concur_row(draw) -> dict[str, str]:
    amount = draw(st.decimals("-9999", "99999", places=4))
    return CONCUR_EXAMPLE | {
        "Sequence Number": str(draw(st.integers(1, 999))),
        "Employee ID": draw(st.sampled_from(["E1002345", "E1009876", ""])),
        "Expense Type Name": draw(st.sampled_from(["Airfare", "Hotel", "Taxi", "Meals", "Train"])),
        "Transaction Date": draw(DATES).isoformat(),
        "Is Personal": draw(st.sampled_from(["Y", "N", "", "y"])),
        "Entry Description": draw(free_text(LATIN + "|’")),
        "Vendor Description": draw(free_text(LATIN + "|")),
        "Journal Debit Credit": draw(cased(("DR", "CR"))),
        "Journal Amount": f"{amount:+.4f}",
        "Allocation Pct": draw(st.sampled_from(["100.0000", "50.0000", ""])),
    }  # fmt: skip


CONCUR_DEFECTS = defects(
    bad("Batch ID", ""),
    bad("Batch Date", "", "2024-13-01", "02.04.2024"),
    bad("Sequence Number", "1a"),
    bad("Report Submit Date", "2024-02-31"),
    bad("Transaction Date", "2024-02-30", "11/03/2024"),
    bad("Exchange Rate", "1,0"),
    bad("Is Personal", "maybe"),
    bad("Journal Debit Credit", "XX"),
    bad("Journal Amount", "", "abc", "12,5000"),
    bad("Allocation Pct", "50%"),
)


def concur_line(cells: dict[str, str]) -> str:
    """A DETAIL line as Concur writes it: a field holding `|` or `"` quoted."""
    fields = detail({position: None for position in CONCUR_DEFAULTS})
    for header, position in CONCUR.items():
        fields[position] = cells[header]
    return line(fields, quote=[i for i, v in enumerate(fields) if "|" in v or '"' in v])


@st.composite
def concur_sae(draw, max_rows: int = 10) -> Sample:
    rows = draw(mixed_rows(concur_row(), CONCUR_DEFECTS, max_rows))
    newline = draw(st.sampled_from(["\n", "\r\n"]))

    def write(details: list[dict[str, str]]) -> bytes:
        """The EXTRACT line with the count and the total of the amounts that are numbers."""
        amounts = [c["Journal Amount"] for c in details]
        total = sum((Decimal(a) for a in amounts if re.match(JOURNAL, a)), start=Decimal(0))
        lines = [concur_line(cells) for cells in details]
        return extract(lines, total=f"{total:.4f}", newline=newline)

    name = "extract_CES_SAE_v3_p0021920cpta_20240404043035.txt"
    return tabular_sample(name, "concur_sae_pipe", "concur_sae_detail", rows, write, 2)


# --- D7 utility statements (JSON, one raw row per meter) ---------------------------------------

STATEMENT_DEFECTS = defects(
    bad("Supplier", ""),
    bad("Account Number", ""),
    bad("Statement Type", "INVOICE"),
    bad("Statement Date", "2024-02-31"),
    bad("Country", ""),
    bad("Total Charges", "184,532.40"),
)
METER_DEFECTS = defects(
    bad("Meter ID", ""),
    bad("Commodity", "GAS"),
    bad("Period Start", "", "2024-02-30"),
    bad("Period End", "15/13/2024"),
    bad("Read Type", "GUESSED"),
    bad("Unit", "gallons"),
    bad("Usages JSON", "n/a"),
    bad("Renewable %", "high"),
)
STATEMENT_FIELDS = {
    "Statement Type": "statement_type", "Supplier": "supplier",
    "Account Number": "account_number", "Statement Date": "statement_date",
    "Country": "country", "Site Code": "site_code",
}  # fmt: skip
METER_FIELDS = {
    "Meter ID": "meter_id", "Commodity": "commodity", "Period Start": "period_start",
    "Period End": "period_end", "Read Type": "read_type", "Unit": "unit",
}  # fmt: skip


@st.composite
def statement_cells(draw) -> dict[str, str]:
    return {
        "Statement Type": draw(st.sampled_from(["BILL", "ADJUSTMENT", "NOTICE", "PREPAID"])),
        "Supplier": draw(free_text(DESCRIPTION.replace("\n", ""))),
        "Account Number": f"{draw(st.integers(0, 10**10 - 1)):010d}",
        "Statement Date": draw(DATES).isoformat(),
        "Country": draw(st.sampled_from(["KE", "CH", "TH"])),
        "Site Code": draw(st.sampled_from(["NBO-GIGIRI-B", "GVA-PDN", "BKK-UNCC"])),
        "Total Charges": "184532.40",
    }


@st.composite
def meter_cells(draw) -> dict[str, str]:
    start = draw(DATES)
    return {
        "Meter ID": str(draw(st.integers(1, 10**9))),
        "Commodity": draw(st.sampled_from(["ELECTRIC", "NATURAL_GAS", "DISTRICT_HEAT"])),
        "Period Start": start.isoformat(),
        "Period End": (start + dt.timedelta(days=draw(st.integers(0, 62)))).isoformat(),
        "Read Type": draw(st.sampled_from(["ACTUAL", "ESTIMATED"])),
        "Unit": draw(st.sampled_from(["kWh", "MWh", "m3", "therm"])),
        "Usages JSON": str(draw(st.decimals("0", "999999", places=1))),
        "Renewable %": draw(st.sampled_from(["", "35.5"])),
    }


def statement_json(cells: dict[str, str], meters: list[dict[str, str]]) -> dict:
    def value(text: str) -> str | None:
        return text or None

    return {
        "statementId": cells["Account Number"] + cells["Statement Date"],
        "statementType": value(cells["Statement Type"]),
        "providerName": value(cells["Supplier"]),
        "accountNumber": value(cells["Account Number"]),
        "statementDate": value(cells["Statement Date"]),
        "currency": "KES",
        "totalCharges": cells["Total Charges"],
        "site": {"siteId": cells["Site Code"], "countryCode": value(cells["Country"])},
        "meters": [meter_json(m) for m in meters],
    }


def meter_json(cells: dict[str, str]) -> dict:
    usage = cells["Usages JSON"]
    return {
        "meterNumber": cells["Meter ID"] or None,
        "commodity": cells["Commodity"],
        "tariff": {"code": "CI1", "name": "Commercial & Industrial 1"},
        "periodStart": cells["Period Start"] or None,
        "periodEnd": cells["Period End"] or None,
        "readType": cells["Read Type"],
        "usages": [
            {"measurementType": "GENERAL_CONSUMPTION", "value": usage, "unit": cells["Unit"]},
            {"measurementType": "DEMAND", "value": 48.2, "unit": "kW"},
        ],
        "charges": [{"description": "Energy charge", "amount": 152300.00}],
        "renewablePercent": cells["Renewable %"] or None,
    }


@st.composite
def utility_json(draw, max_rows: int = 10) -> Sample:
    """Statements of one to three meters; a statement's defect breaks all of its meters."""
    table = raw_table("utility_bill_json", "utility_bill_meters")
    statements, good, broken = [], {}, {}
    wanted = draw(st.integers(0, max_rows))
    while len(good) + len(broken) < wanted:
        cells = draw(statement_cells())
        statement_defect = draw(st.none() | st.sampled_from(sorted(STATEMENT_DEFECTS)))
        if statement_defect:
            cells |= draw(STATEMENT_DEFECTS[statement_defect])
        meters = []
        for _ in range(draw(st.integers(1, 3))):
            meter = draw(meter_cells())
            meter_defect = draw(st.none() | st.sampled_from(sorted(METER_DEFECTS)))
            if meter_defect:
                meter |= draw(METER_DEFECTS[meter_defect])
            row = len(good) + len(broken) + 1
            defect = statement_defect or meter_defect
            if defect:
                broken[row] = names_of(declared(table, defect))
            else:
                expected = {STATEMENT_FIELDS[h]: v or None for h, v in cells.items()
                            if h in STATEMENT_FIELDS}  # fmt: skip
                good[row] = expected | {METER_FIELDS[h]: meter[h] for h in METER_FIELDS}
            meters.append((meter, defect is None))
        statements.append((cells, meters))
    ascii_only = draw(st.booleans())

    def write(keep_bad: bool) -> bytes:
        kept = [(c, [m for m, ok in meters if ok or keep_bad]) for c, meters in statements]
        document = {
            "generatedAt": "2024-04-02T06:00:00Z",
            "statements": [statement_json(c, meters) for c, meters in kept if meters],
        }
        return json.dumps(document, ensure_ascii=ascii_only).encode("utf-8")

    name = "utility_statements_20240402.json"
    return Sample(name, "energy", write(True), table, good, broken, write(False))


# --- the invariants -----------------------------------------------------------------------------

FILES: dict[str, Callable[..., st.SearchStrategy[Sample]]] = {
    "tmc_travel_csv": tmc_csv,
    "fuelcard_csv": fuelcard_csv,
    "sap_me2n": sap_me2n,
    "oracle_po_fusion": oracle_po,
    "concur_sae": concur_sae,
    "utility_bill_json": utility_json,
    "refrigerant_log": refrigerant_csv,
}


def read_outcome(sample: Sample) -> Outcome:
    result = dialects.read(sample.data, sample.suffix, sample.domain, KEY)
    (table,) = [t for t in result.tables if t.table.name == sample.table.name]
    others = [t.table.name for t in result.tables if t is not table and t.rows_in]
    assert not others, f"{sample.name}: rows read into {others}"
    quarantine = table.quarantine.to_dicts()
    return Outcome(
        rows_in=table.rows_in,
        rows_loaded=table.rows.height,
        rows_quarantined=len({(q["sheet"], q["source_row"]) for q in quarantine}),
        loaded=table.rows.to_dicts(),
        quarantine=quarantine,
    )


def dicts(con: duckdb.DuckDBPyConnection, sql: str, params: list) -> list[dict]:
    cursor = con.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def warehouse_outcome(con: duckdb.DuckDBPyConnection, sample: Sample) -> Outcome:
    (manifest,) = dicts(
        con,
        "select * from ops.file_manifest where relative_path = ?",
        [f"{ORG}/{sample.domain}/{sample.name}"],
    )
    assert manifest["status"] == "loaded", manifest["message"]
    file_id = manifest["file_id"]
    return Outcome(
        rows_in=manifest["rows_in"],
        rows_loaded=manifest["rows_loaded"],
        rows_quarantined=manifest["rows_quarantined"],
        loaded=dicts(con, f"select * from raw.{sample.table.name} where _file_id = ?", [file_id]),
        quarantine=dicts(con, "select * from ops.quarantine where file_id = ?", [file_id]),
    )


def assert_invariants(sample: Sample, outcome: Outcome) -> None:
    where = sample.name
    entries: dict[int, list[dict]] = {}
    for q in outcome.quarantine:
        entries.setdefault(q["source_row"], []).append(q)
    loaded = [r["_source_row"] for r in outcome.loaded]

    assert outcome.rows_in == sample.rows, f"{where}: {outcome.rows_in} rows counted"
    assert outcome.rows_in == outcome.rows_loaded + outcome.rows_quarantined, where
    assert len(loaded) == len(set(loaded)) == outcome.rows_loaded, f"{where}: {loaded}"
    assert len(entries) == outcome.rows_quarantined, where
    for row in sample.good:
        assert row in loaded, f"{where}: good row {row} not loaded: {entries.get(row)}"
    assert set(loaded) == set(sample.good), f"{where}: loaded {sorted(loaded)}"
    assert set(entries) == set(sample.bad), f"{where}: quarantined {sorted(entries)}"
    for row, names in sample.bad.items():
        assert any(q["column_name"] in names and q["reason"].strip() for q in entries[row]), (
            f"{where}, row {row}: no entry names {sorted(names)}: {entries[row]}"
        )
    by_row = {r["_source_row"]: r for r in outcome.loaded}
    for row, cells in sample.good.items():
        kept = {column: by_row[row][column] for column in cells}
        assert kept == cells, f"{where}, row {row}: not the original text"


LOCATORS = ("_source_row", "json_path")  # where a row sits, which leaving rows out changes


def good_rows_as_read(data: bytes, sample: Sample) -> list[dict]:
    result = dialects.read(data, sample.suffix, sample.domain, KEY)
    (table,) = [t for t in result.tables if t.table.name == sample.table.name]
    return table.rows.drop(LOCATORS, strict=False).to_dicts()


@pytest.mark.parametrize("kind", sorted(FILES))
@settings(PROPERTY, max_examples=40)
@given(data=st.data())
def test_every_row_is_loaded_as_written_or_quarantined_with_its_column(kind, data):
    sample = data.draw(FILES[kind](), label="file")
    assert_invariants(sample, read_outcome(sample))
    assert good_rows_as_read(sample.data, sample) == good_rows_as_read(sample.clean, sample), (
        "bad rows changed how the good rows of the file were read"
    )


def test_a_date_that_is_no_date_in_either_order_does_not_decide_how_a_file_is_read():
    """One `13/13/2024` used to make an English ME2N list day-first: its good rows with a
    day above 12 went to quarantine and `03/05/2024` silently became 3 May."""
    row = dict(zip(ME2N_DE, [
        "4500012345", "10", "NB", "F", "1000", "1000", "021", "100123     Acme Logistics Ltd",
        "03/05/2024", "", "Diesel fuel 50ppm", "15101505", "KE01", "", "2,000.000", "L", "1.35",
        "USD", "1", "2,700.00", "0.000", "0.00", "", "", "", "K", "",
    ], strict=True))  # fmt: skip
    rows = [
        (row | {"Belegdatum": "13/13/2024"}, "Belegdatum"),
        (row | {"Belegdatum": "03/25/2024"}, None),
        (row | {"Belegdatum": "03/05/2024"}, None),
    ]
    write = delimited(ME2N_DE, ";", "cp1252", ME2N_EN)
    sample = tabular_sample("ME2N_1000.csv", "sap_me2n_csv", "sap_me2n_items", rows, write, 2)

    assert_invariants(sample, read_outcome(sample))
    assert good_rows_as_read(sample.data, sample) == good_rows_as_read(sample.clean, sample)
    assert {r["export_date_order"] for r in good_rows_as_read(sample.data, sample)} == {"mdy"}


def load_landing(root: Path, samples: tuple[Sample, ...]) -> duckdb.DuckDBPyConnection:
    """The samples as one organization's landing folder, planned and loaded into DuckDB."""
    landing = root / "landing"
    for sample in samples:
        path = landing / ORG / sample.domain / sample.name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(sample.data)
    orgs = landing / "organizations.yaml"
    orgs.write_text(REGISTRY)
    files = scan(landing, orgs, load_registry(orgs))
    con = database.connect(root / "work" / "greenblue.duckdb")
    database.ensure_schema(con)
    manifest.plan(con, files, "property-run", log=lambda _: None)
    for dialect in dialects.DIALECTS:
        raw_load.load_pending(con, landing, dialect, KEY, "property-run", log=lambda _: None)
    return con


@settings(PROPERTY, max_examples=10)
@given(samples=st.tuples(*(FILES[kind](max_rows=6) for kind in sorted(FILES))))
def test_every_row_of_a_mixed_landing_is_in_raw_or_quarantine_once(samples):
    with tempfile.TemporaryDirectory() as tmp:
        con = load_landing(Path(tmp), samples)
        try:
            for sample in samples:
                assert_invariants(sample, warehouse_outcome(con, sample))
        finally:
            con.close()
