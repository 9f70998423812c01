"""`offsets_register_csv`: the system-wide register of offset purchases.

`landing/_system/offsets/*.csv`, one row per block of credits bought: the project, the
standard and registry that issued them, the vintage, the serial range (first and last unit;
one unit is one tonne CO2e) and what was paid. `reporting_year` names the reporting year whose
residual emissions the block is bought to offset (the pooled-offsets policy in
`factors/METHODOLOGY.md`). A row whose serial range does not hold exactly `tonnes` units is
quarantined: a tonne that cannot be named by its serial cannot be allocated.
"""

import polars as pl

from connectors.base import Column, Dialect, Table
from connectors.tabular import csv_header_problem, read_csv_text
from connectors.validate import TableResult, quarantine_entries, validate, with_quarantined

PURCHASES = Table(
    name="offsets_register",
    description="One row per block of offset credits bought for the system-wide pool.",
    columns=(
        Column("project", required=True),
        Column("project_id"),
        Column("standard", required=True),
        Column("registry", optional=True),
        Column("vintage", "int", required=True),
        Column("serial_prefix", optional=True),
        Column("serial_start", "bigint", required=True),
        Column("serial_end", "bigint", required=True),
        Column("tonnes", "bigint", required=True),
        Column("price_usd", "decimal", required=True),
        Column("purchase_date", "date", required=True),
        Column("reporting_year", "int", required=True),
        Column("retirement_date", "date", optional=True),
        Column("note", optional=True),
    ),
)

DIALECT = Dialect(
    name="offsets_register_csv",
    domain="offsets",
    tables=(PURCHASES,),
    extensions=(".csv",),
    description="Offsets register: purchases of credits with serial ranges (landing/_system).",
    date_formats=("%Y-%m-%d",),
    excel_serial_dates=False,
)


def detect(data: bytes, suffix: str) -> str | None:
    """None when the file is an offsets register, else what it lacks."""
    if suffix != ".csv":
        return f"{DIALECT.name} reads .csv, not {suffix}"
    return csv_header_problem(data, PURCHASES)


def range_problems(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows whose serial range is reversed or does not hold exactly `tonnes` units."""
    start = pl.col("serial_start").str.strip_chars().cast(pl.Int64)
    end = pl.col("serial_end").str.strip_chars().cast(pl.Int64)
    tonnes = pl.col("tonnes").str.strip_chars().cast(pl.Int64)
    checked = rows.with_columns(
        pl.when(end < start)
        .then(pl.lit("serial_end is before serial_start"))
        .when(tonnes <= 0)
        .then(pl.lit("tonnes must be a positive whole number of credits"))
        .when(end - start + 1 != tonnes)
        .then(
            pl.format(
                "serial range {}-{} holds {} units, not the {} tonnes stated",
                start,
                end,
                end - start + 1,
                tonnes,
            )
        )
        .alias("_problem")
    )
    return quarantine_entries(
        checked.filter(pl.col("_problem").is_not_null()), "tonnes", "tonnes", pl.col("_problem")
    )


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    result = validate(read_csv_text(data, PURCHASES), PURCHASES, DIALECT, key)
    return [with_quarantined(result, range_problems(result.rows))]
