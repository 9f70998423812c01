"""Real third-party exports in one organization's folder, beside generated data for the
others: the run publishes, every file is loaded or rejected with its reason, nothing is lost.

The files are read from `../shared/real-exports/` (never copied into the repository) and
copied at test time; without that folder the test is skipped with the reason.
"""

import shutil

import pytest

from samples import generate
from tests.builders.landing import ROOT, Run

pytestmark = pytest.mark.slow

REAL = ROOT.parent / "shared" / "real-exports"
ORG = "UNEP"
# family folder under real-exports -> the domain folder its files are delivered to
DOMAINS = {"concur_sae": "travel", "sap_po": "procurement", "utility": "energy"}


@pytest.fixture(scope="module")
def real_run(tmp_path_factory) -> dict:
    if not REAL.is_dir():
        pytest.skip(f"the real exports are not here: {REAL} (see its SOURCES.md)")
    root = tmp_path_factory.mktemp("real")
    landing = root / "landing"
    generate(landing, orgs=2, rows=150, seed=11)
    delivered = {}
    for family, domain in DOMAINS.items():
        for source in sorted((REAL / family).rglob("*")):
            if source.is_file() and source.name != "SOURCES.md":
                # one folder per source repository keeps same-named files (two ME2N.XLSX) apart
                name = f"{source.parent.name}__{source.name}"
                target = landing / ORG / domain / name
                shutil.copyfile(source, target)
                delivered[f"{ORG}/{domain}/{name}"] = source
    run = Run(root, landing).run()
    return {"run": run, "delivered": delivered}


def test_the_run_exits_0_and_every_organization_publishes(real_run):
    run = real_run["run"]
    assert run.returncode == 0, run.stderr[-3000:]
    latest = run.query("select run_id from ops.runs order by started_at desc limit 1")[0][0]
    published = run.query(
        "select org_code from ops.org_publication where run_id = ? and status = 'published' "
        "order by 1",
        [latest],
    )
    assert ("UNDP",) in published, "the organization without real exports publishes"


def test_every_real_file_is_loaded_or_rejected_with_its_reason(real_run):
    run = real_run["run"]
    manifest = {
        r[0]: r[1:]
        for r in run.query(
            "select relative_path, status, message, rows_in, rows_loaded, rows_quarantined "
            "from ops.file_manifest"
        )
    }
    for relative in real_run["delivered"]:
        assert relative in manifest, f"{relative} is not in the manifest"
        status, message, rows_in, loaded, quarantined = manifest[relative]
        assert status in ("loaded", "rejected", "duplicate"), (relative, status, message)
        if status == "loaded":
            assert rows_in == loaded + quarantined, (relative, rows_in, loaded, quarantined)
        else:
            assert message, f"{relative} is {status} without a reason"


def test_green_button_xml_is_rejected_as_no_dialect(real_run):
    run = real_run["run"]
    rows = run.query(
        "select status, message from ops.file_manifest where relative_path like ?",
        [f"{ORG}/energy/%.xml"],
    )
    assert rows and all(status == "rejected" and message for status, message in rows)


def test_the_good_concur_extracts_load_and_the_bad_ones_are_rejected(real_run):
    run = real_run["run"]
    rows = dict(
        run.query(
            "select relative_path, status from ops.file_manifest where relative_path like ?",
            [f"{ORG}/travel/CU-CommunityApps__cu-kfs__%"],
        )
    )
    bad = {path: status for path, status in rows.items() if "testBad" in path}
    good = {path: status for path, status in rows.items() if "testBad" not in path}
    assert bad and set(bad.values()) == {"rejected"}
    assert good and set(good.values()) <= {"loaded", "duplicate"}
    assert "loaded" in good.values()


def test_every_quarantined_row_of_a_real_file_has_a_reason(real_run):
    run = real_run["run"]
    missing = run.query(
        "select count(*) from ops.quarantine as q join ops.file_manifest as m using (file_id) "
        "where m.org_code = ? and (q.reason is null or q.reason = '')",
        [ORG],
    )
    assert missing == [(0,)]


def test_cornells_hotel_entries_are_unmapped_with_the_reason(real_run):
    """The defect as found: `Employee` where our custom-field map reads room nights stopped
    every organization's dbt build. Now the line loads and the hotel entry says why it has no
    figure."""
    run = real_run["run"]
    hotels = run.query(
        "select distinct e.unmapped_reason from marts.fct_emissions as e "
        "join ops.file_manifest as m on m.file_id = e.source_file_id "
        "where e.activity_type = 'hotel' and m.relative_path like ?",
        [f"{ORG}/travel/CU-CommunityApps__cu-kfs__%"],
    )
    assert hotels == [("room nights 'Employee' is not a number (custom field room_nights)",)]
