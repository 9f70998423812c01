"""The sample generator's Concur extracts against docs/dialects.md D3.

The extracts are read back here with the csv module (`|`, double quotes) and openpyxl,
never through the connector, so these tests check the generator against the document.
"""

import csv
import re
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from samples import QUIRKS, generate
from samples.concur_sae import QUIRKS as D3_QUIRKS

NAME = re.compile(r"extract_CES_SAE_v3_p00[0-9]{5}[a-z0-9]{4}_(\d{14})(_resent)?\.txt")


def only(*names: str) -> dict[str, float]:
    """Every quirk off except `names`, which always fire."""
    return {name: (1.0 if name in names else 0.0) for name in QUIRKS}


def run(tmp_path: Path, *names: str, rows: int = 300, truth: bool = False) -> Path:
    out = tmp_path / "landing"
    generate(
        out,
        orgs=2,
        rows=rows,
        seed=3,
        quirks=only(*names),
        truth=tmp_path / "truth" if truth else None,
    )
    return out


def extracts(out: Path) -> list[Path]:
    return sorted(out.glob("*/travel/extract_CES_SAE_v3_*.txt"))


def text_of(path: Path) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252")


def lines_of(path: Path) -> tuple[list[str], list[list[str]]]:
    """The EXTRACT fields and the DETAIL lines' fields."""
    # split on line feeds only: a vertical tab (special_chars) is text, not a line break
    lines = [ln.removesuffix("\r") for ln in text_of(path).split("\n") if ln]
    rows = list(csv.reader(lines, delimiter="|", quotechar='"'))
    return rows[0], rows[1:]


def test_files_follow_the_d3_layout(tmp_path):
    out = run(tmp_path, *D3_QUIRKS)  # every D3 quirk on: the layout must hold anyway
    files = extracts(out)
    assert len(files) == 2 * 12
    for path in files:
        assert NAME.fullmatch(path.name)
        header, details = lines_of(path)
        assert header[0] == "EXTRACT" and len(header) == 5
        assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", header[1])
        assert int(header[2]) == len(details)
        total = sum((Decimal(d[168]) for d in details), start=Decimal(0))
        assert Decimal(header[3]) == total and re.fullmatch(r"-?\d+\.\d{4}", header[3])
        for fields in details:
            assert len(fields) == 400 and fields[0] == "DETAIL"
            assert re.fullmatch(r"[+-]\d+\.\d{4}", fields[168])
            assert fields[167] in ("DR", "CR") and fields[67] in ("Y", "N")
            assert fields[125] in ("CASH", "IBCP", "IBIP", "CBCP")
            assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", fields[63])
            assert fields[1] == header[4] and fields[2] == header[1]
        assert [int(d[3]) for d in details] == list(range(1, len(details) + 1))


def test_clean_profile_has_no_quirk(tmp_path):
    for path in extracts(run(tmp_path)):
        data = path.read_bytes()
        data.decode("utf-8")
        assert b"\r\n" not in data and b'"' not in data
        _, details = lines_of(path)
        assert not re.search(r"[\x00-\x08\x0b-\x1f’]", text_of(path))
        for fields in details:
            # D3: only an airfare on a company card has a personal part, a CR line
            assert fields[67] == "N" or (fields[167] == "CR" and fields[125] == "IBCP")
            assert not (fields[167] == "CR" and fields[67] == "N")
            assert fields[62] != "Hotel Tax"
            if fields[62] == "Airfare":
                assert re.fullmatch(r"\d{3}-?\d{10}", fields[82])
                assert re.fullmatch(r"[A-Z]{3}(-[A-Z]{3})+", fields[83])


def test_quoted_pipes(tmp_path):
    found = [
        f[70] for p in extracts(run(tmp_path, "quoted_pipes")) for f in lines_of(p)[1] if f[70]
    ]
    assert found and all("|" in v for v in found)


def test_special_chars(tmp_path):
    text = "".join(text_of(p) for p in extracts(run(tmp_path, "special_chars")))
    assert "’" in text and re.search(r"[\x01\x1a\x0b]", text)
    assert "Personal\tCar Mileage" in text or "Car\tRental" in text


def test_cp1252(tmp_path):
    files = [p.read_bytes() for p in extracts(run(tmp_path, "cp1252", "special_chars"))]
    assert any("’".encode("cp1252") in data for data in files)
    for data in files:
        if any(byte > 127 for byte in data):
            with pytest.raises(UnicodeDecodeError):
                data.decode("utf-8")


