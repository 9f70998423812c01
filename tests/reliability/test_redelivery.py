"""Re-delivered rows: one row per natural key within an organization, from the latest file.

Agencies, fuel-card providers, ERPs and utilities re-send corrected or cumulative reports
under new names. Two real `greenblue run`s on one generated organization: the first loads
the originals of an agency CSV, a fuel-card file, an Oracle PO-line extract and a flat
utility file (beside the generated landing folder); the second loads each re-sent under a
new name with one row changed and the others byte for byte the same, a refund of one of the
original's coupons in a file of its own, and a generated agency workbook re-sent with its
first data row's first cell changed (the case that used to hold the organization). Each
natural key counts once, with the later file's values; the earlier rows are `superseded`,
naming the later file; netting across files still works; the organization publishes.
"""

import datetime as dt
import re

import openpyxl
import pytest

from samples import generate
from tests.builders import tmc_travel
from tests.builders.fuelcard import fuelcard_csv
from tests.builders.landing import Run
from tests.builders.oracle_po import oracle_csv
from tests.builders.utility_bill import utility_csv

pytestmark = pytest.mark.slow

ORG = "UNEP"

# Ticket 9990000000101: coupons 1 and 2; the re-send flies coupon 2 in business.
# Ticket 9990000000202: coupons 1 and 2; a refund of coupon 2 arrives in a later file.
AIR = [
    {"Ticket_Number": "999-0000000101", "Segment_No": 1},
    {
        "Ticket_Number": "999-0000000101",
        "Segment_No": 2,
        "Origin_Airport": "ZRH",
        "Destination_Airport": "NBO",
        "Departure_Date": dt.date(2024, 3, 12),
    },
    {"Ticket_Number": "999-0000000202", "Record_Locator": "RF2NK1", "Segment_No": 1},
    {
        "Ticket_Number": "999-0000000202",
        "Record_Locator": "RF2NK1",
        "Segment_No": 2,
        "Origin_Airport": "ZRH",
        "Destination_Airport": "NBO",
        "Departure_Date": dt.date(2024, 3, 20),
    },
]
CHANGED_COUPON = {**AIR[1], "Cabin": "Business", "Booking_Class": "J"}
REFUND = {
    "Ticket_Number": "999-0000000202",
    "Record_Locator": "RF2NK1",
    "Transaction_Type": "REFUND",
    "Issue_Date": dt.date(2024, 3, 15),
    "Segment_No": 2,
    "Origin_Airport": "ZRH",
    "Destination_Airport": "NBO",
    "Departure_Date": dt.date(2024, 3, 20),
    "Ticket_Fare": -460.25,
    "Ticket_Taxes": -155.12,
    "Ticket_Total": -615.37,
}
FUEL = [
    {"Transaction ID": "T-NK-0001", "Quantity": "45.200"},
    {"Transaction ID": "T-NK-0002", "Quantity": "30.000", "Transaction Date": "09/05/2024"},
]
FUEL_CHANGED = {**FUEL[0], "Quantity": "50.000"}
PO = [
    {"SEGMENT1": "UNEP1-0099001", "PO_LINE_ID": "300000990000001", "LINE_NUM": "1"},
    {
        "SEGMENT1": "UNEP1-0099001",
        "PO_LINE_ID": "300000990000002",
        "LINE_NUM": "2",
        "ITEM_DESCRIPTION": "Laptop computers",
        "CATEGORY_NAME": "43211503",
        "QUANTITY": "4",
        "UNIT_PRICE": "1200.00",
        "AMOUNT": "4800.00",
    },
]
PO_CHANGED = {**PO[0], "QUANTITY": "3", "AMOUNT": "13500.00"}
METER = [
    {"Meter ID": "M-NK-01", "Period Start": "2024-01-01", "Period End": "2024-01-31"},
    {
        "Meter ID": "M-NK-01",
        "Period Start": "2024-02-01",
        "Period End": "2024-02-29",
        "Consumption": "14100",
    },
]
METER_CHANGED = {**METER[0], "Consumption": "16000"}

