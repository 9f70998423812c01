"""The sample-data generator against docs/contract.md section 1 and docs/dialects.md D4.

The landing files are read back here with openpyxl and csv directly, never through the
connectors, so these tests check the generator against the documents alone.
"""

import csv
import datetime as dt
import hashlib
import itertools
import os
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
import yaml

from samples import QUIRKS, generate
from samples.reference import AIRPORT_CITIES, METRO_CODES, UNKNOWN_AIRPORT_CODES
from samples.tmc_travel import AIR_HEADER, HOTEL_HEADER, RAIL_HEADER

YEAR = 2024
MONTHS = {
    m: i
    for i, m in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), 1
    )
}
EXCEL_EPOCH = dt.date(1899, 12, 30)
CABINS = {"Economy", "Premium Economy", "Business", "First"}
SHEETS = {"Air Segments": AIR_HEADER, "Hotel": HOTEL_HEADER, "Rail": RAIL_HEADER}


def only(*names: str) -> dict[str, float]:
    """Every quirk off except `names`, which always fire."""
    return {name: (1.0 if name in names else 0.0) for name in QUIRKS}


def hashes(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def landing_files(out: Path) -> list[Path]:
    return sorted(p for p in out.glob("*/travel/*") if p.suffix in (".xlsx", ".csv"))


def is_agency_file(name: str) -> bool:
    """A D4 file of the summary (other dialects write other folders or extensions)."""
    return "/travel/" in name and name.endswith((".xlsx", ".csv"))


def as_date(value) -> dt.date | None:
    """A date cell, an Excel serial or `DD-MMM-YYYY` text, as written by any variant."""
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, int):
        return EXCEL_EPOCH + dt.timedelta(days=value)
    day, month, year = value.split("-")
    return dt.date(int(year), MONTHS[month], int(day))


def ticket13(value) -> str:
    if value in (None, ""):
        return ""
    return str(value).replace("-", "").zfill(13)


def sheet_rows(path: Path, sheet: str = "Air Segments") -> list[dict]:
    """Data rows of one sheet (or of the CSV variant) as dicts; structural rows left out."""
    if path.suffix == ".csv":
        text = path.read_bytes().decode("cp1252")
        return list(csv.DictReader(text.splitlines(), delimiter=";"))
    wb = openpyxl.load_workbook(path, read_only=True)
    rows = list(wb[sheet].iter_rows(min_row=6, values_only=True))
    header = rows[0]
    return [dict(itertools.zip_longest(header, r)) for r in rows[1:] if r[0] != "Total"]


def air_cells(path: Path) -> list[tuple]:
    """Header and data cells of the Air Segments sheet, to inspect formats."""
    wb = openpyxl.load_workbook(path)
    return [row for row in wb["Air Segments"].iter_rows(min_row=7) if row[0].value != "Total"]


@pytest.fixture(scope="module")
def default_run(tmp_path_factory) -> tuple[Path, Path, dict]:
    base = tmp_path_factory.mktemp("default")
    summary = generate(base / "landing", orgs=3, rows=600, seed=11, truth=base / "truth")
    return base / "landing", base / "truth", summary


def quirk_run(tmp_path: Path, *names: str, rows: int = 300) -> Path:
    out = tmp_path / "landing"
    generate(out, orgs=2, rows=rows, seed=3, quirks=only(*names))
    return out


def all_air_rows(out: Path) -> list[dict]:
    return [row for path in landing_files(out) for row in sheet_rows(path)]


def test_same_seed_gives_identical_bytes(tmp_path):
    """Also across processes with another hash seed, as two nightly runs would be."""
    generate(tmp_path / "a", orgs=2, rows=300, seed=5, truth=tmp_path / "ta")
    script = (
        "import sys; from pathlib import Path; from samples import generate; "
        "generate(Path(sys.argv[1]), orgs=2, rows=300, seed=5, truth=Path(sys.argv[2]))"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "b"), str(tmp_path / "tb")],
        check=True,
        cwd=Path(__file__).parents[1],
        env={**os.environ, "PYTHONHASHSEED": "123"},
    )
    assert hashes(tmp_path / "a") == hashes(tmp_path / "b")
    assert hashes(tmp_path / "ta") == hashes(tmp_path / "tb")
    generate(tmp_path / "c", orgs=2, rows=300, seed=6)
    assert hashes(tmp_path / "a") != hashes(tmp_path / "c")


