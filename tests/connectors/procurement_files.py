"""D1 `sap_me2n_csv` and D2 `oracle_po_lines_csv` files written straight from docs/dialects.md.

The builders print the same purchase-order lines the way each export variant does (German
or English logon, spreadsheet, Fusion, EBS or OTBI display), so a test can read one line
from several files and compare. `build_marts` runs the real loaders and the dbt models on a
landing folder, for the tests that need the marts.
"""

import csv
import datetime as dt
import io
import os
import subprocess
import sys
from pathlib import Path

import openpyxl

from connectors import registry
from connectors.validate import TableResult

ROOT = Path(__file__).resolve().parents[2]

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
LFA1_DE = ("Kreditor", "Land", "Name 1", "Ort", "Postleitzahl", "Straße")

# PO lines as the system holds them: (document, item, vendor number, vendor name, date,
# text DE, text EN, material group, quantity, unit DE, unit EN, price, currency, price
# unit, value, deletion, returns, category).
LINES = (
    ("4500012345", 10, "100123", "Acme Logistics Ltd", dt.date(2024, 3, 5),
     "Dieselkraftstoff 50ppm", "Diesel fuel 50ppm", "15101505", "2000", "L", "L", "1.35",
     "USD", 1, "2700.00", "", "", "F"),
    ("4500012345", 20, "100123", "Acme Logistics Ltd", dt.date(2024, 3, 5),
     "Kopierpapier A4 FSC Recycling", "Copy paper A4 FSC recycled", "14111507", "8", "KAR",
     "BOX", "154.32", "EUR", 1, "1234.56", "", "X", "F"),
    ("4500012346", 10, "200456", "Nairobi Office Supplies", dt.date(2024, 3, 16),
     "Notebook 14 Zoll EPEAT", "Laptop 14in EPEAT", "43211503", "2", "ST", "PC", "850.00",
     "EUR", 1, "1700.00", "", "", "F"),
    ("4500012346", 20, "200456", "Nairobi Office Supplies", dt.date(2024, 3, 16),
     "Notebook storniert", "Laptop cancelled", "43211503", "1", "ST", "PC", "850.00", "EUR",
     1, "850.00", "L", "", "F"),
    ("4500012347", 10, "300789", "Savanna Motors", dt.date(2024, 6, 30),
     "Reifen 265/70R16", "Tyre 265/70R16", "25172504", "8", "ST", "PC", "210.00", "CHF", 1,
     "1680.00", "S", "", "F"),
    ("4500012348", 10, "300789", "Savanna Motors", dt.date(2024, 7, 1),
     "Rahmenvertrag Reifen", "Tyre contract", "25172504", "100", "ST", "PC", "200.00", "USD",
     1, "20000.00", "", "", "K"),
)  # fmt: skip


def number(text: str, decimals: int, lang: str) -> str:
    """SAP list formatting: grouping, decimal separator of the logon, trailing minus."""
    value = float(text)
    out = f"{abs(value):,.{decimals}f}"
    if lang == "de":
        out = out.replace(",", "_").replace(".", ",").replace("_", ".")
    return out + ("-" if value < 0 else "")


def me2n_row(line: tuple, lang: str, negative_return: bool = False) -> list[str]:
    (doc, item, vendor, name, day, text_de, text_en, group, qty, unit_de, unit_en, price,
     currency, per, value, deletion, returns, category) = line  # fmt: skip
    if returns and negative_return:
        value = "-" + value
    return [
        doc,
        str(item),
        "NB" if category == "F" else "MK",
        category,
        "1000",
        "1000",
        "021",
        f"{vendor:<10} {name}",
        day.strftime("%d.%m.%Y" if lang == "de" else "%m/%d/%Y"),
        "",
        text_de if lang == "de" else text_en,
        group,
        "KE01",
        "",
        number(qty, 3, lang),
        unit_de if lang == "de" else unit_en,
        number(price, 2, lang),
        currency,
        str(per),
        number(value, 2, lang),
        number("0", 3, lang),
        number("0", 2, lang),
        deletion,
        "",
        returns,
        "K",
        "",
    ]


