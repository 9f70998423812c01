"""Travel coverage end to end: generated agency and expense files -> `greenblue run`.

The sample generator's travel files for five organizations (city names and metropolitan
codes printed often, agency rail tickets mostly without a distance, duty stations in
countries without a DESNZ hotel factor), one real `greenblue run`, then what the served
warehouse reports (METHODOLOGY.md sections 3.6 and 4):

- hotel nights: unmapped below 5 %; a country without its own factor takes its region's or
  the global average, recorded on the row, and every kg names a factor row that exists;
- agency rail tickets that name both stations: unmapped below 10 %; cross-border tickets
  use `rail.international`, the others `rail.national`;
- no city or metropolitan code the generator prints is an `unknown airport` (only the
  generator's deliberately unknown codes are).
"""

import shutil

import duckdb
import pytest

from pipelines import reconcile
from samples import generate
from samples import reference as ref
from tests.builders.landing import Run

pytestmark = pytest.mark.slow

# Printed often, so that every duty station's city name and metropolitan code turns up.
QUIRKS = {"city_name_not_code": 0.4, "city_code_not_airport": 0.4}


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("coverage")
    landing = root / "landing"
    generate(landing, orgs=5, rows=300, seed=11, quirks=QUIRKS)
    for folder in landing.glob("*/*"):  # travel only: the other domains do not matter here
        if folder.is_dir() and folder.name != "travel":
            shutil.rmtree(folder)
    done = Run(root, landing).run()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def test_hotel_nights_are_nearly_all_mapped(run):
    [(nights, unmapped_nights, rows, unmapped_rows)] = run.query(
        "select sum(quantity), sum(quantity) filter (where factor_status = 'unmapped'), "
        "count(*), count(*) filter (where factor_status = 'unmapped') "
        "from marts.fct_emissions where activity_type = 'hotel'"
    )
    assert nights > 1000 and rows > 300
    assert (unmapped_nights or 0) / nights < 0.05
    assert unmapped_rows / rows < 0.05
    reasons = run.query(
        "select distinct unmapped_reason from marts.fct_emissions "
        "where activity_type = 'hotel' and factor_status = 'unmapped'"
    )
    assert all("room nights" in reason for (reason,) in reasons), reasons


def test_hotel_fallback_steps_are_recorded_and_traceable(run):
    steps = dict(
        run.query(
            "select factor_level, count(*) from marts.fct_emissions "
            "where activity_type = 'hotel' and factor_status = 'mapped' group by 1"
        )
    )
    assert steps.get("country", 0) > 0 and steps.get("region", 0) > 0
    assert set(steps) <= {"country", "region", "global"}
    quality = run.query(
        "select distinct factor_level, factor_region is not null, data_quality "
        "from marts.fct_emissions where activity_type = 'hotel' and factor_status = 'mapped' "
        "order by all"
    )
    assert quality == [("country", False, 2), ("region", True, 3)]
    untraced = run.query(
        "select count(*) from marts.fct_emissions as e left join factors.emission_factors as f "
        "on f.factor_id = e.factor_id and f.factor_version = e.factor_version "
        "where e.activity_type = 'hotel' and e.factor_status = 'mapped' and ("
        "f.factor_id is null or abs(e.kg_co2e - e.quantity * f.kg_co2e_per_unit) > 1e-9)"
    )
    assert untraced == [(0,)]
    kenya = run.query(
        "select f.kg_co2e_per_unit, f.source from factors.emission_factors as f "
        "where f.factor_id = 'hotel.region.AF@room.night' and f.factor_version = "
        "(select max(factor_version) from marts.fct_emissions)"
    )
    assert kenya == [(47.8, "greenblue derived factor (factors/README.md, Derived hotel factors)")]


def test_agency_rail_tickets_with_stations_are_nearly_all_mapped(run):
    rows = run.work_query(
        "select e.factor_status, e.factor_id, e.data_quality, t.distance_km is null, "
        "coalesce(t.origin_country != t.destination_country, false) "
        "from intermediate.int_travel_activities as e "
        "join staging.stg_tmc__rail_tickets as t on t.source_row_key = e.emission_id "
        "where t.origin_station is not null and t.destination_station is not null"
    )
    assert len(rows) > 100
    unmapped = [r for r in rows if r[0] == "unmapped"]
    assert len(unmapped) / len(rows) < 0.10
    mapped = [r for r in rows if r[0] == "mapped"]
    derived = [r for r in mapped if r[3]]
    assert len(derived) > len(mapped) / 3, "most agency tickets give no distance"
    assert all(r[2] == 3 for r in derived), "km from the stations: data quality 3"
    for _, factor_id, _, _, cross_border in mapped:
        expected = "rail.international" if cross_border else "rail.national"
        assert factor_id == f"{expected}@passenger.km"
    assert any(r[4] for r in mapped) and any(not r[4] for r in mapped)


def test_no_city_the_generator_prints_is_an_unknown_airport(run):
    reasons = run.query(
        "select distinct unmapped_reason from marts.fct_emissions "
        "where unmapped_reason like 'unknown airport%'"
    )
    unknown = {reason.split("'")[1] for (reason,) in reasons}
    assert unknown <= set(ref.UNKNOWN_AIRPORT_CODES), unknown - set(ref.UNKNOWN_AIRPORT_CODES)
    printed = run.work_query(
        "select count(distinct origin_airport_code) from staging.stg_tmc__air_segments "
        "where origin_airport_code in (select upper(unnest(?::varchar[])))",
        [sorted(set(ref.AIRPORT_CITIES.values()) - {"Tokyo"})],
    )
    assert printed[0][0] > 30, "the run saw the city names it was meant to test"


def test_the_run_reconciles(run):
    """kg = quantity x the named factor row, and the rest of the blocking checks, on the
    working database (raw rows live only there)."""
    assert "checks: all passed" in run.stdout
    con = duckdb.connect(str(run.work_db), read_only=True)
    try:
        assert reconcile.problems(con) == []
    finally:
        con.close()
