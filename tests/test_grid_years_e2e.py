"""Grid factors for every year, end to end (METHODOLOGY.md section 6).

Generated landing data with six years of history (`generate --years 6`: 2019-2024, the
registry's baseline 2019) has utility bills in a dozen duty-station countries every year,
while the factor set's life-cycle series holds one year per country (2022 or 2023). Two
files added by hand put electricity in GB in 2019, on a utility bill and on a fuel card:
GB has DESNZ's combustion factor, which wins over the series for every year. One real
`greenblue run`; the served file is read as an analyst reads it.
"""

import pytest

from samples import generate
from tests.builders.fuelcard import fuelcard_csv
from tests.builders.landing import Run
from tests.builders.utility_bill import utility_csv

pytestmark = pytest.mark.slow

GB_BILL = {
    "Site Code": "UNEP-LON",
    "Country": "GB",
    "Supplier": "EDF Energy",
    "Account Number": "GB-ACC-2019",
    "Meter ID": "GB-M-1",
    "Period Start": "2019-03-01",
    "Period End": "2019-03-31",
    "Consumption": "10000",
    "Currency": "GBP",
}
GB_CHARGE = {
    "Transaction ID": "gb-ev-charge-2019",
    "Transaction Date": "14/06/2019",
    "Posting Date": "15/06/2019",
    "Site Code": "GB000001",
    "Site Name": "LONDON RAPID CHARGE",
    "Site City": "London",
    "Country Code": "GB",
    "Product Code": "90",
    "Product Name": "EV Charging",
    "Quantity": "40.000",
    "Unit": "KWH",
    "Transaction Currency": "GBP",
}


def steps(distance: int) -> int:
    """Data-quality steps for a factor `distance` years from the activity (section 6)."""
    return 0 if distance == 0 else 1 if distance <= 2 else 2


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    root = tmp_path_factory.mktemp("grid-years")
    landing = root / "landing"
    generate(landing, orgs=5, rows=30, seed=7, year=2024, years=6, quirks={"ev_charging": 0.2})
    (landing / "UNEP" / "energy" / "gb_office_2019.csv").write_bytes(utility_csv([GB_BILL]))
    (landing / "UNEP" / "fuel" / "gb_charging_2019.csv").write_bytes(fuelcard_csv([GB_CHARGE]))
    done = Run(root, landing).run()
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert "checks: all passed" in done.stdout  # the grid unit and data tests included
    return done


def test_the_baseline_year_has_utility_bills_in_a_dozen_countries(run):
    baselines = run.query("select distinct baseline_year from ops.organizations")
    countries = run.work_query(
        "select count(distinct country) from intermediate.int_energy_activities "
        "where activity_type = 'electricity' and reporting_year = 2019"
    )
    assert baselines == [(2019,)]
    assert countries[0][0] >= 12


def test_at_least_90_percent_of_the_baseline_kwh_is_mapped(run):
    ((mapped, total, unmapped_countries),) = run.query(
        "select sum(quantity) filter (where factor_status = 'mapped'), sum(quantity), "
        "list(distinct unmapped_reason) filter (where factor_status = 'unmapped') "
        "from marts.fct_emissions where activity_type = 'electricity' and reporting_year = 2019"
    )
    assert total > 1_000_000  # kWh
    assert mapped / total >= 0.9, (mapped / total, unmapped_countries)
    # what stays unmapped is a country without any grid factor, never a missing year
    assert all("'XK'" in reason for reason in unmapped_countries or [])


def test_every_scope_2_row_records_its_factors_data_year_and_basis(run):
    rows = run.query(
        "select e.domain, e.activity_type, e.reporting_year, e.factor_id, e.factor_data_year, "
        "e.factor_basis, e.quantity, e.kg_co2e, e.data_quality, f.kg_co2e_per_unit, "
        "f.source_edition from marts.fct_emissions e "
        "left join factors.emission_factors f "
        "on f.factor_id = e.factor_id and f.factor_version = e.factor_version "
        "where e.scope = 2 and e.factor_status = 'mapped'"
    )
    years = {r[2] for r in rows}
    assert {2019, 2020, 2021, 2022, 2023, 2024} <= years
    assert {r[0] for r in rows if r[1] == "electricity"} == {"energy", "fuel"}
    for domain, kind, year, factor_id, data_year, basis, kwh, kg, quality, per_kwh, edition in rows:
        assert data_year is not None and basis in ("combustion", "life-cycle"), factor_id
        assert kg == pytest.approx(kwh * per_kwh, rel=1e-9)  # traceable to the row it names
        key = factor_id.split("@")[0]
        if basis == "life-cycle":
            assert key.count(".") == 3 and int(key.rsplit(".", 1)[1]) == data_year
        else:
            assert key.count(".") == 2 and edition.startswith(str(data_year))
        if kind == "electricity":
            assert quality >= 1 + steps(abs(year - data_year)), (domain, factor_id, year)
    unmapped = run.query(
        "select count(*) from marts.fct_emissions where scope = 2 and factor_status = 'unmapped' "
        "and (factor_data_year is not null or factor_basis is not null)"
    )
    assert unmapped == [(0,)]


def test_gb_uses_the_desnz_combustion_factor_in_the_baseline_year(run):
    rows = run.query(
        "select domain, factor_id, factor_data_year, factor_basis, quantity, kg_co2e, "
        "data_quality from marts.fct_emissions where activity_type = 'electricity' "
        "and reporting_year = 2019 and factor_id like 'electricity.grid.GB%' order by domain"
    )
    # DESNZ 0.20705 (data year 2024, 5 years after 2019: two steps), not the 2023 series row
    assert rows == [
        # 10,000 kWh x 0.20705 = 2,070.5 kg; an actual read (1) + 2 = 3
        (
            "energy",
            "electricity.grid.GB@kWh",
            2024,
            "combustion",
            10000.0,
            pytest.approx(2070.5),
            3,
        ),
        # 40 kWh x 0.20705 = 8.282 kg; a fuel-card line (2) + 2 = 4
        ("fuel", "electricity.grid.GB@kWh", 2024, "combustion", 40.0, pytest.approx(8.282), 4),
    ]


def test_the_baseline_and_progress_include_electricity(run):
    rows = run.query(
        "select p.org_code, p.baseline_t_co2e, p.actual_t_co2e, s.t_electricity, s.t_all "
        "from marts.reduction_progress p join ("
        "  select org_code, sum(kg_co2e) filter (where activity_type = 'electricity') / 1000 "
        "  as t_electricity, sum(kg_co2e) / 1000 as t_all from marts.fct_emissions "
        "  where reporting_year = 2019 and boundary = 'core' and factor_status = 'mapped' "
        "  group by org_code) s using (org_code) "
        "where p.reporting_year = 2019 and p.target_scope = 'all'"
    )
    assert len(rows) == 5
    for org, baseline, actual, electricity, total in rows:
        assert electricity > 0, org
        assert baseline == pytest.approx(total, rel=1e-9) and actual == baseline, org
    scope2 = run.query(
        "select org_code, t_co2e from marts.org_emissions_annual "
        "where reporting_year = 2019 and scope = 2 and category = '2 Purchased electricity'"
    )
    assert len(scope2) == 5 and all(t > 0 for _, t in scope2)
