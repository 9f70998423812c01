"""Management-system indicators end to end, on the shared 5-organization warehouse.

The files the generator wrote reach `marts.org_management_indicators` and each
organization's page; the management file naming a person and the training row with an
unknown audience (tests/progress_warehouse.py) flag their organizations with the reason,
in the mart and on the page, and neither holds their emissions.
"""

import datetime as dt
import re
from html import unescape

import duckdb
import pytest
import yaml
from progress_warehouse import FLAGGED_MANAGEMENT_ORG, FLAGGED_TRAINING_ORG, published

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return published(tmp_path_factory.getbasetemp())


def indicators(built, org: str) -> dict[int, dict]:
    con = duckdb.connect(str(built.served), read_only=True)
    try:
        cursor = con.execute(
            "select * from marts.org_management_indicators where org_code = ? "
            "order by reporting_year",
            [org],
        )
        columns = [d[0] for d in cursor.description]
        return {r[1]: dict(zip(columns, r, strict=True)) for r in cursor.fetchall()}
    finally:
        con.close()


def page_text(built, org: str) -> str:
    html = (built.report / f"org-{org}.html").read_text(encoding="utf-8")
    section = html.split('<section id="management">', 1)[1].split("</section>", 1)[0]
    return unescape(re.sub(r"<[^>]+>", " ", section))


def test_every_organization_has_its_years(built):
    orgs = {r[0] for r in built.query("select org_code from ops.organizations")}
    years = built.query(
        "select org_code, reporting_year from marts.org_reporting_years except "
        "select org_code, reporting_year from marts.org_management_indicators",
    )
    assert years == []
    assert {
        r[0] for r in built.query("select org_code from marts.org_management_indicators")
    } == orgs


def test_the_indicators_are_what_the_file_says(built):
    """UNEP's file, read here with plain YAML: the step in force, the policies and roles by
    31 December, the year's events; the training export's counts."""
    org = "UNEP"
    doc = yaml.safe_load(
        (built.landing / "_system" / "management" / f"{org}.yaml").read_text(encoding="utf-8")
    )
    with (built.landing / "_system" / "training" / "completions.csv").open(encoding="utf-8") as f:
        trained = [line.strip().split(",") for line in f.readlines()[1:]]
    rows = indicators(built, org)
    assert rows
    for year, row in rows.items():
        end = dt.date(year, 12, 31)
        steps = [
            s
            for s in doc["environmental_management_system"]
            if dt.date.fromisoformat(s["since"]) <= end
        ]
        assert row["management_status"] == "reported" and row["management_issue"] is None
        assert row["ems_status"] == (steps[-1]["status"] if steps else None), year
        adopted = {
            p["policy"] for p in doc["policies"] if dt.date.fromisoformat(p["adopted_on"]) <= end
        }
        assert row["has_sustainability_policy"] == ("sustainability" in adopted)
        assert row["has_procurement_policy"] == ("sustainable_procurement" in adopted)
        roles = [
            f["role"]
            for f in doc["focal_points"]
            if "since" not in f or dt.date.fromisoformat(f["since"]) <= end
        ]
        assert row["focal_points"] == len(roles)
        assert row["focal_point_roles"] == (", ".join(sorted(set(roles))) or None)
        events = [e for e in doc["training_events"] if e["date"].startswith(str(year))]
        assert row["training_events"] == len(events)
        assert row["event_participants"] == sum(e["participants"] for e in events)
        counts = [int(n) for o, y, _, n in trained if o == org and int(y) == year]
        assert row["people_trained"] == (sum(counts) if counts else None)
    assert any(r["people_trained"] for r in rows.values())
    assert any(r["training_events"] for r in rows.values())


def test_a_management_file_naming_a_person_flags_its_organization(built):
    org = FLAGGED_MANAGEMENT_ORG
    (status, message) = built.query(
        "select status, message from ops.management_files where file = ?",
        [f"management/{org}.yaml"],
    )[0]
    assert status == "rejected"
    assert "focal_points[0]: 'email' is personal data (e-mail)" in message
    rows = indicators(built, org)
    assert rows and all(r["management_status"] == "flagged" for r in rows.values())
    assert all(message in r["management_issue"] for r in rows.values())
    # what the rejected file says is unknown, not "none"
    assert all(r["ems_status"] is None and r["focal_points"] is None for r in rows.values())
    text = page_text(built, org)
    assert "Management data flagged" in text and "'email' is personal data" in text
    # the run says so while it works
    flagged = f"management section flagged, emissions unaffected: management/{org}.yaml ({org})"
    assert f"{flagged} rejected: " in built.run_output


def test_a_bad_training_row_flags_its_organization_and_counts_nowhere(built):
    org = FLAGGED_TRAINING_ORG
    rows = indicators(built, org)
    assert all(r["management_status"] == "flagged" for r in rows.values())
    issue = rows[2024]["management_issue"]
    assert issue.startswith("training/completions.csv: line ")
    assert "audience 'everyone' is not one of" in issue
    # its valid rows still count, the bad one does not
    assert "everyone" not in (rows[2024]["people_trained_by_audience"] or "")
    assert rows[2024]["ems_status"] is not None  # its management file itself is fine
    assert "audience 'everyone'" in page_text(built, org)


def test_a_flagged_management_section_never_holds_emissions(built):
    published_orgs = built.query(
        "select org_code, status from ops.org_publication where run_id = "
        "(select run_id from ops.runs where status = 'published' order by finished_at desc "
        "limit 1) and org_code in (?, ?)",
        [FLAGGED_MANAGEMENT_ORG, FLAGGED_TRAINING_ORG],
    )
    assert sorted(published_orgs) == sorted(
        [(FLAGGED_MANAGEMENT_ORG, "published"), (FLAGGED_TRAINING_ORG, "published")]
    )
    assert f"HELD {FLAGGED_MANAGEMENT_ORG}" not in built.run_output
    for org in (FLAGGED_MANAGEMENT_ORG, FLAGGED_TRAINING_ORG):
        assert built.query("select count(*) from marts.fct_emissions where org_code = ?", [org])[0][
            0
        ]


def test_the_person_never_reaches_the_warehouse_or_the_report(built):
    address = "focal.point@example.org"
    tables = built.query(
        "select table_schema || '.' || table_name from information_schema.tables "
        "where table_schema = 'ops' and (table_name like 'management%' "
        "or table_name = 'training_completions')",
    )
    assert len(tables) == 6
    for (table,) in tables:
        assert address not in str(built.query(f"select * from {table}")), table
    for page in built.report.glob("*.html"):
        assert address not in page.read_text(encoding="utf-8"), page
