"""`sap_me2n_csv`: SAP ME2N / ME80FN purchasing list and the LFA1 vendor list (docs/dialects.md D1).

One dialect, two raw tables: purchase-order items (`raw.sap_me2n_items`) and the vendor
master extract that gives each supplier's country (`raw.sap_lfa1_vendors`). Variants read
through one alias table: German, English (also the ECC wording) and Spanish column headers,
the technical field names of a raw table download (`EBELN`, `NETWR`, ...), `;` CSV in cp1252
or UTF-8 with BOM, tab-delimited `.txt`, the `|`-boxed unconverted list, and `.xlsx`.

How a file is read is decided once per file, never per cell, and stored with every row so
staging casts with the same rules:
- `export_language`: `de`, `en`, `es` or `technical`, from the header row;
- `export_decimal_separator`: ALV amounts always carry two decimals, so the separator in
  front of the last two digits of the file's amount cells decides (`2.700,00` -> `,`,
  `2,700.00` -> `.`); a file with no such cell uses its language's default (English `.`,
  otherwise `,`). Spreadsheet number cells arrive as `1234.5`. The other mark groups
  thousands, in whole-number fields too: `Preiseinheit` `1.000` is one thousand in a
  decimal-comma list (so is `1.000,00`), `1,000` in a decimal-point one;
- `export_date_order`: `dmy` or `mdy` for dates written with `/` (dotted dates are always
  day first, ISO dates and date cells are unambiguous); the order most such cells can only
  be read in (a day above 12 in either position) decides, otherwise the language's default
  (English month first). A cell that is no date in either order (`13/13/2024`) decides
  nothing, so one typo cannot change how the other rows are read.

The vendor cell (`100123     Acme Logistics Ltd`) packs the vendor number and name. Only the
number is kept, without leading zeros (exports strip them, LFA1 pads to 10) and as a keyed
pseudonym, so items and vendor lists join on the same pseudonym; the name never reaches the
warehouse. Group and subtotal rows (no document number and no item), rule lines and
repeated headers are structural rows. An item whose net order value differs from quantity x
net price / price unit by more than 0.01 is quarantined: it was not read as exported.

Layouts are user-chosen in SAP, so besides the document number, item, vendor, date, short
text, quantity, unit, net price and currency every column may be left out of the export:
without `Bestellnettowert` staging takes quantity x net price / price unit, without
`Preiseinheit` a price unit of 1. `Kontierungstyp` and `Positionstyp` are kept as text (SAP
systems add their own values); the flags that decide what counts are checked enumerations.
"""

import dataclasses
import re
from decimal import Decimal
from itertools import islice

import polars as pl

from connectors.base import Column, Dialect, RejectedFile, Table, header_key
from connectors.erp_text import (
    build_table,
    column_index,
    cut_short,
    is_rule,
    quarantine_cut_short,
    text_rows,
    with_every_column,
)
from connectors.tabular import (
    HEADER_SEARCH_ROWS,
    find_header,
    header_matches,
    missing_message,
    open_workbook,
    sheet_rows,
)
from connectors.validate import TableResult, validate, with_quarantined

LANGUAGES = ("de", "en", "es", "technical")
DECIMAL_COMMA_PATTERN = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?-?$"
DECIMAL_POINT_PATTERN = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?-?$"
# Whole numbers (`Preiseinheit`, `Position`) are grouped like the others; a fraction, if
# printed, is zero: `1.000` and `1.000,00` are 1000 in a decimal-comma list.
WHOLE_DECIMAL_COMMA_PATTERN = r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,0+)?-?$"
WHOLE_DECIMAL_POINT_PATTERN = r"^[+-]?(\d{1,3}(,\d{3})+|\d+)(\.0+)?-?$"


def _column(spec: tuple, **kwargs) -> Column:
    """A column from its (de, en, es, technical) headers; extra English/ECC names follow."""
    de, en, es, tech, *more = spec
    aliases = tuple(a for a in (en, es, tech, *more) if a and a != de)
    return Column(de, aliases=aliases, **kwargs)


