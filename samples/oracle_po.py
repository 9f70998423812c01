"""D2 `oracle_po_lines_csv`: quarterly Oracle purchase-order line extracts of one organisation.

Orders are simulated in `procurement.py`; this module prints them as Oracle Fusion's OTBI /
BI Publisher extract (UTF-8 with BOM, RFC 4180 quoting, ISO dates and timestamps), or as
the E-Business Suite extract or the OTBI analysis with display headers, with every quirk
switch of docs/dialects.md D2.

Quirk scopes: per file (`bom`, `semicolon_delimiter`, and the variants `oracle_ebs` and
`oracle_otbi_display`), per line (`schedule_fanout`, `distribution_fanout`,
`multiline_description`) and per order (`segment1_reused_across_bu`: the organisation's
second business unit issues an order with a number the first already used).
"""

import csv
import datetime as dt
import io
import random
from decimal import Decimal
from pathlib import Path

from samples import procurement as proc
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "bom": 1.0,
    "schedule_fanout": 0.15,
    "distribution_fanout": 0.05,
    "multiline_description": 0.1,
    "semicolon_delimiter": 0.05,
    "segment1_reused_across_bu": 0.05,
    "oracle_ebs": 0.2,
    "oracle_otbi_display": 0.2,
}

FUSION = (
    "PRC_BU_NAME", "PO_HEADER_ID", "SEGMENT1", "TYPE_LOOKUP_CODE", "DOCUMENT_STATUS",
    "VENDOR_ID", "VENDOR_NAME", "VENDOR_SITE_CODE", "SUPPLIER_COUNTRY", "CURRENCY_CODE",
    "RATE", "CREATION_DATE", "APPROVED_DATE", "PO_LINE_ID", "LINE_NUM", "LINE_TYPE",
    "ORDER_TYPE_LOOKUP_CODE", "ITEM_NUMBER", "ITEM_DESCRIPTION", "CATEGORY_NAME", "UOM_CODE",
    "QUANTITY", "UNIT_PRICE", "AMOUNT", "QUANTITY_CANCELLED", "LINE_STATUS", "CANCEL_FLAG",
    "CANCEL_DATE", "NEED_BY_DATE", "SHIP_TO_COUNTRY",
)  # fmt: skip
EBS_RENAMES = {"PRC_BU_NAME": "OPERATING_UNIT", "UOM_CODE": "UNIT_MEAS_LOOKUP_CODE"}
OTBI = {
    "PRC_BU_NAME": "Procurement BU", "SEGMENT1": "Order", "VENDOR_NAME": "Supplier",
    "VENDOR_SITE_CODE": "Supplier Site", "CURRENCY_CODE": "Currency Code",
    "CREATION_DATE": "Creation Date", "LINE_NUM": "Line", "ITEM_DESCRIPTION": "Item Description",
    "CATEGORY_NAME": "Purchasing Category", "UOM_CODE": "UOM", "QUANTITY": "Quantity",
    "UNIT_PRICE": "Price", "AMOUNT": "Ordered Amount", "QUANTITY_CANCELLED": "Canceled Quantity",
    "LINE_STATUS": "Line Status",
}  # fmt: skip
UOM = {"PC": ("Ea", "Each"), "L": ("LTR", "Litre"), "KWH": ("KWH", "Kilowatt Hour"),
       "BOX": ("BX", "Box"), "KIT": ("KIT", "Kit"), "BAG": ("BAG", "Bag"),
       "AU": ("EA", "Each")}  # fmt: skip
