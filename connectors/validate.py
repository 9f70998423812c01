"""Text frame to raw rows and quarantine, by the table's declaration.

Values are kept as their original text; casting here only decides whether a row is loaded
or quarantined, with a reason a focal point can act on. Staging casts again with the same
formats.
"""

import dataclasses
import re
from dataclasses import dataclass, field

import polars as pl

from connectors.base import Column, Dialect, RejectedFile, Table, header_key
from connectors.personal_columns import classify
from connectors.pseudonym import pseudonymise
from connectors.tabular import TextTable

QUARANTINE_SCHEMA = {
    "sheet": pl.String,
    "source_row": pl.Int64,
    "column_name": pl.String,
    "value": pl.String,
    "reason": pl.String,
}
TOTAL_ROW = r"^\s*(grand\s+)?(sub)?totals?\b"
MASK = "***"


@dataclass
class TableResult:
    """What one sheet or file produced for one raw table."""

    table: Table
    rows: pl.DataFrame  # raw columns + _sheet, _source_row, _extra
    quarantine: pl.DataFrame
    rows_in: int
    rows_skipped: int
    notes: dict = field(default_factory=dict)


def empty_quarantine() -> pl.DataFrame:
    return pl.DataFrame(schema=QUARANTINE_SCHEMA)


def quarantine_entries(
    rows: pl.DataFrame, header: str, value: str, reason: str | pl.Expr
) -> pl.DataFrame:
    """Quarantine entries for loaded rows a dialect's own checks reject: each row's sheet and
    source row, the column by its `header`, its text from raw column `value`, and the
    reason (a text, or an expression per row)."""
    return rows.select(
        pl.col("_sheet").alias("sheet"),
        pl.col("_source_row").alias("source_row"),
        pl.lit(header).alias("column_name"),
        pl.col(value).alias("value"),
        (reason if isinstance(reason, pl.Expr) else pl.lit(reason)).alias("reason"),
    )


def with_quarantined(result: TableResult, extra: pl.DataFrame) -> TableResult:
    """The result with the rows that `extra` (quarantine entries a dialect's own checks
    found after `validate`) names by `source_row` moved from its rows to its quarantine."""
    if extra.is_empty():
        return result
    bad = extra.get_column("source_row").implode()
    return dataclasses.replace(
        result,
        rows=result.rows.filter(~pl.col("_source_row").is_in(bad)),
        quarantine=pl.concat([result.quarantine, extra.cast(QUARANTINE_SCHEMA)]),
    )


def blank(col: str) -> pl.Expr:
    return pl.col(col).is_null() | (pl.col(col).str.strip_chars() == "")


def number_pattern(dialect: Dialect) -> str:
    if "number_pattern" in dialect.options:  # a dialect whose numbers carry grouping or signs
        return dialect.options["number_pattern"]
    if dialect.decimal_comma:
        return r"^[+-]?(\d{1,3}(\.\d{3})+|\d+)(,\d+)?-?$"
    return r"^[+-]?(\d+(\.\d*)?|\.\d+)$"


# The largest magnitudes staging reads (dbt_project/macros/numbers.sql): whole numbers as
# INTEGER or BIGINT, other numbers below 10^15 (DECIMAL(18,2) money, exact as a double).
INT_RANGES = {"int": (-(2**31), 2**31 - 1), "bigint": (-(2**63), 2**63 - 1)}
MAX_INTEGER_DIGITS = 15


