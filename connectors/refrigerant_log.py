"""`refrigerant_log_csv`: refrigerant service and top-up log (docs/dialects.md D8).

One row per service visit on one piece of equipment. Quantities stay as written (kg, lb or
g in `Quantity Unit`); gas names stay as written (`R410a`, `Puron`, `Freon 22`) and are
mapped in staging through `factors/refrigerant_gases.csv`. A quantity that is not a number
(`full`) is quarantined. Some technicians write gas taken out of a system as a negative
`Quantity Added`: that reads as recovered gas, unless `Quantity Recovered` is filled too,
which makes the row ambiguous and sends it to quarantine. Technician names and certificate
numbers are pseudonymised.
"""

import polars as pl

from connectors.base import Column, Dialect, Table
from connectors.tabular import csv_header_problem, read_csv_text
from connectors.validate import TableResult, quarantine_entries, validate, with_quarantined

SERVICE_TYPES = ("INSTALLATION", "TOP-UP", "LEAK REPAIR", "RECOVERY", "DISPOSAL", "LEAK CHECK")

SERVICES = Table(
    name="refrigerant_log",
    description="One row per refrigerant service on one piece of equipment (installation, "
    "top-up, leak repair, recovery, disposal, leak check).",
    columns=(
        Column("Site Code", required=True),
        Column("Site Name"),
        Column("Country"),
        Column("Equipment ID", required=True),
        Column("Equipment Type"),
        Column("Refrigerant", required=True),
        Column("Nameplate Charge", "decimal", required_when=("service_type", ("DISPOSAL",))),
        Column("Charge Unit", "enum", values=("KG", "LB")),
        Column("Service Date", "date", required=True),
        Column("Service Type", "enum", required=True, values=SERVICE_TYPES),
        Column("Quantity Added", "decimal"),
        Column("Quantity Recovered", "decimal"),
        Column("Quantity Unit", "enum", values=("KG", "LB", "G")),
        Column("Leak Check Result", "enum", values=("PASS", "FAIL")),
        Column("Technician", personal="pseudonymise"),
        Column("Certificate No", personal="pseudonymise"),
        Column("Contractor"),
        Column("Notes"),
    ),
)

DIALECT = Dialect(
    name="refrigerant_log_csv",
    domain="refrigerants",
    tables=(SERVICES,),
    extensions=(".csv",),
    description="Refrigerant service / top-up log (CSV, ISO or DD/MM/YYYY dates).",
    date_formats=("%Y-%m-%d", "%d/%m/%Y"),
    excel_serial_dates=False,
)


def detect(data: bytes, suffix: str) -> str | None:
    if suffix != ".csv":
        return f"{DIALECT.name} reads .csv, not {suffix}"
    return csv_header_problem(data, SERVICES)


def ambiguous_recovery(rows: pl.DataFrame) -> pl.DataFrame:
    """Negative `Quantity Added` with `Quantity Recovered` also filled: which was taken out?"""
    added = pl.col("quantity_added").str.strip_chars().cast(pl.Float64, strict=False)
    recovered = pl.col("quantity_recovered").str.strip_chars().cast(pl.Float64, strict=False)
    return quarantine_entries(
        rows.filter((added < 0) & recovered.is_not_null() & (recovered != 0)),
        "Quantity Added",
        "quantity_added",
        "Quantity Added is negative and Quantity Recovered is filled: write the gas taken "
        "out in Quantity Recovered only",
    )


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    result = validate(read_csv_text(data, SERVICES), SERVICES, DIALECT, key)
    return [with_quarantined(result, ambiguous_recovery(result.rows))]
