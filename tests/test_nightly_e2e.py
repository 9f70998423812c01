"""The nightly job end to end: generated landing data -> `greenblue run` -> served warehouse.

Real files, real DuckDB, real dbt build and real Dagster runs, driven through the CLI in a
separate process as the scheduler would. The runs build on each other (first run, re-run,
re-delivered file, corrected file), so the module shares one landing folder. The served
file holds `marts`, `ops`, `factors` and `reference`; `raw`, `staging` and `intermediate`
are read from the pipeline's working database (`<warehouse folder>/.work`), between runs.
"""

import csv
import math
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import airportsdata
import duckdb
import openpyxl
import pytest

from pipelines import reconcile
from pipelines.factor_library import current_factor_set
from samples import generate

pytestmark = pytest.mark.slow

KEY = "e2e-test-key-0123456789"
MART_QUERIES = {
    "fct_emissions": "select * from marts.fct_emissions order by emission_id",
    "org_emissions_annual": "select * from marts.org_emissions_annual "
    "order by org_code, reporting_year, scope, category, boundary",
    "fct_emission_sources": "select * from marts.fct_emission_sources "
    "order by emission_id, source_file_id, sheet, source_row",
}


class Pipeline:
    def __init__(self, root: Path):
        self.root = root
        self.landing = root / "landing"
        self.truth = root / "truth"
        self.served = root / "served" / "greenblue.duckdb"
        self.work_db = self.served.parent / ".work" / self.served.name
        self.env = {
            **os.environ,
            "GREENBLUE_LANDING": str(self.landing),
            "GREENBLUE_WAREHOUSE": str(self.served),
            "GREENBLUE_PSEUDONYM_KEY": KEY,
        }
        self.outputs: list[str] = []

    def run(self) -> subprocess.CompletedProcess:
        done = subprocess.run(
            [sys.executable, "-m", "pipelines.cli", "run"],
            env=self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        self.outputs.append(done.stdout + done.stderr)
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        return done

    def query(self, sql: str, params=None, db: Path | None = None) -> list[tuple]:
        """A read-only query on the served file, or on `db`."""
        con = duckdb.connect(str(db or self.served), read_only=True)
        try:
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def work_query(self, sql: str, params=None) -> list[tuple]:
        """A read-only query on the working database (raw, staging, intermediate)."""
        return self.query(sql, params, db=self.work_db)

    def served_and_work_query(self, sql: str, params=None) -> list[tuple]:
        """A read-only query on the served file with the working database attached, read-only,
        as `work`: served tables by their schema, working ones as `work.<schema>.<table>`."""
        con = duckdb.connect(str(self.served), read_only=True)
        try:
            con.execute("attach ? as work (read_only)", [str(self.work_db)])
            return con.execute(sql, params or []).fetchall()
        finally:
            con.close()

    def marts(self) -> dict[str, list[tuple]]:
        return {name: self.query(sql) for name, sql in MART_QUERIES.items()}


@pytest.fixture(scope="module")
def pipeline(tmp_path_factory) -> Pipeline:
    p = Pipeline(tmp_path_factory.mktemp("nightly"))
    generate(p.landing, orgs=5, rows=300, seed=7, truth=p.truth)
    p.run()
    return p


def test_summary_names_every_organization(pipeline):
    summary = pipeline.outputs[0]
    for org in ("UNEP", "UNDP", "UNICEF", "WFP", "UNHCR"):
        assert f"\n{org}" in summary
    assert "published" in summary and "checks: all passed" in summary


def test_every_loaded_file_reconciles(pipeline):
    files = pipeline.query(
        "select relative_path, rows_in, rows_loaded, rows_quarantined, rows_skipped "
        "from ops.file_manifest where status = 'loaded'"
    )
    assert len(files) >= 20
    for path, rows_in, loaded, quarantined, skipped in files:
        assert rows_in == loaded + quarantined, path
        if "_TravelData_" in path and path.endswith(".xlsx"):
            header_rows = 6  # D4 workbooks: title rows, blank, header
        else:
            header_rows = 0 if path.endswith(".json") else 1  # the header or EXTRACT line
        assert skipped >= header_rows, f"{path}: preamble and header rows are structural"
    per_file_raw = dict(
        pipeline.work_query(
            "select file_id, sum(n) from (" + reconcile.raw_counts_sql() + ") group by 1"
        )
    )
    for file_id, loaded in pipeline.query(
        "select file_id, rows_loaded from ops.file_manifest where status = 'loaded'"
    ):
        assert per_file_raw.get(file_id, 0) == loaded


def test_redelivered_copy_is_a_duplicate(pipeline):
    statuses = pipeline.query(
        "select relative_path, message from ops.file_manifest where status = 'duplicate'"
    )
    assert statuses and all("_resent" in p and "same content" in m for p, m in statuses)


def haversine_km(a, b) -> float:
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


def test_every_flight_distance_is_its_great_circle(pipeline):
    airports = airportsdata.load("IATA")
    rows = pipeline.work_query(
        "select origin_iata, destination_iata, distance_km from intermediate.int_air_activities "
        "where distance_km is not null"
    )
    assert len(rows) > 500
    for origin, destination, km in rows:
        expected = haversine_km(airports[origin], airports[destination])
        assert km == pytest.approx(expected, rel=1e-9), (origin, destination)
    flights = pipeline.served_and_work_query(
        "select e.quantity, a.distance_km from marts.fct_emissions e "
        "join work.intermediate.int_air_activities a on a.source_file_id = e.source_file_id "
        "and a.source_row = e.source_row and a.source_sheet = e.source_sheet "
        "where e.activity_type = 'air' and e.factor_status = 'mapped'"
    )
    assert flights and all(q == pytest.approx(km, rel=1e-12) for q, km in flights)


def test_every_kg_is_quantity_times_its_factor(pipeline):
    rows = pipeline.query(
        "select e.quantity, f.kg_co2e_per_unit, e.kg_co2e, e.factor_version "
        "from marts.fct_emissions e join factors.emission_factors f "
        "using (factor_id) where e.factor_status = 'mapped' "
        "and f.factor_version = e.factor_version"
    )
    mapped = pipeline.query("select count(*) from marts.fct_emissions where kg_co2e is not null")
    assert len(rows) == mapped[0][0] > 0
    for quantity, factor, kg, version in rows:
        assert version == current_factor_set(None)
        assert kg == pytest.approx(quantity * factor, rel=1e-9, abs=1e-6)
    unmapped = pipeline.query(
        "select count(*) from marts.fct_emissions where factor_status = 'unmapped' "
        "and (kg_co2e is not null or unmapped_reason is null)"
    )
    assert unmapped == [(0,)], "unmapped rows carry no kg and a reason"


def test_flown_segments_match_the_generated_truth(pipeline):
    expected = {}
    for path in pipeline.truth.rglob("*.csv"):
        if path.name == "duplicates.csv" or "_TravelData_" not in path.name:
            continue
        with path.open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                if row["cancelled"] == "false":
                    key = (
                        row["org"],
                        row["ticket13"],
                        int(row["segment_no"]),
                        row["departure_date"],
                    )
                    expected[key] = expected.get(key, 0) + 1
    found = {}
    for org, ticket, segment, day in pipeline.work_query(
        "select org_code, coalesce(ticket13, ''), segment_no, cast(departure_date as varchar) "
        "from intermediate.int_travel_ticket_row_fates where travel_mode = 'air' "
        "and fate = 'flown'"
    ):
        key = (org, ticket, int(segment), day)
        found[key] = found.get(key, 0) + 1
    assert found == expected


def personal_values(landing: Path) -> set[str]:
    """Traveller names and employee ids as they appear in the input files."""
    values = set()
    for path in landing.rglob("*"):
        if path.suffix == ".xlsx":
            workbook = openpyxl.load_workbook(path, read_only=True)
            for ws in workbook.worksheets:
                rows = list(ws.iter_rows(values_only=True))
                header = next((i for i, r in enumerate(rows) if r and "Traveller Name" in r), None)
                if header is None:
                    continue  # not a travel-agency sheet (e.g. an ME2N spreadsheet export)
                cols = [rows[header].index("Traveller Name"), rows[header].index("Employee ID")]
                for r in rows[header + 1 :]:
                    values.update(str(r[c]) for c in cols if len(r) > c and r[c])
            workbook.close()
        elif path.suffix in (".csv", ".txt") and path.parent.name in ("fuel", "refrigerants"):
            values.update(scope12_personal_values(path))
        elif path.suffix == ".csv":
            text = path.read_bytes().decode("cp1252")
            for r in csv.DictReader(text.splitlines(), delimiter=";"):
                values.update(v for k in ("Traveller Name", "Employee ID") if (v := r.get(k)))
        elif path.suffix == ".txt" and path.read_bytes().startswith(b"EXTRACT|"):
            # Concur SAE: employee id (4), report name (26), mileage from/to (335, 336);
            # values quoted for a `|` sit at 70 only, so a plain split finds these
            data = path.read_bytes()
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                text = data.decode("cp1252")
            for fields in (ln.rstrip("\r").split("|") for ln in text.split("\n")[1:]):
                if len(fields) == 400:
                    values.update(v for i in (4, 26, 335, 336) if (v := fields[i]))
    return values


def test_no_personal_value_reaches_the_warehouse_or_the_output(pipeline):
    """Neither the served file nor the working database (raw, staging, intermediate)."""
    personal = personal_values(pipeline.landing)
    assert len(personal) > 100
    con = duckdb.connect()
    con.execute("attach ? as served (read_only)", [str(pipeline.served)])
    con.execute("attach ? as work (read_only)", [str(pipeline.work_db)])
    con.execute("create table personal as select unnest(?) as v", [sorted(personal)])
    columns = con.execute(
        "select table_catalog, table_schema, table_name, column_name "
        "from information_schema.columns "
        "where table_catalog in ('served', 'work') and data_type = 'VARCHAR'"
    ).fetchall()
    schemas = {(catalog, schema) for catalog, schema, _, _ in columns}
    assert {("work", "raw"), ("work", "staging"), ("work", "intermediate")} <= schemas
    assert {("served", "marts"), ("served", "ops")} <= schemas
    assert len(columns) > 100
    for catalog, schema, table, column in columns:
        where = f"{catalog}: {schema}.{table}.{column}"
        ref = f'{catalog}."{schema}"."{table}"."{column}"'
        found = con.execute(
            f'select count(*) from {catalog}."{schema}"."{table}" where {ref} in '
            "(select v from personal)"
        ).fetchall()[0][0]
        assert found == 0, f"personal value in {where}"
        if column in ("_extra", "message", "value", "reason", "unmapped_reason", "fate_note"):
            leaked = con.execute(
                f'select count(*) from {catalog}."{schema}"."{table}" t, personal p '
                f'where contains(t."{column}", p.v)'
            ).fetchall()[0][0]
            assert leaked == 0, f"personal value inside {where}"
    log = (pipeline.served.parent / ".work" / "logs" / "last-run.log").read_text()
    for text in [*pipeline.outputs, log]:
        assert not [v for v in personal if v in text]


def scope12_personal_values(path: Path) -> set[str]:
    """Driver names and card numbers of fuel-card files, technicians and their certificate
    numbers of refrigerant logs, as written (any delimiter, UTF-8 or cp1252, preamble)."""
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("cp1252")
    lines = text.splitlines()
    columns = ("Driver Name", "Card Number", "Technician", "Certificate No")
    start = next(
        (i for i, ln in enumerate(lines) if "Driver Name" in ln or "Technician" in ln), None
    )
    if start is None:
        return set()
    delimiter = max(";,\t", key=lines[start].count)
    rows = csv.DictReader(lines[start:], delimiter=delimiter)
    return {v for r in rows for k in columns if (v := r.get(k))}


ANALYST = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    FIGURES = "select count(*), sum(kg_co2e::decimal(38, 12)) from marts.fct_emissions"
    before = con.execute(FIGURES).fetchall()
    print("ready", flush=True)
    sys.stdin.readline()
    after = con.execute(FIGURES).fetchall()
    print(before == after, flush=True)
    """
)


def test_second_run_changes_nothing_while_an_analyst_reads(pipeline):
    before = pipeline.marts()
    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(pipeline.served)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "ready"
        done = pipeline.run()  # the analyst holds a read-only connection the whole time
        analyst.stdin.write("go\n")
        analyst.stdin.flush()
        assert analyst.stdout.readline().strip() == "True"
    finally:
        analyst.wait(timeout=60)
    assert "0 new files" in done.stdout and "0 rows loaded" in done.stdout
    assert pipeline.marts() == before


def test_a_copy_under_a_new_name_changes_nothing(pipeline):
    before = pipeline.marts()
    original = sorted(pipeline.landing.glob("UNEP/travel/*.xlsx"))[0]
    shutil.copyfile(original, original.with_name("copy of " + original.name))
    pipeline.run()
    assert pipeline.marts() == before
    status = pipeline.query(
        "select status from ops.file_manifest where relative_path like '%copy of %'"
    )
    assert status == [("duplicate",)]


def test_a_corrected_file_at_the_same_path_replaces_its_rows(pipeline):
    # a re-delivered copy (`_resent`) is a duplicate, not a loaded file: skip those
    target = sorted(
        p for p in pipeline.landing.glob("UNDP/travel/*.xlsx") if "_resent" not in p.name
    )[1]
    relative = target.relative_to(pipeline.landing).as_posix()
    (old_id,) = pipeline.query(
        "select file_id from ops.file_manifest where relative_path = ? and status = 'loaded'",
        [relative],
    )[0]
    workbook = openpyxl.load_workbook(target)
    hotel = workbook["Hotel"]
    hotel.delete_rows(7, hotel.max_row - 6)  # the corrected export has no hotel bookings
    workbook.save(target)
    pipeline.run()
    (status,) = pipeline.query("select status from ops.file_manifest where file_id = ?", [old_id])[
        0
    ]
    assert status == "superseded"
    new = pipeline.query(
        "select file_id, rows_loaded from ops.file_manifest "
        "where relative_path = ? and status = 'loaded'",
        [relative],
    )
    assert len(new) == 1 and new[0][0] != old_id
    for table in ("marts.fct_emissions", "marts.fct_emission_sources"):
        left = pipeline.query(f"select count(*) from {table} where source_file_id = ?", [old_id])
        assert left == [(0,)], f"old rows still in {table}"
    hotels = pipeline.query(
        "select count(*) from marts.fct_emissions where source_file_id = ? "
        "and activity_type = 'hotel'",
        [new[0][0]],
    )
    assert hotels == [(0,)]
    air = pipeline.query(
        "select count(*) from marts.fct_emissions where source_file_id = ? "
        "and activity_type = 'air'",
        [new[0][0]],
    )
    assert air[0][0] > 0
