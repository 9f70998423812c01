"""Management files and training exports (connectors/management.py): what is read, what is
refused and why, and that no personal data gets through."""

import datetime as dt

import pytest
import yaml

from connectors.management import (
    duplicate_completions,
    read_management,
    read_training,
)
from samples import generate

ORGS = {"UNEP", "UNDP"}
GOOD = """
environmental_management_system:
  - {status: none, since: 2019-01-01}
  - {status: in_progress, since: 2021-03-01}
  - {status: iso14001_certified, since: 2023-06-15, valid_until: 2026-06-14,
     scope: Nairobi headquarters}
policies:
  - {policy: sustainability, adopted_on: 2020-11-02, title: Environmental policy}
  - {policy: sustainable_procurement, adopted_on: 2022-02-01}
focal_points:
  - {role: environmental_management, since: 2021-01-01, unit: Corporate Services}
  - {role: sustainable_procurement}
training_events:
  - {date: 2024-03-12, kind: training, audience: requisitioners, participants: 35,
     title: Sustainable procurement for requisitioners}
"""
HEADER = "org_code,year,audience,people_trained\n"


def management(text: str, file: str = "UNEP.yaml"):
    return read_management(text.encode("utf-8"), file, ORGS)


def test_a_complete_file_is_read_with_its_dates():
    read = management(GOOD)
    assert read.problems == [] and read.org_code == "UNEP"
    m = read.management
    assert [s.status for s in m.environmental_management_system] == [
        "none",
        "in_progress",
        "iso14001_certified",
    ]
    assert m.environmental_management_system[2].valid_until == dt.date(2026, 6, 14)
    assert [(p.policy, p.adopted_on) for p in m.policies] == [
        ("sustainability", dt.date(2020, 11, 2)),
        ("sustainable_procurement", dt.date(2022, 2, 1)),
    ]
    assert [f.role for f in m.focal_points] == [
        "environmental_management",
        "sustainable_procurement",
    ]
    assert m.training_events[0].participants == 35


def test_every_section_may_be_left_out():
    read = management("policies:\n")
    assert read.problems == [] and read.management.focal_points == []


@pytest.mark.parametrize(
    ("entry", "message"),
    [
        ("{role: sustainable_procurement, name: Jane Otieno}", "'name' is personal data (name)"),
        ("{role: sustainable_procurement, email: j.otieno@un.org}", "'email' is personal data"),
        ("{role: sustainable_procurement, phone: '+254 20 762 1234'}", "'phone' is personal data"),
        ("{role: sustainable_procurement, contact: J. Otieno}", "'contact' is personal data"),
        ("{role: Jane Otieno}", "focal_points[0].role: 'Jane Otieno' is not one of"),
        ("{role: travel, unit: 'write to j.otieno@un.org'}", "holds an e-mail address"),
        ("{role: travel, unit: 'Travel unit, +254 (20) 762-1234'}", "holds a phone number"),
    ],
)
def test_personal_data_is_refused_with_the_reason(entry, message):
    read = management(f"focal_points:\n  - {entry}\n")
    assert read.management is None
    assert any(message in p for p in read.problems), read.problems


def test_a_text_with_a_year_or_an_amount_is_no_phone_number():
    read = management(
        "policies:\n  - {policy: sustainability, adopted_on: 2020-01-01, "
        "title: 'Policy 2020-2025, 1 200 000 USD'}\n"
    )
    assert read.problems == []


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "environmental_management_system:\n  - {status: certified, since: 2020-01-01}",
            "status: 'certified' is not one of none, in_progress, iso14001_certified",
        ),
        (
            "environmental_management_system:\n  - {status: in_progress, since: 2024-02-30}",
            "since: '2024-02-30' is not a date (YYYY-MM-DD)",
        ),
        (
            "environmental_management_system:\n  - {status: in_progress, since: 2021}",
            "since: 2021 is not a date",
        ),
        (
            "environmental_management_system:\n  - {status: in_progress, since: 2021-01-01, "
            "valid_until: 2024-01-01}",
            "valid_until belongs to an iso14001_certified step only",
        ),
        (
            "environmental_management_system:\n"
            "  - {status: in_progress, since: 2022-01-01}\n"
            "  - {status: none, since: 2021-01-01}",
            "steps are not in date order: 2021-01-01 follows 2022-01-01",
        ),
        (
            "policies:\n  - {policy: sustainability, adopted_on: 2020-01-01}\n"
            "  - {policy: sustainability, adopted_on: 2021-01-01}",
            "policy sustainability is listed twice",
        ),
        (
            "training_events:\n  - {date: 2024-01-10, kind: training, audience: everyone, "
            "participants: 3}",
            "audience: 'everyone' is not one of",
        ),
        (
            "training_events:\n  - {date: 2024-01-10, kind: training, audience: managers, "
            "participants: '12'}",
            "participants: '12' is not a whole number",
        ),
        ("budget: 100", "unknown key 'budget'"),
        ("- a list", "expected a mapping of sections"),
        ("policies: [1\n", "is not readable as YAML"),
        ("a: 1\na: 2\n", "key 'a' is written twice"),
        ("a: &x [1, 2]\nb: &y [*x, *x]\nc: [*y, *y]\n", None),
    ],
)
def test_a_bad_file_is_rejected_with_every_problem(text, message):
    read = management(text)
    if message is None:  # aliases within the limit read; the unknown keys still fail
        assert read.management is None and "unknown key" in read.problems[0]
        return
    assert read.management is None
    assert any(message in p for p in read.problems), read.problems


