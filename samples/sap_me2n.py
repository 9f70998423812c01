"""D1 `sap_me2n_csv`: quarterly SAP ME2N exports and the LFA1 vendor list of one organisation.

Orders are simulated in `procurement.py`; this module prints them as SAP does: German logon
by default (cp1252, `;`, `1.234,56-`, `DD.MM.YYYY`), English logon (`1,234.56-`,
`MM/DD/YYYY`) or the spreadsheet export, with every quirk switch of docs/dialects.md D1.

Quirk scopes: per file (`preamble_title_rows`, `group_subtotal_rows`,
`duplicate_header_names`, `utf8_bom`, `tab_delimited_txt`, `leading_zeros_stripped`,
`unconverted_list`, `wrapped_header`, `date_as_serial`, and the variants `sap_header_lang_en`
and `sap_xlsx`). `jpy_raw_table_scale` belongs to raw table downloads, which are not
generated.
"""

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

from samples import procurement as proc
from samples import xlsx
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "preamble_title_rows": 0.2,
    "group_subtotal_rows": 0.2,
    "duplicate_header_names": 0.1,
    "utf8_bom": 0.2,
    "tab_delimited_txt": 0.2,
    "leading_zeros_stripped": 0.3,
    "unconverted_list": 0.05,
    "wrapped_header": 0.05,
    "date_as_serial": 0.3,
    "sap_header_lang_en": 0.3,
    "sap_xlsx": 0.2,
}

HEADER_DE = (
    "Einkaufsbeleg", "Position", "Einkaufsbelegart", "Einkaufsbelegtyp", "Buchungskreis",
    "Einkaufsorganisation", "Einkäufergruppe", "Lieferant/Lieferwerk", "Belegdatum", "Material",
    "Kurztext", "Warengruppe", "Werk", "Lagerort", "Bestellmenge", "Bestellmengeneinheit",
    "Nettopreis", "Währung", "Preiseinheit", "Bestellnettowert", "noch zu liefern (Menge)",
    "noch zu liefern (Wert)", "Löschkennzeichen", "Endlieferung", "Retourenposition",
    "Kontierungstyp", "Positionstyp",
)  # fmt: skip
HEADER_EN = (
    "Purchasing Document", "Item", "Purch. Doc. Type", "Purch. Doc. Category", "Company Code",
    "Purch. Organization", "Purchasing Group", "Supplier/Supplying Plant", "Document Date",
    "Material", "Short Text", "Material Group", "Plant", "Storage Location", "Order Quantity",
    "Order Unit", "Net Price", "Currency", "Price Unit", "Net Order Value",
    "Still to be delivered (qty)", "Still to be delivered (value)", "Deletion Indicator",
    "Delivery Completed", "Returns Item", "Acct Assignment Cat.", "Item Category",
)  # fmt: skip
VENDOR_HEADER = {
    "de": ("Kreditor", "Land", "Name 1", "Ort", "Postleitzahl", "Straße"),
    "en": ("Vendor", "Country", "Name 1", "City", "Postal Code", "Street"),
}
PREAMBLE = {"de": "Einkaufsbelege zu Lieferant", "en": "Purchasing Documents per Supplier"}
WRAPPED = {"de": ("Bestellmenge", "Bestell menge"), "en": ("Order Quantity", "Order\nQuantity")}
SECOND_MATERIAL = "Material"  # `duplicate_header_names`: the supplier's material number
TRUTH_HEADER = proc.TRUTH_HEADER
QUANTITY, PRICE, VALUE, OPEN_QTY, OPEN_VALUE, DATE = 14, 16, 19, 20, 21, 8
ASSET_SEGMENTS = ("25", "26", "72")
LOCAL_NUMERIC = {"43211503": "001", "43232300": "002", "80101500": "003"}


def company_code(org: Org) -> str:
    return f"{sum(map(ord, org.code)) % 9 + 1}000"


