"""Factor edition un-common-2025.1 and the scope 1 and 2 lookups in factors/.

The edition is rebuilt from its sources (un-common-2025, the globalwarmingpotentials
package, the grid dataset shipped from codecarbon) and must equal the shipped file; unit
conversions must equal what pint computes; a drifted table stops the factor load.
"""

import csv
import runpy
import shutil
from decimal import Decimal

import duckdb
import pytest

from pipelines import factor_library
from pipelines.settings import FACTORS_DIR
from pipelines.units import UnitConversionError, pint_factor, registry, verify_conversions

EDITION = FACTORS_DIR / "emission_factors" / "un-common-2025.1.csv"


def rows(path=EDITION) -> dict[str, dict]:
    with path.open(encoding="utf-8", newline="") as handle:
        return {r["factor_id"]: r for r in csv.DictReader(handle)}


def test_the_shipped_edition_is_exactly_what_its_build_script_produces():
    build = runpy.run_path(str(FACTORS_DIR / "make_un_common_2025_1.py"))["build"]

    assert build() == EDITION.read_text(encoding="utf-8")


def test_the_edition_keeps_every_row_of_un_common_2025():
    old = rows(FACTORS_DIR / "emission_factors" / "un-common-2025.csv")
    new = rows()
    changed = {
        "refrigerant.R-410A.AR4@kg",
        "refrigerant.R-410A.AR5@kg",
        "refrigerant.R-410A.AR6@kg",
    }

    assert set(old) <= set(new)
    for factor_id, row in old.items():
        if factor_id not in changed:
            assert new[factor_id] == {**row, "factor_version": "un-common-2025.1"}
    assert {r["factor_version"] for r in new.values()} == {"un-common-2025.1"}


@pytest.mark.parametrize(
    ("factor_id", "value"),
    [
        ("refrigerant.R-410A.AR5@kg", "1923.5"),  # 0.5 x 677 + 0.5 x 3170
        ("refrigerant.R-404A.AR5@kg", "3942.8"),  # 0.44 x 3170 + 0.52 x 4800 + 0.04 x 1300
        ("refrigerant.R-407C.AR5@kg", "1624.21"),  # 0.23 x 677 + 0.25 x 3170 + 0.52 x 1300
        ("refrigerant.R-404A.AR4@kg", "3921.6"),
        ("refrigerant.R-407C.AR6@kg", "1907.93"),
        ("refrigerant.R-410A.AR6@kg", "2255.5"),
    ],
)
def test_blends_are_computed_by_mass_from_their_components(factor_id, value):
    assert rows()[factor_id]["kg_co2e_per_unit"] == value


def test_grid_factors_per_country_and_year_with_their_source():
    grid = {
        k: r for k, r in rows().items() if k.startswith("electricity.grid.") and k.count(".") == 3
    }

    assert len(grid) > 200
    kenya = grid["electricity.grid.KE.2023@kWh"]
    assert kenya["kg_co2e_per_unit"] == "0.070492"  # 70.492 gCO2e/kWh
    assert kenya["source_id"] == "KEN:2023" and kenya["source_edition"] == "2023"
    assert "codecarbon" in kenya["source"] and "Our World in Data" in kenya["source"]
    assert not any(k.startswith("electricity.grid.XK.") for k in grid)  # Kosovo: unmapped


def test_gb_has_one_combustion_factor_besides_the_life_cycle_series():
    """The key's shape gives the basis (METHODOLOGY.md section 6): without a year DESNZ's
    combustion factor, which GB uses for every year; with a year a life-cycle series row."""
    gb = {k: r for k, r in rows().items() if k.startswith("electricity.grid.GB")}

    assert set(gb) == {"electricity.grid.GB@kWh", "electricity.grid.GB.2023@kWh"}
    desnz = gb["electricity.grid.GB@kWh"]
    assert desnz["kg_co2e_per_unit"] == "0.20705" and desnz["source_edition"] == "2024 v1.1"
    assert "DESNZ" in desnz["source"] and (desnz["valid_from"], desnz["valid_to"]) == (
        "2000-01-01",
        "",
    )
    assert "life-cycle" in gb["electricity.grid.GB.2023@kWh"]["notes"]


def test_the_new_edition_is_published_and_current():
    sets = {s["factor_set"]: s for s in factor_library.factor_sets()}

    assert sets["un-common-2025.1"]["file"] == "emission_factors/un-common-2025.1.csv"
    assert factor_library.current_factor_set(None) == "un-common-2025.1"


@pytest.mark.parametrize(
    ("unit", "to_unit", "factor"),
    [
        ("USG", "litre", "3.785411784"),
        ("GAL", "litre", "3.785411784"),
        ("IGAL", "litre", "4.54609"),
        ("LB", "kg", "0.45359237"),
        ("G", "kg", "0.001"),
        ("MWH", "kWh", "1000"),
        ("THERM", "kWh", "29.30711111111111111111111111"),
        ("L", "litre", "1"),
        ("M3", "m3", "1"),
    ],
)
def test_unit_conversions_are_pints(unit, to_unit, factor):
    with (FACTORS_DIR / "unit_conversions.csv").open(encoding="utf-8") as handle:
        table = {r["unit_text"]: r for r in csv.DictReader(handle)}

    row = table[unit]
    assert (row["to_unit"], row["factor"]) == (to_unit, factor)
    assert pint_factor(registry(), row["pint_unit"], to_unit) == Decimal(factor)


def test_a_bare_gallon_is_a_us_gallon_at_data_quality_3():
    with (FACTORS_DIR / "unit_conversions.csv").open(encoding="utf-8") as handle:
        table = {r["unit_text"]: r for r in csv.DictReader(handle)}

    assert table["GAL"]["data_quality"] == "3" and table["USG"]["data_quality"] == ""


def test_a_conversion_table_that_drifts_from_pint_stops_the_factor_load(tmp_path):
    factors = tmp_path / "factors"
    shutil.copytree(FACTORS_DIR, factors)
    table = factors / "unit_conversions.csv"
    table.write_text(
        table.read_text(encoding="utf-8").replace(
            "IGAL,imperial_gallon,litre,4.54609", "IGAL,imperial_gallon,litre,4.546"
        ),
        encoding="utf-8",
    )
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema factors")

    with pytest.raises(UnitConversionError, match=r"IGAL.*pint gives 4\.54609"):
        factor_library.load_factors(con, factors)
    assert verify_conversions(FACTORS_DIR / "unit_conversions.csv") > 40


def test_lookups_load_into_the_factors_schema(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    con.execute("create schema factors")
    factor_library.load_factors(con)

    names = {
        r[0]
        for r in con.execute(
            "select table_name from information_schema.tables where table_schema = 'factors'"
        ).fetchall()
    }
    assert {"unit_conversions", "fuel_products", "refrigerant_gases"} <= names
    gas = con.execute(
        "select gas, boundary from factors.refrigerant_gases where name_text = 'PURON'"
    ).fetchall()
    assert gas == [("R-410A", "core")]
    products = dict(con.execute("select product_text, kind from factors.fuel_products").fetchall())
    assert products["ADBLUE"] == "non_fuel" and products["GAZOLE"] == "fuel"
