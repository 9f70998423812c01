"""D3 `concur_sae_pipe`: SAP Concur's Standard Accounting Extract (docs/dialects.md D3).

A DETAIL line is 400 `|`-separated fields (index 0 = `DETAIL`); `detail()` fills the populated
positions of D3 with a plausible Taxi entry and takes changes by position. The EXTRACT line
carries the count and the 4-decimal total of the journal amounts (index 168), unless a test
gives other figures.
"""

from collections.abc import Mapping, Sequence
from decimal import Decimal

FIELDS = 400

# D3's populated positions for a clean Taxi entry of report 5001, entry 7001.
DEFAULTS: dict[int, str] = {
    1: "812", 2: "2024-04-02", 3: "1", 4: "E1002345", 5: "Otieno", 6: "Jane", 7: "W",
    8: "UNEP", 18: "R7Q2ZPLM4XK8CV1B9NWT", 19: "5001", 20: "DEFAULT", 21: "USD", 22: "KENYA",
    23: "2024-03-20", 25: "2024-03-28", 26: "Mission Geneva March", 30: "42.5000",
    32: "Travel", 40: "Employee", 60: "7001", 61: "REG", 62: "Taxi", 63: "2024-03-11",
    64: "USD", 65: "1.0000", 66: "M", 67: "N", 68: "Taxi airport to hotel", 69: "Taxi Bleu",
    70: "TAXI BLEU GENEVE", 86: "18", 87: "KM", 121: "42.5000", 122: "42.5000", 125: "CASH",
    126: "Cash", 162: "Company", 164: "Employee", 166: "62030", 167: "DR", 168: "+42.5000",
    169: "900001", 188: "900002", 189: "100.0000", 190: "KE10", 191: "F1001", 192: "OPS",
    323: "2024-03-10", 324: "2024-03-15", 338: "CH",
}  # fmt: skip


def detail(changes: Mapping[int, str | None] | None = None) -> list[str]:
    """The 400 fields of one DETAIL line; `changes` by position (a value of None empties it)."""
    fields = [""] * FIELDS
    fields[0] = "DETAIL"
    for position, value in {**DEFAULTS, **(changes or {})}.items():
        fields[position] = "" if value is None else value
    return fields


def quoted(value: str) -> str:
    """A field as Concur writes one holding `|` or `"`: in quotes, inner quotes doubled."""
    return '"' + value.replace('"', '""') + '"'


def line(fields: Sequence[str], quote: Sequence[int] = ()) -> str:
    """Fields joined with `|`; the positions in `quote` are written quoted."""
    return "|".join(quoted(v) if i in quote else v for i, v in enumerate(fields))


def extract(
    lines: Sequence[Sequence[str] | str],
    *,
    count: int | None = None,
    total: str | None = None,
    batch_date: str = "2024-04-02",
    batch_id: str = "812",
    newline: str = "\n",
    encoding: str = "utf-8",
    trailer: str = "",
) -> bytes:
    """An extract: the EXTRACT line (count and total of `lines` unless given), the lines."""
    texts = [ln if isinstance(ln, str) else line(ln) for ln in lines]
    if total is None:
        amounts = [Decimal(ln[168]) for ln in lines if not isinstance(ln, str)]
        total = f"{sum(amounts, start=Decimal(0)):.4f}"
    header = f"EXTRACT|{batch_date}|{len(lines) if count is None else count}|{total}|{batch_id}"
    return (newline.join([header, *texts]) + newline + trailer).encode(encoding)


# The fault matrix's entries: the same Taxi entry without the employee group (7) and the
# cost object (190-192), one report entry per sequence number.
def concur_detail(sequence: int, **changes: str) -> list[str]:
    """The 400 fields of a Taxi DETAIL line; `changes` by position (`p68='...'`)."""
    values: dict[int, str | None] = {
        3: str(sequence), 7: None, 60: str(7000 + sequence), 169: str(900000 + sequence),
        190: None, 191: None, 192: None,
    }  # fmt: skip
    values.update({int(k[1:]): v for k, v in changes.items()})
    return detail(values)


def concur_bytes(details: Sequence[Sequence[str]], encoding: str = "utf-8",
                 newline: str = "\n", count: int | None = None) -> bytes:  # fmt: skip
    """An extract: the EXTRACT line with the count and 4-decimal total, then the lines."""
    return extract(details, count=count, encoding=encoding, newline=newline)


CONCUR = concur_bytes([concur_detail(1), concur_detail(2, p63="2024-03-12")])