def test_billion_laughs_is_refused_unexpanded():
    text = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{c}: &{c} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n"
        for p, c in zip("abcdefg", "bcdefgh", strict=True)
    )
    read = management(text)
    assert read.management is None and "would expand to more than" in read.problems[0]


def test_a_file_must_be_named_after_a_registered_organization():
    read = management(GOOD, "FAO.yaml")
    assert read.org_code is None
    assert read.problems == ["'FAO' is not a registered organization code"]


def training(text: str, file: str = "completions.csv"):
    return read_training(text.encode("utf-8"), file, ORGS)


def test_training_counts_are_read_per_organization_year_and_audience():
    read = training("\ufeff" + HEADER + "UNEP,2024,requisitioners,40\nUNDP,2024,managers,3\n\n")
    assert read.problems == {}
    assert [(r["org_code"], r["year"], r["audience"], r["people_trained"]) for r in read.rows] == [
        ("UNEP", 2024, "requisitioners", 40),
        ("UNDP", 2024, "managers", 3),
    ]


def test_a_bad_row_is_left_out_and_flags_its_organization_only():
    read = training(HEADER + "UNEP,2024,everyone,40\nUNDP,2024,managers,3\nFAO,24,x,-1\n")
    assert [r["org_code"] for r in read.rows] == ["UNDP"]
    assert read.problems["UNEP"] == [
        "line 2: audience 'everyone' is not one of "
        "requisitioners, procurement_practitioners, managers, "
        "focal_points, facilities_staff, all_staff"
    ]
    (unknown,) = read.problems[None]
    assert unknown.startswith("line 4: org_code 'FAO' is not a registered organization; year")
    assert "people_trained '-1' is not a whole number >= 0" in unknown


@pytest.mark.parametrize(
    ("header", "message"),
    [
        ("org_code,year,audience,people_trained,email", "column 'email' is personal data"),
        ("org_code,year,audience,people_trained,trainee", "column 'trainee' is not one of"),
        ("org_code,year,people_trained", "missing column 'audience'"),
    ],
)
def test_a_column_beyond_the_four_rejects_the_file(header, message):
    read = training(header + "\nUNEP,2024,managers,3,x\n")
    assert read.rows == []
    assert message in read.problems[None][0]


def test_a_count_given_twice_counts_nowhere():
    first = training(HEADER + "UNEP,2024,managers,3\nUNEP,2023,managers,5\n", "a.csv")
    second = training(HEADER + "UNEP,2024,managers,4\n", "b.csv")
    duplicate_completions([first, second])
    assert [r["year"] for r in first.rows] == [2023] and second.rows == []
    message = "UNEP 2024 managers is given more than once (a.csv line 2, b.csv line 2)"
    assert first.problems == {"UNEP": [message]} and second.problems == {"UNEP": [message]}


def test_the_sample_files_of_the_generator_are_valid(tmp_path):
    summary = generate(tmp_path, orgs=3, rows=5, seed=11, year=2024, years=3)
    codes = set(summary["organizations"])
    files = [tmp_path / p for p in summary["management"]]
    assert {p.name for p in files} == {f"{c}.yaml" for c in codes} | {"completions.csv"}
    for path in files[:-1]:
        read = read_management(path.read_bytes(), path.name, codes)
        assert read.problems == [], (path, read.problems)
        years = {e.date.year for e in read.management.training_events}
        assert years <= {2022, 2023, 2024} and years, path
        assert "name" not in yaml.safe_load(path.read_text(encoding="utf-8"))["focal_points"][0]
    read = read_training(files[-1].read_bytes(), "completions.csv", codes)
    assert read.problems == {}
    assert {(r["org_code"], r["year"]) for r in read.rows} == {
        (c, y) for c in codes for y in (2023, 2024)
    }
