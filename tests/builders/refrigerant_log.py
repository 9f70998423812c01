"""D8 `refrigerant_log_csv`: a site's refrigerant service log (docs/dialects.md D8)."""

from collections.abc import Sequence

from samples.refrigerant_log import HEADER
from tests.builders.common import Export, Row, delimited, record, row

SERVICE = dict(zip(HEADER, (
    "NBO-HQ", "Gigiri", "KE", "AC-001", "Split AC", "R-410A", "2.50", "kg", "2024-03-05", "Top-up",
    "0.40", "", "kg", "", "Peter Mwangi", "F-GAS-123456", "CoolTech", "",
), strict=True))  # fmt: skip
# A chiller's leak repair, the second row of the fault matrix's file.
LEAK_REPAIR = {
    "Equipment ID": "AC-002",
    "Equipment Type": "Chiller",
    "Refrigerant": "R-134a",
    "Nameplate Charge": "45.00",
    "Service Date": "2024-06-18",
    "Service Type": "Leak repair",
    "Quantity Added": "3.20",
    "Leak Check Result": "Pass",
    "Notes": "Valve replaced",
}


def refrigerant_csv(rows: Sequence[Row]) -> bytes:
    """The clean profile: `,`, UTF-8, CRLF; each row is changes to the example."""
    return delimited([row(SERVICE, r) for r in rows])


REFRIGERANT = Export(
    name="refrigerant_log_csv", dialect="refrigerant_log_csv", domain="refrigerants", suffix=".csv",
    table="refrigerant_log", header=HEADER, rows=(record(SERVICE), record(SERVICE, LEAK_REPAIR)),
    key_column="Quantity Added", date_column="Service Date", text_column="Notes",
)  # fmt: skip
