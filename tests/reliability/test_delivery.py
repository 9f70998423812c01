"""Fault family 1, delivery: files sent twice, corrected, late, empty, cut short or odd.

Guaranteed, per file and across the dialects it concerns:
- the same bytes under two names count once: the second is `duplicate`, naming the first,
  and no mart row comes from it;
- a corrected file at the same path supersedes the old one: its old rows leave every mart,
  the new ones come in, and going back to the first version counts that one again;
- a late file for a year already published restates it visibly: `ops.published_figures`
  keeps the first figure beside the new one, the difference is exactly the late rows, and
  `ops.runs` counts the run's new, loaded and duplicate files and rows;
- an empty file (0 bytes, or only line breaks) is rejected as empty; a header-only file is
  loaded with no rows; a JSON, extract or workbook cut short is rejected whole, and a list
  or CSV file cut mid-row quarantines the cut row, naming the first missing column;
- a workbook's other sheets (cover, summary) and total rows are never data; two sheets
  holding one table are refused rather than one of them left unread.
Connector- and warehouse-level cases run on tmp DuckDB files (`plan` + `load_pending`);
the mart cases share one landing folder and two `greenblue run` in one warehouse.
"""

import dataclasses
import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from connectors import dialects
from connectors.base import RejectedFile
from connectors.landing import scan
from connectors.organizations import load_registry
from pipelines import database, manifest, raw_load
from tests.builders.common import (
    KEY,
    Export,
    csv_lines,
    first_data_row,
    quarantine_of,
    read,
    read_export,
    xlsx_bytes,
)
from tests.builders.concur_sae import CONCUR, concur_bytes, concur_detail
from tests.builders.exports import CSV_EXPORTS, TABULAR
from tests.builders.fuelcard import FUELCARD, comma_variant, fuel_row
from tests.builders.generator_fuel_log import GENERATOR_XLSX
from tests.builders.landing import Run, write_registry
from tests.builders.sap_me2n import SAP_DE, SAP_XLSX
from tests.builders.tmc_travel import TMC_CSV, TMC_XLSX
from tests.builders.utility_bill import UTILITY_JSON, json_bytes, utility_document

pytestmark = pytest.mark.slow


@dataclasses.dataclass(frozen=True)
class Delivery:
    """A file as a focal point drops it: where, what bytes, which raw table it fills."""

    name: str
    domain: str
    suffix: str
    data: bytes
    table: str

    def path(self, stem: str) -> str:
        return f"UNEP/{self.domain}/{stem}{self.suffix}"


def delivery(export: Export) -> Delivery:
    return Delivery(export.name, export.domain, export.suffix, export.bytes(), export.table)


DELIVERIES = [
    *[delivery(e) for e in TABULAR],
    Delivery("utility_json", "energy", ".json", json_bytes(UTILITY_JSON), "utility_bill_meters"),
    Delivery("concur_sae_pipe", "travel", ".txt", CONCUR, "concur_sae_detail"),
]


def name(item: Delivery | Export) -> str:
    return item.name


class Warehouse:
    """A landing folder and a working DuckDB file, loaded the way the raw assets load them."""

    def __init__(self, root: Path):
        self.landing = root / "landing"
        self.db = root / "work.duckdb"
        self.registry = write_registry(self.landing)
        self.con = database.connect(self.db)
        database.ensure_schema(self.con)
        self.runs = 0
        self.written = 0

    def put(self, relative: str, data: bytes) -> None:
        """Write a file with a modification time of its own, as a new delivery has."""
        path = self.landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        self.written += 1
        stamp = 1_700_000_000_000_000_000 + self.written * 1_000_000_000
        os.utime(path, ns=(stamp, stamp))

    def run(self) -> manifest.PlanSummary:
        self.runs += 1
        run_id = f"run-{self.runs}"
        files = scan(self.landing, self.registry, load_registry(self.registry))
        summary = manifest.plan(self.con, files, run_id, log=lambda _: None)
        for dialect in dialects.DIALECTS:
            raw_load.load_pending(self.con, self.landing, dialect, KEY, run_id, lambda _: None)
        return summary

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        return self.con.execute(sql, params or []).fetchall()

    def manifest(self, relative: str) -> list[dict]:
        """Every version of a path, oldest first."""
        columns = ("file_id", "status", "supersedes", "rows_in", "rows_loaded",
                   "rows_quarantined", "rows_skipped", "message")  # fmt: skip
        rows = self.query(
            f"select {', '.join(columns)} from ops.file_manifest where relative_path = ? "
            "order by first_seen_at, file_id",
            [relative],
        )
        return [dict(zip(columns, r, strict=True)) for r in rows]

    def raw_rows(self, table: str, file_id: str) -> int:
        return self.query(f"select count(*) from raw.{table} where _file_id = ?", [file_id])[0][0]


