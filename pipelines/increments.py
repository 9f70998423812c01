"""What a run's `dbt run` rebuilds: everything (a full refresh), or only the organizations
whose loaded files changed since the last build (docs/incremental.md; the models' side is
dbt_project/macros/increments.sql).

The incremental models read, besides the loaded files' rows, things that are not per file:
the dbt project's code, the factor set, factor and reference tables, the registry. All of
it goes into one fingerprint; when it differs from the last build's, the run is a full
refresh. The last successful build is `ops.dbt_build_state` (its fingerprint) and
`ops.dbt_built_files` (the loaded files it saw), written only after `dbt run` succeeded, so
a failed build is planned again, whole, by the next run.
"""

import hashlib
import importlib.metadata
from dataclasses import dataclass
from typing import Any

import duckdb

from pipelines.database import now
from pipelines.fingerprint import code_digest
from pipelines.settings import DBT_PROJECT_DIR

# What identifies a loaded file's rows: the same file read again gets a new loaded_at.
LOADED_FILES = (
    "select file_id, org_code, first_seen_at, loaded_at "
    "from ops.file_manifest where status = 'loaded'"
)
LIBRARIES = ("dbt-core", "dbt-duckdb", "duckdb")
# The files whose text decides what a model computes (dbt's tests do not).
MODEL_CODE = ("dbt_project/models", "dbt_project/macros")
# The input the plan compares file by file, so not part of the fingerprint (nor is
# ops.dbt_rebuild_orgs, which the macros read without declaring it a source).
PLANNED = {("ops", "file_manifest")}


@dataclass(frozen=True)
class Plan:
    full_refresh: bool
    changed_orgs: tuple[str, ...]
    reason: str


def incremental_inputs(manifest: dict[str, Any]) -> list[tuple[str, str]]:
    """(schema, table) of every source upstream of an incremental model, but the raw tables
    and the file manifest: the per-file inputs the plan compares file by file."""
    nodes = {**manifest["nodes"], **manifest["sources"]}
    todo = [
        k
        for k, n in manifest["nodes"].items()
        if n["resource_type"] == "model" and n["config"].get("materialized") == "incremental"
    ]
    seen: set[str] = set()
    while todo:
        key = todo.pop()
        if key not in seen:
            seen.add(key)
            todo += nodes[key].get("depends_on", {}).get("nodes", [])
    return sorted(
        (nodes[k]["schema"], nodes[k]["name"])
        for k in seen
        if k in manifest["sources"]
        and nodes[k]["schema"] != "raw"
        and (nodes[k]["schema"], nodes[k]["name"]) not in PLANNED
    )


def fingerprint(con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], factor_set: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"models={code_digest(MODEL_CODE)}\0".encode())
    digest.update((DBT_PROJECT_DIR / "dbt_project.yml").read_bytes() + b"\0")
    for library in LIBRARIES:
        digest.update(f"{library}={importlib.metadata.version(library)}\0".encode())
    digest.update(f"factor_set={factor_set}\0".encode())
    for schema, table in incremental_inputs(manifest):
        count, total = con.execute(
            f"select count(*), coalesce(sum(hash(t)), 0) from {schema}.{table} as t"
        ).fetchone()
        digest.update(f"{schema}.{table}={count}:{total}\0".encode())
    return digest.hexdigest()


def plan(con: duckdb.DuckDBPyConnection, fingerprint: str, full_refresh: bool = False) -> Plan:
    """A full refresh when asked, on a first build, or when the fingerprint changed; else the
    organizations with a loaded file added, removed or read again since the last build."""
    if full_refresh:
        return Plan(True, (), "a full refresh was asked for")
    last = con.execute("select fingerprint from ops.dbt_build_state").fetchone()
    if last is None:
        return Plan(True, (), "first build of this working database")
    if last[0] != fingerprint:
        return Plan(True, (), "code, factors, reference data or the registry changed")
    changed = con.execute(
        f"""
        with loaded as ({LOADED_FILES}),
        changes as (
            (select * from loaded except select * from ops.dbt_built_files)
            union all
            (select * from ops.dbt_built_files except select * from loaded)
        )
        select distinct changes.org_code, organizations.org_code is not null
        from changes
        left join ops.organizations on changes.org_code = organizations.org_code
        order by 1
        """
    ).fetchall()
    if not all(registered for _, registered in changed):
        return Plan(True, (), "system-wide files changed")
    orgs = tuple(org for org, _ in changed)
    if not orgs:
        return Plan(False, (), "no loaded file changed")
    return Plan(False, orgs, "files changed for " + ", ".join(orgs))


def prepare(con: duckdb.DuckDBPyConnection, plan: Plan) -> None:
    """Before `dbt run`: the organizations it rebuilds (a NULL row: none; a full refresh
    rebuilds all and reads no list)."""
    con.execute("begin")
    con.execute("delete from ops.dbt_rebuild_orgs")
    if not plan.full_refresh:
        orgs = list(plan.changed_orgs) or [None]
        con.execute("insert into ops.dbt_rebuild_orgs select unnest(?::varchar[])", [orgs])
    con.execute("commit")


def record(con: duckdb.DuckDBPyConnection, fingerprint: str) -> None:
    """After a successful `dbt run`: what it was built from. `ops.dbt_rebuild_orgs` is emptied,
    so that a `dbt run` started by hand rebuilds every organization."""
    con.execute("begin")
    con.execute("delete from ops.dbt_rebuild_orgs")
    con.execute("delete from ops.dbt_build_state")
    con.execute("insert into ops.dbt_build_state values (?, ?)", [fingerprint, now()])
    con.execute("delete from ops.dbt_built_files")
    con.execute(f"insert into ops.dbt_built_files {LOADED_FILES}")
    con.execute("commit")
