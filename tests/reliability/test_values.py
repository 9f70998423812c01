"""Fault family 4, values: codes nobody knows and quantities nobody could have used.

Guaranteed after one `greenblue run` over files written from docs/dialects.md:
- an unknown airport, hotel country, fuel product, fuel type, refrigerant, grid country,
  currency or UNSPSC code leaves its activity `unmapped`, counted, with the code in the
  reason: never 0 kg, never dropped; an unknown cabin falls back to `average` at data
  quality 3 (factors/METHODOLOGY.md: a cabin is never a reason to leave a flight out);
- a negative quantity never reaches the marts as a negative figure: it is quarantined with
  file, row and column, or accounted for as the reversal or recovery it means;
- absurd quantities (a 50,000 km rail ticket, 10^9 litres, 10^12 kWh, ...) are flagged by
  the warning check `assert_activity_quantities_plausible`, which the run prints, and a
  50,000 km flight claimed by the agency never becomes our distance;
- the good rows delivered beside the bad ones give the same figures as the same good rows
  delivered alone (organization CLEAN in the same run).
"""

import re
from dataclasses import dataclass

import pytest

from tests.builders.fuelcard import fuelcard_csv
from tests.builders.generator_fuel_log import generator_log
from tests.builders.landing import ROOT, Run, write_landing
from tests.builders.oracle_po import oracle_csv
from tests.builders.refrigerant_log import refrigerant_csv
from tests.builders.tmc_travel import tmc_workbook
from tests.builders.utility_bill import utility_csv

pytestmark = pytest.mark.slow

VALUES, CLEAN = "UNEP", "CLEAN"
CHECK = "assert_activity_quantities_plausible"


@dataclass(frozen=True)
class Planted:
    """A row a case adds, found again in raw by a column holding a value only it has."""

    table: str
    column: str
    value: str


GOOD = {
    "air": [{}, {"Ticket Number": "724-2201234599", "Origin Airport": "GVA",
                 "Destination Airport": "JFK", "Cabin": "Business", "Booking Class": "J"}],
    "hotel": [{}],
    "rail": [{}],
    "fuelcard": [{}, {"Transaction ID": "T-PETROL", "Product Name": "Unleaded 95"}],
    "generator": [{}],
    "utility": [{}],
    "refrigerant": [{}],
    "oracle": [{}],
}  # fmt: skip
BAD = {
    "air": [
        {"Ticket Number": "724-2201234568", "Origin Airport": "XQZ"},
        {"Ticket Number": "724-2201234569", "Cabin": "Hammock", "Booking Class": None},
        {"Ticket Number": "724-2201234570", "Segment Km": 50000},
    ],
    "hotel": [
        {"Record Locator": "HOTXX1", "Hotel Country": "XX", "Hotel City": "Nowhere"},
        {"Record Locator": "HOTBIG", "Room Nights": 100000},
    ],
    "rail": [
        {"Ticket Number": "SBB-50000", "Distance Km": 50000},
        {"Ticket Number": "SBB-NEG", "Distance Km": -277},
    ],
    "fuelcard": [
        {"Transaction ID": "T-UNKNOWN", "Product Name": "Unobtainium 98"},
        {"Transaction ID": "T-BILLION", "Quantity": "1000000000.000"},
        {"Transaction ID": "T-NEG", "Quantity": "-45.200"},
        {"Transaction ID": "T-UNIT", "Unit": "BARREL"},
    ],
    "generator": [
        {"Delivery Note No": "DN-WHALE", "Fuel Type": "Whale oil"},
        {"Delivery Note No": "DN-BILLION", "Quantity Delivered": 1e9},
        {"Delivery Note No": "DN-NEG", "Quantity Delivered": -500},
    ],
    "utility": [
        {"Meter ID": "M-HUGE", "Consumption": "1000000000000"},
        {"Meter ID": "M-NEG", "Consumption": "-15230"},
        {"Meter ID": "M-XX", "Country": "XX"},
    ],
    "refrigerant": [
        {"Equipment ID": "AC-UNKNOWN", "Refrigerant": "R-9999"},
        {"Equipment ID": "AC-HUGE", "Quantity Added": "1000000"},
        {"Equipment ID": "AC-NEG", "Quantity Added": "-0.40"},
    ],
    "oracle": [
        {"LINE_NUM": "2", "CURRENCY_CODE": "XYZ"},
        {"LINE_NUM": "3", "CATEGORY_NAME": "99999999"},
        {"LINE_NUM": "4", "UNIT_PRICE": "500000000000.00", "AMOUNT": "1000000000000.00"},
    ],
}