def corrected(item: Delivery) -> bytes:
    """The export as sent again after a correction: a reading changed, or a row less."""
    if item.suffix == ".json":
        return json_bytes(utility_document(("2024-02-15", "2024-03-14", 15320.0)))
    if item.suffix == ".txt":
        return concur_bytes([concur_detail(1)])
    export = next(e for e in TABULAR if e.name == item.name)
    return export.with_rows(export.rows[:1]).bytes()


@pytest.fixture(scope="module")
def duplicates(tmp_path_factory) -> tuple[Warehouse, list]:
    """Every dialect's file with a copy beside it (run 1), and a copy re-sent (run 2)."""
    wh = Warehouse(tmp_path_factory.mktemp("duplicates"))
    for item in DELIVERIES:
        wh.put(item.path(item.name), item.data)
        wh.put(item.path(f"{item.name}_copy"), item.data)
    summaries = [wh.run()]
    for item in DELIVERIES:
        wh.put(item.path(f"{item.name}_resent"), item.data)
    summaries.append(wh.run())
    return wh, summaries


def test_copies_are_counted_as_duplicates_in_each_run(duplicates):
    _, (first, second) = duplicates

    n = len(DELIVERIES)
    assert (first.new, first.duplicate, first.rejected) == (n, n, 0)
    assert (second.new, second.duplicate, second.unchanged) == (0, n, 2 * n)


@pytest.mark.parametrize("item", DELIVERIES, ids=name)
def test_the_same_content_under_two_names_counts_once(duplicates, item):
    wh, _ = duplicates
    first = item.path(item.name)

    (original,) = wh.manifest(first)
    assert original["status"] == "loaded" and original["rows_in"] == 2 - (item.suffix == ".json")
    assert original["rows_in"] == original["rows_loaded"] + original["rows_quarantined"]
    assert wh.raw_rows(item.table, original["file_id"]) == original["rows_loaded"]
    for copy in (item.path(f"{item.name}_copy"), item.path(f"{item.name}_resent")):
        (dup,) = wh.manifest(copy)
        assert dup["status"] == "duplicate" and dup["rows_loaded"] is None
        assert dup["message"] == f"same content as {first}: counted once"
        assert wh.raw_rows(item.table, dup["file_id"]) == 0


@pytest.fixture(scope="module")
def corrections(tmp_path_factory) -> tuple[Warehouse, dict]:
    """Every dialect's file (run 1), corrected at the same path (run 2), then reverted (run 3);
    returns the manifest of each path as it was after run 2."""
    wh = Warehouse(tmp_path_factory.mktemp("corrections"))
    for item in DELIVERIES:
        wh.put(item.path(item.name), item.data)
    wh.run()
    for item in DELIVERIES:
        wh.put(item.path(item.name), corrected(item))
    wh.run()
    after_correction = {item.name: wh.manifest(item.path(item.name)) for item in DELIVERIES}
    for item in DELIVERIES:
        wh.put(item.path(item.name), item.data)
    wh.run()
    return wh, after_correction


@pytest.mark.parametrize("item", DELIVERIES, ids=name)
def test_a_corrected_file_at_the_same_path_supersedes_the_old_one(corrections, item):
    wh, after_correction = corrections

    old, new = after_correction[item.name]
    assert old["status"] == "superseded"
    assert new["status"] == "loaded" and new["supersedes"] == old["file_id"]
    assert new["rows_loaded"] == 1 and wh.raw_rows(item.table, new["file_id"]) == 1


@pytest.mark.parametrize("item", DELIVERIES, ids=name)
def test_going_back_to_the_first_version_counts_it_again(corrections, item):
    wh, after_correction = corrections
    old, new = after_correction[item.name]

    versions = {v["file_id"]: v for v in wh.manifest(item.path(item.name))}

    assert set(versions) == {old["file_id"], new["file_id"]}
    assert versions[old["file_id"]]["status"] == "loaded"
    assert versions[old["file_id"]]["supersedes"] == new["file_id"]
    assert versions[new["file_id"]]["status"] == "superseded"
    assert wh.raw_rows(item.table, old["file_id"]) == old["rows_loaded"]


