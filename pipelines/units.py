"""Unit conversions: the table in factors/ must say what the units library says.

`factors/unit_conversions.csv` lists every unit text found in exports with the factor that
turns it into the unit of an emission factor (US gallon -> litre, lb -> kg, MWh -> kWh).
The numbers are written in the table so a reader sees them, and each is checked against
`pint` (exact decimal arithmetic) when the factor library loads: a table that drifts from
the units library stops the load instead of converting silently with a wrong constant.
"""

import csv
from decimal import Decimal
from pathlib import Path

import pint

# The canonical unit names used by the factor rows, and their names in pint.
PINT_TARGETS = {"litre": "liter", "kg": "kilogram", "kWh": "kilowatt_hour", "m3": "meter ** 3"}


class UnitConversionError(Exception):
    """A row of the conversion table disagrees with the units library."""


def registry() -> pint.UnitRegistry:
    return pint.UnitRegistry(non_int_type=Decimal)


def pint_factor(units: pint.UnitRegistry, pint_unit: str, to_unit: str) -> Decimal:
    """How many `to_unit` one `pint_unit` is, exactly."""
    return units.Quantity(Decimal(1), pint_unit).to(PINT_TARGETS[to_unit]).magnitude


def verify_conversions(path: Path) -> int:
    """Check every row of the table against pint; returns the number of rows checked."""
    units = registry()
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    seen: set[str] = set()
    for n, row in enumerate(rows, start=2):
        where = f"{path.name}, line {n} ({row['unit_text']!r})"
        if row["unit_text"] != row["unit_text"].strip().upper() or row["unit_text"] in seen:
            raise UnitConversionError(f"{where}: unit_text must be unique, upper-case, trimmed")
        seen.add(row["unit_text"])
        if row["to_unit"] not in PINT_TARGETS:
            raise UnitConversionError(
                f"{where}: to_unit {row['to_unit']!r} is not one of {', '.join(PINT_TARGETS)}"
            )
        try:
            expected = pint_factor(units, row["pint_unit"], row["to_unit"])
        except (pint.errors.PintError, KeyError) as exc:
            raise UnitConversionError(f"{where}: pint cannot convert ({exc})") from exc
        if Decimal(row["factor"]) != expected:
            raise UnitConversionError(
                f"{where}: factor {row['factor']} but pint gives {expected} "
                f"{row['to_unit']} per {row['pint_unit']}"
            )
    return len(rows)
