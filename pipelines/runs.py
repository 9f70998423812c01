"""`ops.runs`, one row per run: every write to it is here.

A run is `running` from its first step, `publishing` once its figures are staged, then
`published` when the served file is in place; or `blocked` (a step failed, with the reason),
`interrupted` (the process ended; settled by the next run) or `unchanged` (nothing new, no
run started). pipelines/lifecycle.py decides when; this module only records.
"""

import duckdb

from pipelines import sql
from pipelines.database import now


def start(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    factor_set: str | None,
    fingerprint: str | None = None,
) -> None:
    """Record the run as running (unfinished earlier runs are settled first by
    `publication.recover`)."""
    con.execute(
        "insert or replace into ops.runs (run_id, started_at, status, factor_set, "
        "inputs_fingerprint) values (?, ?, 'running', ?, ?)",
        [run_id, now(), factor_set, fingerprint],
    )


def status(con: duckdb.DuckDBPyConnection, run_id: str) -> str | None:
    found = con.execute("select status from ops.runs where run_id = ?", [run_id]).fetchall()
    return found[0][0] if found else None


def finish(
    con: duckdb.DuckDBPyConnection,
    run_id: str,
    status: str,
    message: str | None = None,
    orgs_held: list[str] | None = None,
) -> None:
    """Close the run's row with the manifest's counts for this run."""
    con.execute(
        sql.read("finish_run"),
        {
            "finished_at": now(),
            "status": status,
            "message": message,
            "orgs_held": ",".join(sorted(orgs_held)) if orgs_held else None,
            "run_id": run_id,
        },
    )


def record_unchanged(
    con: duckdb.DuckDBPyConnection, run_id: str, factor_set: str, reason: str
) -> None:
    """Nothing changed since the last published run: no run started, but the check is kept."""
    stamp = now()
    con.execute(
        "insert into ops.runs (run_id, started_at, finished_at, status, factor_set, "
        "files_new, files_loaded, rows_loaded, rows_quarantined, message) "
        "values (?, ?, ?, 'unchanged', ?, 0, 0, 0, 0, ?)",
        [run_id, stamp, stamp, factor_set, reason],
    )


def mark_published(con: duckdb.DuckDBPyConnection, run_id: str, note: str | None = None) -> None:
    """The served file is this run's (`note` says how that was learnt, if not by the run)."""
    con.execute(
        "update ops.runs set status = 'published', "
        "message = coalesce(message || ' ', '') || ? where run_id = ?"
        if note
        else "update ops.runs set status = 'published' where run_id = ?",
        [note, run_id] if note else [run_id],
    )


def mark_interrupted(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    con.execute(
        "update ops.runs set status = 'interrupted', finished_at = coalesce(finished_at, ?), "
        "message = 'the process ended before the run finished; nothing of it was published' "
        "where run_id = ?",
        [now(), run_id],
    )
