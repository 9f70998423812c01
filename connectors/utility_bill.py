"""`utility_bill_json`: utility statements from an aggregator (docs/dialects.md D7), and its flat
CSV variant `utility_bill_csv` for manual entry.

The JSON has no header row: it is recognised by its top-level keys (`generatedAt`,
`statements`) and flattened to one raw row per meter, the statement's fields repeated on
each of its meters. A meter's `usages` and `charges` are kept whole as JSON text
(`usages_json`, `charges_json`) so nothing is lost; `consumption` and `unit` are the
meter's consumption usages (all but demand readings such as kW or kVA) added up when they
share one unit, and `amount` is the sum of its charges. `json_path`
(`statements[3].meters[0]`) points back into the file; `_source_row` numbers the meters in
file order.

The CSV variant maps through the same column declarations (its headers are the ones
declared here); the statement-level columns it lacks stay empty. Which rows count (a
REPLACE adjustment, a re-published statement, an estimate followed by a catch-up read) is
decided in the dbt models, from all files together.
"""

import json
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation

import polars as pl

from connectors.base import Column, Dialect, RejectedFile, Table
from connectors.erp_text import with_every_column
from connectors.tabular import TextTable, csv_header_problem, decode, read_csv_text
from connectors.validate import (
    TableResult,
    empty_quarantine,
    quarantine_entries,
    validate,
    with_quarantined,
)

CONSUMPTION_UNITS = ("KWH", "MWH", "M3", "THERM")
DEMAND_UNITS = ("KW", "KVA", "KVAH")

METERS = Table(
    name="utility_bill_meters",
    description="One row per meter of a utility statement (JSON, flattened; statement fields "
    "repeated on each meter) or per line of the flat CSV variant.",
    columns=(
        Column("Generated At", optional=True),
        Column("Statement ID", optional=True),
        Column(
            "Statement Type",
            "enum",
            optional=True,
            values=("BILL", "ADJUSTMENT", "NOTICE", "PREPAID"),
        ),
        Column("Adjusts Statement ID", optional=True),
        Column("Adjustment Mode", "enum", optional=True, values=("REPLACE", "ADDITIVE")),
        Column("Supplier", required=True),
        Column("Account Number", required=True),
        Column("Invoice Number", optional=True),
        Column("Statement Date", "date", optional=True),
        Column("Currency"),
        Column("Total Charges", "decimal", optional=True),
        Column("Site Code", required=True),
        Column("Site Name", optional=True),
        Column("Site City", optional=True),
        Column("Country", required=True),
        Column("Meter ID", required=True),
        Column(
            "Commodity",
            "enum",
            optional=True,
            values=("ELECTRIC", "NATURAL_GAS", "DISTRICT_HEAT", "WATER", "OTHER"),
        ),
        Column("Tariff"),
        Column("Tariff Name", optional=True),
        Column("Period Start", "date"),
        Column("Period End", "date"),
        Column("Read Type", "enum", values=("ACTUAL", "ESTIMATED")),
        Column("Consumption", "decimal"),
        Column("Unit", "enum", values=CONSUMPTION_UNITS),
        Column("Amount", "decimal"),
        Column("Renewable %", "decimal"),
        Column("Usages JSON", optional=True),
        Column("Charges JSON", optional=True),
        Column("JSON Path", optional=True),
    ),
)

DIALECT = Dialect(
    name="utility_bill_json",
    domain="energy",
    tables=(METERS,),
    extensions=(".json", ".csv"),
    description="Utility statements (aggregator JSON, one raw row per meter) or the flat "
    "manual-entry CSV variant utility_bill_csv.",
    date_formats=("%Y-%m-%d", "%d/%m/%Y"),
    excel_serial_dates=False,
    options={"variants": {".json": "utility_bill_json", ".csv": "utility_bill_csv"}},
)
TOP_LEVEL_KEYS = ("generatedAt", "statements")
MAX_KEY_DEPTH = 8
DECLARED_KEYS = {
    "statement": {
        "statementId", "statementType", "adjustsStatementId", "adjustmentMode", "providerName",
        "accountNumber", "invoiceNumber", "statementDate", "currency", "totalCharges", "site",
        "meters",
    },
    "site": {"siteId", "name", "city", "countryCode"},
    "meter": {
        "meterNumber", "commodity", "tariff", "periodStart", "periodEnd", "readType", "usages",
        "charges", "renewablePercent",
    },
    "tariff": {"code", "name"},
}  # fmt: skip


