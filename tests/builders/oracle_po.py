"""D2 `oracle_po_lines_csv`: Oracle purchase-order lines (docs/dialects.md D2).

The same lines as each Oracle product prints them: Fusion BI Publisher (the clean profile),
E-Business Suite and an OTBI analysis download.
"""

import csv
import dataclasses
import datetime as dt
import io
from collections.abc import Sequence
from decimal import Decimal

from samples.oracle_po import EBS_RENAMES, FUSION, OTBI
from tests.builders.common import Export, Row

OTBI_HEADER = tuple(OTBI.values())


def fusion_line(**changes) -> dict:
    """A clean Fusion PO line (docs/dialects.md D2 examples)."""
    line = dict(zip(FUSION, (
        "UNDP Procurement BU", "300000123456789", "UNDP1-0001234", "STANDARD", "OPEN",
        "300000045678901", "Acme Solar, S.A.", "NAIROBI", "KE", "USD", "",
        "2024-03-05T14:22:10.000+00:00", "", "300000123450001", "1", "Goods", "QUANTITY", "",
        "Solar PV system 5 kWp, incl. installation", "26111600", "Ea", "2", "4500.00", "9000.00",
        "0", "OPEN", "N", "", "2024-04-01", "KE",
    ), strict=True))  # fmt: skip
    unknown = set(changes) - set(line)
    if unknown:
        raise KeyError(f"not a D2 column: {sorted(unknown)}")
    return line | changes


# UNEP's business unit, for files landed under UNEP.
UNEP = {"PRC_BU_NAME": "UNEP Procurement BU", "SEGMENT1": "UNEP1-0001234"}


def fusion_csv(rows: Sequence[Row], delimiter: str = ",", bom: bool = True) -> bytes:
    """UTF-8 with BOM, CRLF, RFC 4180 quoting (D2 clean profile)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(FUSION)
    writer.writerows([row[c] for c in FUSION] for row in rows)
    return (b"\xef\xbb\xbf" if bom else b"") + buffer.getvalue().encode("utf-8")


def oracle_csv(rows: Sequence[Row]) -> bytes:
    """UNEP's Fusion file; each row is changes (by column) to the example line."""
    return fusion_csv([fusion_line(**{**UNEP, **r}) for r in rows])


def ebs_csv(rows: list[dict]) -> bytes:
    """EBS: OPERATING_UNIT, UNIT_MEAS_LOOKUP_CODE, AUTHORIZATION_STATUS + CLOSED_CODE, DD-MON-YY."""
    columns = [c for c in FUSION if c != "DOCUMENT_STATUS"]
    columns[4:4] = ["AUTHORIZATION_STATUS", "CLOSED_CODE"]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([EBS_RENAMES.get(c, c) for c in columns])
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


def otbi_cells(line: Row) -> list[str]:
    """A Fusion line as an OTBI analysis prints it: MM/DD/YYYY, amounts `9,000.00`."""
    out = []
    for column in OTBI:
        value = line[column]
        if column == "CREATION_DATE":
            value = dt.date.fromisoformat(value[:10]).strftime("%m/%d/%Y")
        elif column in ("UNIT_PRICE", "AMOUNT"):
            value = f"{float(value):,.2f}"
        out.append(value)
    return out


def otbi_csv(rows: list[dict]) -> bytes:
    """OTBI analysis download: display headers, MM/DD/YYYY, amounts `"9,000.00"`."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(OTBI_HEADER)
    writer.writerows(otbi_cells(row) for row in rows)
    return buffer.getvalue().encode("utf-8")


# The fault matrix's variants: two lines of one order.
def fusion_record(line: str, description: str, need_by: str, amount: str) -> tuple:
    """A Fusion line of two units as a tuple of cells."""
    changes = {
        "PO_LINE_ID": f"30000012345000{line}",
        "LINE_NUM": line,
        "ITEM_DESCRIPTION": description,
        "UNIT_PRICE": str(Decimal(amount) / 2),
        "AMOUNT": amount,
        "NEED_BY_DATE": need_by,
    }
    return tuple(fusion_line(**changes).values())


ORACLE_FUSION = Export(
    name="oracle_po_fusion", dialect="oracle_po_lines_csv", domain="procurement", suffix=".csv",
    table="oracle_po_lines", header=FUSION,
    rows=(
        fusion_record("1", "Solar PV system 5 kWp, incl. installation", "2024-04-01", "9000.00"),
        fusion_record("2", 'Inverter 5 kW, "hybrid"', "2024-04-15", "2400.00"),
    ),
    encoding="utf-8-sig", key_column="AMOUNT", date_column="NEED_BY_DATE",
    text_column="ITEM_DESCRIPTION",
)  # fmt: skip


# The same two lines in an OTBI analysis (the inverter's description without its quotes).
OTBI_LINES = (
    fusion_line(),
    fusion_line(LINE_NUM="2", ITEM_DESCRIPTION="Inverter 5 kW", UNIT_PRICE="1200.00",
                AMOUNT="2400.00"),
)  # fmt: skip
ORACLE_OTBI = dataclasses.replace(
    ORACLE_FUSION, name="oracle_po_otbi", header=OTBI_HEADER,
    rows=tuple(tuple(otbi_cells(line)) for line in OTBI_LINES), encoding="utf-8",
    key_column="Ordered Amount", date_column="Creation Date", text_column="Item Description",
)  # fmt: skip