EMPTY = [
    pytest.param("UNEP/fuel/statement.csv", b"", id="csv-0-bytes"),
    pytest.param("UNEP/fuel/statement_blank.csv", b"\r\n\r\n", id="csv-line-breaks-only"),
    pytest.param("UNEP/travel/extract.txt", b"", id="txt-0-bytes"),
    pytest.param("UNEP/energy/statements.json", b"", id="json-0-bytes"),
    pytest.param("UNEP/travel/TravelData.xlsx", b"", id="xlsx-0-bytes"),
    pytest.param("UNEP/procurement/ME2N.xlsx", b"", id="procurement-xlsx-0-bytes"),
]


def header_only(item: Delivery) -> bytes:
    if item.suffix == ".json":
        return json_bytes({"generatedAt": "2024-04-02T06:00:00Z", "statements": []})
    if item.suffix == ".txt":
        return b"EXTRACT|2024-04-02|0|0.0000|812\n"
    return next(e for e in TABULAR if e.name == item.name).with_rows([]).bytes()


@pytest.fixture(scope="module")
def hollow(tmp_path_factory) -> Warehouse:
    """Empty files and header-only files of every dialect, in one run."""
    wh = Warehouse(tmp_path_factory.mktemp("hollow"))
    for param in EMPTY:
        wh.put(*param.values)
    for item in DELIVERIES:
        wh.put(item.path(f"{item.name}_header_only"), header_only(item))
    wh.run()
    return wh


@pytest.mark.parametrize(("relative", "data"), EMPTY)
def test_an_empty_file_is_rejected_as_empty(hollow, relative, data):
    ((entry),) = hollow.manifest(relative)

    assert entry["status"] == "rejected" and entry["rows_in"] is None
    assert f"the file is empty ({len(data)} bytes)" in entry["message"]


@pytest.mark.parametrize("item", DELIVERIES, ids=name)
def test_a_header_only_file_loads_with_no_rows(hollow, item):
    ((entry),) = hollow.manifest(item.path(f"{item.name}_header_only"))

    assert entry["status"] == "loaded", entry["message"]
    assert (entry["rows_in"], entry["rows_loaded"], entry["rows_quarantined"]) == (0, 0, 0)
    expected_skipped = {".json": 0, ".txt": 1}.get(item.suffix)
    if expected_skipped is None:
        export = next(e for e in TABULAR if e.name == item.name)
        expected_skipped = len(export.title_rows) + 1
    assert entry["rows_skipped"] == expected_skipped


def test_a_file_seen_while_still_empty_loads_once_complete(tmp_path):
    wh = Warehouse(tmp_path)
    path = "UNEP/travel/CWT_UNEP_TravelData_202403.xlsx"
    wh.put(path, b"")
    wh.run()
    wh.put(path, TMC_XLSX.bytes())
    wh.run()

    empty, complete = wh.manifest(path)
    assert empty["status"] == "superseded" and "empty" in empty["message"]
    assert complete["status"] == "loaded" and complete["rows_loaded"] == 2
    assert complete["supersedes"] == empty["file_id"]


def test_an_unreadable_correction_withdraws_the_old_rows(tmp_path):
    wh = Warehouse(tmp_path)
    path = "UNEP/energy/utility_statements_20240402.json"
    wh.put(path, json_bytes(UTILITY_JSON))
    wh.run()
    wh.put(path, json_bytes(UTILITY_JSON)[:200])
    wh.run()

    old, new = wh.manifest(path)
    assert (old["status"], new["status"]) == ("superseded", "rejected")
    assert new["message"].startswith("no dialect recognised the file; nearest: utility_bill_json")
    assert "not valid JSON" in new["message"]