def me2n_csv(
    lines=LINES,
    lang: str = "de",
    *,
    delimiter: str = ";",
    encoding: str = "cp1252",
    preamble: list[str] | None = None,
    header: list[str] | None = None,
    extra_rows: list[tuple[int, list[str]]] = (),
    negative_return: bool = False,
) -> bytes:
    """An ME2N list download: `;`, cp1252, CRLF, header on line 1 (D1 clean profile)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    for line in preamble or []:
        buffer.write(line + "\r\n")
    writer.writerow(header or (ME2N_DE if lang == "de" else ME2N_EN))
    rows = [me2n_row(line, lang, negative_return) for line in lines]
    for position, row in sorted(extra_rows, key=lambda e: -e[0]):
        rows.insert(position, row)
    writer.writerows(rows)
    text = buffer.getvalue()
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode(encoding)


def me2n_xlsx(path: Path, lines=LINES, lang: str = "de", serial_dates: bool = False) -> Path:
    """The spreadsheet export: number cells, date cells (or serial integers, `General`)."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "Sheet1"
    sheet.append(list(ME2N_DE if lang == "de" else ME2N_EN))
    for line in lines:
        row: list = me2n_row(line, lang)
        day = line[4]
        row[8] = (day - dt.date(1899, 12, 30)).days if serial_dates else day
        for index, source in ((14, line[8]), (16, line[11]), (19, line[14])):
            row[index] = float(source)
        row[18] = line[13]
        row[20] = row[21] = 0
        sheet.append([c if c != "" else None for c in row])
        if not serial_dates:
            sheet.cell(sheet.max_row, 9).number_format = "DD.MM.YYYY"
    workbook.save(path)
    return path


