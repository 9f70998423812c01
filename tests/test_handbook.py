"""docs/procurement-handbook.md is what `greenblue handbook` writes from the catalogue."""

import csv
from pathlib import Path

from pipelines import cli
from pipelines.handbook import render
from pipelines.settings import FACTORS_DIR

ROOT = Path(__file__).resolve().parents[1]
HANDBOOK = ROOT / "docs" / "procurement-handbook.md"


def test_the_committed_handbook_equals_the_generated_one():
    assert HANDBOOK.read_text(encoding="utf-8") == render(), (
        "docs/procurement-handbook.md is out of date: run `greenblue handbook`"
    )


def test_every_product_guideline_has_its_section_with_its_criteria():
    text = render()
    with (FACTORS_DIR / "procurement_guidelines.csv").open(encoding="utf-8") as handle:
        catalogue = list(csv.DictReader(handle))
    assert catalogue
    for row in catalogue:
        section = text.split(f"### {row['unspsc_family']} {row['product_group']}\n", 1)[1]
        section = section.split("\n### ", 1)[0].split("\n## ", 1)[0]
        for criterion in row["criteria"].split(";"):
            assert f"- {criterion.strip()}\n" in section, (row["unspsc_family"], criterion)
        assert f"Reference: {row['reference']}." in section


def test_the_command_writes_it_where_asked(tmp_path, capsys):
    out = tmp_path / "handbook.md"
    assert cli.main(["handbook", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == render()
    assert str(out) in capsys.readouterr().out


def test_the_guide_links_to_it():
    guide = (ROOT / "docs" / "guide.md").read_text(encoding="utf-8")
    assert "(procurement-handbook.md)" in guide