def cut_in_last_row(export: Export) -> bytes:
    """The file as a download that stopped inside the last row's third field from the end:
    no line break after it, that field's value cut in half, the fields after it gone."""
    lines = csv_lines(export)
    cells = lines[-1].split(export.delimiter)
    keep = len(cells) - 3
    cut = cells[keep][: max(1, len(cells[keep]) // 2)]
    last = export.delimiter.join([*cells[:keep], cut])
    return "".join(line + export.newline for line in lines[:-1]).encode(export.encoding) + (
        last.encode(export.encoding)
    )


@pytest.mark.parametrize("export", CSV_EXPORTS, ids=lambda e: e.name)
def test_a_row_the_file_ends_inside_of_is_quarantined(export):
    table = read_export(export, cut_in_last_row(export))

    last = first_data_row(export) + 1
    (entry,) = [e for e in quarantine_of(table, last) if "ends inside" in e["reason"]]
    assert entry["column_name"] == export.header[len(export.header) - 2]
    assert "cut short" in entry["reason"]
    assert table.rows.get_column("_source_row").to_list() == [last - 1]
    assert table.rows_in == 2


def test_a_row_cut_short_loses_no_flag_that_decides_what_counts():
    """A deleted SAP item whose deletion flag was cut off would be counted: never loaded."""
    deleted = SAP_DE.with_cell(1, "Löschkennzeichen", "L")
    lines = csv_lines(deleted)
    cut = lines[-1][: lines[-1].index(";L;")]
    data = ("\r\n".join(lines[:-1]) + "\r\n" + cut).encode("cp1252")

    table = read_export(SAP_DE, data)

    assert table.rows.get_column("_source_row").to_list() == [2]
    assert any("ends inside" in e["reason"] for e in quarantine_of(table, 3))


CUT_FILES = [
    pytest.param(json_bytes(UTILITY_JSON)[:300], ".json", "energy", "not valid JSON", id="json"),
    pytest.param(CONCUR[:-200], ".txt", "travel", "fields, expected exactly 400", id="extract"),
    pytest.param(TMC_XLSX.bytes()[:3000], ".xlsx", "travel", "not a valid .xlsx", id="workbook"),
    pytest.param(
        GENERATOR_XLSX.bytes()[:-100], ".xlsx", "fuel", "not a valid .xlsx", id="generator-log"
    ),
]


@pytest.mark.parametrize(("data", "suffix", "domain", "reason"), CUT_FILES)
def test_a_structured_file_cut_short_is_rejected_whole(data, suffix, domain, reason):
    with pytest.raises(RejectedFile, match=reason):
        read(data, suffix, domain)


def test_an_extract_missing_its_last_lines_is_rejected_with_both_counts():
    lines = CONCUR.split(b"\n")

    with pytest.raises(RejectedFile) as caught:
        read(b"\n".join(lines[:2]) + b"\n", ".txt", "travel")

    message = str(caught.value)
    assert "announces 2 DETAIL lines totalling 85.0000" in message
    assert "the file has 1 DETAIL lines totalling 42.5000" in message


SUMMARY = Export(
    "summary", "", "", ".xlsx", ("Month", "Segments", "CO2 kg"), (("Mar", 2, 1424.8),), "",
    sheet="Summary",
)  # fmt: skip
COVER = [["Travel Data Report"], ["Client: UNEP"], ["Sheets: Air Segments, Hotel, Rail"]]


def test_a_workbooks_cover_and_summary_sheets_are_never_data():
    result = read(xlsx_bytes([TMC_XLSX, SUMMARY], title_sheet=COVER), ".xlsx", "travel")

    (air,) = result.tables
    assert air.table.name == "tmc_air_segments" and air.rows_in == 2
    assert set(air.rows.get_column("_sheet")) == {"Air Segments"}


def test_a_log_with_month_sheets_and_a_summary_reads_every_month():
    feb = dataclasses.replace(GENERATOR_XLSX, sheet="Feb")
    summary = dataclasses.replace(SUMMARY, header=("Month", "Quantity Delivered", "Total Cost"))

    (log,) = read(xlsx_bytes([feb, GENERATOR_XLSX, summary]), ".xlsx", "fuel").tables

    assert log.rows_in == 4 and log.quarantine.is_empty()
    assert log.rows.get_column("_sheet").to_list() == ["Feb", "Feb", "Mar", "Mar"]


def test_a_list_behind_a_cover_sheet_is_found():
    (items,) = read(xlsx_bytes([SAP_XLSX], title_sheet=COVER), ".xlsx", "procurement").tables

    assert items.rows_in == 2 and set(items.rows.get_column("_sheet")) == {"Sheet1"}


TWO_SHEETS = [
    pytest.param(
        [TMC_XLSX, dataclasses.replace(TMC_XLSX, sheet="Air Segments Q2")],
        "travel",
        "sheets 'Air Segments', 'Air Segments Q2' each hold the Air Segments columns",
        id="travel-workbook",
    ),
    pytest.param(
        [SAP_XLSX, dataclasses.replace(SAP_XLSX, sheet="Q2")],
        "procurement",
        "sheets 'Sheet1', 'Q2' each hold a purchasing or vendor list",
        id="me2n-workbook",
    ),
]


@pytest.mark.parametrize(("sheets", "domain", "message"), TWO_SHEETS)
def test_two_sheets_holding_one_table_are_refused_not_half_read(sheets, domain, message):
    with pytest.raises(RejectedFile, match=message):
        read(xlsx_bytes(sheets), ".xlsx", domain)


def total(export: Export, label: str, sums: dict[str, object]) -> tuple:
    return tuple(label if i == 0 else sums.get(h) for i, h in enumerate(export.header))


TOTALS = [
    pytest.param(
        TMC_XLSX,
        [total(TMC_XLSX, "Total", {"Ticket Total": 1230.75, "CO2 kg": 1424.8})],
        id="travel-workbook",
    ),
    pytest.param(TMC_CSV, [total(TMC_CSV, "Total", {"Ticket Total": "1230.75"})], id="travel-csv"),
    pytest.param(
        GENERATOR_XLSX,
        [total(GENERATOR_XLSX, "TOTAL", {"Quantity Delivered": "=SUM(E6:E7)"})],
        id="generator-log",
    ),
    pytest.param(
        SAP_DE,
        [
            total(SAP_DE, "*", {"Bestellnettowert": "3.934,56", "Währung": "USD"}),
            total(SAP_DE, "**", {"Bestellnettowert": "3.934,56", "Währung": "USD"}),
        ],
        id="sap-subtotal-and-total",
    ),
    pytest.param(FUELCARD, [total(FUELCARD, "Total", {"Quantity": "84.950"})], id="fuel-card"),
]


@pytest.mark.parametrize(("export", "totals"), TOTALS)
def test_total_rows_are_structural_not_data(export, totals):
    table = read_export(export.with_rows([*export.rows, *totals]))

    assert table.rows_in == 2 and table.rows.height == 2 and table.quarantine.is_empty()
    assert table.rows_skipped == read_export(export).rows_skipped + len(totals)


# --- in the marts: two nightly runs over one landing folder ---------------------------------

MART_QUERIES = {
    "fct_emissions": "select * from marts.fct_emissions order by emission_id",
    "fct_emission_sources": "select * from marts.fct_emission_sources order by all",
}
AIR = "UNEP/travel/CWT_UNEP_TravelData_202403.xlsx"
UTILITY = "UNEP/energy/utility_statements_20240402.json"
UTILITY_COPY = "UNEP/energy/utility_statements_20240402_copy.json"
FUEL_2023 = "UNEP/fuel/ShellFleet_CZ1234567890_20231231.csv"
FUEL_2023_RESENT = "UNEP/fuel/ShellFleet_CZ1234567890_20231231_resent.csv"
FUEL_2024 = "UNEP/fuel/ShellFleet_CZ1234567890_20240531.csv"
LATE_2023 = "UNEP/fuel/RubisCard_CZ5550001111_20231231.csv"
CORRECTED_LITRES = ("45.200", "52.000", "20.000")
LATE_LITRES = ("1234.500", "250.750")
LATE_DAYS = ("05/03/2023", "31/12/2023")


def excel_serial(day: dt.date) -> int:
    return (day - dt.date(1899, 12, 30)).days


def air_workbook() -> bytes:
    """Two flown segments with serial-number dates, a Total row and a summary sheet."""
    days = (dt.date(2024, 3, 5), dt.date(2024, 3, 7))
    air = TMC_XLSX
    for row, day in enumerate(days):
        for column in ("Issue Date", "Departure Date", "Arrival Date"):
            air = air.with_cell(row, column, excel_serial(day))
    air = air.with_rows([*air.rows, total(air, "Total", {"Ticket Total": 1230.75})])
    return xlsx_bytes([air, SUMMARY])


def fuel_file(rows: list[tuple]) -> bytes:
    return FUELCARD.with_rows(rows).bytes()


def first_landing(landing: Path) -> None:
    write_registry(landing)
    files = {
        AIR: air_workbook(),
        UTILITY: json_bytes(UTILITY_JSON),
        UTILITY_COPY: json_bytes(UTILITY_JSON),
        FUEL_2023: fuel_file(
            [fuel_row("T-0901", "14/06/2023", "60.000"), fuel_row("T-0902", "20/09/2023", "40.000")]
        ),
        FUEL_2024: fuel_file(
            [fuel_row("T-1001", "02/05/2024", "45.200"), fuel_row("T-1002", "15/05/2024", "38.750")]
        ),
    }
    for relative, data in files.items():
        (landing / relative).parent.mkdir(parents=True, exist_ok=True)
        (landing / relative).write_bytes(data)


def second_delivery(landing: Path) -> None:
    """A re-sent copy, a corrected file at the same path and a late file for 2023."""
    shutil.copyfile(landing / FUEL_2023, landing / FUEL_2023_RESENT)
    ids = ("T-1001", "T-1002", "T-1003")
    days = ("02/05/2024", "15/05/2024", "28/05/2024")
    corrected = [fuel_row(*cells) for cells in zip(ids, days, CORRECTED_LITRES, strict=True)]
    (landing / FUEL_2024).write_bytes(fuel_file(corrected))
    late = [
        fuel_row(*cells) for cells in zip(("T-2001", "T-2002"), LATE_DAYS, LATE_LITRES, strict=True)
    ]
    (landing / LATE_2023).write_bytes(comma_variant(FUELCARD.with_rows(late)).bytes())


class Pipeline(Run):
    """`greenblue run`s on one landing folder, keeping the marts after each."""

    def __init__(self, root: Path):
        super().__init__(root, root / "landing")
        self.snapshots: list[dict[str, list[tuple]]] = []

    def run(self) -> "Pipeline":
        super().run()
        assert self.returncode == 0, self.stdout[-3000:] + self.stderr[-3000:]
        self.snapshots.append({k: self.query(q) for k, q in MART_QUERIES.items()})
        return self

    def file_id(self, relative: str, status: str) -> str:
        ((file_id,),) = self.query(
            "select file_id from ops.file_manifest where relative_path = ? and status = ?",
            [relative, status],
        )
        return file_id

    def mart_rows(self, file_id: str) -> list[tuple]:
        return self.query(
            "select 'fct_emissions', emission_id from marts.fct_emissions "
            "where source_file_id = ? union all "
            "select 'fct_emission_sources', emission_id from marts.fct_emission_sources "
            "where source_file_id = ?",
            [file_id, file_id],
        )


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    p = Pipeline(tmp_path_factory.mktemp("delivery"))
    first_landing(p.landing)
    p.run()
    second_delivery(p.landing)
    p.run()
    return p


def test_both_runs_publish_and_ops_runs_counts_each_runs_files(pipeline):
    runs = pipeline.query(
        "select status, files_new, files_loaded, files_duplicate, rows_loaded, rows_quarantined "
        "from ops.runs order by started_at"
    )
    assert runs == [
        ("published", 5, 4, 1, 2 + 1 + 2 + 2, 0),
        ("published", 3, 2, 1, len(CORRECTED_LITRES) + len(LATE_LITRES), 0),
    ]


def test_every_loaded_file_accounts_for_its_rows(pipeline):
    files = pipeline.query(
        "select relative_path, rows_in, rows_loaded, rows_quarantined from ops.file_manifest "
        "where status = 'loaded' order by relative_path"
    )
    assert [f[0] for f in files] == sorted([AIR, UTILITY, FUEL_2023, FUEL_2024, LATE_2023])
    assert all(rows_in == loaded + quarantined for _, rows_in, loaded, quarantined in files)


@pytest.mark.parametrize(
    ("copy", "original"), [(UTILITY_COPY, UTILITY), (FUEL_2023_RESENT, FUEL_2023)]
)
def test_the_same_content_twice_counts_once_in_the_marts(pipeline, copy, original):
    ((status, message),) = pipeline.query(
        "select status, message from ops.file_manifest where relative_path = ?", [copy]
    )
    assert (status, message) == ("duplicate", f"same content as {original}: counted once")
    duplicate = pipeline.query(
        "select file_id from ops.file_manifest where relative_path = ?", [copy]
    )[0][0]
    assert pipeline.mart_rows(duplicate) == []
    assert pipeline.mart_rows(pipeline.file_id(original, "loaded")) != []


def test_a_meter_reading_delivered_twice_is_one_quantity(pipeline):
    ((kwh,),) = pipeline.query(
        "select sum(quantity) from marts.fct_emissions where activity_type = 'electricity'"
    )
    assert kwh == pytest.approx(15230.0)


def fuel_quantities(pipeline: Pipeline, relative: str) -> list[tuple]:
    return pipeline.query(
        "select e.activity_date, e.reporting_year, e.quantity, e.unit from marts.fct_emissions e "
        "join ops.file_manifest m on m.file_id = e.source_file_id "
        "where m.relative_path = ? and m.status = 'loaded' order by e.activity_date",
        [relative],
    )


def test_a_corrected_file_replaces_its_rows_in_every_mart(pipeline):
    old = pipeline.file_id(FUEL_2024, "superseded")
    new = pipeline.file_id(FUEL_2024, "loaded")

    assert pipeline.mart_rows(old) == []
    litres = [(q, u) for _, _, q, u in fuel_quantities(pipeline, FUEL_2024)]
    assert litres == [(pytest.approx(float(q)), "litre") for q in CORRECTED_LITRES]
    sources = pipeline.query(
        "select count(distinct source_row) from marts.fct_emission_sources "
        "where source_file_id = ?",
        [new],
    )
    assert sources == [(len(CORRECTED_LITRES),)]


def restatements(pipeline: Pipeline) -> dict[tuple, tuple]:
    rows = pipeline.query("select * from ops.restatements")  # the served file's view
    return {(r[0], r[1], r[2]): (r[3], r[6]) for r in rows}


def kg_of(pipeline: Pipeline, relative: str) -> float:
    return pipeline.query(
        "select sum(e.kg_co2e) from marts.fct_emissions e join ops.file_manifest m "
        "on m.file_id = e.source_file_id where m.relative_path = ? and m.status = 'loaded'",
        [relative],
    )[0][0]


def test_a_late_file_for_a_published_year_is_read_in_its_own_formats(pipeline):
    """Decimal comma with thousands dots, `;`, cp1252 and DD/MM/YYYY dates (D5 variant)."""
    rows = fuel_quantities(pipeline, LATE_2023)

    assert rows == [
        (dt.date(2023, 3, 5), 2023, pytest.approx(1234.5), "litre"),
        (dt.date(2023, 12, 31), 2023, pytest.approx(250.75), "litre"),
    ]


def test_a_late_file_for_a_published_year_is_a_visible_restatement(pipeline):
    restated = restatements(pipeline)
    late_t = kg_of(pipeline, LATE_2023) / 1000

    for figure in ("all", "scope 1", "domain fuel"):
        before, after = restated[("UNEP", 2023, figure)]
        assert after - before == pytest.approx(late_t, rel=1e-9), figure
    published = pipeline.query(
        "select count(distinct run_id) from ops.published_figures "
        "where org_code = 'UNEP' and reporting_year = 2023 and figure = 'all'"
    )
    assert published == [(2,)], "the first figure is kept beside the restated one"


def test_only_the_figures_of_changed_files_are_restated(pipeline):
    restated = restatements(pipeline)

    assert {figure for _, _, figure in restated} == {"all", "scope 1", "domain fuel"}
    before, after = restated[("UNEP", 2024, "domain fuel")]
    added = sum(float(q) for q in CORRECTED_LITRES) - (45.2 + 38.75)
    factor = kg_of(pipeline, FUEL_2024) / sum(float(q) for q in CORRECTED_LITRES)
    assert after - before == pytest.approx(added * factor / 1000, rel=1e-9)


def test_rows_of_files_nobody_touched_are_unchanged(pipeline):
    touched = {
        pipeline.file_id(FUEL_2024, "superseded"),
        pipeline.file_id(FUEL_2024, "loaded"),
        pipeline.file_id(LATE_2023, "loaded"),
    }
    first, second = pipeline.snapshots
    for mart, rows in first.items():
        columns = [c[0] for c in pipeline.query(f"describe marts.{mart}")]
        source = columns.index("source_file_id")
        keep = [r for r in rows if r[source] not in touched]
        assert keep == [r for r in second[mart] if r[source] not in touched], mart
        assert keep, mart


def test_serial_number_dates_of_a_workbook_reach_the_marts_as_dates(pipeline):
    flights = pipeline.query(
        "select activity_date from marts.fct_emissions where activity_type = 'air' "
        "order by activity_date"
    )
    assert flights == [(dt.date(2024, 3, 5),), (dt.date(2024, 3, 7),)]