ORIGINALS = {
    "travel": f"{ORG}/travel/FCM_UNEP_AirSegments_202403.csv",
    "fuel": f"{ORG}/fuel/ShellFleet_CZ9990000001_20240531.csv",
    "procurement": f"{ORG}/procurement/PO_Lines_UNEP_20240331.csv",
    "energy": f"{ORG}/energy/Utility_Bills_UNEP-NBO_2024.csv",
}
RESENT = {
    "travel": f"{ORG}/travel/FCM_UNEP_AirSegments_202403_corrected.csv",
    "fuel": f"{ORG}/fuel/ShellFleet_CZ9990000001_20240531_v2.csv",
    "procurement": f"{ORG}/procurement/PO_Lines_UNEP_20240331_resent.csv",
    "energy": f"{ORG}/energy/Utility_Bills_UNEP-NBO_2024_corrected.csv",
}
REFUNDS = f"{ORG}/travel/FCM_UNEP_AirSegments_202403_refunds.csv"
CHANGED_ROW = {"travel": 2, "fuel": 1, "procurement": 1, "energy": 1}  # data rows, from 1


def line(data_row: int) -> int:
    """The source_row of a data row in these files: the header is line 1."""
    return data_row + 1


def agency_csv(landing, relative: str, rows: list[dict]) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    tmc_travel.write_csv(path, [tmc_travel.air_row(**r) for r in rows])


def write(landing, relative: str, data: bytes) -> None:
    path = landing / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


def deliver_originals(landing) -> None:
    agency_csv(landing, ORIGINALS["travel"], AIR)
    write(landing, ORIGINALS["fuel"], fuelcard_csv(FUEL))
    write(landing, ORIGINALS["procurement"], oracle_csv(PO))
    write(landing, ORIGINALS["energy"], utility_csv(METER))