# Header texts per language: (German, English, Spanish, technical field, other wordings).
# German and English are docs/dialects.md D1; Spanish follows SAP's Spanish ME2N headers (those in
# the real exports we have seen, and SAP's Spanish field labels for the others).
H = {
    "ebeln": ("Einkaufsbeleg", "Purchasing Document", "Documento compras", "EBELN"),
    "ebelp": ("Position", "Item", "Posición", "EBELP"),
    "bsart": ("Einkaufsbelegart", "Purch. Doc. Type", "Cl.documento compras", "BSART",
              "Clase de documento de compras"),
    "bstyp": ("Einkaufsbelegtyp", "Purch. Doc. Category", "Tipo doc.compras", "BSTYP",
              "Tipo de documento de compras"),
    "bukrs": ("Buchungskreis", "Company Code", "Sociedad", "BUKRS"),
    "ekorg": ("Einkaufsorganisation", "Purch. Organization", "Organización compras", "EKORG",
              "Purchasing Organization"),
    "ekgrp": ("Einkaeufergruppe", "Purchasing Group", "Grupo de compras", "EKGRP",
              "Einkäufergruppe"),
    "lifnr": ("Lieferant/Lieferwerk", "Supplier/Supplying Plant", "Proveedor/Centro suministrador",
              "LIFNR", "Vendor/supplying plant"),
    "bedat": ("Belegdatum", "Document Date", "Fecha documento", "BEDAT"),
    "matnr": ("Material", "Material", "Material", "MATNR"),
    "txz01": ("Kurztext", "Short Text", "Texto breve", "TXZ01"),
    "matkl": ("Warengruppe", "Material Group", "Grupo de artículos", "MATKL"),
    "werks": ("Werk", "Plant", "Centro", "WERKS"),
    "lgort": ("Lagerort", "Storage Location", "Almacén", "LGORT"),
    "menge": ("Bestellmenge", "Order Quantity", "Cantidad de pedido", "MENGE"),
    "meins": ("Bestellmengeneinheit", "Order Unit", "Unidad medida pedido", "MEINS"),
    "netpr": ("Nettopreis", "Net Price", "Precio neto", "NETPR"),
    "waers": ("Waehrung", "Currency", "Moneda", "WAERS", "Währung"),
    "peinh": ("Preiseinheit", "Price Unit", "Unidad de precio", "PEINH"),
    "netwr": ("Bestellnettowert", "Net Order Value", "Valor neto de pedido", "NETWR"),
    "open_qty": ("noch zu liefern (Menge)", "Still to be delivered (qty)",
                 "Por entregar (cantidad)", None),
    "open_value": ("noch zu liefern (Wert)", "Still to be delivered (value)",
                   "Por entregar (valor)", None),
    "loekz": ("Loeschkennzeichen", "Deletion Indicator", "Indicador de borrado", "LOEKZ",
              "Löschkennzeichen"),
    "elikz": ("Endlieferung", "Delivery Completed", "Entrega final", "ELIKZ"),
    "retpo": ("Retourenposition", "Returns Item", "Posición de devolución", "RETPO"),
    "knttp": ("Kontierungstyp", "Acct Assignment Cat.", "Tipo de imputación", "KNTTP"),
    "epstp": ("Positionstyp", "Item Category", "Tipo de posición", "EPSTP", "PSTYP"),
}  # fmt: skip

# Columns some layouts add that name people or addresses: dropped before validation, so
# they reach neither raw nor `_extra` (docs/contract.md section 3.6).
DROPPED = {
    header_key(h)
    for h in (
        "Name des Lieferanten", "Name of Supplier", "Nombre del proveedor", "Vendor Name",
        "Supplier Name", "Name 1", "Erstellt von", "Created By", "Creado por", "ERNAM",
        "Postleitzahl", "Postal Code", "Código postal", "PSTLZ", "Straße", "Street", "Calle",
        "STRAS", "Telefon", "Telephone", "TELF1", "Ansprechpartner", "Contact Person",
    )
}  # fmt: skip

ITEMS = Table(
    name="sap_me2n_items",
    description="One row per purchase-order item of an SAP ME2N/ME80FN list.",
    columns=(
        _column(H["ebeln"], required=True),
        _column(H["ebelp"], type="int", required=True),
        _column(H["bsart"], optional=True),
        _column(H["bstyp"], type="enum", values=("F", "K", "L"), optional=True),
        _column(H["bukrs"], optional=True),
        _column(H["ekorg"], optional=True),
        _column(H["ekgrp"], optional=True),
        _column(H["lifnr"], required=True, personal="pseudonymise"),
        _column(H["bedat"], type="date", required=True),
        _column(H["matnr"], optional=True),
        _column(H["txz01"]),
        _column(H["matkl"], optional=True),
        _column(H["werks"], optional=True),
        _column(H["lgort"], optional=True),
        _column(H["menge"], type="decimal"),
        _column(H["meins"]),
        _column(H["netpr"], type="decimal"),
        _column(H["waers"], required=True),
        _column(H["peinh"], type="int", optional=True),
        _column(H["netwr"], type="decimal", optional=True),
        _column(H["open_qty"], type="decimal", optional=True),
        _column(H["open_value"], type="decimal", optional=True),
        _column(H["loekz"], type="enum", values=("L", "S"), optional=True),
        _column(H["elikz"], type="enum", values=("X",), optional=True),
        _column(H["retpo"], type="enum", values=("X",), optional=True),
        _column(H["knttp"], optional=True),
        _column(H["epstp"], optional=True),
        # Set by the connector, not read from the file: how staging must read the text.
        Column("Export Language", optional=True),
        Column("Export Decimal Separator", optional=True),
        Column("Export Date Order", optional=True),
    ),
)

