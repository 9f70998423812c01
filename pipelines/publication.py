"""The served warehouse: built from the working database, swapped in atomically, crash-safe.

The served path (`GREENBLUE_WAREHOUSE`, say `warehouse/greenblue.duckdb`) is a symbolic link
to the file of the last published run:

    warehouse/greenblue.duckdb -> .greenblue.duckdb.versions/<run_id>/greenblue.duckdb

Why a link: DuckDB keeps a read-write session's write-ahead log beside the file the path
*resolves* to. An analyst who opens the served path read-write (forgetting `read_only`) writes
`<run_id>/greenblue.duckdb.wal` beside the version they opened; the next publication points
the link at a new folder whose file has no log, so nothing a reader did can be replayed onto
what is published next. The previous version's folder stays until the next publication, so a
reader that resolved the link just before a swap still opens its file; older folders are
removed (sessions that hold them keep reading; their log, if any, goes with the folder).

What a run publishes (docs/contract.md section 2): the schemas `marts`, `ops`, `factors` and
`reference`. The
marts come from a snapshot schema of the working database, `snapshot_<run>`, built by `stage`:
this run's rows for every organization that publishes, and the previous publication's rows
for every organization that is held. The snapshot of the last published run stays in the
working database, so a held organization's served rows are always taken from what we
published, never from the served file a reader may have changed.

Crash safety: the run is `publishing` while the file is built, fsynced, renamed into its
folder and the link swapped (each followed by an fsync of the folder); only then is it marked
`published`. `recover` at the start of the next run finishes a publication whose link is in
place and marks any other unfinished run `interrupted`, removing what it staged.
"""

import os
import shutil
from pathlib import Path

import duckdb

from pipelines import runs, sql
from pipelines.database import STORAGE_VERSION

SERVED_SCHEMAS = ("ops", "factors", "reference")  # copied as they are; marts from the snapshot
SNAPSHOT_PREFIX = "snapshot_"


def versions_dir(served: Path) -> Path:
    return served.with_name(f".{served.name}.versions")


def current_run(served: Path) -> str | None:
    """The run whose file the served link points at (None before the first publication)."""
    if not served.is_symlink():
        return None
    return Path(os.readlink(served)).parent.name


def snapshot_schema(run_id: str) -> str:
    return SNAPSHOT_PREFIX + run_id.replace("-", "")


def last_published(con: duckdb.DuckDBPyConnection) -> str | None:
    rows = con.execute(
        "select run_id from ops.runs where status = 'published' "
        "order by finished_at desc, started_at desc limit 1"
    ).fetchall()
    return rows[0][0] if rows else None


def schema_exists(con: duckdb.DuckDBPyConnection, schema: str) -> bool:
    return bool(
        con.execute(
            "select count(*) from duckdb_schemas() where database_name = current_database() "
            "and schema_name = ?",
            [schema],
        ).fetchall()[0][0]
    )


def tables(con: duckdb.DuckDBPyConnection, schema: str, catalog: str | None = None) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() where database_name = "
            "coalesce(?, current_database()) and schema_name = ? order by table_name",
            [catalog, schema],
        ).fetchall()
    ]


def org_key(con: duckdb.DuckDBPyConnection, table: str) -> str | None:
    """How a mart's rows belong to an organization: `org_code`, `emission_id` (through
    fct_emissions), or None for a system-wide table."""
    columns = {
        r[0]
        for r in con.execute(
            "select column_name from duckdb_columns() where database_name = current_database() "
            "and schema_name = 'marts' and table_name = ?",
            [table],
        ).fetchall()
    }
    for key in ("org_code", "emission_id"):
        if key in columns:
            return key
    return None


def stage(con: duckdb.DuckDBPyConnection, run_id: str, held: set[str]) -> dict[str, str]:
    """Build this run's publishable marts in `snapshot_<run>`; returns the tables whose rows
    were kept from the previous publication, with why."""
    previous = last_published(con)
    before = snapshot_schema(previous) if previous else None
    if before and not schema_exists(con, before):
        before = None
    schema = snapshot_schema(run_id)
    con.execute(f"drop schema if exists {schema} cascade")
    con.execute(f"create schema {schema}")
    orgs = sorted(held)
    kept: dict[str, str] = {}
    # rows of no organization (an unallocated offset) are this run's
    mine = "org_code is null or org_code not in (select unnest(?::varchar[]))"
    theirs = "org_code in (select unnest(?::varchar[]))"
    for table in tables(con, "marts"):
        key = org_key(con, table)
        had = before is not None and table in tables(con, before)
        if not held:
            con.execute(f"create table {schema}.{table} as select * from marts.{table}")
        elif key == "org_code":
            old = f"union all by name select * from {before}.{table} where {theirs}" if had else ""
            params = [orgs, orgs] if had else [orgs]
            con.execute(
                f"create table {schema}.{table} as select * from marts.{table} where {mine} {old}",
                params,
            )
        elif key == "emission_id":
            old = (
                f"union all by name select * from {before}.{table} where emission_id in "
                f"(select emission_id from {before}.fct_emissions where {theirs})"
                if had
                else ""
            )
            params = [orgs, orgs] if had else [orgs]
            con.execute(
                f"create table {schema}.{table} as select * from marts.{table} "
                f"where emission_id in (select emission_id from marts.fct_emissions "
                f"where {mine}) {old}",
                params,
            )
        elif had:  # a system-wide total waits for the held organizations, whole
            con.execute(f"create table {schema}.{table} as select * from {before}.{table}")
            kept[table] = "system-wide figures wait for held organizations: " + ", ".join(orgs)
        else:
            con.execute(f"create table {schema}.{table} as select * from marts.{table}")
    return kept