def deliver_resends(landing) -> tuple[str, str]:
    """Each original again under a new name with one row changed; a refund in a file of its
    own; a generated agency workbook re-sent with its first cell changed. Returns the
    workbook's original and re-sent paths."""
    agency_csv(landing, RESENT["travel"], [AIR[0], CHANGED_COUPON, *AIR[2:]])
    write(landing, RESENT["fuel"], fuelcard_csv([FUEL_CHANGED, FUEL[1]]))
    write(landing, RESENT["procurement"], oracle_csv([PO_CHANGED, PO[1]]))
    write(landing, RESENT["energy"], utility_csv([METER_CHANGED, METER[1]]))
    agency_csv(landing, REFUNDS, [REFUND])
    workbook = sorted((landing / ORG / "travel").glob("*TravelData*.xlsx"))[0]
    copy = workbook.with_name(workbook.stem + "_corrected.xlsx")
    book = openpyxl.load_workbook(workbook)
    book["Air Segments"].cell(7, 1).value = "09999999"  # the first data row's first field
    book.save(copy)
    return (
        workbook.relative_to(landing).as_posix(),
        copy.relative_to(landing).as_posix(),
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("redelivery")
    landing = root / "landing"
    generate(landing, orgs=1, rows=150, seed=14)
    deliver_originals(landing)
    run = Run(root, landing)
    first = run.run()
    assert first.returncode == 0, first.stderr[-3000:]
    workbook, workbook_copy = deliver_resends(landing)
    second = run.run()
    assert second.returncode == 0, second.stderr[-3000:]
    files = dict(run.query("select relative_path, file_id from ops.file_manifest"))
    run_id = run.query("select run_id from ops.runs order by started_at desc limit 1")[0][0]
    return {
        "run": run,
        "second": second,
        "files": files,
        "run_id": run_id,
        "workbook": workbook,
        "workbook_copy": workbook_copy,
    }


def emissions_of(runs, relative: str) -> list[tuple]:
    return runs["run"].query(
        "select source_row, quantity, factor_id from marts.fct_emissions "
        "where source_file_id = ? order by source_row, activity_date",
        [runs["files"][relative]],
    )


def test_the_run_with_re_sent_files_publishes_the_organization(runs):
    second = runs["second"]
    assert "HELD" not in second.stdout, second.stdout
    assert "checks: all passed" in second.stdout, second.stdout
    publication = runs["run"].query(
        "select org_code, status from ops.org_publication where run_id = ? order by 1",
        [runs["run_id"]],
    )
    assert publication == [(ORG, "published")]
    loaded = runs["run"].query(
        "select relative_path, status from ops.file_manifest where relative_path in (?, ?, ?, ?)",
        list(RESENT.values()),
    )
    assert sorted(loaded) == sorted((path, "loaded") for path in RESENT.values())


@pytest.mark.parametrize("domain", sorted(ORIGINALS))
def test_each_natural_key_counts_once_from_the_later_file(runs, domain):
    assert emissions_of(runs, ORIGINALS[domain]) == [], "no activity from the earlier file"
    later = emissions_of(runs, RESENT[domain])
    rows = [source_row for source_row, _, _ in later]
    counted = {"travel": [1, 2, 3], "fuel": [1, 2], "procurement": [1, 2], "energy": [1, 2]}
    # the refund in a file of its own cancels ticket 202's coupon 2 (data row 4)
    assert rows == [line(n) for n in counted[domain]]


def test_the_later_files_values_are_the_ones_counted(runs):
    coupon = emissions_of(runs, RESENT["travel"])[1]
    assert ".business." in coupon[2], coupon
    unchanged = emissions_of(runs, RESENT["travel"])[0]
    assert ".economy." in unchanged[2], unchanged
    litres = [quantity for _, quantity, _ in emissions_of(runs, RESENT["fuel"])]
    assert litres == [pytest.approx(50.0), pytest.approx(30.0)]
    kwh = [quantity for _, quantity, _ in emissions_of(runs, RESENT["energy"])]
    assert kwh == [pytest.approx(16000.0), pytest.approx(14100.0)]
    lines = runs["run"].query(
        "select po_line, amount_original, source_file_id from marts.fct_procurement_lines "
        "where po_number = 'UNEP1-0099001' order by po_line"
    )
    resent = runs["files"][RESENT["procurement"]]
    assert [(line, float(amount), f) for line, amount, f in lines] == [
        (1, 13500.0, resent),
        (2, 4800.0, resent),
    ]


@pytest.mark.parametrize("domain", sorted(ORIGINALS))
def test_the_earlier_rows_are_superseded_naming_the_later_file(runs, domain):
    files = runs["files"]
    rows = runs["run"].query(
        "select domain, source_row, fate, superseded_by_file_id from marts.redelivered_rows "
        "where source_file_id = ? order by source_row",
        [files[ORIGINALS[domain]]],
    )
    count = {"travel": len(AIR), "fuel": len(FUEL), "procurement": len(PO), "energy": len(METER)}
    assert rows == [
        (domain, line(n), "superseded", files[RESENT[domain]]) for n in range(1, count[domain] + 1)
    ]
    assert line(CHANGED_ROW[domain]) in [r[1] for r in rows], "the changed row is superseded"


def test_a_refund_in_a_later_file_still_cancels_the_coupon_it_names(runs):
    run, files = runs["run"], runs["files"]
    fates = dict(
        run.work_query(
            "select source_file_id || ':' || source_row, fate "
            "from intermediate.int_travel_ticket_row_fates where ticket13 = '9990000000202'"
        )
    )
    original, resent, refunds = files[ORIGINALS["travel"]], files[RESENT["travel"]], files[REFUNDS]
    assert fates == {
        f"{original}:{line(3)}": "superseded",
        f"{original}:{line(4)}": "superseded",
        f"{resent}:{line(3)}": "flown",
        f"{resent}:{line(4)}": "cancelled",
        f"{refunds}:{line(1)}": "cancelling",
    }


def test_the_generated_workbook_re_sent_with_its_first_cell_changed_counts_once(runs):
    run, files = runs["run"], runs["files"]
    original, copy = files[runs["workbook"]], files[runs["workbook_copy"]]
    assert run.query(
        "select count(*) from marts.fct_emissions where source_file_id = ?", [original]
    ) == [(0,)]
    superseded = run.query(
        "select count(*), min(superseded_by_file_id), max(superseded_by_file_id) "
        "from marts.redelivered_rows where source_file_id = ?",
        [original],
    )[0]
    assert superseded[0] > 0 and superseded[1:] == (copy, copy)
    contributions = run.query(
        "select distinct contribution from marts.fct_emission_sources where source_file_id = ?",
        [original],
    )
    assert contributions == [("superseded",)], "the earlier rows only trace, adding nothing"


def test_the_summary_counts_the_re_delivered_rows_by_domain(runs):
    expected = dict(
        runs["run"].query(
            "select r.domain, count(*) from marts.redelivered_rows as r "
            "join ops.file_manifest as m on m.file_id = r.superseded_by_file_id "
            "where m.run_id = ? group by 1",
            [runs["run_id"]],
        )
    )
    line = re.search(
        r"^(\d+) rows re-delivered in later files counted once \((.*)\)$",
        runs["second"].stdout,
        re.MULTILINE,
    )
    assert line, runs["second"].stdout
    printed = {d: int(n) for d, n in (part.split(" ") for part in line.group(2).split(", "))}
    assert printed == expected and int(line.group(1)) == sum(expected.values())
    assert set(printed) == {"travel", "fuel", "procurement", "energy"}
    assert printed["fuel"] == len(FUEL) and printed["energy"] == len(METER)
    assert printed["procurement"] == len(PO)