UNKNOWN = {
    "airport": (Planted("tmc_air_segments", "ticket_number", "724-2201234568"), "'XQZ'"),
    "hotel-country": (Planted("tmc_hotel", "record_locator", "HOTXX1"), "hotel.XX"),
    "fuel-product": (
        Planted("fuelcard_transactions", "transaction_id", "T-UNKNOWN"),
        "'Unobtainium 98'",
    ),
    "fuel-type": (Planted("generator_fuel_log", "delivery_note_no", "DN-WHALE"), "'Whale oil'"),
    "refrigerant": (Planted("refrigerant_log", "equipment_id", "AC-UNKNOWN"), "'R-9999'"),
    "grid-country": (Planted("utility_bill_meters", "meter_id", "M-XX"), "'XX'"),
    "currency": (Planted("oracle_po_lines", "line_num", "2"), "XYZ"),
    "unspsc": (Planted("oracle_po_lines", "line_num", "3"), "99999999"),
}
ABSURD = {
    "rail-50000-km": Planted("tmc_rail", "ticket_number", "SBB-50000"),
    "hotel-100000-nights": Planted("tmc_hotel", "record_locator", "HOTBIG"),
    "fuelcard-1e9-litres": Planted("fuelcard_transactions", "transaction_id", "T-BILLION"),
    "generator-1e9-litres": Planted("generator_fuel_log", "delivery_note_no", "DN-BILLION"),
    "meter-1e12-kwh": Planted("utility_bill_meters", "meter_id", "M-HUGE"),
    "refrigerant-1e6-kg": Planted("refrigerant_log", "equipment_id", "AC-HUGE"),
    "po-line-1e12-usd": Planted("oracle_po_lines", "line_num", "4"),
}
# Negative quantities that load, and where each is accounted for instead of being counted.
AT_ROW = "source_file_id = ? and source_sheet is not distinct from ? and source_row = ?"
NEGATIVE = {
    "fuelcard-debit": (
        Planted("fuelcard_transactions", "transaction_id", "T-NEG"),
        f"select fate from intermediate.int_fuelcard_lines where {AT_ROW}",
        "unmatched_reversal",
    ),
    "meter-reading": (
        Planted("utility_bill_meters", "meter_id", "M-NEG"),
        f"select fate from intermediate.int_utility_meter_fates where {AT_ROW}",
        "cancelled",
    ),
    "refrigerant-added": (
        Planted("refrigerant_log", "equipment_id", "AC-NEG"),
        f"select outcome from intermediate.int_refrigerant_balances where {AT_ROW}",
        "net_recovery",
    ),
    "rail-distance": (
        Planted("tmc_rail", "ticket_number", "SBB-NEG"),
        f"select factor_status from marts.fct_emissions where {AT_ROW}",
        "unmapped",
    ),
}


