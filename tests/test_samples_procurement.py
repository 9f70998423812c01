"""The procurement sample writers against docs/dialects.md D1 and D2.

Files are read back with csv and openpyxl directly, never through the connectors, so these
tests check the generator against the documents alone; each quirk switch, forced on, leaves
its mark, and the clean profile has none.
"""

import csv
import io
import re
from pathlib import Path

import openpyxl
import pytest
import yaml

from samples import QUIRKS, generate
from samples.oracle_po import FUSION, OTBI
from samples.oracle_po import QUIRKS as ORACLE_QUIRKS
from samples.sap_me2n import HEADER_DE, HEADER_EN
from samples.sap_me2n import QUIRKS as SAP_QUIRKS

SAP_ORGS, ORACLE_ORGS = ("UNEP", "UNICEF", "WFP"), ("UNDP", "UNHCR")


def only(*names: str) -> dict[str, float]:
    """Every quirk off except `names`, which always fire."""
    return {name: (1.0 if name in names else 0.0) for name in QUIRKS}


def run(tmp_path: Path, *names: str, rows: int = 120) -> Path:
    out = tmp_path / "landing"
    generate(out, orgs=5, rows=rows, seed=3, truth=tmp_path / "truth", quirks=only(*names))
    return out


def files(out: Path, org: str, pattern: str = "*") -> list[Path]:
    return sorted((out / org / "procurement").glob(pattern))


def lines(path: Path, encoding: str = "cp1252") -> list[str]:
    return path.read_bytes().decode(encoding).split("\r\n")


def test_each_organisation_writes_its_erp_files(tmp_path):
    out = run(tmp_path)
    for org in SAP_ORGS:
        names = [p.name for p in files(out, org)]
        assert len(names) == 5
        assert all(re.fullmatch(r"(ME2N|LFA1)_\d{4}_2024\d{4}\.csv", n) for n in names)
    for org in ORACLE_ORGS:
        names = [p.name for p in files(out, org)]
        assert names == [f"PO_Lines_{org}_2024{d}.csv" for d in ("0331", "0630", "0930", "1231")]
    stories = sorted((out / "_system" / "stories").glob("*.yaml"))
    assert len(stories) == 5
    story = yaml.safe_load(stories[0].read_text(encoding="utf-8"))
    assert {"id", "title", "year", "organizations", "unspsc_families", "summary"} <= set(story)


def test_clean_profile_has_no_quirk(tmp_path):
    out = run(tmp_path)
    for org in SAP_ORGS:
        for path in files(out, org, "ME2N_*"):
            data = path.read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf")
            text = lines(path)
            assert text[0] == ";".join(HEADER_DE)
            assert not any(line.startswith((";", "*", "|", "-")) for line in text[1:] if line)
            row = next(csv.reader([text[1]], delimiter=";"))
            assert re.fullmatch(r"\d{2}\.\d{2}\.2024", row[8])
            assert re.fullmatch(r"-?[\d.]+,\d{3}-?", row[14])
        (vendors,) = files(out, org, "LFA1_*")
        first = next(csv.reader([lines(vendors)[1]], delimiter=";"))
        assert re.fullmatch(r"\d{10}", first[0])
    for org in ORACLE_ORGS:
        for path in files(out, org):
            data = path.read_bytes()
            assert not data.startswith(b"\xef\xbb\xbf")  # `bom` forced off here
            rows = list(csv.reader(io.StringIO(data.decode("utf-8"))))
            assert tuple(rows[0]) == FUSION
            keys = [(r[0], r[2], r[3], r[14]) for r in rows[1:]]
            assert len(keys) == len(set(keys)), "no schedule or distribution fan-out"
            assert all("\n" not in r[18] for r in rows[1:])


def test_preamble_title_rows(tmp_path):
    out = run(tmp_path, "preamble_title_rows")
    text = lines(files(out, "UNEP", "ME2N_*")[0])
    assert text[:3] == ["Einkaufsbelege zu Lieferant", "", ";".join(HEADER_DE)]


def test_group_subtotal_rows(tmp_path):
    out = run(tmp_path, "group_subtotal_rows")
    rows = list(csv.reader(lines(files(out, "UNEP", "ME2N_*")[0]), delimiter=";"))
    subtotals = [r for r in rows if r and r[0] in ("*", "**")]
    assert subtotals and all(r[19].endswith("*") and r[1] == "" for r in subtotals)
    assert rows[-2][0] == "**" or rows[-1][0] == "**"


def test_duplicate_header_names(tmp_path):
    out = run(tmp_path, "duplicate_header_names")
    header = lines(files(out, "UNEP", "ME2N_*")[0])[0].split(";")
    assert header.count("Material") == 2


def test_utf8_bom(tmp_path):
    out = run(tmp_path, "utf8_bom")
    path = files(out, "UNEP", "ME2N_*")[0]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert "Einkäufergruppe" in path.read_bytes()[3:].decode("utf-8")


def test_tab_delimited_txt(tmp_path):
    out = run(tmp_path, "tab_delimited_txt")
    (path, *_) = files(out, "UNEP", "ME2N_*")
    assert path.suffix == ".txt" and lines(path)[0] == "\t".join(HEADER_DE)


