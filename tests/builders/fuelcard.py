"""D5 `fuelcard_csv`: a fuel-card provider's transaction file (docs/dialects.md D5).

One transaction line per row, the dialect document's example with a test's changes; the
decimal-comma variant (`;`, cp1252, `1.234,500`) for the providers that print one.
"""

import dataclasses
from collections.abc import Sequence

from samples.fuelcard import HEADER
from tests.builders.common import Export, Row, delimited, record, row

EXAMPLE = dict(zip(HEADER, (
    "CZ1234567890", "700205******890645", "UN-1234", "V017", "J. OTIENO", "io9KVXk1UkW57XWKyeaHHg",
    "1", "02/05/2024", "08:23:00", "KE004512", "SHELL WESTLANDS", "Nairobi", "KE", "01", "Diesel",
    "Y", "45.200", "L", "1.6590", "64.65", "10.34", "74.99", "KES", "USD", "0.007634", "125430",
    "D", "N", "", "S04500493", "03/05/2024",
), strict=True))  # fmt: skip
NUMBERS = ("Quantity", "Unit Price", "Net Amount", "VAT Amount", "Gross Amount", "Exchange Rate")


def fuelcard_csv(rows: Sequence[Row]) -> bytes:
    """The clean profile: `,`, UTF-8, CRLF; each row is changes to the example."""
    return delimited([row(EXAMPLE, r) for r in rows])


def fuel_row(transaction: str, day: str, litres: str, site_city: str = "Nairobi") -> tuple:
    """A diesel fill-up as a tuple of cells, posted the day it was made."""
    return record(
        EXAMPLE,
        {
            "Transaction ID": transaction,
            "Transaction Date": day,
            "Site City": site_city,
            "Quantity": litres,
            "Posting Date": day,
        },
    )


def decimal_comma(number: str) -> str:
    """`1234.500` as the decimal-comma variant prints it: `1.234,500` (`-` stays in front)."""
    sign, digits = ("-", number[1:]) if number.startswith("-") else ("", number)
    whole, _, fraction = digits.partition(".")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{grouped},{fraction}" if fraction else f"{sign}{grouped}"


def comma_variant(export: Export) -> Export:
    """The fuel-card file of a provider printing decimal commas: `;`, cp1252 (D5 variants)."""
    rows = [
        tuple(
            decimal_comma(v) if h in NUMBERS else v for h, v in zip(export.header, r, strict=True)
        )
        for r in export.rows
    ]
    return dataclasses.replace(
        export, name=f"{export.name}_comma", delimiter=";", encoding="cp1252"
    ).with_rows(rows)


FUELCARD = Export(
    name="fuelcard_csv", dialect="fuelcard_csv", domain="fuel", suffix=".csv",
    table="fuelcard_transactions", header=HEADER,
    rows=(fuel_row("T-1001", "02/05/2024", "45.200"), fuel_row("T-1002", "15/05/2024", "38.750")),
    key_column="Quantity", date_column="Transaction Date", text_column="Site City",
)  # fmt: skip
FUELCARD_COMMA = comma_variant(
    FUELCARD.with_rows(
        [fuel_row("T-1001", "02/05/2024", "1234.500"), fuel_row("T-1002", "15/05/2024", "38.750")]
    )
)
