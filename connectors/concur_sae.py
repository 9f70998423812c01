"""`concur_sae_pipe`: SAP Concur Standard Accounting Extract v3 (docs/dialects.md D3).

No header names: an `EXTRACT|<batch date>|<detail count>|<amount total>|<batch id>` line,
then one `DETAIL` line of exactly 400 `|`-separated fields per journal line (entry x
allocation x payer/payee). A value holding `|` is enclosed in double quotes, with `""` for a
quote inside it. The EXTRACT line's count and total are checked: a file that does not add
up was truncated or altered and is rejected with both figures, never loaded in part; so is
a file whose quoting leaves fields ambiguous (a line that does not split into 400 fields).

Only the positions declared in `POSITIONS` reach raw, under stable names; the other
populated positions are listed (numbers only, never values) in `_extra`, because a
configuration may put personal data anywhere (Cornell's extracts carry e-mail addresses at
263/264). The travel details Concur leaves to configuration are read from the positions of
`custom_field_map` (defaults: this project's convention, positions 82-87), overridable with
`GREENBLUE_CONCUR_CUSTOM_FIELDS`. They stay text: a value that does not parse as what the
map says makes its entry unmapped downstream, never the line quarantined or the file rejected
(Cornell's extracts hold `Employee` where our map reads room nights, on every line, meals
included). Room nights and distance are declared numbers with `quarantine=False`: staging
reads them with `to_double`, which gives NULL for such text, and the entry's reason quotes it.
"""

import os
import re
import unicodedata
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

import polars as pl

from connectors.base import Column, Dialect, RejectedFile, Table
from connectors.tabular import TextTable, decode
from connectors.validate import TableResult, validate

FIELDS_PER_DETAIL = 400
EXTRACT_FIELDS = 5
SIGNATURE = "EXTRACT|"
CUSTOM_FIELDS_ENV = "GREENBLUE_CONCUR_CUSTOM_FIELDS"

# Position (0-based, 0 is the record type) -> column, in file order. Personal fields are
# pseudonymised (the employee id, so one traveller's entries stay countable) or dropped
# (names, the report name, mileage start and end addresses).
POSITIONS: tuple[tuple[int, Column], ...] = (
    (1, Column("Batch ID", required=True)),
    (2, Column("Batch Date", "date", required=True)),
    (3, Column("Sequence Number", "int")),
    (4, Column("Employee ID", personal="pseudonymise")),
    (5, Column("Last Name", personal="drop")),
    (6, Column("First Name", personal="drop")),
    (7, Column("Middle Initial", personal="drop")),
    (8, Column("Employee Group")),
    (18, Column("Report ID")),
    (19, Column("Report Key")),
    (20, Column("Ledger")),
    (21, Column("Reimbursement Currency")),
    (22, Column("Home Country Name")),
    (23, Column("Report Submit Date", "date")),
    (25, Column("Report Payment Processing Date", "date")),
    (26, Column("Report Name", personal="drop")),
    (30, Column("Report Total Approved", "decimal")),
    (32, Column("Policy")),
    (40, Column("Employee Status")),
    (60, Column("Entry Key")),
    (61, Column("Entry Transaction Type")),
    (62, Column("Expense Type Name")),
    (63, Column("Transaction Date", "date")),
    (64, Column("Spend Currency")),
    (65, Column("Exchange Rate", "decimal")),
    (66, Column("Exchange Rate Direction")),
    (67, Column("Is Personal", "enum", values=("Y", "N"))),
    (68, Column("Entry Description")),
    (69, Column("Vendor Name")),
    (70, Column("Vendor Description")),
    (121, Column("Transaction Amount", "decimal")),
    (122, Column("Posted Amount", "decimal")),
    (125, Column("Payment Type Code")),  # codes outside CASH/IBCP/IBIP/CBCP are kept
    (126, Column("Payment Type Name")),
    (162, Column("Payer Payment Type Name")),
    (164, Column("Payee Payment Type Name")),
    (166, Column("Journal Account Code")),
    (167, Column("Journal Debit Credit", "enum", values=("DR", "CR"))),
    (168, Column("Journal Amount", "decimal", required=True)),
    (169, Column("Journal Key")),
    (188, Column("Allocation Key")),
    (189, Column("Allocation Pct", "decimal")),
    (190, Column("Allocation Segment 1")),
    (191, Column("Allocation Segment 2")),
    (192, Column("Allocation Segment 3")),
    (193, Column("Allocation Segment 4")),
    (194, Column("Allocation Segment 5")),
    (195, Column("Allocation Segment 6")),
    (323, Column("Report Start Date", "date")),
    (324, Column("Report End Date", "date")),
    (335, Column("Mileage From", personal="drop")),
    (336, Column("Mileage To", personal="drop")),
    (338, Column("Entry Location Country")),
    (339, Column("Entry Location Subdivision")),
)