def test_crlf(tmp_path):
    for path in extracts(run(tmp_path, "crlf")):
        data = path.read_bytes()
        assert data.count(b"\n") == data.count(b"\r\n") >= 1


def test_reextract_duplicate(tmp_path):
    batches = defaultdict(set)
    for path in extracts(run(tmp_path, "reextract_duplicate")):
        for fields in lines_of(path)[1]:
            batches[(path.parts[-3], fields[19])].add(fields[1])
    assert max(len(b) for b in batches.values()) == 2
    assert sum(len(b) == 2 for b in batches.values()) > len(batches) // 2


def test_negative_credit_line(tmp_path):
    credits = [
        f
        for p in extracts(run(tmp_path, "negative_credit_line"))
        for f in lines_of(p)[1]
        if f[167] == "CR" and f[67] == "N"
    ]
    assert credits and all(f[168].startswith("-") for f in credits)


def test_itemized_hotel(tmp_path):
    types = defaultdict(set)
    for path in extracts(run(tmp_path, "itemized_hotel")):
        for fields in lines_of(path)[1]:
            types[(path.parts[-3], fields[60])].add(fields[62])
    hotels = [t for t in types.values() if "Hotel" in t]
    assert hotels and all(t == {"Hotel", "Hotel Tax"} for t in hotels)


def agency_tickets(out: Path) -> dict[str, set[str]]:
    tickets = defaultdict(set)
    for path in out.glob("*/travel/*_TravelData_*"):
        if path.suffix == ".xlsx":
            rows = list(openpyxl.load_workbook(path, read_only=True)["Air Segments"].values)
            values = [dict(zip(rows[5], r, strict=False)) for r in rows[6:]]
        else:
            text = path.read_bytes().decode("cp1252")
            values = list(csv.DictReader(text.splitlines(), delimiter=";"))
        for r in values:
            number = str(r.get("Ticket Number") or "").replace("-", "")
            if number.isdigit():
                tickets[path.parts[-3]].add(number.zfill(13))
    return tickets


def test_expensed_agency_ticket_overlaps_the_same_organisation_only(tmp_path):
    out = run(tmp_path, "expensed_agency_ticket", rows=200)
    agency = agency_tickets(out)
    claimed = defaultdict(set)
    for path in extracts(out):
        for fields in lines_of(path)[1]:
            if fields[62] == "Airfare":
                claimed[path.parts[-3]].add(fields[82].replace("-", ""))
    for org, tickets in claimed.items():
        assert tickets and tickets <= agency[org]
        others = set().union(*(t for o, t in agency.items() if o != org))
        assert not tickets & others


def test_default_run_mixes_agency_and_direct_tickets(tmp_path):
    out = tmp_path / "landing"
    generate(out, orgs=2, rows=400, seed=9)
    agency = agency_tickets(out)
    overlap = direct = 0
    for path in extracts(out):
        for fields in lines_of(path)[1]:
            if fields[62] == "Airfare" and fields[82]:
                number = fields[82].replace("-", "")
                if number in agency[path.parts[-3]]:
                    overlap += 1
                else:
                    direct += 1
    assert overlap > 0 and direct > overlap


def test_custom_fields_empty_leaves_the_vendor_description(tmp_path):
    airfares = [
        f
        for p in extracts(run(tmp_path, "custom_fields_empty"))
        for f in lines_of(p)[1]
        if f[62] == "Airfare"
    ]
    assert airfares
    for fields in airfares:
        assert fields[82] == fields[83] == fields[84] == ""
        assert re.fullmatch(r"[A-Z' ]+ \d{13} [A-Z]{3} [A-Z]{3}", fields[70])


def test_missing_quantity_and_personal_entry(tmp_path):
    out = run(tmp_path, "missing_quantity", "personal_entry")
    for path in extracts(out):
        for fields in lines_of(path)[1]:
            assert fields[67] == "Y"
            if fields[62] in ("Taxi", "Train", "Car Rental", "Personal Car Mileage"):
                assert fields[86] == fields[87] == ""
            if fields[62] == "Hotel":
                assert fields[85] == ""


def test_truth_lists_every_entry_of_its_file(tmp_path):
    out = run(tmp_path, *D3_QUIRKS, truth=True)
    for path in extracts(out):
        truth = tmp_path / "truth" / path.relative_to(out).with_name(f"{path.name}.csv")
        with truth.open(encoding="utf-8") as handle:
            expected = {(r["report_key"], r["entry_key"]) for r in csv.DictReader(handle)}
        found = {(f[19], f[60]) for f in lines_of(path)[1]}
        assert found == expected
