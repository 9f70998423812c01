"""Build `emission_factors/un-common-2025.1.csv` from its sources, reproducibly.

The edition is every row of `un-common-2025` (unchanged values, new `factor_version`), with:

- refrigerant blends computed by mass from their components' GWPs, as packaged in the
  `globalwarmingpotentials` package (R-404A and R-407C are new; R-410A is recomputed by mass
  instead of the rounded value of `un-common-2025`);
- location-based electricity grid factors per country and year,
  `electricity.grid.<ISO-2>.<year>@kWh`, from `grid/codecarbon_global_energy_mix.json` (the
  yearly carbon intensity of electricity generation per country that the `codecarbon`
  package ships; Our World in Data, based on Ember and the Energy Institute).

Run `python factors/make_un_common_2025_1.py` to rewrite the file; a test checks that the
shipped file is exactly what this script produces, so every value traces to its source.
A published edition is never rebuilt with other inputs: new inputs make a new edition.
"""

import csv
import io
import json
from decimal import Decimal
from pathlib import Path

import globalwarmingpotentials
import pint
from babel.core import get_global

from pipelines.editions import COLUMNS

HERE = Path(__file__).resolve().parent
BASE = HERE / "emission_factors" / "un-common-2025.csv"
OUT = HERE / "emission_factors" / "un-common-2025.1.csv"
GRID = HERE / "grid" / "codecarbon_global_energy_mix.json"
EDITION = "un-common-2025.1"
BASE_EDITION = "un-common-2025"
CODECARBON_VERSION = "3.3.2"

GWP_SETS = {"AR4": "AR4GWP100", "AR5": "AR5GWP100", "AR6": "AR6GWP100"}
# The package's names of the blend components.
COMPONENTS = {"R-32": "HFC32", "R-125": "HFC125", "R-134a": "HFC134a", "R-143a": "HFC143a"}
# Blends by mass fraction (factors/METHODOLOGY.md, Refrigerants).
BLENDS = {
    "R-410A": {"R-32": Decimal("0.50"), "R-125": Decimal("0.50")},
    "R-404A": {"R-125": Decimal("0.44"), "R-143a": Decimal("0.52"), "R-134a": Decimal("0.04")},
    "R-407C": {"R-32": Decimal("0.23"), "R-125": Decimal("0.25"), "R-134a": Decimal("0.52")},
}
GWP_SOURCE = (
    "IPCC AR4/AR5/AR6 100-year GWPs as packaged in the globalwarmingpotentials Python package "
    f"{globalwarmingpotentials.__version__}; blend computed by mass from its components"
)
GRID_SOURCE = (
    "Carbon intensity of electricity generation per country and year (Our World in Data, "
    "based on Ember Yearly Electricity Data and the Energy Institute Statistical Review of "
    f"World Energy), as packaged in the codecarbon Python package {CODECARBON_VERSION} "
    "(codecarbon/data/private_infra/global_energy_mix.json)"
)

UNITS = pint.UnitRegistry(non_int_type=Decimal)


def text(value: Decimal) -> str:
    """A decimal as plain text without exponent or trailing zeros (`1923.5`, `0.070492`)."""
    return format(value.normalize(), "f")


def blend_gwp(blend: str, gwp_set: str) -> Decimal:
    table = globalwarmingpotentials.data[GWP_SETS[gwp_set]]
    return sum(
        (share * Decimal(repr(table[COMPONENTS[gas]])) for gas, share in BLENDS[blend].items()),
        Decimal(0),
    )


def blend_rows() -> list[dict]:
    rows = []
    for blend, parts in BLENDS.items():
        recipe = " + ".join(f"{text(share * 100)}% {gas}" for gas, share in parts.items())
        for gwp_set in GWP_SETS:
            key = f"refrigerant.{blend}.{gwp_set}"
            rows.append(
                {
                    "factor_id": f"{key}@kg",
                    "factor_key": key,
                    "factor_version": EDITION,
                    "activity_type": "refrigerant",
                    "unit": "kg",
                    "kg_co2e_per_unit": text(blend_gwp(blend, gwp_set)),
                    "gwp_set": gwp_set,
                    "source": GWP_SOURCE,
                    "source_edition": gwp_set,
                    "source_id": "",
                    "valid_from": "2000-01-01",
                    "valid_to": "",
                    "notes": f"{blend} = {recipe} by mass",
                }
            )
    return rows


def grid_rows() -> list[dict]:
    """One row per country of the dataset, for the year its value belongs to."""
    aliases = get_global("territory_aliases")
    per_gram = UNITS.Quantity(Decimal(1), "gram / kilowatt_hour").to("kilogram / kilowatt_hour")
    data = json.loads(GRID.read_text(encoding="utf-8"))
    rows = []
    for iso3, entry in data.items():
        intensity = entry.get("carbon_intensity")
        if intensity is None or iso3 not in aliases or len(aliases[iso3]) != 1:
            continue
        iso2, year = aliases[iso3][0], int(entry["year"])
        key = f"electricity.grid.{iso2}.{year}"
        rows.append(
            {
                "factor_id": f"{key}@kWh",
                "factor_key": key,
                "factor_version": EDITION,
                "activity_type": "electricity",
                "unit": "kWh",
                "kg_co2e_per_unit": text(Decimal(repr(intensity)) * per_gram.magnitude),
                "gwp_set": "AR5",
                "source": GRID_SOURCE,
                "source_edition": str(year),
                "source_id": f"{iso3}:{year}",
                "valid_from": f"{year}-01-01",
                "valid_to": f"{year}-12-31",
                "notes": f"{entry['country_name']}: {intensity} gCO2e/kWh, location-based "
                "(generation mix, life-cycle)",
            }
        )
    return sorted(rows, key=lambda r: r["factor_id"])


def build() -> str:
    with BASE.open(encoding="utf-8", newline="") as handle:
        base = list(csv.DictReader(handle))
    recomputed = {r["factor_id"] for r in blend_rows()}
    rows = [
        {**r, "factor_version": EDITION}
        for r in base
        if r["factor_version"] == BASE_EDITION and r["factor_id"] not in recomputed
    ]
    rows += blend_rows() + grid_rows()
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


if __name__ == "__main__":
    OUT.write_text(build(), encoding="utf-8", newline="")
    print(f"wrote {OUT}")