def number(value: Decimal, decimals: int, lang: str) -> str:
    """SAP list output: grouping, `lang`'s separators, a trailing minus."""
    text = f"{abs(value):,.{decimals}f}"
    if lang == "de":
        text = text.replace(",", "_").replace(".", ",").replace("_", ".")
    return text + ("-" if value < 0 else "")


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    """Four quarterly ME2N files and the year's vendor list, for organisations on SAP."""
    if proc.system_of(org) != "sap":
        return []
    orders = proc.simulate(org, rng, ctx, "sap")
    bukrs = company_code(org)
    folder = ctx.landing_dir(org, "procurement")
    written, final = [], {}
    for quarter in range(1, 5):
        shown = [
            proc.as_exported(line, quarter, rng, "sap") for line in orders.quarter_lines(quarter)
        ]
        for line in shown:
            final[("", str(line.po_number), str(line.item_no))] = line
        lang = "en" if ctx.chance(rng, "sap_header_lang_en") else "de"
        stamp = dt.date(ctx.year, quarter * 3, 1) + dt.timedelta(days=31)
        stamp = stamp.replace(day=1) - dt.timedelta(days=1)
        as_xlsx = ctx.chance(rng, "sap_xlsx")
        quirks = {name: ctx.chance(rng, name) for name in QUIRKS if not name.startswith("sap_")}
        name = f"ME2N_{bukrs}_{stamp:%Y%m%d}"
        rows = [item_row(line, org, lang, quirks, rng) for line in shown]
        if as_xlsx:
            path = folder / f"{name}.xlsx"
            write_xlsx(path, rows, lang, quirks, stamp)
        else:
            txt = quirks["tab_delimited_txt"] and not quirks["unconverted_list"]
            path = folder / f"{name}.{'txt' if txt else 'csv'}"
            path.write_bytes(csv_bytes(rows, lang, quirks, "\t" if txt else ";"))
        written.append(WrittenFile(path.relative_to(ctx.out), {"sap_me2n_items": len(rows)}))
        ctx.write_truth(path.relative_to(ctx.out), TRUTH_HEADER, proc.truth_rows(orders, {
            ("", str(x.po_number), str(x.item_no)): x for x in shown}, "sap"))  # fmt: skip
    written.append(write_vendors(orders, org, ctx, rng, folder, bukrs))
    relative = Path(org.code) / "procurement" / f"expected_lines_{ctx.year}"
    ctx.write_truth(relative, TRUTH_HEADER, proc.truth_rows(orders, final, "sap"))
    proc.write_story(org, rng, ctx)
    return written


def item_row(line: proc.Line, org: Org, lang: str, quirks: dict, rng: random.Random) -> list:
    """The 27 D1 cells of one item, as typed values (the printer formats them)."""
    item = line.item
    group = item.unspsc or item.local_group
    if item.local_group and rng.random() < 0.3:
        group = item.local_group
    if item.unspsc in LOCAL_NUMERIC and rng.random() < 0.5:
        group = LOCAL_NUMERIC[item.unspsc]
    if quirks["leading_zeros_stripped"]:
        group = group.lstrip("0") or group
    service = item.unit_en == "AU"
    category = "K" if line.fate == "agreement" else "F"
    value = line.value
    if line.fate == "return" and rng.random() < 0.5:
        value = -value  # some layouts print the returns item's value negative
    delivered = line.fate != "return" and rng.random() < 0.7
    open_qty = Decimal(0) if delivered else line.quantity
    if delivered and rng.random() < 0.05:
        open_qty = -Decimal(rng.randint(1, 5))  # over-delivery shows a negative open quantity
    open_value = (open_qty * line.price / item.price_unit).quantize(proc.CENT)
    asset = item.unspsc[:2] in ASSET_SEGMENTS and not service
    return [
        str(line.po_number),
        str(line.item_no),
        "MK" if category == "K" else "NB",
        category,
        company_code(org),
        company_code(org),
        f"0{rng.randrange(10, 40)}",
        f"{line.vendor.number:<10} {line.vendor.name}",
        line.po_date,
        "" if service else f"{10000000 + sum(map(ord, item.en)) * 7:d}",
        item.de if lang == "de" else item.en,
        group,
        f"{org.country}01",
        "" if service else "0001",
        line.quantity,
        item.unit_de if lang == "de" else item.unit_en,
        line.price,
        line.currency,
        item.price_unit,
        value,
        open_qty,
        open_value,
        {"deleted": "L", "blocked": "S"}.get(line.fate, ""),
        "X" if delivered and line.fate == "open" else "",
        "X" if line.fate == "return" else "",
        "A" if asset else ("K" if rng.random() < 0.8 else "P"),
        "D" if service else "",
    ]


