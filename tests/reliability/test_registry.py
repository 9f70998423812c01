"""An invalid registry entry holds its organization; the others publish (docs/contract.md section
1, 3.5).

Real `greenblue run`s in subprocesses on a generated landing folder of two organizations,
three runs in all. The first publishes both. Then a late fuel file lands for each, and
UNEP's registry entry gets `reduction_pct: "45%"` (a value that used to stop every
organization): the run exits 0, UNDP publishes its new file, UNEP is held with the registry's
message, its new file waits with that message and its served rows are exactly the previous
ones. Then the entry is fixed: the next run loads the waiting file and publishes UNEP.
"""

import dataclasses
import shutil

import pytest
import yaml

from samples import generate
from tests.builders.landing import Run, assert_rows_kept

pytestmark = pytest.mark.slow

BROKEN, FREE = "UNEP", "UNDP"
MESSAGE = "targets[0].reduction_pct: '45%' is not a number"


def set_reduction_pct(registry, org: str, value) -> None:
    """Edit the organization's first target in the registry file, as its focal point does."""
    document = yaml.safe_load(registry.read_text(encoding="utf-8"))
    (entry,) = [e for e in document["organizations"] if e["code"] == org]
    entry["targets"][0]["reduction_pct"] = value
    registry.write_text(yaml.safe_dump(document, sort_keys=False), encoding="utf-8")


def latest_run(run: Run) -> str:
    return run.query("select run_id from ops.runs order by started_at desc limit 1")[0][0]


def served_rows_of_file(run: Run, relative_path: str) -> int:
    return run.query(
        "select count(*) from marts.fct_emissions as e join ops.file_manifest as m "
        "on m.file_id = e.source_file_id where m.relative_path = ?",
        [relative_path],
    )[0][0]


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("registry")
    landing = root / "landing"
    generate(landing, orgs=2, rows=150, seed=14)
    registry = landing / "organizations.yaml"
    late = {org: sorted((landing / org / "fuel").iterdir())[-1] for org in (BROKEN, FREE)}
    parked = root / "parked"
    for org, path in late.items():
        (parked / org).mkdir(parents=True)
        shutil.move(path, parked / org / path.name)

    run = Run(root, landing)
    # Each run's own exit code and output (`Run.run` keeps only the latest).
    first = dataclasses.replace(run.run())
    assert first.returncode == 0, first.stderr[-3000:]
    before = {org: run.served_rows(org) for org in (BROKEN, FREE)}

    for org, path in late.items():  # both deliver late files; UNEP's entry is broken
        shutil.move(parked / org / path.name, path)
    set_reduction_pct(registry, BROKEN, "45%")
    second = dataclasses.replace(run.run())
    held = {org: run.served_rows(org) for org in (BROKEN, FREE)}
    second_run = latest_run(run)
    waiting = run.query(
        "select status, message from ops.file_manifest where relative_path = ?",
        [late[BROKEN].relative_to(landing).as_posix()],
    )
    free_late_rows = served_rows_of_file(run, late[FREE].relative_to(landing).as_posix())

    set_reduction_pct(registry, BROKEN, 45)
    third = dataclasses.replace(run.run())
    return {
        "run": run,
        "first": first,
        "second": second,
        "third": third,
        "second_run": second_run,
        "before": before,
        "held": held,
        "after": {org: run.served_rows(org) for org in (BROKEN, FREE)},
        "waiting": waiting,
        "free_late_rows": free_late_rows,
        "late": {org: path.relative_to(landing).as_posix() for org, path in late.items()},
    }


def test_a_run_with_an_invalid_entry_exits_0_and_says_who_is_held_and_why(runs):
    second = runs["second"]
    assert second.returncode == 0, second.stderr[-3000:]
    held = {
        line.split(":")[0].removeprefix("HELD "): line
        for line in second.stdout.splitlines()
        if line.startswith("HELD ")
    }
    # System-wide marts keep their previous rows while any organization is held.
    assert set(held) == {BROKEN, "_system"}
    assert MESSAGE in held[BROKEN]


def test_ops_org_publication_holds_the_broken_organization_with_the_registry_message(runs):
    run, run_id = runs["run"], runs["second_run"]
    publication = dict(
        run.query("select org_code, status from ops.org_publication where run_id = ?", [run_id])
    )
    assert publication[BROKEN] == "held" and publication[FREE] == "published"
    ((reason,),) = run.query(
        "select reason from ops.org_publication where run_id = ? and org_code = ?",
        [run_id, BROKEN],
    )
    assert reason.startswith(f"registry: registry entry {BROKEN} (line ")
    assert MESSAGE in reason
    assert run.query(
        "select org_code from ops.check_results where run_id = ? and check_name = 'registry'",
        [run_id],
    ) == [(BROKEN,)]


def test_the_broken_organizations_new_file_waits_with_the_registry_message(runs):
    ((status, message),) = runs["waiting"]
    assert status == "waiting"
    assert message.startswith("waits for its organization's registry entry to be fixed")
    assert MESSAGE in message


def test_the_broken_organizations_served_rows_are_exactly_the_previous_ones(runs):
    assert_rows_kept(runs["before"][BROKEN], runs["held"][BROKEN])


def test_the_other_organization_publishes_its_new_file(runs):
    before, held = runs["before"][FREE], runs["held"][FREE]
    assert held["fct_emissions"] != before["fct_emissions"]
    assert runs["free_late_rows"] > 0, "the other organization's late file is served"


def test_fixing_the_entry_loads_the_waiting_file_and_publishes_the_organization(runs):
    third, run = runs["third"], runs["run"]
    assert third.returncode == 0, third.stderr[-3000:]
    assert "HELD" not in third.stdout
    run_id = latest_run(run)
    assert run.query(
        "select org_code, status from ops.org_publication where run_id = ? order by 1",
        [run_id],
    ) == [(FREE, "published"), (BROKEN, "published")]
    statuses = run.query(
        "select status, message from ops.file_manifest where relative_path = ?",
        [runs["late"][BROKEN]],
    )
    assert [s for s, _ in statuses] == ["loaded"], statuses
    assert served_rows_of_file(run, runs["late"][BROKEN]) > 0
    assert runs["after"][BROKEN]["fct_emissions"] != runs["held"][BROKEN]["fct_emissions"]
    assert not run.query("select * from ops.file_manifest where status = 'waiting'")


def test_the_other_organization_is_unchanged_by_the_fix(runs):
    assert runs["after"][FREE] == runs["held"][FREE]
