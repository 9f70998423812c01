"""`oracle_po_lines_csv`: Oracle purchase-order line extracts (docs/dialects.md D2).

Three variants feed `raw.oracle_po_lines` under the Fusion (OTBI / BI Publisher) column
names: Fusion itself (technical upper-case headers, UTF-8 with BOM, ISO dates and
timestamps), E-Business Suite (`OPERATING_UNIT`, `UNIT_MEAS_LOOKUP_CODE`,
`AUTHORIZATION_STATUS` + `CLOSED_CODE`, `DD-MON-YY` dates, no BOM) and the OTBI analysis
downloaded with display headers (`Procurement BU`, `Order`, ... , `MM/DD/YYYY`, amounts as
`"9,000.00"`). The variant is recognised from the header, the strictest first (a Fusion
header also holds every OTBI column under its technical name), and stored with each row
(`export_variant`) so staging knows which key and dates apply.

Descriptions may hold commas, quotes and line breaks (RFC 4180 quoting); a file may use `;`
instead of `,`. Rows repeated per schedule or distribution stay rows here; staging counts a
line once. Numbers use `.` for decimals, an optional leading `-` and, in the display variant,
`,` grouping; anything else (`9000,00`) is quarantined, never re-read with another separator.
Supplier ids and names are keyed pseudonyms; buyer and requester names are dropped.
"""

import polars as pl

from connectors.base import Column, Dialect, RejectedFile, Table, header_key
from connectors.erp_text import (
    build_table,
    cut_short,
    quarantine_cut_short,
    text_rows,
    with_every_column,
)
from connectors.tabular import HEADER_SEARCH_ROWS, find_header, header_matches, missing_message
from connectors.validate import TableResult, validate

VARIANTS = ("fusion", "ebs", "otbi_display")
NUMBER_PATTERN = r"^-?(\d{1,3}(,\d{3})+|\d+)(\.\d*)?$"
DOCUMENT_STATUSES = (
    "OPEN",
    "CLOSED",
    "CLOSED FOR RECEIVING",
    "CLOSED FOR INVOICING",
    "FINALLY CLOSED",
    "CANCELED",
    "ON HOLD",
    "PENDING APPROVAL",
    "INCOMPLETE",
)

# (Fusion header, EBS header, OTBI display header, column options). None: the variant has no
# such column. Fusion names are the raw column names whatever the variant.
SPEC: tuple[tuple[str, str | None, str | None, dict], ...] = (
    ("PRC_BU_NAME", "OPERATING_UNIT", "Procurement BU", {"required": True}),
    ("PO_HEADER_ID", "PO_HEADER_ID", None, {"type": "bigint"}),
    ("SEGMENT1", "SEGMENT1", "Order", {"required": True}),
    ("TYPE_LOOKUP_CODE", "TYPE_LOOKUP_CODE", None,
     {"type": "enum", "values": ("STANDARD", "BLANKET", "CONTRACT", "PLANNED")}),
    ("DOCUMENT_STATUS", None, None, {"type": "enum", "values": DOCUMENT_STATUSES}),
    ("AUTHORIZATION_STATUS", "AUTHORIZATION_STATUS", None, {}),
    ("CLOSED_CODE", "CLOSED_CODE", None, {}),
    ("VENDOR_ID", "VENDOR_ID", None, {"type": "bigint", "personal": "pseudonymise"}),
    ("VENDOR_NAME", "VENDOR_NAME", "Supplier", {"personal": "pseudonymise"}),
    ("VENDOR_SITE_CODE", "VENDOR_SITE_CODE", "Supplier Site", {}),
    ("SUPPLIER_COUNTRY", "SUPPLIER_COUNTRY", None, {}),
    ("CURRENCY_CODE", "CURRENCY_CODE", "Currency Code", {"required": True}),
    ("RATE", "RATE", None, {"type": "decimal"}),
    ("CREATION_DATE", "CREATION_DATE", "Creation Date", {"type": "date", "required": True}),
    ("APPROVED_DATE", "APPROVED_DATE", None, {"type": "date"}),
    ("PO_LINE_ID", "PO_LINE_ID", None, {"type": "bigint"}),
    ("LINE_NUM", "LINE_NUM", "Line", {"type": "int", "required": True}),
    ("LINE_TYPE", "LINE_TYPE", None, {}),
    ("ORDER_TYPE_LOOKUP_CODE", "ORDER_TYPE_LOOKUP_CODE", None,
     {"type": "enum", "values": ("QUANTITY", "AMOUNT", "FIXED PRICE", "RATE")}),
    ("ITEM_NUMBER", "ITEM_NUMBER", None, {}),
    ("ITEM_DESCRIPTION", "ITEM_DESCRIPTION", "Item Description", {}),
    ("CATEGORY_NAME", "CATEGORY_NAME", "Purchasing Category", {}),
    ("UOM_CODE", "UNIT_MEAS_LOOKUP_CODE", "UOM", {}),
    ("QUANTITY", "QUANTITY", "Quantity", {"type": "decimal"}),
    ("UNIT_PRICE", "UNIT_PRICE", "Price", {"type": "decimal"}),
    ("AMOUNT", "AMOUNT", "Ordered Amount", {"type": "decimal", "required": True}),
    ("QUANTITY_CANCELLED", "QUANTITY_CANCELLED", "Canceled Quantity", {"type": "decimal"}),
    ("LINE_STATUS", "LINE_STATUS", "Line Status", {}),
    ("CANCEL_FLAG", "CANCEL_FLAG", None, {"type": "enum", "values": ("Y", "N")}),
    ("CANCEL_DATE", "CANCEL_DATE", None, {"type": "date"}),
    ("NEED_BY_DATE", "NEED_BY_DATE", None, {"type": "date"}),
    ("SHIP_TO_COUNTRY", "SHIP_TO_COUNTRY", None, {}),
)  # fmt: skip
EBS_ONLY = {"AUTHORIZATION_STATUS", "CLOSED_CODE"}
# Extra columns that name people: dropped before validation (docs/contract.md section 3.6).
DROPPED = {
    header_key(h)
    for h in (
        "BUYER_NAME", "Buyer", "AGENT_NAME", "REQUESTER_NAME", "Requester", "CREATED_BY",
        "Created By", "PREPARER_NAME", "Preparer", "DELIVER_TO_PERSON", "Deliver-to Person",
    )
}  # fmt: skip


