"""Fault-matrix family 10: no data value can make SQL fail (docs/contract.md section 3.5).

A working database is built the way a run builds it (a generated landing folder read by
the connectors, the factor library, airports, currency rates and the registry), then every
raw text column of every raw table of every dialect gets hostile values beside the good
rows: words where numbers belong (`Employee`, as Cornell's Concur extracts hold at a
custom-field position), `NaN`, infinities, numbers no type holds, impossible dates,
non-ASCII digits, decimal commas, a 10 kB string. Each planted row is a good row with one
cell replaced (so it reaches every model past the joins), plus rows with every cell
replaced, all under a manifest entry `loaded`, as an older connector could have left them.

Guaranteed: ONE real `dbt build` over all dialects at once builds every model; data tests
may flag rows, no model fails. Values that do not cast are NULL and their rows say which
column held what (`cast_issue` in staging, `unmapped_reason` downstream), never 0 kg.
"""

import json
from pathlib import Path

import duckdb
import pytest

from connectors import dialects
from connectors.landing import scan
from connectors.organizations import load_registry
from pipelines import (
    database,
    factor_library,
    manifest,
    org_registry,
    raw_load,
    reference_data,
    stories,
)
from samples import generate
from tests.builders.landing import dbt

pytestmark = pytest.mark.slow

KEY = b"hostile-values-pseudonym-key"
HOSTILE = (
    "Employee",
    "NaN",
    "inf",
    "-inf",
    "1e309",
    "",
    " ",
    "x" * 10_000,
    "١٢٣",
    "12,5",
    "--1",
    "2024-02-30",
    "99999999999999999999999",
    "999999999999999.99",  # the largest magnitude a number may have: arithmetic on it
)


def load_generated(root: Path) -> duckdb.DuckDBPyConnection:
    """A small generated landing folder, loaded as a run loads it."""
    landing = root / "landing"
    generate(landing, orgs=1, rows=60, seed=3)
    orgs = landing / "organizations.yaml"
    con = database.connect(root / "work" / "greenblue.duckdb")
    database.ensure_schema(con)
    factor_library.load_factors(con)
    reference_data.load_airports(con)
    reference_data.load_places(con)
    reference_data.load_currency_rates(con)
    org_registry.load_organizations(con, load_registry(orgs))
    stories.load_success_stories(con, landing / "_system" / "stories", set())
    manifest.plan(con, scan(landing, orgs, load_registry(orgs)), "hostile", log=lambda _: None)
    for dialect in dialects.DIALECTS:
        raw_load.load_pending(con, landing, dialect, KEY, "hostile", log=lambda _: None)
    return con


def plant(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Hostile rows in every raw table, each table under one more `loaded` file."""
    planted = {}
    for dialect, table in dialects.raw_tables():
        name, columns = table.name, table.raw_columns
        file_id = f"hostile-{name}"
        template = con.execute(
            f"select * exclude (_file_id, _source_row) from raw.{name} "
            "order by _file_id, _sheet, _source_row limit 1"
        ).fetchall()
        org = "UNEP"
        rows = []
        if template:
            cells = dict(zip([d[0] for d in con.description], template[0], strict=True))
            org = cells["_org_code"]
            for column in columns:
                rows += [{**cells, column: value} for value in HOSTILE]
        else:
            cells = {"_sheet": None, "_org_code": org, "_loaded_at": None, "_extra": None}
        rows += [{**cells, **dict.fromkeys(columns, value)} for value in HOSTILE]
        for number, row in enumerate(rows, start=2):
            row.update(_file_id=file_id, _source_row=number)
        names = list(rows[0])
        quoted = ", ".join(f'"{n}"' for n in names)
        con.executemany(
            f"insert into raw.{name} ({quoted}) values ({', '.join('?' for _ in names)})",
            [[r[n] for n in names] for r in rows],
        )
        con.execute(
            "insert into ops.file_manifest (file_id, org_code, domain, dialect, relative_path, "
            "sha256, first_seen_at, loaded_at, status, rows_in, rows_loaded, rows_quarantined, "
            "rows_skipped) values (?, ?, ?, ?, ?, ?, now(), now(), 'loaded', ?, ?, 0, 0)",
            [file_id, org, dialect.domain, dialect.name, f"{org}/{dialect.domain}/{file_id}.csv",
             file_id, len(rows), len(rows)],
        )  # fmt: skip
        planted[name] = len(rows)
    return planted


def dbt_build(work_db: Path, root: Path) -> list[dict]:
    """One `dbt build` as the pipeline runs it; returns dbt's result for every node."""
    done = dbt(
        work_db, root, "build",
        "--vars", json.dumps({"factor_set": factor_library.current_factor_set(None)}),
        "--exclude", "resource_type:test",
        timeout=900,
    )  # fmt: skip
    results = root / "target" / "run_results.json"
    assert results.exists(), done.stdout[-4000:] + done.stderr[-2000:]
    return json.loads(results.read_text())["results"], done.stdout


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    con = load_generated(root)
    try:
        planted = plant(con)
    finally:
        con.close()
    results, output = dbt_build(root / "work" / "greenblue.duckdb", root)
    return root, planted, results, output


def test_every_raw_table_holds_hostile_rows(built):
    _, planted, _, _ = built
    assert set(planted) == {t.name for _, t in dialects.raw_tables()}


def test_no_model_fails_on_any_value(built):
    _, _, results, _ = built
    models = [r for r in results if r["unique_id"].startswith("model.")]
    failed = {
        r["unique_id"]: f"{r['status']}: {(r['message'] or '')[:600]}"
        for r in models
        if r["status"] != "success"
    }
    assert models and not failed, "\n".join(f"{k} {v}" for k, v in failed.items())


def query(root: Path, sql: str) -> list[tuple]:
    con = duckdb.connect(str(root / "work" / "greenblue.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def test_a_word_where_a_number_belongs_reads_as_null_beside_its_text(built):
    root = built[0]
    rows = query(
        root,
        "select distinct room_nights from staging.stg_concur_sae__journal_lines "
        "where room_nights_text = 'Employee'",
    )
    assert rows == [(None,)]


def test_no_activity_is_silently_zero(built):
    """docs/contract.md section 3.4 over the hostile rows: a mapped activity has kg, an unmapped
    one a reason."""
    root = built[0]
    counts = query(
        root,
        "select count(*) filter (where factor_status = 'mapped' and kg_co2e is null), "
        "count(*) filter (where factor_status = 'unmapped' and unmapped_reason is null), "
        "count(*) filter (where factor_status = 'unmapped') from marts.fct_emissions",
    )
    assert counts[0][:2] == (0, 0) and counts[0][2] > 0