def test_leading_zeros_stripped(tmp_path):
    out = run(tmp_path, "leading_zeros_stripped")
    (vendors,) = files(out, "UNEP", "LFA1_*")
    numbers = [r[0] for r in csv.reader(lines(vendors)[1:], delimiter=";") if r]
    assert numbers and all(not n.startswith("0") for n in numbers)


def test_unconverted_list(tmp_path):
    out = run(tmp_path, "unconverted_list")
    text = lines(files(out, "UNEP", "ME2N_*")[0])
    assert set(text[0]) == {"-"} and text[1].startswith("|Einkaufsbeleg")
    assert set(text[2]) == {"-"} and text[3].startswith("|45")


def test_wrapped_header(tmp_path):
    out = run(tmp_path, "wrapped_header")
    assert "Bestell menge" in lines(files(out, "UNEP", "ME2N_*")[0])[0].split(";")


def test_english_logon_and_xlsx_with_serial_dates(tmp_path):
    out = run(tmp_path, "sap_header_lang_en")
    text = lines(files(out, "UNEP", "ME2N_*")[0])
    assert text[0] == ";".join(HEADER_EN)
    row = next(csv.reader([text[1]], delimiter=";"))
    assert re.fullmatch(r"\d{2}/\d{2}/2024", row[8]) and re.fullmatch(r"[\d,]+\.\d{3}", row[14])
    out = run(tmp_path / "xlsx", "sap_xlsx", "date_as_serial")
    path = files(out, "UNEP", "ME2N_*.xlsx")[0]
    sheet = openpyxl.load_workbook(path, read_only=True).worksheets[0]
    header, first = list(sheet.iter_rows(min_row=1, max_row=2, values_only=True))
    assert header == HEADER_DE
    assert isinstance(first[8], int) and 45292 <= first[8] <= 45657  # 2024 as Excel serials
    assert isinstance(first[14], int | float)


def oracle_rows(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    text = data.decode("utf-8-sig")
    delimiter = ";" if text.split("\r\n", 1)[0].count(";") > 5 else ","
    return list(csv.reader(io.StringIO(text), delimiter=delimiter))


def test_oracle_bom_fanout_multiline_semicolon(tmp_path):
    out = run(tmp_path, "bom", "schedule_fanout", "multiline_description", "semicolon_delimiter")
    path = files(out, "UNDP")[0]
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    rows = oracle_rows(path)
    assert ";".join(rows[0]) == ";".join(FUSION)
    keys = [(r[0], r[2], r[3], r[14]) for r in rows[1:]]
    assert len(keys) > len(set(keys)), "every line repeated per schedule"
    assert all("\n" in r[18] for r in rows[1:])


def test_distribution_fanout(tmp_path):
    out = run(tmp_path, "distribution_fanout")
    rows = oracle_rows(files(out, "UNDP")[0])
    keys = [(r[0], r[2], r[14]) for r in rows[1:]]
    assert len(keys) == 2 * len(set(keys))


def test_segment1_reused_across_bu(tmp_path):
    out = run(tmp_path, "segment1_reused_across_bu", rows=300)
    rows = [r for p in files(out, "UNDP") for r in oracle_rows(p)[1:]]
    units_by_number: dict[str, set[str]] = {}
    for r in rows:
        units_by_number.setdefault(r[2], set()).add(r[0])
    assert any(len(units) == 2 for units in units_by_number.values())


def test_ebs_and_otbi_display_variants(tmp_path):
    out = run(tmp_path, "oracle_ebs")
    header = oracle_rows(files(out, "UNDP")[0])[0]
    assert "OPERATING_UNIT" in header and "UNIT_MEAS_LOOKUP_CODE" in header
    assert "AUTHORIZATION_STATUS" in header and "DOCUMENT_STATUS" not in header
    first = oracle_rows(files(out, "UNDP")[0])[1]
    assert re.fullmatch(r"\d{2}-[A-Z]{3}-24", first[header.index("CREATION_DATE")])
    out = run(tmp_path / "otbi", "oracle_otbi_display")
    rows = oracle_rows(files(out, "UNDP")[0])
    assert tuple(rows[0]) == tuple(OTBI.values())
    assert re.fullmatch(r"\d{2}/\d{2}/2024", rows[1][5])
    assert any("," in r[12] for r in rows[1:]), "amounts printed with grouping"


def test_truth_follows_the_latest_export(tmp_path):
    """Every PO line of the year is in the truth once; a line re-exported in a later quarter
    takes that quarter's fate."""
    out = run(tmp_path, rows=400)
    for org in (*SAP_ORGS, *ORACLE_ORGS):
        path = tmp_path / "truth" / org / "procurement" / "expected_lines_2024.csv"
        with path.open(encoding="utf-8") as handle:
            truth = list(csv.DictReader(handle))
        keys = [(t["business_unit"], t["po_number"], t["po_line"]) for t in truth]
        assert len(keys) == len(set(keys))
        assert all((t["spend"] != "") == (t["counted"] == "true") for t in truth)
        assert any(t["counted"] == "false" for t in truth)
    assert out.exists()


@pytest.mark.parametrize("name", sorted({*SAP_QUIRKS, *ORACLE_QUIRKS}))
def test_every_quirk_is_registered(name):
    assert name in QUIRKS
