"""The offsets register dialect and its place in the landing folder (landing/_system/offsets)."""

import polars as pl
import pytest

from connectors import dialects, offsets_register
from connectors.base import RejectedFile
from connectors.landing import scan
from connectors.organizations import load_registry

HEADER = (
    "project,project_id,standard,registry,vintage,serial_prefix,serial_start,serial_end,"
    "tonnes,price_usd,purchase_date,reporting_year,retirement_date,note"
)


def register(*rows: str) -> bytes:
    return ("\n".join([HEADER, *rows]) + "\n").encode()


GOOD = "Kariba REDD+,VCS-902,VCS,Verra,2021,VCS-902-2024,1000,1099,100,850.00,2025-02-03,2024,,"


def test_detects_the_register_and_names_what_another_csv_lacks():
    assert offsets_register.detect(register(GOOD), ".csv") is None
    missing = offsets_register.detect(b"project,tonnes\nA,1\n", ".csv")
    assert "serial_start" in missing and "reporting_year" in missing
    assert offsets_register.detect(b"", ".xlsx").startswith("offsets_register_csv reads .csv")


def test_reads_rows_as_text(key):
    (result,) = offsets_register.read(register(GOOD), ".csv", key)
    assert result.rows.height == 1 and result.quarantine.height == 0
    row = result.rows.row(0, named=True)
    assert row["serial_start"] == "1000" and row["price_usd"] == "850.00"
    assert row["_source_row"] == 2  # line in the file, the header being line 1


@pytest.mark.parametrize(
    ("start", "end", "tonnes", "reason"),
    [
        ("1000", "1098", "100", "serial range 1000-1098 holds 99 units, not the 100 tonnes"),
        ("1100", "1000", "100", "serial_end is before serial_start"),
        ("1000", "999", "0", "serial_end is before serial_start"),
    ],
)
def test_a_range_that_does_not_hold_the_tonnes_is_quarantined(key, start, end, tonnes, reason):
    bad = f"P,ID,VCS,Verra,2021,X,{start},{end},{tonnes},10.00,2025-01-01,2024,,"
    (result,) = offsets_register.read(register(GOOD, bad), ".csv", key)
    assert result.rows.height == 1 and result.rows_in == 2
    assert result.quarantine.height == 1
    entry = result.quarantine.row(0, named=True)
    assert entry["source_row"] == 3 and reason in entry["reason"]


def test_type_errors_are_quarantined_with_the_column(key):
    bad = "P,ID,VCS,Verra,2021,X,1000,1009,10,ten dollars,01/02/2025,2024,,"
    (result,) = offsets_register.read(register(bad), ".csv", key)
    reasons = set(result.quarantine.get_column("reason"))
    assert "price_usd is not a number" in reasons
    assert any(r.startswith("purchase_date is not a date") for r in reasons)
    assert result.rows.height == 0


def test_registered_in_the_offsets_domain_only():
    assert dialects.DIALECTS["offsets_register_csv"].domain == "offsets"
    with pytest.raises(RejectedFile, match="dropped in travel/"):
        dialects.detect(register(GOOD), ".csv", "travel")


def test_landing_reads_system_offsets_and_leaves_other_system_folders_alone(tmp_path):
    (tmp_path / "organizations.yaml").write_text(
        "organizations:\n  - {code: UNEP, name: U, country: KE, currency: USD, "
        "headcount: {2024: 10}}\n"
    )
    for relative in (
        "_system/offsets/register.csv",
        "_system/offsets/deep/register.csv",
        "_system/stories/story.yaml",
        "UNEP/offsets/register.csv",
    ):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_bytes(register(GOOD))
    orgs = tmp_path / "organizations.yaml"
    found = {f.relative_path: f for f in scan(tmp_path, orgs, load_registry(orgs))}
    assert "_system/stories/story.yaml" not in found  # read by its own loader
    system = found["_system/offsets/register.csv"]
    assert (system.org_code, system.domain, system.reject_reason) == ("_system", "offsets", None)
    assert (
        "not at _system/<offsets>/<file>"
        in found["_system/offsets/deep/register.csv"].reject_reason
    )
    assert "unknown domain 'offsets'" in found["UNEP/offsets/register.csv"].reject_reason


def test_quarantine_frame_keeps_its_schema(key):
    bad = "P,ID,VCS,Verra,2021,X,1000,1008,10,10.00,2025-01-01,2024,,"
    (result,) = offsets_register.read(register(bad), ".csv", key)
    assert result.quarantine.schema["source_row"] == pl.Int64