def decimals(currency: str) -> int:
    return 0 if currency == "JPY" else 2


def text_cells(row: list, lang: str) -> list[str]:
    """A row as SAP prints it in a list: numbers and dates in the logon language's format."""
    cells = [str(c) for c in row]
    currency = row[17]
    cells[DATE] = row[DATE].strftime("%d.%m.%Y" if lang == "de" else "%m/%d/%Y")
    cells[QUANTITY] = number(row[QUANTITY], 3, lang)
    cells[OPEN_QTY] = number(row[OPEN_QTY], 3, lang)
    for index in (PRICE, VALUE, OPEN_VALUE):
        cells[index] = number(row[index], decimals(currency), lang)
    return cells


def header(lang: str, quirks: dict) -> list[str]:
    names = list(HEADER_DE if lang == "de" else HEADER_EN)
    if quirks["wrapped_header"]:
        plain, wrapped = WRAPPED[lang]
        names[names.index(plain)] = wrapped
    if quirks["duplicate_header_names"]:
        names.append(SECOND_MATERIAL)
    return names


def with_second_material(cells: list, quirks: dict) -> list:
    if quirks["duplicate_header_names"]:
        return [*cells, f"SUP-{cells[0][-4:]}{cells[1]}"]
    return cells


def subtotal_rows(rows: list[list], lang: str) -> list[tuple[list, bool]]:
    """Rows grouped by vendor with ALV subtotals per vendor and currency (`*`) and a total
    per currency (`**`); returns (cells, is_data)."""
    out: list[tuple[list, bool]] = []
    grand: dict[str, Decimal] = {}
    rows = sorted(rows, key=lambda r: (r[7], r[0], int(r[1])))
    for vendor in dict.fromkeys(r[7] for r in rows):
        group = [r for r in rows if r[7] == vendor]
        out.extend((r, True) for r in group)
        for currency in sorted({r[17] for r in group}):
            total = sum((r[VALUE] for r in group if r[17] == currency), Decimal(0))
            grand[currency] = grand.get(currency, Decimal(0)) + total
            out.append((subtotal(vendor, currency, total, "*"), False))
    for currency, total in sorted(grand.items()):
        out.append((subtotal("", currency, total, "**"), False))
    return out


def subtotal(vendor: str, currency: str, total: Decimal, marker: str) -> list:
    cells: list = [""] * len(HEADER_DE)
    cells[0], cells[7], cells[17], cells[VALUE] = marker, vendor, currency, total
    return cells


def csv_bytes(rows: list[list], lang: str, quirks: dict, delimiter: str) -> bytes:
    """The list as a `;` (or TAB) file in cp1252 (or UTF-8 with BOM), or as the boxed list."""
    lines: list[list[str]] = []
    if quirks["preamble_title_rows"]:
        lines += [[PREAMBLE[lang]], []]
    lines.append(header(lang, quirks))
    printed = (
        subtotal_rows(rows, lang) if quirks["group_subtotal_rows"] else [(r, True) for r in rows]
    )
    for cells, is_data in printed:
        text = text_cells(cells, lang) if is_data else subtotal_text(cells, lang)
        lines.append(with_second_material(text, quirks) if is_data else text)
    if quirks["unconverted_list"]:
        text = boxed(lines)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
        writer.writerows(lines)
        text = buffer.getvalue()
    if quirks["utf8_bom"]:
        return b"\xef\xbb\xbf" + text.encode("utf-8")
    return text.encode("cp1252", errors="replace")


