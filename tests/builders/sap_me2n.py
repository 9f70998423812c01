"""D1 `sap_me2n_csv`: SAP's ME2N purchase-order list (docs/dialects.md D1).

The builders print the same purchase-order lines the way each export variant does (German or
English logon, list download or spreadsheet), so a test can read one line from several files
and compare; the vendor list (LFA1) beside them.
"""

import csv
import dataclasses
import datetime as dt
import io
from pathlib import Path

import openpyxl

from samples.sap_me2n import HEADER_DE, HEADER_EN, VENDOR_HEADER
from tests.builders.common import Export, encode

ME2N_DE = HEADER_DE
ME2N_EN = HEADER_EN
LFA1_DE = VENDOR_HEADER["de"]

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
    return encode(buffer.getvalue(), encoding)


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


# The fault matrix's variants: two lines of one order as each variant prints them.
def item_record(item: str, day: object, text_: str, qty: object, unit: str, price: object,
                value: object, returns: str = "") -> tuple:  # fmt: skip
    return (
        "4500012345", item, "NB", "F", "1000", "1000", "021", "100123     Acme Logistics Ltd",
        day, "", text_, "15101505", "KE01", "", qty, unit, price, "USD", "1", value, "", "",
        "", "", returns, "K", "",
    )  # fmt: skip


SAP_DE = Export(
    name="sap_me2n_de", dialect="sap_me2n_csv", domain="procurement", suffix=".csv",
    table="sap_me2n_items", header=ME2N_DE,
    rows=(
        item_record(
            "10", "05.03.2024", "Dieselkraftstoff 50ppm", "2.000,000", "L", "1,35", "2.700,00"
        ),
        item_record(
            "20", "16.03.2024", "Kopierpapier A4 für Büro", "8,000", "KAR", "154,32", "1.234,56"
        ),
    ),
    delimiter=";", encoding="cp1252", key_column="Bestellmenge", date_column="Belegdatum",
    text_column="Kurztext",
)  # fmt: skip
SAP_EN = dataclasses.replace(
    SAP_DE, name="sap_me2n_en", header=ME2N_EN,
    rows=(
        item_record("10", "03/05/2024", "Diesel fuel 50ppm", "2,000.000", "L", "1.35", "2,700.00"),
        item_record(
            "20", "03/16/2024", "Copy paper A4 for office", "8.000", "BOX", "154.32", "1,234.56"
        ),
    ),
    key_column="Order Quantity", date_column="Document Date", text_column="Short Text",
)  # fmt: skip
SAP_XLSX = dataclasses.replace(
    SAP_DE, name="sap_me2n_xlsx", suffix=".xlsx",
    rows=(
        item_record("10", dt.date(2024, 3, 5), "Dieselkraftstoff 50ppm", 2000.0, "L", 1.35, 2700.0),
        item_record(
            "20", dt.date(2024, 3, 16), "Kopierpapier A4 für Büro", 8.0, "KAR", 154.32, 1234.56
        ),
    ),
    delimiter="", encoding="",
)  # fmt: skip
