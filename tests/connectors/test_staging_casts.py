"""Every raw column that staging casts is declared with the type it is cast to.

The connector validates a column by its declared type with the rules staging casts by
(connectors/validate.py, dbt_project/macros/numbers.sql), so a column staging casts but the
declaration calls text would let through values that staging then reads as NULL, silently.
This reads the staging SQL for the cast macros and checks each column's declaration.
"""

import re
from pathlib import Path

import pytest

from connectors import dialects

STAGING = Path(__file__).resolve().parents[2] / "dbt_project" / "models" / "staging"
TYPES = {
    "to_integer": "int",
    "to_bigint": "bigint",
    "to_double": "decimal",
    "to_money": "decimal",
    "erp_integer": "int",
    "erp_double": "decimal",
    "erp_money": "decimal",
    "erp_price": "decimal",
    "number_with_separator": "decimal",
    "parse_date": "date",
    "parse_date_formats": "date",
    "erp_date": "date",
}
CALL = re.compile(rf"\b({'|'.join(TYPES)}|manual_number)\(\s*'source\.(\w+)'")
# Typed by hand in field offices: the delivered quantity is read and quarantined by
# connectors/quantities.py rules (generator_fuel_log.quantity_problems); the others are
# logbook notes no figure uses.
HAND_TYPED = {
    ("generator_fuel_log", c)
    for c in (
        "quantity_delivered",
        "tank_level_before_pct",
        "tank_level_after_pct",
        "run_hours_start",
        "run_hours_end",
        "unit_cost",
        "total_cost",
    )
}


def staging_casts() -> list[tuple[str, str, str]]:
    """(raw table, column, macro) for every cast of a raw column in the staging models."""
    found = []
    for path in sorted(STAGING.rglob("*.sql")):
        sql = path.read_text(encoding="utf-8")
        # the raw table a model reads, directly or through the loaded_rows macro
        source = re.search(r"(?:source\('raw',\s*|loaded_rows\()'(\w+)'\)", sql)
        if source:
            found += [(source.group(1), col, macro) for macro, col in CALL.findall(sql)]
    return found


def test_staging_casts_are_found():
    tables = {table for table, _, _ in staging_casts()}
    assert len(tables) >= 10 and "concur_sae_detail" in tables


@pytest.mark.parametrize(("table", "column", "macro"), staging_casts())
def test_a_cast_column_is_declared_with_its_type(table, column, macro):
    declared = {t.name: t for _, t in dialects.raw_tables()}[table]
    found = [c for c in declared.columns if c.name == column]
    assert found, f"raw.{table}.{column} is cast by {macro} but not declared"
    if macro == "manual_number":
        assert (table, column) in HAND_TYPED
        return
    assert found[0].type == TYPES[macro], (
        f"raw.{table}.{column} is cast by {macro} ({TYPES[macro]}) but declared "
        f"{found[0].type!r}: the connector would let through values staging cannot read"
    )
