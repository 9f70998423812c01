"""`fuelcard_csv`: a fleet fuel-card provider's transaction file (docs/dialects.md D5).

One row per transaction line. Variants (cp1252, `;` or TAB delimiter, decimal comma,
`yyyyMMdd` dates, free-text lines before the header) are the same dialect. The decimal
separator is decided once per file, from the `Unit Price` column (always written with its
four decimals), never per cell, and recorded in the raw column `decimal_separator` so
staging reads the numbers the same way.

Card numbers and driver names are personal: the card number is normalised (brackets and
spaces removed) before it is pseudonymised, so `[7002051006629890645]` and
`7002051006629890645` are the same card; a number that lost digits in a spreadsheet
(`7.00205E+18`, or zeros after the 15th digit) cannot be restored and is flagged in
`card_number_check`.
"""

import dataclasses
import re

import polars as pl

from connectors.base import Column, Dialect, Table
from connectors.tabular import csv_header_problem, read_csv_text
from connectors.validate import TableResult, validate

TRANSACTIONS = Table(
    name="fuelcard_transactions",
    description="One row per fuel-card transaction line (fuel, AdBlue, wash, toll, rebate, "
    "refund). `decimal_separator` and `card_number_check` are written by the connector.",
    columns=(
        Column("Account Number", required=True),
        Column("Card Number", personal="pseudonymise"),
        Column("Vehicle Registration"),
        Column("Fleet ID"),
        Column("Driver Name", personal="drop"),
        Column("Transaction ID", required=True),
        Column("Transaction Line", "int", required=True),
        Column("Transaction Date", "date", required=True),
        Column("Transaction Time"),
        Column("Site Code"),
        Column("Site Name"),
        Column("Site City"),
        Column("Country Code", required=True),
        Column("Product Code"),
        Column("Product Name", required=True),
        Column("Fuel Product", "enum", required=True, values=("Y", "N")),
        Column("Quantity", "decimal", required=True),
        Column(
            "Unit",
            "enum",
            values=("L", "USG", "IGAL", "KG", "KWH"),
            required_when=("fuel_product", ("Y",)),
        ),
        Column("Unit Price", "decimal"),
        Column("Net Amount", "decimal"),
        Column("VAT Amount", "decimal"),
        Column("Gross Amount", "decimal"),
        Column("Transaction Currency"),
        Column("Invoice Currency"),
        Column("Exchange Rate", "decimal"),
        # No figure uses it: an unreadable reading is kept (NULL in staging), never the
        # fuel it came with quarantined.
        Column("Odometer", "int", quarantine=False),
        Column("Credit Debit", "enum", required=True, values=("D", "C")),
        Column("Refund Flag", "enum", values=("Y", "N")),
        Column("Original Transaction ID"),
        Column("Invoice Number"),
        Column("Posting Date", "date"),
        Column("Decimal Separator", optional=True),
        Column("Card Number Check", optional=True),
    ),
)

DIALECT = Dialect(
    name="fuelcard_csv",
    domain="fuel",
    tables=(TRANSACTIONS,),
    extensions=(".csv", ".txt"),
    description="Fleet fuel-card transaction file (CSV; `,`/`;`/TAB; `.` or `,` decimals).",
    date_formats=("%d/%m/%Y", "%Y%m%d"),
    excel_serial_dates=False,
)
COMMA_DIALECT = dataclasses.replace(DIALECT, decimal_comma=True)

_SCIENTIFIC = re.compile(r"^\d(\.\d+)?E\+\d+$", re.IGNORECASE)
_CARD_NOISE = re.compile(r"[\[\]\s-]")


def detect(data: bytes, suffix: str) -> str | None:
    if suffix not in DIALECT.extensions:
        return f"{DIALECT.name} reads .csv or .txt, not {suffix}"
    return csv_header_problem(data, TRANSACTIONS)


def decimal_separator(frame: pl.DataFrame) -> str:
    """`,` when the unit prices are written with a decimal comma, else `.` (one per file)."""
    column = next((c for c in frame.columns if c.strip().lower() == "unit price"), None)
    if column is None:
        return "."
    prices = frame.get_column(column).drop_nulls().str.strip_chars()
    comma = prices.str.contains(r"^-?\d+,\d+-?$").sum()
    point = prices.str.contains(r"^-?\d+\.\d+$").sum()
    return "," if comma > point else "."


def card_number_check(card: pl.Expr) -> pl.Expr:
    """`precision_lost` for numbers that went through a spreadsheet's 15 significant digits."""
    text = card.str.strip_chars()
    lost = text.str.contains(_SCIENTIFIC.pattern) | text.str.contains(r"^\d{15}0+$")
    return (
        pl.when(card.is_null() | (text == ""))
        .then(None)
        .when(lost)
        .then(pl.lit("precision_lost"))
        .when(text.str.contains(r"\*"))
        .then(pl.lit("masked"))
        .otherwise(pl.lit("ok"))
    )


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    text = read_csv_text(data, TRANSACTIONS)
    separator = decimal_separator(text.frame)
    cells = [c for c in text.frame.columns if c != "_source_row"]
    has_data = pl.any_horizontal([pl.col(c).str.strip_chars().fill_null("") != "" for c in cells])
    card = next((c for c in cells if c.strip().lower() == "card number"), None)
    # Written on data lines only, so blank lines stay blank (structural).
    frame = text.frame.with_columns(
        pl.when(has_data).then(pl.lit(separator)).alias("Decimal Separator")
    )
    if card is not None:
        frame = frame.with_columns(
            card_number_check(pl.col(card)).alias("Card Number Check"),
            pl.col(card).str.replace_all(_CARD_NOISE.pattern, ""),
        )
    text = dataclasses.replace(text, frame=frame)
    result = validate(text, TRANSACTIONS, COMMA_DIALECT if separator == "," else DIALECT, key)
    result.notes["decimal_separator"] = separator
    return [result]