def test_registry_has_exactly_the_spec_shape(default_run):
    out, _, summary = default_run
    registry = yaml.safe_load((out / "organizations.yaml").read_text(encoding="utf-8"))
    assert list(registry) == ["organizations"]
    entries = registry["organizations"]
    assert [e["code"] for e in entries] == ["UNEP", "UNDP", "UNICEF"] == summary["organizations"]
    for e in entries:
        assert list(e) == [
            "code",
            "name",
            "country",
            "currency",
            "headcount",
            "baseline_year",
            "targets",
        ]
        assert re.fullmatch(r"[A-Z0-9-]+", e["code"])
        assert re.fullmatch(r"[A-Z]{2}", e["country"])
        assert re.fullmatch(r"[A-Z]{3}", e["currency"])
        assert set(e["headcount"]) == {YEAR - 1, YEAR}
        assert all(isinstance(n, int) and n > 0 for n in e["headcount"].values())
        assert e["baseline_year"] == 2019
        for target in e["targets"]:
            assert list(target) == ["scope", "year", "reduction_pct"]
            assert target["scope"] in (
                "all",
                1,
                2,
                3,
                "travel",
                "fuel",
                "energy",
                "refrigerants",
                "procurement",
            )


def test_files_follow_the_d4_layout(default_run):
    out, _, summary = default_run
    files = landing_files(out)
    assert {p.relative_to(out).as_posix() for p in files} >= {
        f for org in summary["files"].values() for f in org if is_agency_file(f)
    }
    for path in files:
        assert re.fullmatch(
            r"(BCDTravel|AmexGBT|CWT)_[A-Z0-9-]+_TravelData_2024(03|06|09|12)"
            r"(_resent)?\.(xlsx|csv)",
            path.name,
        )
        if path.suffix == ".csv":
            raw = path.read_bytes()
            assert raw.startswith(";".join(AIR_HEADER).encode("cp1252") + b"\r\n")
            continue
        wb = openpyxl.load_workbook(path, read_only=True)
        assert wb.sheetnames == list(SHEETS)
        for name, header in SHEETS.items():
            top = list(wb[name].iter_rows(min_row=1, max_row=6, values_only=True))
            assert top[0][0].endswith(f"{name} Report")
            assert top[1][0].startswith("Client: ")
            assert re.fullmatch(
                r"Period: \d\d-[A-Z][a-z]{2}-2024 to \d\d-[A-Z][a-z]{2}-2024", top[2][0]
            )
            assert top[3][0].startswith("Generated: ")
            assert all(v is None for v in top[4])
            assert top[5] == header


def test_row_counts_follow_the_request(default_run):
    out, _, summary = default_run
    for org, files in summary["files"].items():
        air = 0
        for name, counts in files.items():
            if not is_agency_file(name):
                continue
            path = out / name
            air += len(sheet_rows(path))
            for sheet, count in counts.items():
                assert len(sheet_rows(path, sheet)) == count
        assert 600 <= air <= 660, org


def test_clean_profile_has_no_quirk(tmp_path):
    out = quirk_run(tmp_path)
    files = landing_files(out)
    assert all(p.suffix == ".xlsx" for p in files)
    for path in files:
        rows = air_cells(path)
        for row in rows:
            values = {h: c.value for h, c in zip(AIR_HEADER, row, strict=True)}
            assert isinstance(values["Issue Date"], dt.datetime)
            assert row[AIR_HEADER.index("Issue Date")].number_format == "DD-MMM-YYYY"
            assert re.fullmatch(r"\d{3}-\d{10}", values["Ticket Number"])
            assert values["Cabin"] in CABINS
            assert re.fullmatch(r"[A-Z]{3}", values["Origin Airport"])
            assert values["Origin Airport"] in AIRPORT_CITIES
            assert values["Segment No"] is not None
            if values["Segment No"] > 1 and values["Transaction Type"] in ("SALE", "EXCHANGE"):
                assert values["Ticket Total"] is None
        assert openpyxl.load_workbook(path)["Air Segments"].cell(len(rows) + 6, 1).value != "Total"


def test_city_code_not_airport(tmp_path):
    codes = {
        r["Origin Airport"] for r in all_air_rows(quirk_run(tmp_path, "city_code_not_airport"))
    }
    assert codes & set(METRO_CODES.values())
    assert not codes & set(METRO_CODES)