def whole_number(value: pl.Expr, dialect: Dialect) -> pl.Expr:
    """A whole-number cell as its sign and digits (`-1000`), null when it is none.

    Plain digits everywhere. A dialect that groups thousands declares the pattern its whole
    numbers follow (`whole_number_pattern`): SAP lists group them like any number and may
    print a zero fraction, so in a decimal-comma file `1.000` and `1.000,00` are 1000, in a
    decimal-point one `1,000` is (docs/dialects.md D1). Staging reads them by the same rule
    (`erp_integer`, dbt_project/macros/procurement.sql).
    """
    plain = pl.when(value.str.contains(r"^[+-]?[0-9]+$")).then(value)
    pattern = dialect.options.get("whole_number_pattern")
    if pattern is None:
        return plain
    mark = "," if dialect.decimal_comma else "."
    sign = pl.when(value.str.contains(r"^-|-$")).then(pl.lit("-")).otherwise(pl.lit(""))
    digits = value.str.split(mark).list.first().str.replace_all(r"[^0-9]", "")
    grouped = pl.when(value.str.contains(pattern) & ascii_only(value)).then(sign + digits)
    return pl.coalesce(plain, grouped)


def ascii_only(value: pl.Expr) -> pl.Expr:
    """`\\d` in a pattern also matches Arabic-Indic and other digits; no cast reads those."""
    return ~value.str.contains(r"[^\x00-\x7f]")


def integer_digits(value: pl.Expr, dialect: Dialect) -> pl.Expr:
    """How many digits a number has before its decimal mark, leading zeros aside."""
    mark = "," if dialect.decimal_comma else "."
    whole = value.str.split(mark).list.first()
    return whole.str.replace_all(r"[^0-9]", "").str.strip_chars_start("0").str.len_chars()


def parse_date(col: str, dialect: Dialect) -> pl.Expr:
    """The date a cell holds in any of the dialect's formats, an ISO timestamp or a serial."""
    text = pl.col(col).str.strip_chars()
    candidates = [text.str.strptime(pl.Date, f, strict=False) for f in dialect.date_formats]
    iso_stamp = text.str.slice(0, 10).str.strptime(pl.Date, "%Y-%m-%d", strict=False)
    candidates.append(pl.when(text.str.contains(r"^\d{4}-\d{2}-\d{2}[ T]")).then(iso_stamp))
    if dialect.excel_serial_dates:
        serial = text.cast(pl.Int64, strict=False)
        candidates.append(
            pl.when(text.str.contains(r"^\d{1,5}$") & (serial > 0))
            .then(pl.date(1899, 12, 30) + pl.duration(days=serial))
            .otherwise(None)
        )
    parsed = pl.coalesce(candidates)
    # `%Y` also takes `24`: a date before 1900 is a two-digit year or a typo, never data.
    return pl.when(parsed.dt.year() >= 1900).then(parsed)


def serial_1904_as_iso(col: str) -> pl.Expr:
    """A 1904-system workbook's serial date, written as the ISO date Excel shows for it."""
    text = pl.col(col).str.strip_chars()
    as_date = pl.date(1904, 1, 1) + pl.duration(days=text.cast(pl.Int64, strict=False))
    return (
        pl.when(text.str.contains(r"^\d{1,5}$"))
        .then(as_date.dt.to_string("%Y-%m-%d"))
        .otherwise(pl.col(col))
        .alias(col)
    )