def subtotal_text(cells: list, lang: str) -> list[str]:
    out = [str(c) for c in cells]
    out[VALUE] = number(cells[VALUE], decimals(cells[17]), lang) + " " + cells[0]
    return out


def boxed(lines: list[list[str]]) -> str:
    """SAP's unconverted list: `|`-bordered cells padded to the column width between `-----`
    rules; a preamble stays plain text above the box."""
    start = next(i for i, line in enumerate(lines) if len(line) > 1)
    grid = [[c.replace("\n", " ") for c in row] for row in lines[start:]]
    width = max(len(row) for row in grid)
    grid = [row + [""] * (width - len(row)) for row in grid]
    sizes = [max(len(row[i]) for row in grid) for i in range(width)]
    rule = "-" * (sum(sizes) + width + 1)
    boxes = ["|" + "|".join(c.ljust(sizes[j]) for j, c in enumerate(row)) + "|" for row in grid]
    out = [" ".join(line) for line in lines[:start]] + [rule, boxes[0], rule, *boxes[1:], rule]
    return "\r\n".join(out) + "\r\n"


def write_xlsx(path: Path, rows: list[list], lang: str, quirks: dict, stamp: dt.date) -> None:
    """The spreadsheet export: number cells, date cells (or serial integers), one sheet."""
    moment = dt.datetime.combine(stamp, dt.time(18, 0))
    wb = xlsx.new_workbook(moment)
    ws = wb.create_sheet("Sheet1")
    if quirks["preamble_title_rows"]:
        ws.append([PREAMBLE[lang]])
        ws.append([])
    names = header(lang, quirks)
    if quirks["wrapped_header"]:
        wrapped = WRAPPED[lang][1]
        names[names.index(wrapped)] = wrapped.replace(" ", "\n")
    ws.append(names)
    printed = (
        subtotal_rows(rows, lang) if quirks["group_subtotal_rows"] else [(r, True) for r in rows]
    )
    for cells, is_data in printed:
        values = [cell_value(ws, c, i, quirks) for i, c in enumerate(cells)]
        ws.append(with_second_material(values, quirks) if is_data else values)
    xlsx.save(wb, path, moment)


def cell_value(ws, value, index: int, quirks: dict):
    if isinstance(value, dt.date):
        if quirks["date_as_serial"]:
            return xlsx.excel_serial(value)
        return xlsx.formatted(ws, dt.datetime.combine(value, dt.time()), "DD.MM.YYYY")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value if value != "" else None


def write_vendors(
    orders: proc.Orders, org: Org, ctx: Context, rng: random.Random, folder: Path, bukrs: str
) -> WrittenFile:
    """LFA1 extract of the vendors ordered from: Kreditor zero-padded to 10 (clean)."""
    lang = "en" if ctx.chance(rng, "sap_header_lang_en") else "de"
    stripped = ctx.chance(rng, "leading_zeros_stripped")
    used = sorted({line.vendor for line in orders.lines}, key=lambda v: v.number)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(VENDOR_HEADER[lang])
    for vendor in used:
        number_text = str(vendor.number) if stripped else f"{vendor.number:010d}"
        road = rng.choice(("Moi Avenue", "Hauptstrasse", "Rue du Lac", "Main Road"))
        street = f"{road} {rng.randint(1, 200)}"
        writer.writerow([number_text, vendor.country, vendor.name, vendor.city,
                         f"{rng.randint(1000, 99999)}", street])  # fmt: skip
    path = folder / f"LFA1_{bukrs}_{ctx.year}1231.csv"
    path.write_bytes(buffer.getvalue().encode("cp1252", errors="replace"))
    return WrittenFile(path.relative_to(ctx.out), {"sap_lfa1_vendors": len(used)})


WRITER = DialectWriter("sap_me2n_csv", QUIRKS, write)
