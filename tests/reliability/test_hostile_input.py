"""Fault family 7, hostile input: names, links, cells and files built to do harm.

Guaranteed:
- file names with `..`, spaces, unicode, quotes and shell metacharacters are read like any
  other name and recorded verbatim; nothing they spell is executed; a name that is not
  UTF-8 is rejected with the reason instead of stopping the run;
- a symlink (file or folder) out of the landing folder, a named pipe, and anything else
  that is not a regular file under it, is rejected with the reason and never opened;
- cells holding SQL, spreadsheet formulas or HTML are stored as the text they are; the
  HTML report escapes them, and the ERP write-back's CSV files (`greenblue erp-export`)
  write text starting like a formula with a leading apostrophe (tests/test_erp_export.py);
- a 200 MB single line is rejected (CSV, TXT) or read (JSON) with bounded memory (peak RSS
  of the loading process); a zip bomb disguised as an XLSX is refused before it is
  inflated; a workbook with broken or entity-bomb XML, a JSON nested a million deep and a
  story built of YAML aliases are rejected with the reason, and the other files of the
  landing folder load all the same.
"""

import io
import json
import os
import re
import subprocess
import sys
import textwrap
import time
import zipfile
from pathlib import Path

import duckdb
import pytest

from connectors import dialects
from connectors.base import RejectedFile
from connectors.landing import scan
from connectors.organizations import load_registry
from connectors.stories import read_story
from pipelines import database, manifest, raw_load
from tests.builders.common import zip_bomb
from tests.builders.fuelcard import fuelcard_csv
from tests.builders.landing import KEY, ROOT, Run, text_values, write_landing
from tests.builders.refrigerant_log import refrigerant_csv
from tests.builders.tmc_travel import tmc_workbook

pytestmark = pytest.mark.slow

ORG = "UNEP"
ORGS = {ORG: "United Nations Environment Programme"}
SQL = "'; drop table raw.refrigerant_log; --"
FORMULA = '=HYPERLINK("http://evil.example/x","click me")'
SCRIPT = "<script>alert('greenblue')</script>"
IMAGE = "<img src=x onerror=alert(1)>"
SHELL_NAMES = (
    "with spaces.csv",
    "a..b.csv",
    "report..2024..final.csv",
    "ünïcødé 東京 الطاقة.csv",
    "$(touch PWNED).csv",
    "`touch PWNED`.csv",
    "x; touch PWNED; y.csv",
    "x | touch PWNED & y && z.csv",
    'it\'s "quoted".csv',
    "line\nbreak.csv",
    "'; drop table ops.file_manifest; --.csv",
    "<img src=x onerror=alert(1)>.csv",
)


def service(equipment: str, **cells: str) -> dict:
    return {"Equipment ID": equipment, **{k.replace("_", " "): v for k, v in cells.items()}}


def load(landing: Path, db: Path) -> dict[str, tuple[str, str | None]]:
    """Scan, plan and load every dialect as the nightly job does; path -> (status, message)."""
    orgs = landing / "organizations.yaml"
    files = scan(landing, orgs, load_registry(orgs))
    with database.session(db) as con:
        database.ensure_schema(con)
        manifest.plan(con, files, "hostile", log=lambda _: None)
        for dialect in dialects.DIALECTS:
            raw_load.load_pending(con, landing, dialect, KEY.encode(), "hostile", lambda _: None)
        rows = con.execute("select relative_path, status, message from ops.file_manifest")
        return {path: (status, message) for path, status, message in rows.fetchall()}


