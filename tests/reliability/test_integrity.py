"""Input integrity across organizations and keys: another organization's file, byte for byte
or by its identifiers, never moves figures; one pseudonym key per warehouse.

Real `greenblue run`s on a generated landing folder of two organizations. The first run
publishes both. Then UNDP's folders receive two of UNEP's exports: an SAP ME2N list copied
byte for byte, and an agency workbook with one cell changed (its client accounts are
UNEP's). Both wait, with the reason in the manifest and the run summary; UNDP's figures do
not move. Then the pseudonym key changes: the run is refused until `greenblue
repseudonymise` has the next run read every file again with the new key.
"""

import shutil

import openpyxl
import pytest

from samples import generate
from tests.builders.landing import Run

pytestmark = pytest.mark.slow

OWNER, OTHER = "UNEP", "UNDP"
NEW_KEY = "a-new-pseudonym-key-9876543210"


def totals(run: Run) -> list[tuple]:
    """Every figure of the annual mart, row by row: no sum here, whose last bits would
    depend on the order DuckDB reads the rows in."""
    return run.query(
        "select org_code, reporting_year, scope, category, boundary, t_co2e, t_co2e_market, "
        "unmapped_rows from marts.org_emissions_annual order by all"
    )


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("integrity")
    landing = root / "landing"
    generate(landing, orgs=2, rows=150, seed=31)
    run = Run(root, landing)
    first = run.run()
    assert first.returncode == 0, first.stderr[-3000:]
    before = totals(run)

    sap = sorted((landing / OWNER / "procurement").glob("ME2N_*"))[0]
    copied = landing / OTHER / "procurement" / f"copy_{sap.name}"
    shutil.copyfile(sap, copied)
    workbook = sorted((landing / OWNER / "travel").glob("*TravelData*.xlsx"))[0]
    changed = landing / OTHER / "travel" / f"resent_{workbook.name}"
    book = openpyxl.load_workbook(workbook)
    book["Air Segments"].cell(7, 5).value = "Another purpose"
    book.save(changed)
    second = run.run()
    return {
        "run": run,
        "second": second,
        "before": before,
        "after": totals(run),
        "pseudonyms": pseudonyms(run),
        "copied": copied.relative_to(landing).as_posix(),
        "changed": changed.relative_to(landing).as_posix(),
        "sap": sap.relative_to(landing).as_posix(),
    }


def pseudonyms(run: Run) -> set[str]:
    return {
        r[0]
        for r in run.work_query(
            "select distinct traveller_name_pseudonym from raw.tmc_air_segments "
            "where traveller_name_pseudonym is not null"
        )
    }


def manifest(run: Run, relative: str) -> tuple:
    return run.query(
        "select status, message from ops.file_manifest where relative_path = ?", [relative]
    )[0]


def test_a_byte_identical_copy_in_another_organizations_folder_waits(runs):
    status, message = manifest(runs["run"], runs["copied"])
    assert status == "waiting"
    assert runs["sap"] in message and OWNER in message
    assert f"waiting {runs['copied']}" in runs["second"].stdout


def test_a_file_carrying_another_organizations_identifiers_waits(runs):
    status, message = manifest(runs["run"], runs["changed"])
    assert status == "waiting"
    assert "agency client id" in message and OWNER in message
    assert f"waiting {runs['changed']}" in runs["second"].stdout


def test_no_figure_moves_between_organizations(runs):
    assert runs["second"].returncode == 0, runs["second"].stderr[-3000:]
    assert runs["after"] == runs["before"]


def test_another_key_is_refused_until_the_files_are_read_again_with_it(runs):
    run = runs["run"]
    env = {**run.env, "GREENBLUE_PSEUDONYM_KEY": NEW_KEY}
    refused = run.command("run", env=env)
    assert refused.returncode == 2
    assert "not the key this warehouse was built with" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert totals(run) == runs["after"], "a refused run changes nothing"

    adopted = run.command("repseudonymise", env=env)
    assert adopted.returncode == 0, adopted.stderr[-3000:]
    again = run.command("run", env=env)
    assert again.returncode == 0, again.stderr[-3000:]
    assert totals(run) == runs["after"], "the same rows, counted once, with the new key"
    travellers = pseudonyms(run)
    assert travellers and all(t.startswith("psn_") for t in travellers)
    assert len(travellers) == len(runs["pseudonyms"]), "one pseudonym per traveller, as before"
    assert not travellers & runs["pseudonyms"], "no pseudonym of the old key is left"
    waiting = run.query("select relative_path from ops.file_manifest where status = 'waiting'")
    assert sorted(r[0] for r in waiting) == sorted([runs["copied"], runs["changed"]])
