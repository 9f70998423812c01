"""Incremental runs publish what a full refresh of the same landing publishes (docs/incremental.md).

Two generated organizations, UNEP and UNDP, driven through real `greenblue run`s:
1. the generated files and UNEP's originals of an agency CSV, a fuel-card file, an Oracle
   PO extract and a utility file (tests/reliability/test_redelivery.py): a first build,
   a full refresh;
2. UNEP's re-sent files, each under a new name with one row changed, and a refund of an
   original coupon in a file of its own: incremental, UNEP only;
3. UNEP's original agency file corrected at the same path (the old one is superseded and
   its coupons leave every mart), and a new UNDP agency file selling a ticket: both;
4. for UNDP a refund of that ticket's second coupon in a later file, and the new file
   re-extracted under another name, rows reordered (they count once, from the re-extract):
   UNDP only.
Then `greenblue run --full-refresh` rebuilds every model from all loaded files: every mart
equals, row for row, what the incremental runs published. A change to anything a model
reads besides the files (a factor value here) makes the next run a full refresh.
"""

import datetime as dt
import json
import shutil

import duckdb
import pytest

from pipelines import factor_library, increments
from tests.builders.landing import Run, generated_landing
from tests.reliability.test_redelivery import (
    AIR,
    ORIGINALS,
    agency_csv,
    deliver_originals,
    deliver_resends,
)

pytestmark = pytest.mark.slow

OTHER = "UNDP"
# A client id of UNDP's own (UNEP's, in the builder's rows, would make the files wait).
SOLD = [
    {
        "Client_Account": "UNDP-NYC",
        "Ticket_Number": "999-0000000303",
        "Record_Locator": "IN3CR1",
        "Segment_No": 1,
    },
    {
        "Client_Account": "UNDP-NYC",
        "Ticket_Number": "999-0000000303",
        "Record_Locator": "IN3CR1",
        "Segment_No": 2,
        "Origin_Airport": "JFK",
        "Destination_Airport": "GVA",
        "Departure_Date": dt.date(2024, 6, 20),
    },
]
REFUND = {**SOLD[1], "Transaction_Type": "REFUND", "Issue_Date": dt.date(2024, 6, 10)}
NEW_FILE = f"{OTHER}/travel/FCM_{OTHER}_AirSegments_202406.csv"
REEXTRACT = f"{OTHER}/travel/FCM_{OTHER}_AirSegments_202406_reextract.csv"


def plans(run: Run) -> list[str]:
    """What the last run's dbt step said it would rebuild."""
    return [line.split("dbt_models - ", 1)[1] for line in run.log.splitlines()
            if "dbt_models - dbt run: " in line and "models built" not in line]  # fmt: skip


def marts(db) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [t for (t,) in con.execute(
            "select table_name from information_schema.tables "
            "where table_schema = 'marts' order by 1").fetchall()]  # fmt: skip
        return {t: con.execute(f"select * from marts.{t} order by all").fetchall() for t in tables}
    finally:
        con.close()


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("incremental")
    run = Run(root, generated_landing(root / "landing", rows=120, seed=23))
    landing = run.landing
    said = []

    def deliver_and_run() -> None:
        done = run.run()
        assert done.returncode == 0, done.stderr[-3000:]
        said.append(plans(run))

    deliver_originals(landing)
    deliver_and_run()
    deliver_resends(landing)
    deliver_and_run()
    agency_csv(landing, ORIGINALS["travel"], [{**AIR[0], "Cabin": "Business"}, AIR[1]])
    agency_csv(landing, NEW_FILE, SOLD)
    deliver_and_run()
    agency_csv(landing, f"{OTHER}/travel/FCM_{OTHER}_Refunds_202406.csv", [REFUND])
    agency_csv(landing, REEXTRACT, SOLD[::-1])  # the same coupons, other bytes
    deliver_and_run()
    incremental = marts(run.served)
    work = run.work_db
    refreshed = run.command("run", "--full-refresh")
    assert refreshed.returncode == 0, refreshed.stderr[-3000:]
    said.append(plans(run))
    return {"run": run, "said": said, "incremental": incremental,
            "refreshed": marts(run.served), "work": work}  # fmt: skip


def test_each_run_rebuilt_what_its_deliveries_changed(runs):
    assert runs["said"] == [
        ["dbt run: full refresh: first build of this working database"],
        ["dbt run: incremental: files changed for UNEP"],
        [f"dbt run: incremental: files changed for {OTHER}, UNEP"],
        [f"dbt run: incremental: files changed for {OTHER}"],
        ["dbt run: full refresh: a full refresh was asked for"],
    ]


def test_the_deliveries_superseded_and_re_extracted(runs):
    """The sequence did what it says: the corrected file superseded its first version, and
    the re-extract's rows replaced the new file's (`superseded` in marts.redelivered_rows)."""
    versions = runs["run"].query(
        "select status from ops.file_manifest where relative_path = ? order by first_seen_at",
        [ORIGINALS["travel"]],
    )
    assert versions == [("superseded",), ("loaded",)]
    fates = runs["run"].query(
        "select r.fate from marts.redelivered_rows as r join ops.file_manifest as f "
        "on r.source_file_id = f.file_id where f.relative_path = ?",
        [NEW_FILE],
    )
    assert fates == [("superseded",)] * len(SOLD)


def test_every_mart_equals_a_full_refresh_row_for_row(runs):
    incremental, refreshed = runs["incremental"], runs["refreshed"]
    assert incremental.keys() == refreshed.keys() and len(incremental) >= 20
    assert incremental["fct_emissions"], "the marts hold rows"
    different = [t for t in incremental if incremental[t] != refreshed[t]]
    assert not different, different


def test_the_refund_in_a_later_file_cancels_the_re_extracted_coupon(runs):
    """Of the re-extracted ticket, coupon 1 (its second data row, line 3) is flown and
    counts; coupon 2 is refunded by the later file and counts nothing."""
    counted = runs["run"].query(
        "select e.source_row from marts.fct_emissions as e join ops.file_manifest as f "
        "on e.source_file_id = f.file_id where f.relative_path = ? order by 1",
        [REEXTRACT],
    )
    assert counted == [(3,)]


def test_a_factor_change_makes_the_next_run_a_full_refresh(runs, tmp_path):
    db = tmp_path / "work.duckdb"
    shutil.copy(runs["work"], db)
    manifest = json.loads((runs["work"].parent / "dbt" / "manifest.json").read_text())
    con = duckdb.connect(str(db))
    try:
        (recorded,) = con.execute("select fingerprint from ops.dbt_build_state").fetchone()
        factor_set = factor_library.current_factor_set(None, workdir=runs["work"].parent)
        unchanged = increments.fingerprint(con, manifest, factor_set)
        assert unchanged == recorded
        assert increments.plan(con, unchanged) == increments.Plan(
            False, (), "no loaded file changed"
        )
        con.execute("update factors.emission_factors set kg_co2e_per_unit = kg_co2e_per_unit * 2")
        changed = increments.fingerprint(con, manifest, factor_set)
        assert changed != unchanged
        assert increments.plan(con, changed) == increments.Plan(
            True, (), "code, factors, reference data or the registry changed"
        )
        assert increments.fingerprint(con, manifest, "another-set") != unchanged
    finally:
        con.close()