# `load` in a process of its own, run by a small launcher that reports the loader's peak
# RSS: a process started straight from the test process would count the test's memory,
# which Linux carries over into the maximum RSS of a spawned child.
LOADER = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    sys.path.insert(0, sys.argv[3])
    from reliability.test_hostile_input import load
    print(json.dumps(list(load(Path(sys.argv[1]), Path(sys.argv[2])).items())))
    """
)
LAUNCHER = textwrap.dedent(
    """
    import resource, subprocess, sys
    timeout, command = float(sys.argv[1]), sys.argv[2:]
    try:
        subprocess.run(command, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        sys.exit(f"the loader did not finish in {timeout}s")
    print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024)
    """
)


def load_in_subprocess(landing: Path, db: Path, timeout: float = 120) -> tuple[dict, int]:
    """`load` in a fresh process: (manifest, peak RSS in bytes of that process)."""
    loader = [sys.executable, "-c", LOADER, str(landing), str(db), str(ROOT / "tests")]
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, str(timeout), *loader],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout + 30,
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-3000:]
    *_, manifest_line, peak = done.stdout.strip().splitlines()
    manifest = {path: tuple(entry) for path, entry in json.loads(manifest_line)}
    return manifest, int(peak)


def with_sheet_xml(workbook: bytes, change) -> bytes:
    """The workbook with its first sheet's XML replaced by `change(xml)`."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info in source.infolist():
            body = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                body = change(body)
            archive.writestr(info, body)
    return buffer.getvalue()


def entity_bomb(xml: bytes) -> bytes:
    """Ten entities of ten: `&a9;` expands to 10^9 `ha`s (billion laughs)."""
    entities = "".join(
        f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' if i else '<!ENTITY a0 "ha">' for i in range(10)
    )
    bomb = f"<!DOCTYPE worksheet [{entities}]>".encode()
    return bomb + xml.replace(b"<t>UNEP-NBO</t>", b"<t>&a9;</t>")


def flipped_deflate(workbook: bytes) -> bytes:
    at = workbook.index(b"xl/worksheets/sheet1.xml") + 60
    damaged = bytearray(workbook)
    for i in range(at, at + 40):
        damaged[i] ^= 0x5A
    return bytes(damaged)