def test_city_name_not_code(tmp_path):
    codes = {
        r["Destination Airport"] for r in all_air_rows(quirk_run(tmp_path, "city_name_not_code"))
    }
    assert "Geneva" in codes or "Nairobi" in codes
    assert codes <= set(AIRPORT_CITIES.values()) | {"HND"}


def test_missing_airport(tmp_path):
    rows = all_air_rows(quirk_run(tmp_path, "missing_airport"))
    assert all(not r["Origin Airport"] or not r["Destination Airport"] for r in rows)


def test_unknown_airport(tmp_path):
    rows = all_air_rows(quirk_run(tmp_path, "unknown_airport"))
    assert all(
        {r["Origin Airport"], r["Destination Airport"]} & set(UNKNOWN_AIRPORT_CODES) for r in rows
    )


def test_cabin_free_text(tmp_path):
    cabins = {r["Cabin"] for r in all_air_rows(quirk_run(tmp_path, "cabin_free_text"))}
    assert not cabins & CABINS
    assert "Y" in cabins


def test_amount_on_every_segment(tmp_path):
    rows = all_air_rows(quirk_run(tmp_path, "amount_on_every_segment"))
    later = [r for r in rows if r["Segment No"] and r["Segment No"] > 1]
    assert later and all(r["Ticket Total"] is not None for r in later)


def test_ticket_number_numeric(tmp_path):
    out = quirk_run(tmp_path, "ticket_number_numeric")
    tickets = [
        row[AIR_HEADER.index("Ticket Number")] for p in landing_files(out) for row in air_cells(p)
    ]
    assert all(isinstance(c.value, int) and c.number_format == "0.00E+00" for c in tickets)
    assert any(c.value < 10**12 for c in tickets)  # a leading zero was lost


def test_date_serial(tmp_path):
    out = quirk_run(tmp_path, "date_serial")
    issue = [
        row[AIR_HEADER.index("Issue Date")] for p in landing_files(out) for row in air_cells(p)
    ]
    assert all(isinstance(c.value, int) and c.number_format == "General" for c in issue)
    assert all(as_date(c.value).year == YEAR for c in issue)


def test_refund_without_segments(tmp_path):
    refunds = [
        r
        for r in all_air_rows(quirk_run(tmp_path, "refund_without_segments", rows=600))
        if r["Transaction Type"] == "REFUND"
    ]
    assert refunds
    for r in refunds:
        assert r["Ticket Number"] and r["Issue Date"]
        assert r["Ticket Total"] < 0
        for column in (
            "Segment No",
            "Origin Airport",
            "Destination Airport",
            "Departure Date",
            "Arrival Date",
            "Segment Km",
        ):
            assert r[column] is None


def test_lcc_no_ticket_number(tmp_path):
    sales = [
        r
        for r in all_air_rows(quirk_run(tmp_path, "lcc_no_ticket_number"))
        if r["Transaction Type"] == "SALE"
    ]
    assert sales and all(r["Ticket Number"] is None for r in sales)


def test_csv_instead_of_xlsx(tmp_path):
    files = landing_files(quirk_run(tmp_path, "csv_instead_of_xlsx"))
    assert files and all(p.suffix == ".csv" for p in files)
    raw = b"".join(p.read_bytes() for p in files)
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert "MÜLLER" in raw.decode("cp1252")
    for path in files:
        for row in sheet_rows(path):
            assert re.fullmatch(r"\d\d-[A-Z][a-z]{2}-\d{4}", row["Issue Date"])
            assert re.fullmatch(r"\d{3}-\d{10}", row["Ticket Number"])
            if row["Ticket Total"]:
                assert re.fullmatch(r"-?\d+\.\d\d", row["Ticket Total"])


def test_total_row(tmp_path):
    for path in landing_files(quirk_run(tmp_path, "total_row")):
        ws = openpyxl.load_workbook(path, read_only=True)["Hotel"]
        assert list(ws.iter_rows(values_only=True))[-1][0] == "Total"


def test_duplicate_file_redelivery(tmp_path):
    out = quirk_run(tmp_path, "duplicate_file_redelivery")
    files = landing_files(out)
    originals = [p for p in files if "_resent" not in p.name]
    assert len(files) == 2 * len(originals)
    for p in originals:
        copy = p.with_name(f"{p.stem}_resent{p.suffix}")
        assert copy.read_bytes() == p.read_bytes()