def failures(column: Column, dialect: Dialect) -> list[tuple[pl.Expr, str]]:
    """(row fails, reason) pairs for one column; reasons name the column and what was expected."""
    name, header = column.name, column.header
    present = ~blank(name)
    checks: list[tuple[pl.Expr, str]] = []
    if column.required:
        checks.append((~present, f"{header} is empty (required)"))
    if column.required_when:
        other, values = column.required_when
        applies = pl.col(other).str.strip_chars().str.to_uppercase().is_in(list(values))
        checks.append((~present & applies, f"{header} is empty (required for {'/'.join(values)})"))
    value = pl.col(name).str.strip_chars()
    if not column.quarantine:
        return checks
    if column.type in INT_RANGES:
        digits = whole_number(value, dialect)
        whole = digits.is_not_null()
        low, high = INT_RANGES[column.type]
        number = digits.cast(pl.Int64, strict=False)
        checks.append((present & ~whole, f"{header} is not a whole number"))
        checks.append(
            (
                present & whole & ~(number.is_between(low, high)).fill_null(False),
                f"{header} is not a whole number from {low:,} to {high:,}",
            )
        )
    elif column.type == "decimal":
        readable = value.str.contains(number_pattern(dialect)) & ascii_only(value)
        checks.append((present & ~readable, f"{header} is not a number"))
        checks.append(
            (
                present & readable & (integer_digits(value, dialect) > MAX_INTEGER_DIGITS),
                f"{header} has more than {MAX_INTEGER_DIGITS} digits before the decimal mark "
                "(no quantity or amount is that large: check the export's number format)",
            )
        )
    elif column.type == "date":
        formats = ", ".join(f.replace("%", "") for f in dialect.date_formats)
        checks.append(
            (
                present & parse_date(name, dialect).is_null(),
                f"{header} is not a date (expected a date cell or {formats})",
            )
        )
    elif column.type == "enum":
        allowed = list(column.values)
        checks.append(
            (
                present & ~value.str.to_uppercase().is_in(allowed),
                f"{header} is not one of {', '.join(allowed)}",
            )
        )
    elif column.type == "ticket":
        digits = value.str.replace_all(r"[-\s]", "")
        checks.append(
            (
                present & ~digits.str.contains(r"^\d{6,13}$"),
                f"{header} is not a ticket number of up to 13 digits "
                "(numbers in scientific notation lose digits: export the column as text)",
            )
        )
    return checks


def cut_short_reason(cells: int, width: int) -> str:
    return (
        f"the file ends inside this row ({cells} of {width} fields, no line break after it): "
        "the export was cut short, so the row is incomplete and its last value may be cut "
        "too; send the complete file"
    )


def cut_short_entry(data: pl.DataFrame, text: TextTable, cut: tuple[int, int]) -> pl.DataFrame:
    """The quarantine entry of a last record the file ends inside of (none for a layout row)."""
    row, cells = cut
    header = [c for c in text.frame.columns if c != "_source_row"]
    if row not in data.get_column("_source_row"):
        return empty_quarantine()
    return pl.DataFrame(
        {
            "sheet": [text.sheet],
            "source_row": [row],
            "column_name": [header[cells]],
            "value": [None],
            "reason": [cut_short_reason(cells, len(header))],
        },
        schema=QUARANTINE_SCHEMA,
    )


def map_headers(frame: pl.DataFrame, table: Table) -> tuple[pl.DataFrame, list[str]]:
    """Rename file headers to declared column names; returns the frame and extra headers."""
    by_key = {}
    for col in frame.columns:
        if col != "_source_row":
            by_key.setdefault(header_key(col), col)
    renames, used = {}, set()
    for column in table.columns:
        keys = [header_key(column.header), *(header_key(a) for a in column.aliases)]
        found = next((by_key[k] for k in keys if k in by_key), None)
        if found is None:
            if not column.optional:
                raise RejectedFile(f"{table.name}: column {column.header!r} is missing")
            frame = frame.with_columns(pl.lit(None, pl.String).alias(column.name))
            continue
        renames[found] = column.name
        used.add(found)
    personal = {header_key(c.header) for c in table.columns if c.personal}
    extras = []
    for col in frame.columns:
        if col in used or col == "_source_row":
            continue
        if header_key(re.sub(r"_\d+$", "", col)) in personal:
            frame = frame.drop(col)  # a repeated personal column is never kept in clear
            continue
        extras.append(col)
    return frame.rename(renames), extras


def personal_extras(
    frame: pl.DataFrame, extras: list[str], key: bytes
) -> tuple[pl.DataFrame, list[str], dict[str, str]]:
    """Pseudonymise or drop the extra columns whose header names personal data (docs/contract.md
    section 3.6).

    The dialect does not declare them, so `connectors.personal_columns` judges each by its
    header. Returns the frame, the extras still kept (pseudonymised ones included) and, per
    treated header, what was done and why, for the read notes (headers only, never values).
    """
    kept, treated = [], {}
    for col in extras:
        rule = classify(re.sub(r"_\d+$", "", col))
        if rule is None:
            kept.append(col)
        elif rule.treatment == "drop":
            frame = frame.drop(col)
            treated[col] = f"dropped ({rule.kind})"
        else:
            frame = frame.with_columns(pseudonymise(frame.get_column(col), key))
            kept.append(col)
            treated[col] = f"pseudonymised ({rule.kind})"
    return frame, kept, treated