SITES = ("NAIROBI", "NEW YORK", "GENEVA", "COPENHAGEN", "DAKAR", "ADDIS ABABA", "BANGKOK")
TRUTH_HEADER = proc.TRUTH_HEADER


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    """Four quarterly PO-line extracts, for organisations on Oracle."""
    if proc.system_of(org) != "oracle":
        return []
    orders = proc.simulate(org, rng, ctx, "oracle", units=2)
    reuse_numbers(orders, rng, ctx)
    folder = ctx.landing_dir(org, "procurement")
    ids = Identifiers(rng)
    written, final = [], {}
    for quarter in range(1, 5):
        shown = [
            proc.as_exported(line, quarter, rng, "oracle") for line in orders.quarter_lines(quarter)
        ]
        variant = "fusion"
        if ctx.chance(rng, "oracle_ebs"):
            variant = "ebs"
        if ctx.chance(rng, "oracle_otbi_display"):
            variant = "otbi_display"
        delimiter = ";" if ctx.chance(rng, "semicolon_delimiter") else ","
        bom = ctx.chance(rng, "bom") and variant == "fusion"
        rows, printed = [], {}
        for line in shown:
            key = (orders.business_units[line.business_unit], po_number(org, line))
            key = (*key, str(line.item_no // 10))
            final[key] = line
            if variant == "otbi_display" and line.fate in ("agreement", "draft"):
                continue  # an OTBI purchase-order analysis lists approved standard orders
            printed[key] = line
            rows.extend(line_rows(line, orders, ids, rng, ctx, variant))
        stamp = (dt.date(ctx.year, quarter * 3, 1) + dt.timedelta(days=31)).replace(day=1)
        stamp -= dt.timedelta(days=1)
        path = folder / f"PO_Lines_{org.code}_{stamp:%Y%m%d}.csv"
        path.write_bytes(render(rows, variant, delimiter, bom))
        written.append(WrittenFile(path.relative_to(ctx.out), {"oracle_po_lines": len(rows)}))
        truth = proc.truth_rows(orders, printed, "oracle")
        ctx.write_truth(path.relative_to(ctx.out), TRUTH_HEADER, truth)
    relative = Path(org.code) / "procurement" / f"expected_lines_{ctx.year}"
    ctx.write_truth(relative, TRUTH_HEADER, proc.truth_rows(orders, final, "oracle"))
    proc.write_story(org, rng, ctx)
    return written


def reuse_numbers(orders: proc.Orders, rng: random.Random, ctx: Context) -> None:
    """`segment1_reused_across_bu`: some orders of the second business unit take a number
    the first unit already issued (each BU numbers its orders independently)."""
    first = sorted({line.po_number for line in orders.lines if line.business_unit == 0})
    second = sorted({line.po_number for line in orders.lines if line.business_unit == 1})
    free = [number for number in first if number not in second]
    for number in second:
        if free and ctx.chance(rng, "segment1_reused_across_bu"):
            reused = free.pop(rng.randrange(len(free)))
            for line in orders.lines:
                if line.business_unit == 1 and line.po_number == number:
                    line.po_number = reused


def po_number(org: Org, line: proc.Line) -> str:
    """Fusion's SEGMENT1: the organisation's prefix and the order sequence."""
    return f"{org.code[:4]}-{line.po_number % 10_000_000:07d}"


class Identifiers:
    """Oracle's 15-digit surrogate keys, stable per order, line and vendor."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.issued: dict[tuple, int] = {}

    def __call__(self, *key) -> int:
        if key not in self.issued:
            self.issued[key] = 300000000000000 + self.rng.randrange(10**12)
        return self.issued[key]


def line_rows(
    line: proc.Line,
    orders: proc.Orders,
    ids: Identifiers,
    rng: random.Random,
    ctx: Context,
    variant: str,
) -> list[dict]:
    """The line's row, repeated per schedule or distribution when a fan-out quirk fires."""
    item = line.item
    per_unit = line.price / item.price_unit
    description = item.en
    if ctx.chance(rng, "multiline_description"):
        terms = rng.choice(("RFQ", "ITB", "LTA"))
        site = rng.choice(SITES).title()
        description = f'{item.en}, as per "{terms}" terms\nDelivery to {site}, incl. packing'
    service = item.unit_en == "AU"
    cancelled = line.fate in ("cancelled",) or (0 < line.quantity <= line.cancelled_quantity)
    created = dt.datetime.combine(line.po_date, dt.time(rng.randrange(7, 19), rng.randrange(60)))
    category = line.item.unspsc or line.item.local_group
    if category and line.item.unspsc and rng.random() < 0.4:
        category = f"{line.item.unspsc} - {line.item.en.split(' ')[0].title()}"
    document_status = {"draft": "INCOMPLETE", "cancelled": "OPEN"}.get(line.fate, "OPEN")
    row = {
        "PRC_BU_NAME": orders.business_units[line.business_unit],
        "PO_HEADER_ID": ids("header", line.business_unit, line.po_number),
        "SEGMENT1": po_number(orders.org, line),
        "TYPE_LOOKUP_CODE": "BLANKET" if line.fate == "agreement" else "STANDARD",
        "DOCUMENT_STATUS": document_status,
        "AUTHORIZATION_STATUS": "INCOMPLETE" if line.fate == "draft" else "APPROVED",
        "CLOSED_CODE": "OPEN",
        "VENDOR_ID": ids("vendor", line.vendor.number),
        "VENDOR_NAME": line.vendor.name,
        "VENDOR_SITE_CODE": rng.choice(SITES),
        "SUPPLIER_COUNTRY": line.vendor.country,
        "CURRENCY_CODE": line.currency,
        "RATE": "" if line.currency == "USD" else f"{proc.USD_PER_UNIT[line.currency]:.6f}",
        "CREATION_DATE": created,
        "APPROVED_DATE": created + dt.timedelta(days=1) if line.fate != "draft" else None,
        "PO_LINE_ID": ids("line", line.business_unit, line.po_number, line.item_no),
        "LINE_NUM": line.item_no // 10,
        "LINE_TYPE": "Services" if service else "Goods",
        "ORDER_TYPE_LOOKUP_CODE": "AMOUNT" if service else "QUANTITY",
        "ITEM_NUMBER": "" if service else f"ITM-{sum(map(ord, item.en)) % 100000:05d}",
        "ITEM_DESCRIPTION": description,
        "CATEGORY_NAME": category,
        "UOM_CODE": UOM[item.unit_en][1 if variant == "ebs" else 0],
        "QUANTITY": line.quantity,
        "UNIT_PRICE": per_unit,
        "AMOUNT": line.value,
        "QUANTITY_CANCELLED": line.quantity
        if line.fate == "cancelled"
        else line.cancelled_quantity,
        "LINE_STATUS": "CANCELED" if cancelled else rng.choice(("OPEN", "OPEN", "CLOSED")),
        "CANCEL_FLAG": "Y" if cancelled else "N",
        "CANCEL_DATE": line.po_date + dt.timedelta(days=rng.randrange(1, 30))
        if cancelled
        else None,
        "NEED_BY_DATE": line.po_date + dt.timedelta(days=rng.randrange(14, 90)),
        "SHIP_TO_COUNTRY": orders.org.country,
    }
    copies = 1
    if ctx.chance(rng, "schedule_fanout"):
        copies = rng.choice((2, 3))
    elif ctx.chance(rng, "distribution_fanout"):
        copies = 2
    rows = [dict(row) for _ in range(copies)]
    for i, copy in enumerate(rows[1:], start=1):
        copy["NEED_BY_DATE"] = row["NEED_BY_DATE"] + dt.timedelta(days=30 * i)
    return rows


AMOUNTS = ("UNIT_PRICE", "AMOUNT")
DATE_FORMATS = {"fusion": "%Y-%m-%d", "ebs": "%d-%b-%y", "otbi_display": "%m/%d/%Y"}


def plain(column: str, value: object, variant: str, currency: str) -> str:
    """A value as the variant prints it: ISO, `DD-MON-YY` or `MM/DD/YYYY` dates, Fusion
    timestamps, plain numbers (`9000.00`) or display numbers (`9,000.00`)."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        if variant == "fusion":
            return value.strftime("%Y-%m-%dT%H:%M:%S.000+00:00")
        value = value.date()
    if isinstance(value, dt.date):
        return value.strftime(DATE_FORMATS[variant]).upper()
    if isinstance(value, Decimal):
        grouping = "," if variant == "otbi_display" else ""
        if column == "AMOUNT":
            places = 0 if currency == "JPY" else 2
            return f"{value:{grouping}.{places}f}"
        text = format(value.normalize(), "f")
        if column == "UNIT_PRICE" and "." in text and len(text.split(".")[1]) < 2:
            text = f"{value:.2f}"
        if grouping:
            whole, _, fraction = text.partition(".")
            text = f"{int(whole):,}" + (f".{fraction}" if fraction else "")
        return text
    return str(value)


def columns_of(variant: str) -> tuple[list[str], list[str]]:
    """(row keys, header texts) of a variant, in the order the extract prints them."""
    if variant == "fusion":
        return list(FUSION), list(FUSION)
    if variant == "ebs":
        keys = [c for c in FUSION if c != "DOCUMENT_STATUS"]
        at = keys.index("TYPE_LOOKUP_CODE") + 1
        keys[at:at] = ["AUTHORIZATION_STATUS", "CLOSED_CODE"]
        return keys, [EBS_RENAMES.get(c, c) for c in keys]
    return list(OTBI), list(OTBI.values())


def render(rows: list[dict], variant: str, delimiter: str, bom: bool) -> bytes:
    """The extract: header row and data rows, RFC 4180 quoting, CRLF."""
    keys, header = columns_of(variant)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow(plain(c, row[c], variant, row["CURRENCY_CODE"]) for c in keys)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


WRITER = DialectWriter("oracle_po_lines_csv", QUIRKS, write)
