"""The working DuckDB database: connection, run lock and schema.

One writer at a time: the run lock (`run_lock`) keeps a second run out, and `connect`
waits for, or names, a process that still holds the file. Analysts never open this file;
they open the served copy pipelines/publication.py swaps in atomically.
"""

import datetime as dt
import fcntl
import os
import re
import signal
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import polars as pl

from connectors import dialects
from connectors.base import META_COLUMNS
from pipelines import sql

# Files written so that DuckDB 1.0 and later clients can open them, not only 2.x.
STORAGE_VERSION = "v1.0.0"
SCHEMAS = ("raw", "ops", "factors", "reference")
# Bounds DuckDB's memory whatever the data size (its own default is 80 % of the machine's);
# 512MB made a 10-million-row dbt test run out of memory. GREENBLUE_MEMORY_LIMIT overrides
# it (dbt reads it too).
DEFAULT_MEMORY_LIMIT = "1GB"
# How long a run waits for a process that still holds the working database (an exiting
# child) before it says which process it is.
LOCK_WAIT_SECONDS = float(os.environ.get("GREENBLUE_LOCK_WAIT_SECONDS", "20"))
LOCK_HOLDER = re.compile(r"Conflicting lock is held in .* \(PID (\d+)\)")
HELD_LOCKS: set[Path] = set()  # run locks this process holds


def connect(path: Path, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    if read_only:
        return duckdb.connect(str(path), read_only=True)
    path.parent.mkdir(parents=True, exist_ok=True)
    config = {"storage_compatibility_version": STORAGE_VERSION, "memory_limit": memory_limit()}
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            return duckdb.connect(str(path), config=config)
        except duckdb.IOException as exc:
            holder = LOCK_HOLDER.search(str(exc))
            if not holder:
                raise
            pid = int(holder.group(1))
            if orphan_of(path, pid):
                os.kill(pid, signal.SIGKILL)  # a killed run's dbt: nothing else may hold it
            elif time.monotonic() > deadline:
                raise WorkDatabaseBusy(
                    f"the working database {path} is held by process {pid} "
                    f"({command_of(pid)}), which is not a greenblue run: stop it and run again"
                ) from None
            time.sleep(0.2)


class WorkDatabaseBusy(RuntimeError):
    """Another process holds the working database."""


def orphan_of(path: Path, pid: int) -> bool:
    """A child of an earlier greenblue run (it carries this database in GREENBLUE_WORK_DB)
    while this process holds the run lock: that run is over, so the child is an orphan."""
    if path.parent.resolve() not in {p.resolve() for p in HELD_LOCKS}:
        return False
    try:
        environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
    except OSError:
        return False
    return f"GREENBLUE_WORK_DB={path}".encode() in environ


def command_of(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()[:200]
    except OSError:
        return "command unknown"


def memory_limit() -> str:
    """DuckDB's buffer limit for the run's writes (it spills to disk beyond it)."""
    return os.environ.get("GREENBLUE_MEMORY_LIMIT", DEFAULT_MEMORY_LIMIT)


@contextmanager
def session(path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    con = connect(path)
    try:
        yield con
    finally:
        con.close()


@contextmanager
def run_lock(workdir: Path) -> Iterator[None]:
    """One run at a time: a second `greenblue run` is refused at once, with the reason.

    Re-entrant within a process: the CLI takes it before the job starts, and the job's
    resource takes it again (a run started by the schedule or sensor has only the latter)."""
    workdir.mkdir(parents=True, exist_ok=True)
    if workdir in HELD_LOCKS:
        yield
        return
    handle = (workdir / "run.lock").open("a+")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError as exc:
        handle.close()
        raise RuntimeError(
            f"another greenblue run holds {workdir / 'run.lock'}; wait for it to finish"
        ) from exc
    HELD_LOCKS.add(workdir)
    try:
        yield
    finally:
        HELD_LOCKS.discard(workdir)
        fcntl.flock(handle, fcntl.LOCK_UN)
        handle.close()


def lock_is_free(workdir: Path) -> bool:
    """Whether no other process holds the run lock (asked by the schedule and the sensor)."""
    if workdir in HELD_LOCKS or not (workdir / "run.lock").exists():
        return True
    with (workdir / "run.lock").open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
    return True


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    for schema in SCHEMAS:
        con.execute(f"create schema if not exists {schema}")
    con.execute(sql.read("ops_schema"))
    for _, table in dialects.raw_tables():
        ensure_raw_table(con, table.name, table.raw_columns)
    from pipelines import management  # it imports this module's neighbours, not at load time

    management.ensure_tables(con)


def ensure_raw_table(con: duckdb.DuckDBPyConnection, name: str, columns: list[str]) -> None:
    """Raw tables hold text; a column a dialect gains later is added, never dropped."""
    types = {c: "varchar" for c in columns}
    types.update(_source_row="integer", _loaded_at="timestamp")
    wanted = [*columns, *META_COLUMNS]
    con.execute(
        f"create table if not exists raw.{name} ("
        + ", ".join(f'"{c}" {types.get(c, "varchar")}' for c in wanted)
        + ")"
    )
    have = {
        r[0]
        for r in con.execute(
            "select column_name from information_schema.columns "
            "where table_schema = 'raw' and table_name = ?",
            [name],
        ).fetchall()
    }
    for column in wanted:
        if column not in have:
            con.execute(
                f'alter table raw.{name} add column "{column}" {types.get(column, "varchar")}'
            )


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register("replacement", frame.to_arrow())
    con.execute(f"create or replace table {name} as select * from replacement")
    con.unregister("replacement")