# Travel details at configurable positions: meaning -> (column, default position).
CUSTOM_FIELDS: dict[str, tuple[Column, int]] = {
    "ticket_number": (Column("Ticket Number"), 82),
    "routing": (Column("Routing"), 83),
    "class_of_service": (Column("Class of Service"), 84),
    "room_nights": (Column("Room Nights", "decimal", quarantine=False), 85),
    "distance": (Column("Distance", "decimal", quarantine=False), 86),
    "distance_unit": (Column("Distance Unit"), 87),
}
DEFAULT_CUSTOM_FIELD_MAP: dict[str, int] = {k: p for k, (_, p) in CUSTOM_FIELDS.items()}

DETAIL = Table(
    name="concur_sae_detail",
    description="One row per DETAIL (journal) line of a Concur Standard Accounting Extract: "
    "report, entry, expense type, journal amount and the travel details of the custom fields.",
    columns=tuple(c for _, c in POSITIONS) + tuple(c for c, _ in CUSTOM_FIELDS.values()),
)

DIALECT = Dialect(
    name="concur_sae_pipe",
    domain="travel",
    tables=(DETAIL,),
    extensions=(".txt",),
    description="SAP Concur Standard Accounting Extract v3: EXTRACT line, 400-field "
    "'|'-separated DETAIL lines.",
    date_formats=("%Y-%m-%d",),
    excel_serial_dates=False,
    options={"custom_field_map": DEFAULT_CUSTOM_FIELD_MAP},
)

EXTRA_POSITIONS = "undeclared_positions"
EXTRA_MAP = "custom_field_positions"
NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")


class QuoteError(ValueError):
    """A line whose double quotes do not enclose whole fields: its fields cannot be told apart."""


def custom_field_map(
    overrides: Mapping[str, int] | None = None, env: Mapping[str, str] | None = None
) -> dict[str, int]:
    """The positions of the travel details: the defaults, then `GREENBLUE_CONCUR_CUSTOM_FIELDS`
    (`ticket_number=91,routing=92`), then `overrides`. A wrong setting is an error, not a
    guess: it would silently read every file wrongly."""
    env = os.environ if env is None else env
    positions = dict(DEFAULT_CUSTOM_FIELD_MAP)
    setting = env.get(CUSTOM_FIELDS_ENV, "").strip()
    for part in filter(None, (p.strip() for p in setting.split(","))):
        name, _, value = part.partition("=")
        if not value.strip().isdigit():
            raise ValueError(
                f"{CUSTOM_FIELDS_ENV}: {part!r} is not <name>=<position> "
                f"(names: {', '.join(DEFAULT_CUSTOM_FIELD_MAP)})"
            )
        positions[name.strip()] = int(value)
    positions.update(overrides or {})
    unknown = sorted(set(positions) - set(DEFAULT_CUSTOM_FIELD_MAP))
    if unknown:
        raise ValueError(
            f"{CUSTOM_FIELDS_ENV}: unknown field(s) {', '.join(unknown)} "
            f"(names: {', '.join(DEFAULT_CUSTOM_FIELD_MAP)})"
        )
    bad = {k: p for k, p in positions.items() if not 1 <= p < FIELDS_PER_DETAIL}
    if bad:
        raise ValueError(f"{CUSTOM_FIELDS_ENV}: positions must be 1..399, got {bad}")
    if len(set(positions.values())) != len(positions):
        raise ValueError(f"{CUSTOM_FIELDS_ENV}: two fields share a position: {positions}")
    return positions


def split_fields(line: str) -> list[str]:
    """Fields of one line, `|`-separated, double quotes respected.

    A field that starts with `"` runs to the `"` before the next `|` (or the end), with `""`
    for a quote inside it. A quote inside an unquoted value (`Inter"national`) is text, as
    Concur writes it; one against a field boundary (`WWW."|`) means the quoting is broken
    and which `|` separate fields cannot be known.
    """
    if '"' not in line:
        return line.split("|")
    fields: list[str] = []
    i, n = 0, len(line)
    while True:
        if i < n and line[i] == '"':
            parts, j = [], i + 1
            while True:
                k = line.find('"', j)
                if k < 0:
                    raise QuoteError(
                        f"field {len(fields)}: the opening double quote is never closed"
                    )
                parts.append(line[j:k])
                if k + 1 < n and line[k + 1] == '"':
                    parts.append('"')
                    j = k + 2
                    continue
                if k + 1 == n or line[k + 1] == "|":
                    break
                raise QuoteError(
                    f"field {len(fields)}: text {line[k + 1 : k + 11]!r} follows the closing "
                    "double quote (a quote inside a quoted value must be doubled)"
                )
            fields.append("".join(parts))
            i = k + 1
        else:
            k = line.find("|", i)
            end = n if k < 0 else k
            value = line[i:end]
            if value.endswith('"'):
                raise QuoteError(
                    f"field {len(fields)}: {value[-12:]!r} ends with a double quote that opens "
                    "no quoted value (a value holding '|' must be quoted on both sides)"
                )
            fields.append(value)
            i = end
        if i >= n:
            return fields
        i += 1  # the `|`
        if i == n:
            fields.append("")
            return fields