GOOD_WORKBOOK = tmc_workbook([{}])
DAMAGED_WORKBOOKS = {
    "entity-bomb": with_sheet_xml(GOOD_WORKBOOK, entity_bomb),
    "truncated-xml": with_sheet_xml(GOOD_WORKBOOK, lambda xml: xml[: len(xml) // 2]),
    "undefined-entity": with_sheet_xml(
        GOOD_WORKBOOK, lambda xml: xml.replace(b"<t>UNEP-NBO</t>", b"<t>&nope;</t>")
    ),
    "corrupt-deflate": flipped_deflate(GOOD_WORKBOOK),
}


# --- names and links ----------------------------------------------------------------------


def test_hostile_file_names_are_loaded_and_recorded_verbatim(tmp_path):
    files = {
        f"{ORG}/refrigerants/{name}": refrigerant_csv([service(f"AC-{i:03d}")])
        for i, name in enumerate(SHELL_NAMES)
    }
    files[f"{ORG}/refrigerants/..hidden.csv"] = refrigerant_csv([service("AC-HIDDEN")])
    landing = write_landing(tmp_path / "landing", ORGS, files)
    manifest = load(landing, tmp_path / "work.duckdb")
    assert set(manifest) == set(files)
    assert manifest.pop(f"{ORG}/refrigerants/..hidden.csv") == ("rejected", "hidden file or folder")
    assert {status for status, _ in manifest.values()} == {"loaded"}
    equipment = duckdb.connect(str(tmp_path / "work.duckdb"), read_only=True).execute(
        "select m.relative_path, r.equipment_id from raw.refrigerant_log r "
        "join ops.file_manifest m on m.file_id = r._file_id"
    )
    expected = {f"{ORG}/refrigerants/{n}": f"AC-{i:03d}" for i, n in enumerate(SHELL_NAMES)}
    assert dict(equipment.fetchall()) == expected
    assert not list(tmp_path.rglob("PWNED")), "a file name was executed"
    assert not (ROOT / "PWNED").exists() and not (Path.cwd() / "PWNED").exists()


def test_a_name_that_is_not_utf8_is_rejected_and_the_others_load(tmp_path):
    landing = write_landing(
        tmp_path / "landing", ORGS, {f"{ORG}/refrigerants/good.csv": refrigerant_csv([{}])}
    )
    folder = os.fsencode(landing / ORG / "refrigerants")
    Path(os.fsdecode(folder + b"/caf\xe9.csv")).write_bytes(refrigerant_csv([service("AC-9")]))
    manifest = load(landing, tmp_path / "work.duckdb")
    assert manifest[f"{ORG}/refrigerants/good.csv"][0] == "loaded"
    status, message = manifest[f"{ORG}/refrigerants/caf\\xe9.csv"]
    assert status == "rejected" and "not valid UTF-8" in message


@pytest.fixture
def outside(tmp_path) -> Path:
    """A folder beside the landing folder holding data nobody may read through it."""
    folder = tmp_path / "outside"
    folder.mkdir()
    (folder / "secret.csv").write_bytes(refrigerant_csv([service("OUTSIDE-SECRET")]))
    os.mkfifo(folder / "pipe.csv")  # opening it for reading would block forever
    return folder


def test_links_out_of_the_landing_folder_and_pipes_are_rejected_never_opened(tmp_path, outside):
    landing = write_landing(
        tmp_path / "landing", ORGS, {f"{ORG}/refrigerants/good.csv": refrigerant_csv([{}])}
    )
    refrigerants = landing / ORG / "refrigerants"
    (refrigerants / "secret.csv").symlink_to(outside / "secret.csv")
    (refrigerants / "pipe-outside.csv").symlink_to(outside / "pipe.csv")
    (refrigerants / "inside.csv").symlink_to(refrigerants / "good.csv")
    (refrigerants / "escape.csv").symlink_to(Path("..") / ".." / ".." / "outside" / "secret.csv")
    os.mkfifo(refrigerants / "pipe.csv")
    (landing / ORG / "fuel").symlink_to(outside, target_is_directory=True)
    db = tmp_path / "work.duckdb"
    manifest, _ = load_in_subprocess(landing, db, timeout=60)
    expected = {
        "secret.csv": "symlink pointing outside",
        "pipe-outside.csv": "symlink pointing outside",
        "escape.csv": "symlink pointing outside",
        "inside.csv": "symlink",
        "pipe.csv": "not a regular file",
    }
    for name, words in expected.items():
        status, message = manifest[f"{ORG}/refrigerants/{name}"]
        assert status == "rejected" and words in message, (name, message)
    assert manifest[f"{ORG}/fuel"] == ("rejected", "symlinked folder: not followed")
    assert manifest[f"{ORG}/refrigerants/good.csv"][0] == "loaded"
    assert len(manifest) == len(expected) + 2, "nothing under the linked folder was listed"
    assert not [v for v in text_values(db, ("raw", "ops")) if "OUTSIDE-SECRET" in v]


SWAPPED_AFTER_PLANNING = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from connectors.landing import scan
    from connectors.organizations import load_registry
    from pipelines import database, manifest, org_registry, raw_load

    landing, db, pipe = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    orgs = landing / "organizations.yaml"
    with database.session(db) as con:
        database.ensure_schema(con)
        manifest.plan(con, scan(landing, orgs, load_registry(orgs)), "swap")
        swapped = landing / "UNEP" / "refrigerants" / "log.csv"
        swapped.unlink()
        swapped.symlink_to(pipe)
        raw_load.load_pending(con, landing, "refrigerant_log_csv", b"key", "swap")
    """
)


def test_a_file_swapped_for_a_link_after_planning_is_not_followed(tmp_path, outside):
    landing = write_landing(
        tmp_path / "landing", ORGS, {f"{ORG}/refrigerants/log.csv": refrigerant_csv([{}])}
    )
    pipe = outside / "pipe.csv"
    loader = subprocess.Popen(
        [sys.executable, "-c", SWAPPED_AFTER_PLANNING, str(landing), str(tmp_path / "work.duckdb"),
         str(pipe)],
        cwd=ROOT,
    )  # fmt: skip
    opened = False
    while loader.poll() is None:
        try:  # succeeds only while a reader holds the pipe open
            os.close(os.open(pipe, os.O_WRONLY | os.O_NONBLOCK))
            opened = True  # closing our end lets the reader see the end of the file
        except OSError:
            time.sleep(0.05)
    assert loader.wait(timeout=60) == 0
    assert not opened, "the loader opened the pipe outside the landing folder"


# --- cells ----------------------------------------------------------------------------------


def test_cells_holding_sql_formulas_and_html_are_stored_as_their_text(tmp_path):
    cells = {"Site Name": SCRIPT, "Notes": SQL, "Contractor": FORMULA, "Equipment Type": IMAGE}
    files = {
        f"{ORG}/refrigerants/log.csv": refrigerant_csv([{}, service("AC-2", **cells)]),
        f"{ORG}/fuel/card.csv": fuelcard_csv([{"Product Name": FORMULA, "Site Name": SQL}]),
    }
    db = tmp_path / "work.duckdb"
    manifest = load(write_landing(tmp_path / "landing", ORGS, files), db)
    assert {status for status, _ in manifest.values()} == {"loaded"}
    con = duckdb.connect(str(db), read_only=True)
    stored = con.execute(
        "select site_name, notes, contractor, equipment_type from raw.refrigerant_log "
        "where equipment_id = 'AC-2'"
    ).fetchall()
    card = con.execute("select product_name, site_name from raw.fuelcard_transactions").fetchall()
    counts = con.execute(
        "select (select count(*) from raw.refrigerant_log), "
        "(select count(*) from ops.file_manifest)"
    ).fetchall()
    con.close()
    assert stored == [(SCRIPT, SQL, FORMULA, IMAGE)]
    assert card == [(FORMULA, SQL)]
    assert counts == [(2, 2)], "the tables the cells name are still there, whole"


# --- files built to exhaust the reader ------------------------------------------------------


@pytest.fixture(scope="module")
def baseline_rss(tmp_path_factory) -> int:
    """Peak RSS of the loading process on a one-file landing folder."""
    root = tmp_path_factory.mktemp("baseline")
    landing = write_landing(
        root / "landing", ORGS, {f"{ORG}/refrigerants/log.csv": refrigerant_csv([{}])}
    )
    manifest, peak = load_in_subprocess(landing, root / "work.duckdb")
    assert {s for s, _ in manifest.values()} == {"loaded"}
    return peak


SIZE = 200 * 1024 * 1024


def single_line(kind: str) -> bytes:
    """About 200 MB without a line break: many cells, a Concur EXTRACT line, a JSON string."""
    if kind == "csv":
        return b"Site Code;Equipment ID;" + b"x;" * (SIZE // 2)
    if kind == "txt":
        return b"EXTRACT|2024-03-01|1|0.0000|" + b"A" * SIZE
    return b'{"generatedAt": "2024-04-02T06:00:00Z", "statements": [], "note": "%s"}' % (
        b"x" * SIZE
    )


@pytest.mark.parametrize(
    ("relative", "kind", "status", "words", "bound"),
    [
        (f"{ORG}/refrigerants/line.csv", "csv", "rejected", "line 1 is longer than", 2),
        (f"{ORG}/travel/extract.txt", "txt", "rejected", "line 1 is longer than", 2),
        (f"{ORG}/energy/statements.json", "json", "loaded", "utility_bill_json", 3),
    ],
    ids=["csv-cells", "concur-txt", "json-string"],
)
def test_a_200mb_single_line_is_rejected_or_read_with_bounded_memory(
    tmp_path, baseline_rss, relative, kind, status, words, bound
):
    files = {relative: single_line(kind), f"{ORG}/refrigerants/good.csv": refrigerant_csv([{}])}
    landing = write_landing(tmp_path / "landing", ORGS, files)
    manifest, peak = load_in_subprocess(landing, tmp_path / "work.duckdb", timeout=120)
    (landing / relative).unlink()
    assert manifest[relative][0] == status and words in manifest[relative][1]
    assert manifest[f"{ORG}/refrigerants/good.csv"][0] == "loaded"
    assert peak < baseline_rss + bound * SIZE, f"peak RSS {peak / 2**20:.0f} MiB"


def test_a_zip_bomb_disguised_as_xlsx_is_refused_before_inflating(tmp_path, baseline_rss):
    files = {
        f"{ORG}/travel/BCD_TravelData_202403.xlsx": zip_bomb(),
        f"{ORG}/fuel/Generator_Fuel_Log_NBO_2024.xlsx": zip_bomb(),
        f"{ORG}/refrigerants/good.csv": refrigerant_csv([{}]),
    }
    landing = write_landing(tmp_path / "landing", ORGS, files)
    manifest, peak = load_in_subprocess(landing, tmp_path / "work.duckdb", timeout=60)
    for relative in list(files)[:2]:
        status, message = manifest[relative]
        assert status == "rejected" and "zip bomb" in message, message
    assert manifest[f"{ORG}/refrigerants/good.csv"][0] == "loaded"
    assert peak < baseline_rss + 64 * 2**20, f"peak RSS {peak / 2**20:.0f} MiB: it was inflated"


@pytest.mark.parametrize("damage", DAMAGED_WORKBOOKS)
def test_a_damaged_workbook_is_rejected_and_the_others_load(tmp_path, damage):
    files = {
        f"{ORG}/travel/BCD_TravelData_202403.xlsx": DAMAGED_WORKBOOKS[damage],
        f"{ORG}/refrigerants/good.csv": refrigerant_csv([{}]),
    }
    started = time.monotonic()
    manifest = load(write_landing(tmp_path / "landing", ORGS, files), tmp_path / "work.duckdb")
    status, message = manifest[f"{ORG}/travel/BCD_TravelData_202403.xlsx"]
    assert status == "rejected" and "not a readable .xlsx workbook" in message
    assert manifest[f"{ORG}/refrigerants/good.csv"][0] == "loaded"
    assert time.monotonic() - started < 30


def test_json_nested_a_million_deep_is_rejected(tmp_path):
    depth = 1_000_000
    files = {
        f"{ORG}/energy/utility_statements_20240402.json": b"[" * depth + b"]" * depth,
        f"{ORG}/refrigerants/good.csv": refrigerant_csv([{}]),
    }
    manifest = load(write_landing(tmp_path / "landing", ORGS, files), tmp_path / "work.duckdb")
    status, message = manifest[f"{ORG}/energy/utility_statements_20240402.json"]
    assert status == "rejected" and "nested too deeply" in message
    assert manifest[f"{ORG}/refrigerants/good.csv"][0] == "loaded"


def test_a_story_made_of_yaml_aliases_is_rejected_without_expanding_them():
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 10)]
    lines += ["id: bomb", "title: Ten to the ten", "year: 2024", "organizations: [UNEP]"]
    lines += ["unspsc_families: ['3910']", "summary: a story of laughs", "ecolabels: *l9"]
    started = time.monotonic()
    story = read_story("\n".join(lines).encode(), "bomb.yaml", {ORG})
    assert not story.valid and "aliases" in story.problems[0]
    assert time.monotonic() - started < 5


def test_the_connector_rejects_an_unclosed_quote_running_past_the_csv_field_limit():
    header = b"PRC_BU_NAME,SEGMENT1,LINE_NUM,CREATION_DATE,CURRENCY_CODE,AMOUNT\r\n"
    body = b'UNEP BU,"UNEP1-1,1,2024-03-05,USD,10\r\n' + b"x" * 300_000 + b"\r\n"
    with pytest.raises(RejectedFile, match=r"line \d+: not readable as delimited text"):
        dialects.read(header + body, ".csv", "procurement", KEY.encode())


# --- the whole run and the report -----------------------------------------------------------

HOSTILE_NAME = f"$(touch PWNED) {SHELL_NAMES[3]}"


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory) -> Run:
    """A run over a landing folder holding every kind of hostile item, then the report."""
    root = tmp_path_factory.mktemp("hostile")
    cells = {"Site Name": SCRIPT, "Notes": SQL, "Contractor": FORMULA, "Refrigerant": IMAGE}
    files = {
        f"{ORG}/refrigerants/{HOSTILE_NAME}": refrigerant_csv(
            [{}, service("AC-2", **cells), service("AC-3", Quantity_Added=f"<b>{SCRIPT}</b>")]
        ),
        f"{ORG}/fuel/card.csv": fuelcard_csv(
            [{}, {"Transaction ID": "T2", "Product Name": SCRIPT}]
        ),
        f"{ORG}/travel/BCD_TravelData_202403.xlsx": zip_bomb(),
        f"{ORG}/procurement/long.csv": b"a;" * 600_000,
        f"{ORG}/travel/damaged.xlsx": DAMAGED_WORKBOOKS["entity-bomb"],
        "_system/stories/hostile.yaml": yaml_story(),
    }
    orgs = {ORG: f"{SCRIPT} & {IMAGE}"}
    landing = write_landing(root / "landing", orgs, files)
    (root / "outside.csv").write_bytes(refrigerant_csv([service("OUTSIDE-SECRET")]))
    (landing / ORG / "refrigerants" / "linked.csv").symlink_to(root / "outside.csv")
    os.mkfifo(landing / ORG / "refrigerants" / "pipe.csv")
    run = Run(root, landing).run()
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-3000:]
    report = run.command("report", "--out", str(root / "site"))
    assert report.returncode == 0, report.stderr[-3000:]
    return run


def yaml_story() -> bytes:
    story = {
        "id": "unep-2024-hostile",
        "title": SCRIPT,
        "year": 2024,
        "organizations": [ORG],
        "unspsc_families": ["4412"],
        "summary": f"{IMAGE} {FORMULA} {SQL}",
    }
    return json.dumps(story).encode()  # JSON is YAML


def pages(run: Run) -> dict[str, str]:
    return {p.name: p.read_text(encoding="utf-8") for p in (run.root / "site").glob("*.html")}


def test_the_run_publishes_with_every_hostile_item_rejected_or_loaded(hostile_run):
    manifest = dict(
        hostile_run.query("select relative_path, status from ops.file_manifest order by 1")
    )
    assert manifest == {
        f"{ORG}/fuel/card.csv": "loaded",
        f"{ORG}/procurement/long.csv": "rejected",
        f"{ORG}/refrigerants/{HOSTILE_NAME}": "loaded",
        f"{ORG}/refrigerants/linked.csv": "rejected",
        f"{ORG}/refrigerants/pipe.csv": "rejected",
        f"{ORG}/travel/BCD_TravelData_202403.xlsx": "rejected",
        f"{ORG}/travel/damaged.xlsx": "rejected",
    }
    stored = hostile_run.work_query(
        "select site_name, notes, contractor, refrigerant from raw.refrigerant_log "
        "where equipment_id = 'AC-2'"
    )
    assert stored == [(SCRIPT, SQL, FORMULA, IMAGE)]
    assert not list(hostile_run.root.rglob("PWNED")) and not (ROOT / "PWNED").exists()
    for db in (hostile_run.served, hostile_run.work_db):  # raw is in the working database
        assert not [v for v in text_values(db, ("raw", "ops")) if "OUTSIDE-SECRET" in v], db


def test_the_html_report_escapes_every_hostile_text(hostile_run):
    html = pages(hostile_run)
    assert {"index.html", f"org-{ORG}.html"} <= set(html)
    escaped = {
        "org name": "&lt;script&gt;alert(&#x27;greenblue&#x27;)&lt;/script&gt; &amp; &lt;img",
        "unmapped fuel product": "unknown fuel product &#x27;&lt;script&gt;",
        "unmapped refrigerant": "unknown refrigerant &#x27;&lt;IMG SRC=X ONERROR=ALERT(1)&gt;",
        "story": "&lt;img src=x onerror=alert(1)&gt; =HYPERLINK(",
    }
    everything = "\n".join(html.values())
    for what, text in escaped.items():
        assert text in everything, f"{what} is not shown escaped"
    for name, page in html.items():
        assert not re.search(r"<\s*(script|img|iframe)\b", page, re.IGNORECASE), name