V = {
    "lifnr": ("Kreditor", "Vendor", "Acreedor", "LIFNR", "Supplier", "Lieferant"),
    "land1": ("Land", "Country", "País", "LAND1", "Country/Region"),
    "name1": ("Name 1", "Name 1", "Nombre 1", "NAME1", "Name"),
    "ort01": ("Ort", "City", "Población", "ORT01"),
}  # fmt: skip

VENDORS = Table(
    name="sap_lfa1_vendors",
    description="One row per vendor of an SAP LFA1 vendor-master list (supplier country).",
    columns=(
        _column(V["lifnr"], required=True, personal="pseudonymise"),
        _column(V["land1"]),
        _column(V["name1"], personal="drop"),
        _column(V["ort01"], optional=True),
    ),
)

DIALECT = Dialect(
    name="sap_me2n_csv",
    domain="procurement",
    tables=(ITEMS, VENDORS),
    extensions=(".csv", ".txt", ".xlsx"),
    description="SAP ME2N/ME80FN purchase-order list (DE/EN/ES/technical headers, CSV, TXT or "
    "XLSX) and the LFA1 vendor list.",
    date_formats=("%d.%m.%Y", "%m/%d/%Y", "%d/%m/%Y", "%Y-%m-%d"),
    decimal_comma=True,
)

LANGUAGE_HEADERS = {
    lang: {header_key(spec[i]) for spec in (*H.values(), *V.values()) if spec[i]}
    for i, lang in enumerate(LANGUAGES)
}
AMOUNT_COLUMNS = ("nettopreis", "bestellnettowert", "noch_zu_liefern_wert")
VENDOR_COLUMNS = {"sap_me2n_items": "lieferant_lieferwerk_pseudonym",
                  "sap_lfa1_vendors": "kreditor_pseudonym"}  # fmt: skip
TWO_DECIMALS = re.compile(r"([.,])\d{2}-?$")
SLASH_DATE = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/\d{2,4}\s*$")


def language(header: list[object]) -> str:
    """The language whose header texts the row uses most (German on a tie: D1's profile)."""
    keys = {header_key(str(c)) for c in header if c is not None and str(c).strip()}
    counts = {lang: len(keys & LANGUAGE_HEADERS[lang]) for lang in LANGUAGES}
    return max(LANGUAGES, key=lambda lang: (counts[lang], lang == "de"))


def decimal_separator(amounts: list[str], lang: str, spreadsheet: bool) -> str:
    """`,` or `.`, from the amount cells of the whole file (see the module docstring).

    Without a deciding cell: `.` for a workbook (number cells arrive as `1234.5`) and for
    English headers, `,` otherwise.
    """
    votes = {",": 0, ".": 0}
    for value in amounts:
        match = TWO_DECIMALS.search(value.strip())
        if match:
            votes[match.group(1)] += 1
    if votes[","] != votes["."]:
        return "," if votes[","] > votes["."] else "."
    return "." if spreadsheet or lang == "en" else ","


def date_order(dates: list[str], lang: str) -> str:
    """`dmy` or `mdy` for `/` dates: the order most cells can only be read in (a first part
    above 12 is a day, a second part a month); on a tie the language's default."""
    votes = {"dmy": 0, "mdy": 0}
    for value in dates:
        match = SLASH_DATE.match(value)
        if not match:
            continue
        first, second = int(match.group(1)), int(match.group(2))
        if 12 < first <= 31 and 1 <= second <= 12:
            votes["dmy"] += 1
        elif 12 < second <= 31 and 1 <= first <= 12:
            votes["mdy"] += 1
    if votes["dmy"] != votes["mdy"]:
        return max(votes, key=votes.__getitem__)
    return "mdy" if lang == "en" else "dmy"