def variant_table(variant: str | None) -> Table:
    """The raw table as one variant writes it (which headers it has), or with `None` the
    registered declaration: every header optional, every variant's name an alias."""
    columns = []
    for fusion, ebs, otbi, options in SPEC:
        names = {"fusion": None if fusion in EBS_ONLY else fusion, "ebs": ebs, "otbi_display": otbi}
        if variant is None:
            others = tuple(dict.fromkeys(n for n in (ebs, otbi) if n and n != fusion))
            columns.append(Column(fusion, aliases=others, optional=True, **options))
            continue
        own = names[variant]
        aliases = (own,) if own and own != fusion else ()
        columns.append(Column(fusion, aliases=aliases, optional=own is None, **options))
    columns.append(Column("Export Variant", optional=True))
    return Table(
        name="oracle_po_lines",
        description="One row per purchase-order line (or per schedule or distribution of a "
        "line) of an Oracle Fusion, EBS or OTBI purchase-order extract.",
        columns=tuple(columns),
    )


VARIANT_TABLES = {v: variant_table(v) for v in VARIANTS}
LINES = variant_table(None)

DIALECT = Dialect(
    name="oracle_po_lines_csv",
    domain="procurement",
    tables=(LINES,),
    extensions=(".csv",),
    description="Oracle purchase-order lines: Fusion OTBI/BI Publisher extract, E-Business "
    "Suite extract or OTBI analysis with display headers.",
    date_formats=("%Y-%m-%d", "%d-%b-%y", "%m/%d/%Y"),
    excel_serial_dates=False,
    options={"number_pattern": NUMBER_PATTERN},
)


def variant_of(rows: list[list[object]]) -> tuple[str, int] | None:
    """The first variant (strictest first) whose header row the file holds."""
    for variant in VARIANTS:
        index = find_header(rows, VARIANT_TABLES[variant])
        if index is not None:
            return variant, index
    return None


def nearest_message(rows: list[list[object]]) -> str:
    def score(variant: str) -> int:
        return max((header_matches(r, VARIANT_TABLES[variant])[0] for r in rows), default=0)

    best = max(VARIANTS, key=score)
    own_names = Table(
        name="oracle_po_lines",
        columns=tuple(
            Column(c.aliases[0] if c.aliases else c.header)
            for c in VARIANT_TABLES[best].columns
            if not c.optional
        ),
    )
    return f"{best} variant: {missing_message(rows, own_names)}"


def detect(data: bytes, suffix: str) -> str | None:
    """None when the file is an Oracle PO line extract, else what it lacks."""
    if suffix != ".csv":
        return f"{DIALECT.name} reads .csv, not {suffix}"
    rows, _, _ = text_rows(data, (",", ";"))
    head = rows[:HEADER_SEARCH_ROWS]
    return None if variant_of(head) is not None else nearest_message(head)


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    rows, encoding, delimiter = text_rows(data, (",", ";"))
    found = variant_of(rows[:HEADER_SEARCH_ROWS])
    if found is None:
        raise RejectedFile(nearest_message(rows[:HEADER_SEARCH_ROWS]))
    variant, header_index = found
    table = VARIANT_TABLES[variant]
    keep = [True] * len(rows)
    text = build_table(rows, header_index, keep, encoding=encoding, delimiter=delimiter)
    text.frame = with_every_column(
        text.frame.drop(c for c in text.frame.columns if header_key(c) in DROPPED), table
    )
    result = validate(text, table, DIALECT, key)
    if (cut := cut_short(data, rows, header_index)) is not None:
        result = quarantine_cut_short(result, cut, rows[header_index], len(rows[-1]))
    result.table = LINES
    result.rows = result.rows.with_columns(pl.lit(variant, pl.String).alias("export_variant"))
    result.notes["variant"] = variant
    return [result]