def test_default_run_redelivers_a_file(tmp_path):
    summary = generate(tmp_path / "landing", rows=40)
    assert len(summary["organizations"]) == 5
    assert summary["duplicates"]
    for copy, original in summary["duplicates"].items():
        assert copy != original
        assert hashes(tmp_path / "landing")[copy] == hashes(tmp_path / "landing")[original]


def test_personal_values_look_real(default_run):
    out, _, _ = default_run
    rows = all_air_rows(out)
    assert all(re.fullmatch(r"[A-ZÀ-Þ' -]+/[A-ZÀ-Þ -]+ (MR|MS)", r["Traveller Name"]) for r in rows)
    assert all(re.fullmatch(r"E\d{7}", r["Employee ID"]) for r in rows)
    assert len({r["Traveller Name"] for r in rows}) > 20


def test_itineraries_connect_and_match_great_circle(default_run):
    from samples.reference import great_circle_km

    out, _, _ = default_run
    for path in landing_files(out):
        rows = [r for r in sheet_rows(path) if r["Transaction Type"] == "SALE"]
        for r in rows:
            origin, dest = r["Origin Airport"], r["Destination Airport"]
            if origin in AIRPORT_CITIES and dest in AIRPORT_CITIES:
                km = abs(float(r["Segment Km"]))
                assert 0.98 <= km / great_circle_km(origin, dest) <= 1.05


def test_truth_agrees_with_the_rows_under_the_ticket_rules(default_run):
    """factors/METHODOLOGY.md section 3.7 applied to what the files say reproduces the truth's
    `cancelled`."""
    out, truth, _ = default_run
    expected = {}
    for path in sorted(truth.rglob("*.xlsx.csv")) + sorted(truth.rglob("*.csv.csv")):
        if "_TravelData_" not in path.name:
            continue  # other dialects' truth files
        with path.open(encoding="utf-8") as f:
            for t in csv.DictReader(f):
                if t["ticket13"]:
                    expected[(t["org"], t["ticket13"], int(t["segment_no"]))] = t["cancelled"]
    departures, cancelled, blanket, kinds = {}, set(), [], set()
    for path in landing_files(out):
        if "_resent" in path.name:
            continue
        org = path.parts[-3]
        for r in sheet_rows(path):
            number = ticket13(r["Ticket Number"])
            kind = r["Transaction Type"]
            kinds.add(kind)
            segment = int(r["Segment No"]) if r["Segment No"] not in (None, "") else None
            if kind in ("SALE", "EXCHANGE"):
                if number:  # a low-cost booking cannot be refunded against
                    departures[(org, number, segment)] = as_date(r["Departure Date"])
            elif segment is None:
                blanket.append((org, number, as_date(r["Issue Date"])))
            else:
                cancelled.add((org, number, segment))
    for org, number, issued in blanket:
        cancelled |= {
            k for k, day in departures.items() if k[:2] == (org, number) and day >= issued
        }
    assert kinds == {"SALE", "EXCHANGE", "REFUND", "VOID"}
    assert expected
    assert set(expected) == set(departures)
    assert {k for k, v in expected.items() if v == "true"} == cancelled


def test_exchanges_name_their_original_and_reverse_it(default_run):
    out, _, _ = default_run
    rows = all_air_rows(out)
    refunded = {ticket13(r["Ticket Number"]) for r in rows if r["Transaction Type"] == "REFUND"}
    exchanges = [r for r in rows if r["Transaction Type"] == "EXCHANGE"]
    assert exchanges
    for r in exchanges:
        original = ticket13(r["Original Ticket Number"])
        assert original and original != ticket13(r["Ticket Number"])
        assert original in refunded


def test_truth_must_stay_outside_the_landing_folder(tmp_path):
    with pytest.raises(ValueError):
        generate(tmp_path / "landing", orgs=1, rows=10, truth=tmp_path / "landing" / "truth")


def test_unknown_quirk_is_an_error(tmp_path):
    with pytest.raises(ValueError, match="unknown quirk"):
        generate(tmp_path / "landing", orgs=1, rows=10, quirks={"city_code_not_airprot": 1.0})