def cells(rows: list[list[object]], header_index: int, keep: list[bool], index: int | None):
    """The non-empty cells of one column below the header, layout rows left out."""
    if index is None:
        return []
    return [
        str(r[index])
        for i, r in enumerate(rows)
        if i > header_index and keep[i] and index < len(r) and r[index] is not None
    ]


def file_dialect(separator: str, order: str) -> Dialect:
    """The dialect as this one file is read: its number pattern and its date formats."""
    slash = "%m/%d/%Y" if order == "mdy" else "%d/%m/%Y"
    comma = separator == ","
    return dataclasses.replace(
        DIALECT,
        decimal_comma=comma,
        date_formats=("%d.%m.%Y", slash, "%Y-%m-%d"),
        options={
            "number_pattern": DECIMAL_COMMA_PATTERN if comma else DECIMAL_POINT_PATTERN,
            "whole_number_pattern": (
                WHOLE_DECIMAL_COMMA_PATTERN if comma else WHOLE_DECIMAL_POINT_PATTERN
            ),
        },
    )


def normalise_vendor(cell: object) -> str | None:
    """The vendor number of a vendor cell: first token, leading zeros of a number removed."""
    if cell is None:
        return None
    tokens = str(cell).split()
    if not tokens:
        return None
    number = tokens[0].upper()
    if number.isdigit():
        return number.lstrip("0") or "0"
    return number


def table_for(rows: list[list[object]]) -> tuple[Table, int] | None:
    """The table whose header the rows hold, and the header row's index."""
    for table in (ITEMS, VENDORS):
        index = find_header(rows, table)
        if index is not None:
            return table, index
    return None


def nearest_message(rows: list[list[object]]) -> str:
    best = max((ITEMS, VENDORS), key=lambda t: max((header_matches(r, t)[0] for r in rows),
                                                    default=0))  # fmt: skip
    return missing_message(rows, best)


def layout_rows(rows: list[list[object]], table: Table, header_index: int) -> list[bool]:
    """False for rows after the header that are layout: rules, repeated headers, subtotals."""
    header = rows[header_index]
    header_keys = [header_key(str(c)) if c is not None else "" for c in header]
    keep = [True] * len(rows)
    first = column_index(header, table, table.columns[0].name)
    second = column_index(header, table, table.columns[1].name) if table is ITEMS else None
    for i in range(header_index + 1, len(rows)):
        row = rows[i]
        cells = [str(c).strip() if c is not None else "" for c in row]
        if not any(cells):
            continue  # blank lines are counted as structural by validate
        if is_rule(row) or [header_key(c) for c in cells[: len(header_keys)]] == header_keys:
            keep[i] = False
            continue
        if table is ITEMS and first is not None and second is not None:
            document = cells[first] if first < len(cells) else ""
            item = cells[second] if second < len(cells) else ""
            if not document.strip("*") and not item:
                keep[i] = False  # ALV group header, subtotal (`*`) or total (`**`) row
    return keep


def normalise_vendor_cells(rows: list[list[object]], table: Table, header_index: int) -> None:
    """Replace each vendor cell by its vendor number before validation pseudonymises it."""
    name = VENDOR_COLUMNS[table.name]
    index = column_index(rows[header_index], table, name)
    if index is None:
        return
    for i in range(header_index + 1, len(rows)):
        if index < len(rows[i]):
            rows[i][index] = normalise_vendor(rows[i][index])


def value_mismatches(result: TableResult, separator: str) -> pl.DataFrame:
    """Quarantine entries for items whose net order value is not quantity x price / unit."""
    rows = result.rows
    needed = ("bestellmenge", "nettopreis", "bestellnettowert")
    if result.table is not ITEMS or not rows.height:
        return result.quarantine.clear()
    entries = []
    for row in rows.select("_source_row", *needed, "preiseinheit", "_sheet").iter_rows():
        source_row, quantity, price, value, unit, sheet = row
        if any(v is None or not v.strip() for v in (quantity, price, value)):
            continue
        expected = abs(number(quantity, separator) * number(price, separator))
        expected /= number(unit, separator) if unit and unit.strip() else Decimal(1)
        if abs(abs(number(value, separator)) - expected) > Decimal("0.01"):
            entries.append(
                (
                    sheet,
                    source_row,
                    ITEMS.column("bestellnettowert").header,
                    value,
                    f"Bestellnettowert {value.strip()} is not Bestellmenge x Nettopreis / "
                    f"Preiseinheit = {expected:.2f} (within 0.01): check the number format "
                    "of the export",
                )
            )
    return pl.DataFrame(entries, schema=result.quarantine.schema, orient="row")


