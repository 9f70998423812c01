"""Which organizations publish: blocking check failures, attributed to the organizations
whose rows fail them.

Every blocking check (a dbt data test of severity error, a Great Expectations suite, the
reconciliation) records its failures in `ops.check_results`, one row per organization it
concerns, or with `org_code` NULL when the failure belongs to no organization (code, factor
set, a system-wide input). Then `decide`: an organization with a failure is *held* (its last
published figures stay served), and a failure that belongs to no organization blocks the
whole publication.

dbt tests are attributed from their own failing rows: a test whose rows carry `org_code`,
`_org_code`, a file id or an `emission_id` names its organizations directly; a generic test
(not_null, unique, accepted_values, ...) on a model with an organization column is run again
per organization on that organization's rows alone. A failure no organization's rows explain
on their own (a key duplicated across two organizations, a test that errors) belongs to none.
"""

from collections import defaultdict
from pathlib import Path
from typing import Any

import duckdb

from pipelines import database

# How a failing row names its organization, in order of preference.
ORG_COLUMNS = ("org_code", "_org_code")
FILE_COLUMNS = ("source_file_id", "file_id", "_file_id")
MAX_ROWS = 100_000


def record(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    check: str,
    failures: dict[str | None, list[str]],
) -> None:
    """Store one check's failures: {org_code or None: [detail, ...]}."""
    con.execute(
        "delete from ops.check_results where run_id = ? and check_name = ?", [run_id, check]
    )
    rows = [
        (run_id, check, org, "; ".join(details)[:2000])
        for org, details in sorted(failures.items(), key=lambda kv: kv[0] or "")
    ]
    if rows:
        con.executemany("insert into ops.check_results values (?, ?, ?, ?)", rows)


def decide(con: duckdb.DuckDBPyConnection, run_id: str) -> tuple[dict[str, list[str]], list[str]]:
    """(held organizations with their reasons, failures that belong to no organization)."""
    held: dict[str, list[str]] = defaultdict(list)
    blocking: list[str] = []
    for check, org, detail in con.execute(
        "select check_name, org_code, detail from ops.check_results where run_id = ? "
        "order by check_name, org_code",
        [run_id],
    ).fetchall():
        if org is None:
            blocking.append(f"{check}: {detail}")
        else:
            held[org].append(f"{check}: {detail}" if detail else check)
    return dict(held), blocking


def orgs_of_rows(
    con: duckdb.DuckDBPyConnection, sql: str, params: list | None = None
) -> set[str] | None:
    """The organizations of a failing-rows query, or None when its rows do not say."""
    relation = con.sql(f"select * from ({sql}) as failing limit {MAX_ROWS}", params=params)
    columns = relation.columns
    for column in ORG_COLUMNS:
        if column in columns:
            return {r[0] for r in relation.select(f'"{column}"').fetchall()} - {None} or None
    for column in FILE_COLUMNS:
        if column in columns:
            return _lookup(
                con, relation, column, "select file_id as k, org_code from ops.file_manifest"
            )
    if "emission_id" in columns:
        return _lookup(
            con,
            relation,
            "emission_id",
            "select emission_id as k, org_code from marts.fct_emissions",
        )
    return None


def _lookup(con, relation, column: str, keyed: str) -> set[str] | None:
    keys = [r[0] for r in relation.select(f'"{column}"').distinct().fetchall()]
    found = con.execute(
        f"select distinct org_code from ({keyed}) where k in (select unnest(?))", [keys]
    ).fetchall()
    return {r[0] for r in found} - {None} or None


def _relation_of(manifest: dict[str, Any], test: dict[str, Any]) -> str | None:
    """The relation a generic test reads (its model, or the source it is defined on)."""
    target = test.get("attached_node")
    if not target:
        parents = test.get("depends_on", {}).get("nodes", [])
        target = parents[0] if len(parents) == 1 else None
    if not target:
        return None
    node = manifest["nodes"].get(target) or manifest.get("sources", {}).get(target) or {}
    return node.get("relation_name")


def _orgs_one_at_a_time(con: duckdb.DuckDBPyConnection, sql: str, relation: str) -> set[str] | None:
    """Run a generic test again on each organization's rows of its relation alone."""
    columns = set(con.sql(f"select * from {relation} limit 0").columns)
    column = next((c for c in ORG_COLUMNS if c in columns), None)
    if column is None or relation not in sql:
        return None
    failing = set()
    orgs = [r[0] for r in con.execute(f'select distinct "{column}" from {relation}').fetchall()]
    for org in orgs:
        if org is None:
            continue
        literal = org.replace("'", "''")
        scoped = sql.replace(
            relation, f"(select * from {relation} where \"{column}\" = '{literal}')"
        )
        if con.execute(f"select count(*) from ({scoped}) as failing").fetchall()[0][0]:
            failing.add(org)
    return failing or None


def worded_warning(test: dict[str, Any], rows: object) -> str:
    """A warning test's finding for people: its `meta.follow_up` sentence (`{n}`: the rows),
    e.g. "meter readings flagged implausible: 2, see marts.energy_reading_checks"."""
    text = test.get("config", {}).get("meta", {}).get("follow_up")
    return text.format(n=rows) if text else f"{rows} rows: dbt test {test.get('name')}"


def attribute_dbt_tests(
    con: duckdb.DuckDBPyConnection, manifest: dict[str, Any], run_results: dict[str, Any]
) -> tuple[dict[str, dict[str | None, list[str]]], list[str]]:
    """Blocking dbt test failures by test name and organization, and the warnings."""
    failures: dict[str, dict[str | None, list[str]]] = {}
    warnings: list[str] = []
    for result in run_results.get("results", []):
        unique_id = result.get("unique_id", "")
        if not unique_id.startswith("test."):  # the run's `dbt test` holds data tests only
            continue
        status = result.get("status")
        test = manifest["nodes"].get(unique_id, {})
        name = test.get("name", unique_id)
        if status == "warn":
            warnings.append(worded_warning(test, result.get("failures")))
            continue
        if status not in ("fail", "error"):
            continue
        detail = f"{result.get('failures')} failing rows" if status == "fail" else "errored"
        orgs = None
        sql = result.get("compiled_code") or test.get("compiled_code")
        if status == "fail" and sql:
            try:
                orgs = orgs_of_rows(con, sql)
                relation = _relation_of(manifest, test)
                if orgs is None and relation:
                    orgs = _orgs_one_at_a_time(con, sql, relation)
            except duckdb.Error as exc:
                detail += f" (could not be attributed: {str(exc).splitlines()[0]})"
                orgs = None
        by_org = failures.setdefault(f"dbt:{name}", {})
        for org in sorted(orgs) if orgs else [None]:
            by_org.setdefault(org, []).append(detail)
    return failures, warnings


def attribute_dbt_tests_at(
    work_db: Path, manifest: dict[str, Any], run_results: dict[str, Any], run_id: str
) -> tuple[dict[str, dict[str | None, list[str]]], list[str]]:
    """Attribute a `dbt test` invocation's failures and record them for this run."""
    with database.session(work_db) as con:
        failures, warnings = attribute_dbt_tests(con, manifest, run_results)
        con.execute(
            "delete from ops.check_results where run_id = ? and check_name like 'dbt:%'", [run_id]
        )
        for name, by_org in failures.items():
            record(con, run_id, name, by_org)
    return failures, warnings