def as_text(value: object) -> str | None:
    """A JSON scalar as the text it was written as (numbers without exponent)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return format(Decimal(repr(value)), "f")
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return str(value)


def parse_json(data: bytes) -> dict:
    text, _ = decode(data)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RejectedFile(f"not valid JSON ({exc})") from exc
    except RecursionError as exc:  # thousands of nested brackets: no statement export
        raise RejectedFile("not a statement export: the JSON is nested too deeply") from exc
    if not isinstance(document, dict):
        raise RejectedFile("the JSON is not an object with generatedAt and statements")
    return document


def consumption(usages: object) -> tuple[str | None, str | None, str | None]:
    """(value, unit, problem): the consumption usages of a meter, summed within one unit."""
    if not isinstance(usages, list):
        return None, None, None if usages is None else "usages is not a list"
    found: dict[str, Decimal] = {}
    spelled: dict[str, str] = {}
    for usage in usages:
        if not isinstance(usage, dict):
            return None, None, "a usage is not an object"
        unit = str(usage.get("unit") or "").strip()
        kind = str(usage.get("measurementType") or "").upper()
        if not unit:
            return None, None, f"a usage has no unit (its keys: {', '.join(usage)})"
        if unit.upper() in DEMAND_UNITS or kind == "DEMAND":
            continue
        try:
            value = Decimal(as_text(usage.get("value")) or "")
        except InvalidOperation:
            return None, unit, f"usage value {usage.get('value')!r} is not a number"
        found[unit.upper()] = found.get(unit.upper(), Decimal(0)) + value
        spelled.setdefault(unit.upper(), unit)
    if len(found) > 1:
        return None, None, f"consumption given in several units ({', '.join(spelled.values())})"
    if not found:
        return None, None, None
    unit, total = next(iter(found.items()))
    return format(total, "f"), spelled[unit], None


def charges_total(charges: object) -> str | None:
    if not isinstance(charges, list):
        return None
    amounts = []
    for charge in charges:
        try:
            amounts.append(Decimal(as_text(charge.get("amount")) or ""))
        except (InvalidOperation, AttributeError):
            return None
    return format(sum(amounts, Decimal(0)), "f") if amounts else None


def flatten(document: dict) -> tuple[pl.DataFrame, list[dict]]:
    """One text row per meter (headers as declared) and problems found while flattening."""
    statements = document.get("statements")
    if not isinstance(statements, list):
        raise RejectedFile("`statements` is not a list")
    rows, problems = [], []
    for i, statement in enumerate(statements):
        if not isinstance(statement, dict):
            raise RejectedFile(f"statements[{i}] is not an object")
        site = statement.get("site") if isinstance(statement.get("site"), dict) else {}
        meters = statement.get("meters")
        no_meters = meters is None
        if no_meters:
            meters = [{}]  # one row for the statement, so it is counted and quarantined
        if not isinstance(meters, list):
            raise RejectedFile(f"statements[{i}].meters is not a list")
        for j, meter in enumerate(meters):
            path = f"statements[{i}]" if no_meters else f"statements[{i}].meters[{j}]"
            meter = meter if isinstance(meter, dict) else {}
            tariff = meter.get("tariff") if isinstance(meter.get("tariff"), dict) else {}
            value, unit, problem = consumption(meter.get("usages"))
            row = {
                "Generated At": as_text(document.get("generatedAt")),
                "Statement ID": as_text(statement.get("statementId")),
                "Statement Type": as_text(statement.get("statementType")),
                "Adjusts Statement ID": as_text(statement.get("adjustsStatementId")),
                "Adjustment Mode": as_text(statement.get("adjustmentMode")),
                "Supplier": as_text(statement.get("providerName")),
                "Account Number": as_text(statement.get("accountNumber")),
                "Invoice Number": as_text(statement.get("invoiceNumber")),
                "Statement Date": as_text(statement.get("statementDate")),
                "Currency": as_text(statement.get("currency")),
                "Total Charges": as_text(statement.get("totalCharges")),
                "Site Code": as_text(site.get("siteId")),
                "Site Name": as_text(site.get("name")),
                "Site City": as_text(site.get("city")),
                "Country": as_text(site.get("countryCode")),
                "Meter ID": as_text(meter.get("meterNumber")),
                "Commodity": as_text(meter.get("commodity")),
                "Tariff": as_text(tariff.get("code")),
                "Tariff Name": as_text(tariff.get("name")),
                "Period Start": as_text(meter.get("periodStart")),
                "Period End": as_text(meter.get("periodEnd")),
                "Read Type": as_text(meter.get("readType")),
                "Consumption": value,
                "Unit": unit,
                "Amount": charges_total(meter.get("charges")),
                "Renewable %": as_text(meter.get("renewablePercent")),
                "Usages JSON": as_text(meter.get("usages")),
                "Charges JSON": as_text(meter.get("charges")),
                "JSON Path": path,
                **undeclared("statement", statement),
                **undeclared("site", site),
                **undeclared("meter", meter),
                **undeclared("tariff", tariff),
            }
            rows.append(row)
            if no_meters:
                keys = ", ".join(statement) or "none"
                problem = f"the statement has no meters (its keys: {keys}): nothing to read"
            elif "usages" not in meter:
                problem = f"the meter has no usages (its keys: {', '.join(meter)}): nothing to read"
            if problem:
                problems.append({"row": len(rows), "column": "Usages JSON", "reason": problem})
    headers = [c.header for c in METERS.columns]
    headers += sorted({k for r in rows for k in r} - set(headers))
    frame = pl.DataFrame(
        {h: [r.get(h) for r in rows] for h in headers}, schema={h: pl.String for h in headers}
    ).with_row_index("_source_row", offset=1)
    return frame.with_columns(pl.col("_source_row").cast(pl.Int64)), problems


def undeclared(level: str, fields: dict) -> dict[str, str | None]:
    """Keys D7 does not declare, as `level.key` columns kept in `_extra`.

    An object under such a key gives a column per key (`statement.contact.email`), so each
    value is judged by its own name and a personal one is pseudonymised or dropped
    (`connectors/personal_columns.py`) instead of riding along inside an object's JSON text.
    """
    extra = {k: v for k, v in fields.items() if k not in DECLARED_KEYS[level]}
    return dict(key_paths(level, extra))


def key_paths(prefix: str, fields: dict, depth: int = 0) -> Iterator[tuple[str, str | None]]:
    """(`prefix.key.subkey`, text) for every value of nested objects; lists stay JSON text,
    and so do objects nested deeper than `MAX_KEY_DEPTH`."""
    for key, value in fields.items():
        path = f"{prefix}.{key}"
        if isinstance(value, dict) and value and depth < MAX_KEY_DEPTH:
            yield from key_paths(path, value, depth + 1)
        else:
            yield path, as_text(value)


def period_problems(rows: pl.DataFrame) -> pl.DataFrame:
    """Rows without a billing period that are not PREPAID statements with a date."""
    prepaid = (pl.col("statement_type").str.to_uppercase() == "PREPAID").fill_null(False)
    dated = pl.col("statement_date").str.strip_chars().fill_null("") != ""
    missing = (pl.col("period_start").fill_null("").str.strip_chars() == "") | (
        pl.col("period_end").fill_null("").str.strip_chars() == ""
    )
    return quarantine_entries(
        rows.filter(missing & ~(prepaid & dated)),
        "Period Start",
        "period_start",
        "Period Start / Period End empty: a billing period is needed "
        "(only a PREPAID statement counts on its Statement Date)",
    )


def detect(data: bytes, suffix: str) -> str | None:
    if suffix == ".json":
        try:
            document = parse_json(data)
        except RejectedFile as exc:
            return str(exc)
        missing = [k for k in TOP_LEVEL_KEYS if k not in document]
        return None if not missing else f"JSON without top-level {', '.join(missing)}"
    if suffix == ".csv":
        return csv_header_problem(data, METERS)
    return f"{DIALECT.name} reads .json or .csv, not {suffix}"


def read(data: bytes, suffix: str, key: bytes) -> list[TableResult]:
    if suffix == ".csv":
        text = read_csv_text(data, METERS)
        text.frame = with_every_column(text.frame, METERS)  # the JSON-only columns, empty
        result = validate(text, METERS, DIALECT, key)
        result.notes["variant"] = "utility_bill_csv"
    else:
        frame, problems = flatten(parse_json(data))
        result = validate(TextTable(frame, 0, None), METERS, DIALECT, key)
        result.notes["variant"] = "utility_bill_json"
        extra = pl.DataFrame(
            [
                {
                    "sheet": None,
                    "source_row": p["row"],
                    "column_name": p["column"],
                    "value": None,
                    "reason": p["reason"],
                }
                for p in problems
            ],
            schema=empty_quarantine().schema,
        )
        result = with_quarantined(result, extra)
    return [with_quarantined(result, period_problems(result.rows))]
