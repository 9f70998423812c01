"""`greenblue generate --years N`: history for progress tracking, and the offsets register."""

import csv
import itertools

import yaml

from samples import generate


def test_years_add_history_without_changing_the_reporting_year(tmp_path):
    one = generate(tmp_path / "one", orgs=2, rows=30, seed=3, year=2024)
    three = generate(tmp_path / "three", orgs=2, rows=30, seed=3, year=2024, years=3)
    for org, files in one["files"].items():
        for name in files:
            assert (tmp_path / "one" / name).read_bytes() == (
                tmp_path / "three" / name
            ).read_bytes()
        extra = set(three["files"][org]) - set(files)
        assert any("2022" in name for name in extra) and any("2023" in name for name in extra)
    registry = yaml.safe_load((tmp_path / "three" / "organizations.yaml").read_text())
    for entry in registry["organizations"]:
        assert entry["baseline_year"] == 2022
        assert set(entry["headcount"]) == {2022, 2023, 2024}
    default = yaml.safe_load((tmp_path / "one" / "organizations.yaml").read_text())
    assert default["organizations"][0]["baseline_year"] == 2019


def test_offsets_register_covers_every_year_with_consistent_ranges(tmp_path):
    summary = generate(tmp_path / "l", orgs=2, rows=30, seed=3, year=2024, years=3)
    (path,) = summary["system"]
    with (tmp_path / "l" / path).open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert {int(r["reporting_year"]) for r in rows} == {2022, 2023, 2024}
    for r in rows:
        assert int(r["serial_end"]) - int(r["serial_start"]) + 1 == int(r["tonnes"])
    spans = sorted((r["serial_prefix"], int(r["serial_start"]), int(r["serial_end"])) for r in rows)
    for (p1, _, end), (p2, start, _) in itertools.pairwise(spans):
        assert p1 != p2 or start > end  # no serial bought twice