def assemble(work_db: Path, target: Path, run_id: str) -> None:
    """Write the served file for `run_id`: its snapshot as `marts`, plus ops, factors and
    reference from the working database, with the run recorded as published in it."""
    con = duckdb.connect(str(target), config={"storage_compatibility_version": STORAGE_VERSION})
    try:
        con.execute(f"attach '{sql_path(work_db)}' as work (read_only)")
        if not tables(con, snapshot_schema(run_id), catalog="work"):
            raise RuntimeError(f"run {run_id} staged no marts to publish")
        copies = [("marts", snapshot_schema(run_id))] + [(s, s) for s in SERVED_SCHEMAS]
        for served_schema, work_schema in copies:
            con.execute(f"create schema if not exists {served_schema}")
            for table in tables(con, work_schema, catalog="work"):
                con.execute(
                    f"create table {served_schema}.{table} as "
                    f"select * from work.{work_schema}.{table}"
                )
        # every figure published earlier that a later publication changed (pipelines/history.py
        # records them; the view is pipelines/sql/restatements.sql)
        if "published_figures" in tables(con, "ops"):
            con.execute(f"create view ops.restatements as {sql.read('restatements')}")
        runs.mark_published(con, run_id)
        con.execute("detach work")
        con.execute("checkpoint")
    finally:
        con.close()


def sql_path(path: Path) -> str:
    return str(path).replace("'", "''")


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_file(path: Path) -> None:
    with open(path, "rb+") as handle:
        os.fsync(handle.fileno())


def publish(work_db: Path, served: Path, run_id: str) -> int:
    """Build, fsync and rename the new version into place, then swap the served link to it.

    A failure at any point leaves the served link where it was and removes the partial copy
    (a killed run's copy is removed by the next publication). Returns the file's size."""
    versions = versions_dir(served)
    versions.mkdir(parents=True, exist_ok=True)
    for stale in versions.glob("*.tmp"):  # left by a publication that was killed
        shutil.rmtree(stale, ignore_errors=True)
    building = versions / f"{run_id}.tmp"
    final = versions / run_id
    shutil.rmtree(building, ignore_errors=True)
    try:
        building.mkdir()
        assemble(work_db, building / served.name, run_id)
        fsync_file(building / served.name)
        fsync_dir(building)
        shutil.rmtree(final, ignore_errors=True)
        os.replace(building, final)
        fsync_dir(versions)
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    previous = Path(os.readlink(served)).parent.name if served.is_symlink() else None
    link = served.with_name(f".{served.name}.{os.getpid()}.link")
    link.unlink(missing_ok=True)
    os.symlink(final.relative_to(served.parent) / served.name, link)
    os.replace(link, served)
    fsync_dir(served.parent)
    # Older versions go; the one the link pointed to until now stays until the next
    # publication: a reader that resolved the link just before the swap still finds its file
    # (readers already holding a removed file keep reading it).
    for old in versions.iterdir():
        if old.name not in (run_id, previous):
            shutil.rmtree(old, ignore_errors=True)
    return (final / served.name).stat().st_size


def mark_published(con: duckdb.DuckDBPyConnection, run_id: str) -> None:
    """The served link points at this run's file: only now is the run `published`."""
    runs.mark_published(con, run_id)
    drop_snapshots(con, keep=run_id)


def drop_snapshots(con: duckdb.DuckDBPyConnection, keep: str | None) -> None:
    keep_schema = snapshot_schema(keep) if keep else None
    for (schema,) in con.execute(
        "select schema_name from duckdb_schemas() where database_name = current_database() "
        "and schema_name like ?",
        [SNAPSHOT_PREFIX + "%"],
    ).fetchall():
        if schema != keep_schema:
            con.execute(f"drop schema {schema} cascade")


def recover(con: duckdb.DuckDBPyConnection, served: Path, run_id: str) -> list[str]:
    """Settle the runs a killed process left unfinished; returns what was done, for the log.

    A run killed after its link was swapped is published (the file is in place); any other
    is `interrupted`, and what it staged for publication is removed."""
    notes = []
    in_place = current_run(served)
    unfinished = con.execute(
        "select run_id, status from ops.runs where status in ('running', 'publishing') "
        "and run_id <> ?",
        [run_id],
    ).fetchall()
    for old, status in unfinished:
        if status == "publishing" and old == in_place:
            runs.mark_published(con, old, "(publication completed before the process ended)")
            notes.append(f"run {old}: its file was in place when it ended; recorded published")
        else:
            runs.mark_interrupted(con, old)
            notes.append(f"run {old}: interrupted before publication")
    unpublished = "(select run_id from ops.runs where status <> 'published')"
    for table in ("ops.org_publication", "ops.published_figures"):
        if table.split(".")[1] in tables(con, "ops"):
            con.execute(f"delete from {table} where run_id in {unpublished}")
    drop_snapshots(con, keep=last_published(con))
    return notes