def filled(col: str) -> pl.Expr:
    return pl.col(col).str.contains(r"\S").fill_null(False)


def structural(frame: pl.DataFrame, table: Table) -> pl.Series:
    """Blank lines, subtotal/total rows and repeated header rows carry no data."""
    names = [c.name for c in table.columns]
    first_col = table.columns[0]
    counts = frame.select(
        pl.sum_horizontal([filled(n).cast(pl.Int32) for n in names]).alias("filled"),
        (pl.col(first_col.name).str.strip_chars().str.to_lowercase() == first_col.header.lower())
        .fill_null(False)
        .alias("repeated_header"),
    )
    # A total row fills at most half the cells and its first filled cell says "total":
    # only those few rows need their first filled cell found.
    sparse = pl.col("filled") <= len(names) // 2
    candidates = frame.filter(counts.select(sparse).to_series())
    first = pl.coalesce([pl.when(filled(n)).then(pl.col(n)) for n in names])
    total_rows = candidates.filter(
        first.str.to_lowercase().str.contains(TOTAL_ROW).fill_null(False)
    ).get_column("_source_row")
    return (
        (counts.get_column("filled") == 0)
        | counts.get_column("repeated_header")
        | frame.get_column("_source_row").is_in(total_rows.implode())
    )


def validate(text: TextTable, table: Table, dialect: Dialect, key: bytes) -> TableResult:
    """Split a text table into raw rows and quarantine entries."""
    frame, extras = map_headers(text.frame, table)
    frame, extras, personal = personal_extras(frame, extras, key)
    if text.epoch_1904:
        frame = frame.with_columns(
            serial_1904_as_iso(c.name) for c in table.columns if c.type == "date"
        )
    if extras:
        frame = frame.with_columns(pl.struct(extras).struct.json_encode().alias("_extra"))
    else:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("_extra"))
    is_structural = structural(frame, table)
    skipped = text.header_row + int(is_structural.sum())  # preamble and header rows too
    data = frame.filter(~is_structural)

    checks = [
        (column, failed.fill_null(False), reason)
        for column in table.columns
        for failed, reason in failures(column, dialect)
    ]
    # One parallel pass computes every check; only the checks some row fails are expanded.
    masks = data.select(failed.alias(f"_check_{i}") for i, (_, failed, _) in enumerate(checks))
    hit = masks.sum().row(0) if checks else ()
    entries = []
    for (column, _, reason), count, mask in zip(checks, hit, masks.iter_columns(), strict=True):
        if count:
            value = pl.lit(MASK) if column.personal else pl.col(column.name)
            entries.append(
                data.filter(mask).select(
                    pl.lit(text.sheet, pl.String).alias("sheet"),
                    pl.col("_source_row").alias("source_row"),
                    pl.lit(column.header).alias("column_name"),
                    value.alias("value"),
                    pl.lit(reason).alias("reason"),
                )
            )
    if text.cut_short is not None:
        entries.append(cut_short_entry(data, text, text.cut_short))
    quarantine = pl.concat(entries) if entries else empty_quarantine()
    bad_rows = quarantine.get_column("source_row").unique()
    loaded = data.filter(~pl.col("_source_row").is_in(bad_rows.implode()))

    for column in table.columns:
        if column.personal == "pseudonymise":
            loaded = loaded.with_columns(pseudonymise(loaded.get_column(column.name), key))
    rows = loaded.select(
        *table.raw_columns,
        pl.lit(text.sheet, pl.String).alias("_sheet"),
        "_source_row",
        "_extra",
    )
    notes = {"header_row": text.header_row, "encoding": text.encoding, "delimiter": text.delimiter}
    if personal:
        notes["personal_extra_columns"] = personal
    return TableResult(table, rows, quarantine, data.height, skipped, notes)