def amount(text: str) -> Decimal | None:
    """A journal or total amount: `+550.0000`, `-12.5000`, `¤1230.3600` (currency signs are
    dropped, as some exports prefix the total with one)."""
    cleaned = "".join(ch for ch in text if unicodedata.category(ch) != "Sc" and not ch.isspace())
    if not NUMBER.match(cleaned):
        return None
    try:
        return Decimal(cleaned)
    except InvalidOperation:
        return None


def detect(data: bytes, suffix: str) -> str | None:
    """None when the file is this dialect: its first line starts with `EXTRACT|`."""
    if suffix not in DIALECT.extensions:
        return f"{DIALECT.name} reads .txt files, not {suffix}"
    head = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if head.startswith(SIGNATURE.encode("ascii")):
        return None
    first = head.split(b"\n", 1)[0][:40].decode("utf-8", errors="replace").strip()
    return f"the first line does not start with {SIGNATURE!r} (found {first!r})"


def read_extract_line(line: str) -> tuple[int, Decimal, str]:
    """Detail count, amount total and batch id from `EXTRACT|date|count|total|batch`."""
    try:
        fields = split_fields(line)
    except QuoteError as exc:
        raise RejectedFile(f"line 1 (EXTRACT): {exc}") from exc
    if len(fields) != EXTRACT_FIELDS or fields[0] != "EXTRACT":
        raise RejectedFile(
            f"line 1: the EXTRACT line has {len(fields)} fields, expected {EXTRACT_FIELDS} "
            "(EXTRACT|<batch date>|<detail count>|<amount total>|<batch id>)"
        )
    count_text, total_text = fields[2].strip(), fields[3].strip()
    total = amount(total_text)
    if not count_text.isdigit() or total is None:
        raise RejectedFile(
            f"line 1: the EXTRACT line's count {count_text!r} or total {total_text!r} "
            "is not a number"
        )
    return int(count_text), total, fields[4].strip()


def read(
    data: bytes,
    suffix: str,
    key: bytes,
    custom_fields: Mapping[str, int] | None = None,
) -> list[TableResult]:
    positions = custom_field_map(custom_fields)
    text, encoding = decode(data)
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()  # the final line break ends the last line; it opens no new one
    if not lines or not lines[0].rstrip("\r").startswith(SIGNATURE):
        raise RejectedFile(f"line 1 does not start with {SIGNATURE!r}")
    count, total, _ = read_extract_line(lines[0].rstrip("\r"))

    # A custom field may share a position with a declared column; both then get its value.
    wanted = [(p, c.header) for p, c in POSITIONS] + [
        (positions[name], column.header) for name, (column, _) in CUSTOM_FIELDS.items()
    ]
    known = {p for p, _ in wanted}
    columns: dict[str, list[str | None]] = {header: [] for _, header in wanted}
    source_rows: list[int] = []
    undeclared: list[str | None] = []
    blank_lines = 0
    details, journal_sum, unreadable = 0, Decimal(0), 0
    for number, raw_line in enumerate(lines[1:], start=2):
        line = raw_line[:-1] if raw_line.endswith("\r") else raw_line
        if not line.strip():
            blank_lines += 1
            continue
        try:
            fields = split_fields(line)
        except QuoteError as exc:
            raise RejectedFile(f"line {number}: {exc}") from exc
        if fields[0] == "EXTRACT":
            raise RejectedFile(
                f"line {number}: a second EXTRACT line (two extracts joined into one file?); "
                "deliver each extract as its own file"
            )
        if fields[0] != "DETAIL":
            raise RejectedFile(
                f"line {number}: record type {fields[0][:20]!r}, expected DETAIL "
                "(only EXTRACT and DETAIL lines exist in SAE v3)"
            )
        if len(fields) != FIELDS_PER_DETAIL:
            raise RejectedFile(
                f"line {number}: {len(fields)} fields, expected exactly {FIELDS_PER_DETAIL} "
                "(a value holding '|' must be enclosed in double quotes)"
            )
        details += 1
        value = amount(fields[168])
        if value is None:
            unreadable += 1
        else:
            journal_sum += value
        for position, header in wanted:
            columns[header].append(fields[position] or None)
        source_rows.append(number)
        extra = [str(p) for p, v in enumerate(fields) if p and v and p not in known]
        undeclared.append(",".join(extra) or None)

    if details != count or journal_sum != total:
        detail = f" ({unreadable} journal amounts are not numbers)" if unreadable else ""
        raise RejectedFile(
            f"the EXTRACT line announces {count} DETAIL lines totalling {total}, but the file "
            f"has {details} DETAIL lines totalling {journal_sum}{detail}: the extract is "
            "incomplete or altered; ask for it to be sent again"
        )

    frame = pl.DataFrame(
        {**columns, "_source_row": source_rows, EXTRA_POSITIONS: undeclared},
        schema={
            **{header: pl.String for header in columns},
            "_source_row": pl.Int64,
            EXTRA_POSITIONS: pl.String,
        },
    ).with_columns(pl.lit(",".join(f"{k}={p}" for k, p in positions.items())).alias(EXTRA_MAP))
    result = validate(TextTable(frame, 1, None, encoding, "|"), DETAIL, DIALECT, key)
    result.rows_skipped += blank_lines
    return [result]