def lfa1_csv(vendors: list[tuple[str, str, str]], pad: bool = True) -> bytes:
    """The vendor list: Kreditor zero-padded to 10 (clean profile), country, name, address."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(LFA1_DE)
    for number_, country, name in vendors:
        writer.writerow([number_.zfill(10) if pad else number_, country, name, "Nairobi",
                         "00100", "Moi Avenue 12"])  # fmt: skip
    return buffer.getvalue().encode("cp1252")


FUSION = (
    "PRC_BU_NAME", "PO_HEADER_ID", "SEGMENT1", "TYPE_LOOKUP_CODE", "DOCUMENT_STATUS",
    "VENDOR_ID", "VENDOR_NAME", "VENDOR_SITE_CODE", "SUPPLIER_COUNTRY", "CURRENCY_CODE",
    "RATE", "CREATION_DATE", "APPROVED_DATE", "PO_LINE_ID", "LINE_NUM", "LINE_TYPE",
    "ORDER_TYPE_LOOKUP_CODE", "ITEM_NUMBER", "ITEM_DESCRIPTION", "CATEGORY_NAME", "UOM_CODE",
    "QUANTITY", "UNIT_PRICE", "AMOUNT", "QUANTITY_CANCELLED", "LINE_STATUS", "CANCEL_FLAG",
    "CANCEL_DATE", "NEED_BY_DATE", "SHIP_TO_COUNTRY",
)  # fmt: skip
OTBI = (
    "Procurement BU", "Order", "Supplier", "Supplier Site", "Currency Code", "Creation Date",
    "Line", "Item Description", "Purchasing Category", "UOM", "Quantity", "Price",
    "Ordered Amount", "Canceled Quantity", "Line Status",
)  # fmt: skip


def fusion_line(**changes) -> dict:
    """A clean Fusion PO line (docs/dialects.md D2 examples)."""
    line = {
        "PRC_BU_NAME": "UNDP Procurement BU",
        "PO_HEADER_ID": "300000123456789",
        "SEGMENT1": "UNDP1-0001234",
        "TYPE_LOOKUP_CODE": "STANDARD",
        "DOCUMENT_STATUS": "OPEN",
        "VENDOR_ID": "300000045678901",
        "VENDOR_NAME": "Acme Solar, S.A.",
        "VENDOR_SITE_CODE": "NAIROBI",
        "SUPPLIER_COUNTRY": "KE",
        "CURRENCY_CODE": "USD",
        "RATE": "",
        "CREATION_DATE": "2024-03-05T14:22:10.000+00:00",
        "APPROVED_DATE": "",
        "PO_LINE_ID": "300000123450001",
        "LINE_NUM": "1",
        "LINE_TYPE": "Goods",
        "ORDER_TYPE_LOOKUP_CODE": "QUANTITY",
        "ITEM_NUMBER": "",
        "ITEM_DESCRIPTION": "Solar PV system 5 kWp, incl. installation",
        "CATEGORY_NAME": "26111600",
        "UOM_CODE": "Ea",
        "QUANTITY": "2",
        "UNIT_PRICE": "4500.00",
        "AMOUNT": "9000.00",
        "QUANTITY_CANCELLED": "0",
        "LINE_STATUS": "OPEN",
        "CANCEL_FLAG": "N",
        "CANCEL_DATE": "",
        "NEED_BY_DATE": "2024-04-01",
        "SHIP_TO_COUNTRY": "KE",
    }
    unknown = set(changes) - set(line)
    if unknown:
        raise KeyError(f"not a D2 column: {sorted(unknown)}")
    return line | changes


def fusion_csv(rows: list[dict], delimiter: str = ",", bom: bool = True) -> bytes:
    """UTF-8 with BOM, CRLF, RFC 4180 quoting (D2 clean profile)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(FUSION)
    writer.writerows([row[c] for c in FUSION] for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def ebs_csv(rows: list[dict]) -> bytes:
    """EBS: OPERATING_UNIT, UNIT_MEAS_LOOKUP_CODE, AUTHORIZATION_STATUS + CLOSED_CODE, DD-MON-YY."""
    renames = {"PRC_BU_NAME": "OPERATING_UNIT", "UOM_CODE": "UNIT_MEAS_LOOKUP_CODE"}
    columns = [c for c in FUSION if c != "DOCUMENT_STATUS"]
    columns[4:4] = ["AUTHORIZATION_STATUS", "CLOSED_CODE"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([renames.get(c, c) for c in columns])
    for row in rows:
        row = {"AUTHORIZATION_STATUS": "APPROVED", "CLOSED_CODE": "OPEN", **row}
        writer.writerow([ebs_value(c, row[c]) for c in columns])
    return buffer.getvalue().encode("utf-8")


def ebs_value(column: str, value: str) -> str:
    if column.endswith("_DATE") and value:
        return dt.date.fromisoformat(value[:10]).strftime("%d-%b-%y").upper()
    if column == "UOM_CODE":
        return {"Ea": "Each", "LTR": "Litre"}.get(value, value)
    return value


def otbi_csv(rows: list[dict]) -> bytes:
    """OTBI analysis download: display headers, MM/DD/YYYY, amounts `"9,000.00"`."""
    mapping = dict(zip(OTBI, ("PRC_BU_NAME", "SEGMENT1", "VENDOR_NAME", "VENDOR_SITE_CODE",
                              "CURRENCY_CODE", "CREATION_DATE", "LINE_NUM",
                              "ITEM_DESCRIPTION", "CATEGORY_NAME", "UOM_CODE", "QUANTITY",
                              "UNIT_PRICE", "AMOUNT", "QUANTITY_CANCELLED", "LINE_STATUS"),
                       strict=True))  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OTBI)
    for row in rows:
        out = []
        for column in mapping.values():
            value = row[column]
            if column == "CREATION_DATE":
                value = dt.date.fromisoformat(value[:10]).strftime("%m/%d/%Y")
            elif column in ("UNIT_PRICE", "AMOUNT"):
                value = f"{float(value):,.2f}"
            out.append(value)
        writer.writerow(out)
    return buffer.getvalue().encode("utf-8")


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    """Detect and read as the pipeline does; every file's rows must reconcile."""
    result = registry.read(data, suffix, "procurement", key)
    for table in result.tables:
        quarantined = table.quarantine.get_column("source_row").n_unique()
        assert table.rows_in == table.rows.height + quarantined
    return result.tables


REGISTRY = """organizations:
{entries}
"""


def write_landing(landing: Path, files: dict[str, bytes], orgs: list[str]) -> Path:
    """`landing/<org>/procurement/<file>` and a registry naming `orgs`."""
    entries = "\n".join(
        f"  - {{code: {org}, name: {org} test, country: KE, currency: USD, "
        f"headcount: {{2024: 100}}}}"
        for org in orgs
    )
    landing.mkdir(parents=True, exist_ok=True)
    (landing / "organizations.yaml").write_text(REGISTRY.format(entries=entries))
    for relative, data in files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return landing


def build_marts(root: Path, landing: Path, select: str | None = None) -> Path:
    """Load `landing` with the real assets and build every dbt model and data test (or only
    those of the dbt `select` expression, to keep a test that needs one mart quick).

    Returns the working database. Runs in a subprocess so the environment (landing,
    warehouse, key) is the one a nightly run would have.
    """
    env = {
        **os.environ,
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(root / "wh" / "greenblue.duckdb"),
        "GREENBLUE_PSEUDONYM_KEY": "procurement-test-key",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    load = (
        "import dagster as dg\n"
        "from pipelines.assets import RAW_ASSETS, airports, currency_rates, factor_library,"
        " landing, places, success_stories\n"
        "from pipelines.resources import GreenblueResource\n"
        "result = dg.materialize([landing, *RAW_ASSETS, factor_library, airports, places,"
        " currency_rates, success_stories], resources={'greenblue': GreenblueResource()})\n"
        "assert result.success\n"
    )
    subprocess.run([sys.executable, "-c", load], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    work_db = root / "wh" / ".work" / "greenblue.duckdb"
    dbt = Path(sys.executable).with_name("dbt")
    done = subprocess.run(
        [
            str(dbt), "build", "--project-dir", str(ROOT / "dbt_project"),
            "--profiles-dir", str(ROOT / "dbt_project"),
            "--target-path", str(root / "dbt_target"), "--log-path", str(root / "dbt_logs"),
            "--exclude", "test_type:unit",
            *(["--select", select, "--indirect-selection", "cautious"] if select else []),
        ],
        env={**env, "GREENBLUE_WORK_DB": str(work_db)},
        cwd=ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout[-4000:]
    return work_db