def files_for(rows: dict[str, list[dict]]) -> dict[str, bytes]:
    return {
        "travel/BCD_TravelData_202403.xlsx": tmc_workbook(rows["air"], rows["hotel"], rows["rail"]),
        "fuel/ShellFleet_CZ1234567890_20240505.csv": fuelcard_csv(rows["fuelcard"]),
        "fuel/Generator_Fuel_Log_NBO_2024.xlsx": generator_log(rows["generator"]),
        "energy/Utility_Bills_NBO_2024.csv": utility_csv(rows["utility"]),
        "refrigerants/Refrigerant_Log_2024.csv": refrigerant_csv(rows["refrigerant"]),
        "procurement/PO_Lines_20240331.csv": oracle_csv(rows["oracle"]),
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Run:
    """UNEP gets the good rows followed by the bad ones; CLEAN the same good rows alone."""
    root = tmp_path_factory.mktemp("values")
    with_bad = {k: GOOD[k] + BAD[k] for k in GOOD}
    files = {f"{VALUES}/{p}": data for p, data in files_for(with_bad).items()}
    files |= {f"{CLEAN}/{p}": data for p, data in files_for(GOOD).items()}
    landing = write_landing(
        root / "landing", {VALUES: "Values under test", CLEAN: "Same good rows"}, files
    )
    done = Run(root, landing).run()
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    return done


def locate(run: Run, planted: Planted) -> tuple[str, str | None, int]:
    """(file, sheet, row) of the one raw row the case planted (raw is in the working
    database only)."""
    found = run.work_query(
        f"select _file_id, _sheet, _source_row from raw.{planted.table} "
        f"where _org_code = ? and {planted.column} = ?",
        [VALUES, planted.value],
    )
    assert len(found) == 1, f"{planted}: loaded {len(found)} times"
    return found[0]


def emissions_of(run: Run, planted: Planted) -> list[tuple]:
    """The activities the planted row contributes to: (status, reason, kg, quantity, ...)."""
    return run.query(
        "select e.factor_status, e.unmapped_reason, e.kg_co2e, e.quantity, e.factor_id, "
        "e.data_quality from marts.fct_emission_sources s "
        "join marts.fct_emissions e using (emission_id) "
        "where s.source_file_id = ? and s.sheet is not distinct from ? and s.source_row = ?",
        list(locate(run, planted)),
    )


@pytest.mark.parametrize("case", UNKNOWN)
def test_an_unknown_code_is_unmapped_with_the_code_in_its_reason(run, case):
    planted, code = UNKNOWN[case]
    emissions = emissions_of(run, planted)
    assert emissions, f"{case}: the row reached no activity (dropped)"
    for status, reason, kg, *_ in emissions:
        assert (status, kg) == ("unmapped", None)
        assert code in reason, reason


def test_an_unknown_cabin_falls_back_to_the_average_cabin(run):
    planted = Planted("tmc_air_segments", "ticket_number", "724-2201234569")
    [(status, reason, kg, _, factor_id, quality)] = emissions_of(run, planted)
    assert status == "mapped" and reason is None and kg > 0
    assert ".average." in factor_id and quality == 3


def test_unmapped_activities_are_counted_and_carry_no_kg(run):
    per_org = run.query(
        "select org_code, count(*) filter (where factor_status = 'unmapped'), "
        "count(*) filter (where factor_status = 'unmapped' and kg_co2e is not null), "
        "count(*) filter (where factor_status = 'mapped' and quantity > 0 and kg_co2e <= 0) "
        "from marts.fct_emissions group by 1 order by 1"
    )
    annual = dict(
        run.query("select org_code, sum(unmapped_rows) from marts.org_emissions_annual group by 1")
    )
    for org, unmapped, unmapped_with_kg, mapped_zero in per_org:
        assert unmapped_with_kg == 0 and mapped_zero == 0, org
        assert annual[org] == unmapped, f"{org}: unmapped activities missing from the totals"
    assert annual[VALUES] >= len(UNKNOWN) > 0


def flagged_by_check(run: Run) -> set[tuple]:
    """The rows `assert_activity_quantities_plausible` returned, from its compiled SQL."""
    match = re.search(rf"compiled code at (\S+/{CHECK}\.sql)", run.log)
    assert match, f"the run log does not show {CHECK} warning"
    sql = (ROOT / "dbt_project" / match.group(1)).read_text()
    rows = run.query(f"select source_file_id, source_sheet, source_row from ({sql})")
    return set(rows)


def test_absurd_quantities_are_flagged_by_the_warning_check_the_run_prints(run):
    warnings = [line for line in run.stdout.splitlines() if line.startswith("warning (data")]
    expected = f"activity quantities beyond any real export: {len(ABSURD)}, ask the sender"
    assert any(expected in line for line in warnings), run.stdout
    assert "checks: all passed" in run.stdout, "a warning check does not block publication"
    expected = {locate(run, planted) for planted in ABSURD.values()}
    assert flagged_by_check(run) == expected
    assert f"WARN {len(ABSURD)} {CHECK}" in run.log


def test_an_agency_distance_claim_is_not_our_distance(run):
    claimed = Planted("tmc_air_segments", "ticket_number", "724-2201234570")
    same_route = Planted("tmc_air_segments", "ticket_number", "724-2201234567")
    [(status, _, kg, km, *_)] = emissions_of(run, claimed)
    [(_, _, kg_same, km_same, *_)] = emissions_of(run, same_route)
    assert status == "mapped" and km < 20040
    assert (km, kg) == (km_same, kg_same), "the great-circle distance, whatever the agency wrote"


def test_no_negative_quantity_or_kg_reaches_the_marts(run):
    negative = run.query(
        "select count(*) from marts.fct_emissions where quantity < 0 or kg_co2e < 0 "
        "or kg_co2e_market < 0 or kg_co2e_with_rf < 0"
    )
    assert negative == [(0,)]


@pytest.mark.parametrize("case", NEGATIVE)
def test_a_negative_quantity_is_accounted_for_as_what_it_means(run, case):
    planted, sql, expected = NEGATIVE[case]
    # intermediate models are in the working database only; the marts are read as served
    query = run.work_query if "intermediate." in sql else run.query
    assert query(sql, list(locate(run, planted))) == [(expected,)]


def line_of(kind: str, changes: dict, header_line: int) -> int:
    """The line (row) number a bad row sits on: after the header and the good rows."""
    return header_line + len(GOOD[kind]) + BAD[kind].index(changes) + 1


@pytest.mark.parametrize(
    ("relative", "sheet", "line", "column", "value", "words"),
    [
        (
            "fuel/ShellFleet_CZ1234567890_20240505.csv",
            None,
            line_of("fuelcard", {"Transaction ID": "T-UNIT", "Unit": "BARREL"}, 1),
            "Unit",
            "BARREL",
            "not one of",
        ),
        (
            "fuel/Generator_Fuel_Log_NBO_2024.xlsx",
            "Log",
            line_of("generator", {"Delivery Note No": "DN-NEG", "Quantity Delivered": -500}, 5),
            "Quantity Delivered",
            "-500",
            "negative",
        ),
    ],
    ids=["unknown-unit", "negative-delivery"],
)
def test_an_unreadable_value_is_quarantined_naming_file_row_and_column(
    run, relative, sheet, line, column, value, words
):
    quarantined = run.query(
        "select q.sheet, q.source_row, q.reason from ops.quarantine q "
        "join ops.file_manifest m using (file_id) "
        "where m.relative_path = ? and q.column_name = ? and q.value = ?",
        [f"{VALUES}/{relative}", column, value],
    )
    assert len(quarantined) == 1
    assert quarantined[0][:2] == (sheet, line)
    assert words in quarantined[0][2]
    counts = run.query(
        "select rows_in - rows_loaded, rows_quarantined from ops.file_manifest "
        "where relative_path = ?",
        [f"{VALUES}/{relative}"],
    )
    assert counts == [(1, 1)], "the row is counted in, quarantined, not loaded"


def test_every_loaded_file_reconciles(run):
    files = run.query(
        "select relative_path, status, rows_in, rows_loaded, rows_quarantined "
        "from ops.file_manifest order by 1"
    )
    assert len(files) == 2 * len(files_for(GOOD))
    for path, status, rows_in, loaded, quarantined in files:
        assert status == "loaded", path
        assert rows_in == loaded + quarantined, path
    expected_in = {k: len(GOOD[k]) + len(BAD[k]) for k in GOOD}
    travel = run.query(
        "select rows_in from ops.file_manifest where relative_path = ?",
        [f"{VALUES}/travel/BCD_TravelData_202403.xlsx"],
    )
    assert travel == [(expected_in["air"] + expected_in["hotel"] + expected_in["rail"],)]


MEASURES = (
    "e.source_table, e.source_sheet, e.source_row, e.reporting_year, e.activity_date, "
    "e.domain, e.scope, e.category, e.activity_type, e.boundary, e.quantity, e.unit, "
    "e.factor_id, e.kg_co2e, e.kg_co2e_market, e.kg_co2e_with_rf, e.factor_status, "
    "e.unmapped_reason, e.data_quality"
)


def test_good_rows_beside_bad_ones_equal_the_same_good_rows_alone(run):
    clean = run.query(
        f"select {MEASURES} from marts.fct_emissions e where org_code = ? order by all", [CLEAN]
    )
    beside = run.query(
        f"select {MEASURES} from marts.fct_emissions e "
        "where org_code = ? and exists (select 1 from marts.fct_emissions c "
        "where c.org_code = ? and c.source_table = e.source_table "
        "and c.source_sheet is not distinct from e.source_sheet "
        "and c.source_row = e.source_row) order by all",
        [VALUES, CLEAN],
    )
    assert len(clean) == sum(len(rows) for rows in GOOD.values())
    assert beside == clean
