"""The inputs fingerprint: what makes a run worth doing, and what does not."""

import os
from pathlib import Path

from pipelines.fingerprint import inputs_fingerprint
from pipelines.settings import load_settings


def settings_for(root: Path):
    return load_settings(
        {
            "GREENBLUE_LANDING": str(root / "landing"),
            "GREENBLUE_WAREHOUSE": str(root / "wh" / "greenblue.duckdb"),
        }
    )


def test_the_fingerprint_follows_every_input_and_nothing_else(tmp_path):
    settings = settings_for(tmp_path)
    card = settings.landing / "UNEP" / "fuel" / "card.csv"
    card.parent.mkdir(parents=True)
    card.write_text("Account Number\n1\n")
    settings.orgs.write_text("organizations: []\n")
    first = inputs_fingerprint(settings, "set-a")

    assert inputs_fingerprint(settings, "set-a") == first, "reading nothing changes nothing"
    assert inputs_fingerprint(settings, "set-b") != first, "another factor set"

    stat = card.stat()
    os.utime(card, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    touched = inputs_fingerprint(settings, "set-a")
    assert touched != first, "a file written again"

    (card.parent / "card2.csv").write_text("x")
    added = inputs_fingerprint(settings, "set-a")
    assert added != touched, "a new file"

    settings.orgs.write_text("organizations: [] \n")
    assert inputs_fingerprint(settings, "set-a") != added, "the registry edited"


def test_a_registry_outside_the_landing_folder_counts_too(tmp_path):
    registry = tmp_path / "registry.yaml"
    registry.write_text("organizations: []\n")
    settings = load_settings(
        {
            "GREENBLUE_LANDING": str(tmp_path / "landing"),
            "GREENBLUE_ORGS": str(registry),
        }
    )
    before = inputs_fingerprint(settings, "s")
    registry.write_text("organizations: [ ]\n")
    assert inputs_fingerprint(settings, "s") != before
