"""Isolation: a defect in one organization's rows holds that organization alone.

Real `greenblue run`s in subprocesses on a generated landing folder of two organizations.
The first run publishes both. Then UNDP delivers a new file (its figures must move) and one
of UNEP's loaded agency rows holds a transaction type no connector accepts (`REISSUE`), as a
connector defect could have let through: it is rewritten in the working database, with the
file's load time renewed, as a defective connector reading the file again would have loaded
it (a run rebuilds only what was loaded since its last build, docs/incremental.md). The
blocking staging test `accepted_values` on `transaction_type` fails on UNEP's rows alone.
UNEP is held: its rows in every mart of the new served file are exactly those of the
previous one; UNDP publishes. The focal point then sends the workbook again: the new version
supersedes the defective rows and UNEP publishes.
"""

import datetime as dt
import shutil

import duckdb
import openpyxl
import pytest

from samples import generate
from tests.builders.landing import Run, assert_rows_kept

pytestmark = pytest.mark.slow

HELD, FREE = "UNEP", "UNDP"
DEFECT_CHECK = "accepted_values_stg_tmc__air_segments_transaction_type"


def plant_a_row_no_connector_accepts(run: Run) -> str:
    """One of UNEP's loaded agency rows given a transaction type the connector refuses,
    straight in the working database, and the file's load time renewed in raw and in the
    manifest (as a connector defect reading the file again could have loaded it)."""
    workbook = sorted((run.landing / HELD / "travel").glob("*TravelData*.xlsx"))[0]
    relative = workbook.relative_to(run.landing).as_posix()
    con = duckdb.connect(str(run.work_db))
    try:
        (file_id,) = con.execute(
            "select file_id from ops.file_manifest where relative_path = ? and status = 'loaded'",
            [relative],
        ).fetchone()
        changed = con.execute(
            "update raw.tmc_air_segments set transaction_type = 'REISSUE' where _file_id = ? "
            "and _source_row = (select min(_source_row) from raw.tmc_air_segments "
            "where _file_id = ?)",
            [file_id, file_id],
        ).fetchall()
        reloaded = dt.datetime.now(dt.UTC).replace(tzinfo=None)
        con.execute(
            "update raw.tmc_air_segments set _loaded_at = ? where _file_id = ?", [reloaded, file_id]
        )
        con.execute(
            "update ops.file_manifest set loaded_at = ? where file_id = ?", [reloaded, file_id]
        )
    finally:
        con.close()
    assert changed == [(1,)], changed
    return relative


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("isolation")
    landing = root / "landing"
    generate(landing, orgs=2, rows=200, seed=21)
    late = sorted((landing / FREE / "fuel").iterdir())[-1]
    parked = root / late.name
    shutil.move(late, parked)  # UNDP's late delivery, landed before the second run

    run = Run(root, landing)
    first = run.run()
    assert first.returncode == 0, first.stderr[-3000:]
    before = {org: run.served_rows(org) for org in (HELD, FREE)}
    first_run = run.query("select run_id from ops.runs where status = 'published'")[0][0]

    shutil.move(parked, late)
    planted = plant_a_row_no_connector_accepts(run)
    second = run.run()
    after = {org: run.served_rows(org) for org in (HELD, FREE)}
    return {
        "run": run,
        "first": first,
        "second": second,
        "before": before,
        "after": after,
        "planted": planted,
        "first_run": first_run,
        "late": late.relative_to(landing).as_posix(),
    }


def test_the_run_with_a_held_organization_exits_0_and_says_who_is_held(runs):
    second = runs["second"]
    assert second.returncode == 0, second.stderr[-3000:]
    assert f"HELD {HELD}" in second.stdout
    assert DEFECT_CHECK in second.stdout


def test_ops_records_who_is_held_and_why(runs):
    run = runs["run"]
    latest = run.query("select run_id, status, orgs_held from ops.runs order by started_at")[-1]
    assert latest[1:] == ("published", HELD)
    publication = dict(
        run.query("select org_code, status from ops.org_publication where run_id = ?", [latest[0]])
    )
    # System-wide marts (no organization column) keep their previous rows while any
    # organization is held: they would otherwise count the held organization's new rows.
    assert publication == {HELD: "held", FREE: "published", "_system": "held"}
    (reason,) = run.query(
        "select reason from ops.org_publication where run_id = ? and org_code = ?",
        [latest[0], HELD],
    )[0]
    assert DEFECT_CHECK in reason
    checks = run.query(
        "select distinct org_code from ops.check_results where run_id = ?", [latest[0]]
    )
    assert checks == [(HELD,)], "the failure is attributed to the held organization alone"