def number(text: str, separator: str) -> Decimal:
    """A validated number cell as a Decimal (the same reading staging applies)."""
    value = text.strip()
    negative = value.endswith("-") or value.startswith("-")
    value = value.strip("+-")
    grouping, decimal = (".", ",") if separator == "," else (",", ".")
    value = value.replace(grouping, "").replace(decimal, ".")
    return -Decimal(value) if negative else Decimal(value)


def rows_of(data: bytes, suffix: str) -> tuple[list[list[object]], dict]:
    """The file's rows as text cells, and how it was opened (encoding, delimiter, sheet)."""
    if suffix == ".xlsx":
        workbook = open_workbook(data)
        try:
            lists = [
                ws
                for ws in workbook.worksheets
                if table_for(list(islice(sheet_rows(ws), HEADER_SEARCH_ROWS))) is not None
            ]
            if len(lists) > 1:
                names = ", ".join(repr(ws.title) for ws in lists)
                raise RejectedFile(
                    f"sheets {names} each hold a purchasing or vendor list: only one would be "
                    "read; send one list per workbook"
                )
            for ws in lists:
                epoch_1904 = ws.parent.epoch.year == 1904
                return list(sheet_rows(ws)), {"sheet": ws.title, "epoch_1904": epoch_1904}
            first = workbook.worksheets[0] if workbook.worksheets else None
            rows = list(islice(sheet_rows(first), HEADER_SEARCH_ROWS)) if first else []
            return rows, {"sheet": first.title if first else None, "epoch_1904": False}
        finally:
            workbook.close()
    allowed = ("\t", ";", ",", "|") if suffix == ".txt" else (";", ",", "\t", "|")
    rows, encoding, delimiter = text_rows(data, allowed)
    return rows, {"encoding": encoding, "delimiter": delimiter}


def detect(data: bytes, suffix: str) -> str | None:
    """None when the file is an ME2N item list or an LFA1 vendor list, else what it lacks."""
    if suffix not in DIALECT.extensions:
        return f"{DIALECT.name} reads .csv, .txt or .xlsx, not {suffix}"
    rows, _ = rows_of(data, suffix)
    head = rows[:HEADER_SEARCH_ROWS]
    return None if table_for(head) is not None else nearest_message(head)


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    rows, how = rows_of(data, suffix)
    found = table_for(rows[:HEADER_SEARCH_ROWS])
    if found is None:
        raise RejectedFile(nearest_message(rows[:HEADER_SEARCH_ROWS]))
    table, header_index = found
    rows = [list(r) for r in rows]
    keep = layout_rows(rows, table, header_index)
    normalise_vendor_cells(rows, table, header_index)
    text = build_table(
        rows,
        header_index,
        keep,
        sheet=how.get("sheet"),
        encoding=how.get("encoding"),
        delimiter=how.get("delimiter"),
        epoch_1904=how.get("epoch_1904", False),
    )
    text.frame = text.frame.drop(
        c
        for c in text.frame.columns
        if header_key(re.sub(r"_\d+$", "", c)) in DROPPED
        and not any(header_key(c) == header_key(d.header) for d in table.columns)
    )
    text.frame = with_every_column(text.frame, table)
    layout = sum(1 for i in range(header_index + 1, len(rows)) if not keep[i])
    header = rows[header_index]
    lang = language(header)
    amounts = [
        cell
        for name in AMOUNT_COLUMNS
        for cell in cells(rows, header_index, keep, column_index(header, ITEMS, name))
    ]
    separator = decimal_separator(amounts, lang, suffix == ".xlsx")
    dates = cells(rows, header_index, keep, column_index(header, ITEMS, "belegdatum"))
    order = date_order(dates, lang)
    result = validate(text, table, file_dialect(separator, order), key)
    result.rows_skipped += layout
    if suffix != ".xlsx" and (cut := cut_short(data, rows, header_index)) is not None:
        result = quarantine_cut_short(result, cut, header, len(rows[-1]))
    if table is ITEMS:
        result = with_quarantined(result, value_mismatches(result, separator))
        result.rows = result.rows.with_columns(
            pl.lit(lang).alias("export_language"),
            pl.lit(separator).alias("export_decimal_separator"),
            pl.lit(order).alias("export_date_order"),
        )
    result.notes.update(language=lang, decimal_separator=separator, date_order=order)
    return [result]