def test_the_held_organizations_served_rows_are_exactly_the_previous_ones(runs):
    assert_rows_kept(runs["before"][HELD], runs["after"][HELD])


def test_the_other_organization_publishes_its_new_file(runs):
    before, after = runs["before"][FREE], runs["after"][FREE]
    assert after["fct_emissions"] != before["fct_emissions"]
    run = runs["run"]
    files = run.query(
        "select count(*) from marts.fct_emissions as e join ops.file_manifest as m "
        "on m.file_id = e.source_file_id where m.relative_path = ?",
        [runs["late"]],
    )
    assert files[0][0] > 0, "the late file's rows are served"


def test_the_file_of_the_defective_row_stays_loaded_in_the_manifest(runs):
    run = runs["run"]
    status = run.query(
        "select status from ops.file_manifest where relative_path = ?", [runs["planted"]]
    )
    assert status == [("loaded",)]


def test_the_served_file_holds_only_what_analysts_query(runs):
    schemas = {
        r[0]
        for r in runs["run"].query(
            "select schema_name from duckdb_tables() where database_name = current_database()"
        )
    }
    assert schemas == {"marts", "ops", "factors", "reference"}


def test_the_held_organizations_published_figures_are_not_restated(runs):
    run = runs["run"]
    rows = run.query(
        "select run_id, figure, reporting_year, t_co2e from ops.published_figures "
        "where org_code = ? order by figure, reporting_year, run_id",
        [HELD],
    )
    by_figure: dict = {}
    for _run, figure, year, tonnes in rows:
        by_figure.setdefault((figure, year), set()).add(tonnes)
    assert by_figure and all(len(v) == 1 for v in by_figure.values())


def test_the_report_marks_the_held_organization(runs, tmp_path):
    from report.site import build, org_filename

    pages = {p.name: p.read_text() for p in build(runs["run"].served, tmp_path)}
    assert "Held in the latest run" in pages[org_filename(HELD)]
    assert DEFECT_CHECK in pages[org_filename(HELD)]
    assert "Held in the latest run" not in pages[org_filename(FREE)]
    assert HELD in pages["index.html"].split("Held in the latest run")[1].split("</div>")[0]


def test_fixing_the_defect_publishes_the_held_organization_again(runs):
    """The focal point sends the workbook again at the same path (saved anew, so its bytes
    differ): the version holding the defective row is superseded, and the organization
    publishes again."""
    run = runs["run"]
    workbook = run.landing / runs["planted"]
    openpyxl.load_workbook(workbook).save(workbook)
    again = run.run()
    assert again.returncode == 0, again.stderr[-3000:]
    assert "HELD" not in again.stdout
    latest = run.query("select run_id, orgs_held from ops.runs order by started_at")[-1]
    assert latest[1] is None
    statuses = run.query(
        "select org_code, status from ops.org_publication where run_id = ? order by 1",
        [latest[0]],
    )
    assert statuses == [(FREE, "published"), (HELD, "published")]


def test_a_rebuild_of_unchanged_inputs_is_bit_identical(runs, tmp_path):
    """`greenblue run --force` over the same landing folder publishes the same rows in every
    mart, value for value: sums of doubles that feed published figures add exactly
    (`exact_sum`), whatever order DuckDB's threads reach the rows in."""
    run = runs["run"]
    before = tmp_path / "before.duckdb"
    shutil.copyfile(run.served, before)
    done = run.command("run", "--force")
    assert done.returncode == 0, done.stderr[-3000:]
    con = duckdb.connect()
    con.execute(f"attach '{before}' as first (read_only)")
    con.execute(f"attach '{run.served}' as second (read_only)")
    tables = [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'first' and schema_name = 'marts' order by 1"
        ).fetchall()
    ]
    assert {"fct_emissions", "org_emissions_annual", "travel_city_pairs"} <= set(tables)
    differ = {}
    for table in tables:
        a, b = f"first.marts.{table}", f"second.marts.{table}"
        only = [
            con.execute(
                f"select count(*) from (select * from {x} except all select * from {y})"
            ).fetchall()[0][0]
            for x, y in ((a, b), (b, a))
        ]
        hashes = [
            con.execute(f"select count(*), sum(hash(*columns(*))) from {x}").fetchall()[0]
            for x in (a, b)
        ]
        if only != [0, 0] or hashes[0] != hashes[1]:
            differ[table] = (only, hashes)
    con.close()
    assert not differ, differ
