"""The working DuckDB database: schema, landing manifest, raw loads and publication.

One writer at a time: every function takes a connection the caller opens and closes, and the
run lock (`run_lock`) keeps a second run out. Analysts never open this file; they open the
served copy that `publish` swaps in atomically.
"""

import datetime as dt
import fcntl
import hashlib
import os
import re
import signal
import stat
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb
import polars as pl

from connectors import registry as dialects
from connectors.base import META_COLUMNS, RejectedFile
from connectors.landing import LandingFile
from connectors.tabular import head

# Files written so that DuckDB 1.0 and later clients can open them, not only 2.x.
STORAGE_VERSION = "v1.0.0"
SCHEMAS = ("raw", "ops", "factors", "reference")
# Bounds DuckDB's memory whatever the data size (its own default is 80 % of the machine's);
# 512MB made a 10-million-row dbt test run out of memory. GREENBLUE_MEMORY_LIMIT overrides
# it (dbt reads it too).
DEFAULT_MEMORY_LIMIT = "1GB"
ACTIVE = ("loaded", "pending")
# How long a run waits for a process that still holds the working database (an exiting
# child) before it says which process it is.
LOCK_WAIT_SECONDS = float(os.environ.get("GREENBLUE_LOCK_WAIT_SECONDS", "20"))
LOCK_HOLDER = re.compile(r"Conflicting lock is held in .* \(PID (\d+)\)")
HELD_LOCKS: set[Path] = set()  # run locks this process holds

OPS_DDL = """
create table if not exists ops.file_manifest (
    file_id varchar primary key,
    org_code varchar,
    domain varchar,
    dialect varchar,
    relative_path varchar not null,
    sha256 varchar,
    size_bytes bigint,
    mtime_ns bigint,
    first_seen_at timestamp not null,
    loaded_at timestamp,
    run_id varchar,
    status varchar not null,
    supersedes varchar,
    rows_in bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_skipped bigint,
    message varchar
);
create table if not exists ops.quarantine (
    file_id varchar not null,
    org_code varchar,
    sheet varchar,
    source_row bigint not null,
    column_name varchar,
    value varchar,
    reason varchar not null
);
create table if not exists ops.runs (
    run_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    factor_set varchar,
    files_seen bigint,
    files_new bigint,
    files_loaded bigint,
    files_rejected bigint,
    files_duplicate bigint,
    files_superseded bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    message varchar
);
alter table ops.runs add column if not exists inputs_fingerprint varchar;
alter table ops.runs add column if not exists files_waiting bigint;
alter table ops.runs add column if not exists orgs_held varchar;
create table if not exists ops.org_publication (
    run_id varchar not null,
    org_code varchar not null,
    status varchar not null,
    reason varchar
);
create table if not exists ops.file_identifiers (
    file_id varchar not null,
    org_code varchar not null,
    kind varchar not null,
    value varchar not null
);
create table if not exists ops.pseudonym_key (
    fingerprint varchar not null,
    since timestamp not null
);
create table if not exists ops.check_results (
    run_id varchar not null,
    check_name varchar not null,
    org_code varchar,
    detail varchar
);
"""

Log = Callable[[str], None]


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
    con.execute(OPS_DDL)
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


def file_id_for(relative_path: str, sha256: str | None) -> str:
    seed = f"{relative_path}\0{sha256 or ''}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, factor_set: str, fingerprint: str | None = None
) -> dt.datetime:
    """Record the run as running (unfinished earlier runs are settled by
    `publication.recover` first)."""
    started = now()
    con.execute(
        "insert or replace into ops.runs (run_id, started_at, status, factor_set, "
        "inputs_fingerprint) values (?, ?, 'running', ?, ?)",
        [run_id, started, factor_set, fingerprint],
    )
    return started


def now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)


@dataclass
class PlanSummary:
    seen: int = 0
    new: int = 0
    rejected: int = 0
    duplicate: int = 0
    unchanged: int = 0
    waiting: int = 0  # held by the registry, or another organization's content or identifiers


def plan(
    con: duckdb.DuckDBPyConnection, files: list[LandingFile], run_id: str, log: Log = print
) -> PlanSummary:
    """Record every landing file in the manifest; new readable files become `pending`.

    A path whose size and modification time are unchanged since it was recorded is not
    hashed again. Identical bytes already active under another name are `duplicate`. A new
    or changed file of an organization held by its registry entry is `waiting`.
    """
    # A waiting file is planned again from scratch; it keeps the date it was first seen.
    waiting = dict(
        con.execute(
            "delete from ops.file_manifest where status = 'waiting' "
            "returning relative_path, first_seen_at"
        ).fetchall()
    )
    rows = con.execute(
        "select file_id, relative_path, sha256, size_bytes, mtime_ns, status, message, "
        "first_seen_at, org_code from ops.file_manifest where status <> 'superseded' "
        "order by first_seen_at, file_id"
    ).fetchall()
    current = {r[1]: r for r in rows}
    # Content already counted, per organization: the same bytes count once per organization,
    # and bytes another organization delivered first are never counted again for a second.
    active_sha: dict[str, tuple[str, str]] = {}
    for r in rows:
        if r[5] in ACTIVE:
            active_sha.setdefault(r[2], (r[1], r[8]))
    planned_now: dict[str, str] = {}  # content first recorded in this run -> its file id
    summary = PlanSummary(seen=len(files))
    for f in files:
        seen_at = waiting.get(f.relative_path) or now()
        previous = current.get(f.relative_path)
        # Its organization has been registered (or its entry held) since: read it now.
        refused = bool(previous) and refused_by_registry(previous) and not f.reject_reason
        if refused:
            seen_at = previous[7]
        elif previous and (previous[3], previous[4]) == (f.size_bytes, f.mtime_ns):
            summary.unchanged += 1
            continue
        if f.reject_reason:
            record(con, f, None, None, "rejected", f.reject_reason, seen_at, run_id, previous)
            summary.rejected += 1
            continue
        if f.wait_reason:
            # Its organization is held by its registry entry: not read, and the version it
            # would replace stays loaded until the entry is fixed and this file is read.
            record(con, f, None, None, "waiting", f.wait_reason, seen_at, run_id, None)
            summary.waiting += 1
            continue
        try:
            sha = sha256_regular(f.path)
        except OSError as exc:
            message = f"not read: {exc.strerror or exc}"
            record(con, f, None, None, "rejected", message, seen_at, run_id, previous)
            summary.rejected += 1
            continue
        if previous and previous[2] == sha and not refused:
            con.execute(
                "update ops.file_manifest set size_bytes = ?, mtime_ns = ? where file_id = ?",
                [f.size_bytes, f.mtime_ns, previous[0]],
            )
            summary.unchanged += 1
            continue
        first_path, first_org = active_sha.get(sha, (f.relative_path, f.org_code))
        if first_path != f.relative_path and first_org == f.org_code:
            message = f"same content as {first_path}: counted once"
            record(con, f, sha, None, "duplicate", message, seen_at, run_id, previous)
            summary.duplicate += 1
            continue
        if first_path != f.relative_path:
            if sha in planned_now:  # both new in this run: neither is counted until resolved
                message = (
                    f"same content as {f.relative_path}, delivered by {f.org_code} in the same "
                    "run: counted for neither until the misfiled copy is removed"
                )
                wait(con, planned_now.pop(sha), message)
                summary.new -= 1
                summary.waiting += 1
                log(f"waiting {first_path}: {message}")
                message = (
                    f"same content as {first_path}, delivered by {first_org} in the same run: "
                    "counted for neither until the misfiled copy is removed"
                )
            else:
                message = (
                    f"same content as {first_path}, which {first_org} delivered first: not "
                    f"counted for {f.org_code} as well; remove the misfiled copy (or the "
                    "other) and it is read again next run"
                )
            record(con, f, sha, None, "waiting", message, seen_at, run_id, previous)
            summary.waiting += 1
            log(f"waiting {f.relative_path}: {message}")
            continue
        try:
            dialect = dialects.detect(detection_bytes(f), f.suffix, f.domain or "").name
        except RejectedFile as exc:
            record(con, f, sha, None, "rejected", str(exc), seen_at, run_id, previous)
            summary.rejected += 1
            log(f"rejected {f.relative_path}: {exc}")
            continue
        planned_now[sha] = record(con, f, sha, dialect, "pending", None, seen_at, run_id, previous)
        active_sha[sha] = (f.relative_path, f.org_code)
        summary.new += 1
    return summary


# Rejections that depend on the registry alone, not on the file: an unknown organization,
# and (before held organizations' files waited) an invalid registry entry.
REGISTRY_REFUSALS = ("unknown organization ", "registry entry ")


def refused_by_registry(row: tuple) -> bool:
    return row[5] == "rejected" and (row[6] or "").startswith(REGISTRY_REFUSALS)


def detection_bytes(f: LandingFile) -> bytes:
    """Text exports are recognised by their head; workbooks and JSON need the whole file."""
    if f.suffix in dialects.DELIMITED:
        return head(read_regular(f.path, dialects.DETECTION_BYTES + 1), dialects.DETECTION_BYTES)
    return read_regular(f.path)


@contextmanager
def open_regular(path: Path) -> Iterator[BinaryIO]:
    """A landing file opened for reading; a symlink or pipe swapped in since the scan is
    refused, not followed (`O_NOFOLLOW`), and a pipe never blocks the run (`O_NONBLOCK`)."""
    fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path.name} is no longer a regular file")
        yield handle


def read_regular(path: Path, limit: int = -1) -> bytes:
    with open_regular(path) as handle:
        return handle.read(limit)


def sha256_regular(path: Path) -> str:
    with open_regular(path) as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def record(
    con: duckdb.DuckDBPyConnection,
    f: LandingFile,
    sha: str | None,
    dialect: str | None,
    status: str,
    message: str | None,
    seen_at: dt.datetime,
    run_id: str,
    previous: tuple | None,
) -> str:
    """Insert one manifest row (returns its file id); a new version of a path names the row it
    supersedes."""
    file_id = file_id_for(f.relative_path, sha or f"{f.size_bytes}:{f.mtime_ns}")
    supersedes = previous[0] if previous else None
    if supersedes and status not in ("pending", "waiting"):
        # The new version is not readable: the old rows leave the marts all the same, so the
        # sender sees the problem instead of last month's figures.
        con.execute(
            "update ops.file_manifest set status = 'superseded' where file_id = ?", [supersedes]
        )
    con.execute(
        "insert or replace into ops.file_manifest (file_id, org_code, domain, dialect, "
        "relative_path, sha256, size_bytes, mtime_ns, first_seen_at, run_id, status, "
        "supersedes, message) values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            file_id,
            f.org_code,
            f.domain,
            dialect,
            f.relative_path,
            sha,
            f.size_bytes,
            f.mtime_ns,
            seen_at,
            run_id,
            status,
            supersedes,
            message,
        ],
    )
    return file_id


@dataclass
class LoadSummary:
    files: int = 0
    rejected: int = 0
    rows_in: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_skipped: int = 0
    waiting: int = 0


def load_pending(
    con: duckdb.DuckDBPyConnection,
    landing: Path,
    dialect: str,
    key: bytes,
    run_id: str,
    log: Log = print,
    registered: dict[tuple[str, str], str] | None = None,
    detail: Log | None = None,
) -> LoadSummary:
    """Read every pending file of one dialect into its raw tables, one transaction a file.

    `log` gets the files that wait or are rejected, `detail` (default `log`) each loaded file.

    A file that carries another organization's identifiers (`registered`: (kind, value) ->
    organization, from the registry's erp_ids) waits instead (`foreign_reason`)."""
    pending = con.execute(
        "select file_id, org_code, domain, relative_path, sha256, supersedes "
        "from ops.file_manifest where status = 'pending' and dialect = ? order by relative_path",
        [dialect],
    ).fetchall()
    summary = LoadSummary()
    for i, (file_id, org, domain, relative, sha, supersedes) in enumerate(pending, start=1):
        path = landing / relative
        try:
            data = read_regular(path)
        except OSError as exc:
            reason = f"not readable after planning ({exc.strerror or exc}): retried next run"
            wait(con, file_id, reason)
            summary.waiting += 1
            log(f"[{i}/{len(pending)}] {relative}: {reason}")
            continue
        if hashlib.sha256(data).hexdigest() != sha:
            reason = "changed after planning (still being written?): retried next run"
            wait(con, file_id, reason)
            summary.waiting += 1
            log(f"[{i}/{len(pending)}] {relative}: {reason}")
            continue
        try:
            result = dialects.read(data, path.suffix.lower(), domain, key)
        except RejectedFile as exc:
            reject(con, file_id, supersedes, str(exc))
            summary.rejected += 1
            log(f"[{i}/{len(pending)}] {relative}: rejected: {exc}")
            continue
        carried = identifiers(result)
        foreign = foreign_reason(con, org, carried, registered or {}, run_id)
        if foreign:
            wait(con, file_id, foreign)
            summary.waiting += 1
            log(f"[{i}/{len(pending)}] {relative}: {foreign}")
            continue
        counts = store(con, file_id, org, supersedes, result, run_id)
        for kind, value in sorted(carried):
            con.execute(
                "insert into ops.file_identifiers values (?, ?, ?, ?)", [file_id, org, kind, value]
            )
        summary.files += 1
        summary.rows_in += counts[0]
        summary.rows_loaded += counts[1]
        summary.rows_quarantined += counts[2]
        summary.rows_skipped += counts[3]
        (detail or log)(
            f"[{i}/{len(pending)}] {relative}: {counts[1]} rows loaded, "
            f"{counts[2]} quarantined, {counts[3]} structural skipped"
        )
    return summary


# Raw columns that name the organization an export belongs to, and what they are.
IDENTIFIER_COLUMNS = {"buchungskreis": "SAP company code", "client_account": "agency client id"}


def identifiers(result: dialects.FileRead) -> set[tuple[str, str]]:
    """(kind, value) of every organization identifier the file's rows carry."""
    found = set()
    for t in result.tables:
        for column, kind in IDENTIFIER_COLUMNS.items():
            if column in t.rows.columns:
                values = t.rows.get_column(column).drop_nulls().str.strip_chars().unique()
                found |= {(kind, v) for v in values.to_list() if v}
    return found


def foreign_reason(
    con: duckdb.DuckDBPyConnection,
    org: str,
    carried: set[tuple[str, str]],
    registered: dict[tuple[str, str], str],
    run_id: str,
) -> str | None:
    """Why a file looks like another organization's export, or None.

    An identifier registered to another organization (`erp_ids`) decides; without one, a
    file is foreign when every identifier it carries was seen before only in one or more
    other organizations' files, loaded by earlier runs (within one run, load order would
    decide)."""
    for kind, value in sorted(carried):
        owner = registered.get((kind, value))
        if owner and owner != org:
            return (
                f"carries {kind} {value}, registered to {owner} (erp_ids): another "
                "organization's export? It waits until it is moved or the registry says so"
            )
    unregistered = {c for c in carried if c not in registered}
    if not unregistered or len(unregistered) < len(carried):
        return None
    seen = con.execute(
        "select kind, value, list(distinct org_code order by org_code) "
        "from ops.file_identifiers where kind || chr(31) || value in (select unnest(?)) "
        "and file_id in (select file_id from ops.file_manifest where run_id <> ?) group by all",
        [[f"{k}\x1f{v}" for k, v in carried], run_id],
    ).fetchall()
    owners = {(k, v): orgs for k, v, orgs in seen}
    if len(owners) < len(carried) or any(org in orgs for orgs in owners.values()):
        return None
    others = sorted({o for orgs in owners.values() for o in orgs})
    kinds = ", ".join(sorted({f"{k} {v}" for k, v in carried})[:5])
    return (
        f"carries {kinds}, seen before only in files of {', '.join(others)}: another "
        "organization's export? It waits until it is moved, or until the registry's erp_ids "
        "say whose it is"
    )


def wait(con: duckdb.DuckDBPyConnection, file_id: str, message: str) -> None:
    """Not loaded this run for a reason that may pass; the next run plans the file again."""
    con.execute(
        "update ops.file_manifest set status = 'waiting', message = ? where file_id = ?",
        [message, file_id],
    )


def wait_pending(con: duckdb.DuckDBPyConnection, message: str) -> int:
    """Files still pending when the loads are over (their loader did not run) wait."""
    return len(
        con.execute(
            "update ops.file_manifest set status = 'waiting', message = ? "
            "where status = 'pending' returning file_id",
            [message],
        ).fetchall()
    )


def reject(
    con: duckdb.DuckDBPyConnection, file_id: str, supersedes: str | None, message: str
) -> None:
    con.execute("begin")
    con.execute(
        "update ops.file_manifest set status = 'rejected', message = ? where file_id = ?",
        [message, file_id],
    )
    if supersedes:
        con.execute(
            "update ops.file_manifest set status = 'superseded' where file_id = ?", [supersedes]
        )
    con.execute("commit")


def store(
    con: duckdb.DuckDBPyConnection,
    file_id: str,
    org: str,
    supersedes: str | None,
    result: dialects.FileRead,
    run_id: str,
) -> tuple[int, int, int, int]:
    """Write a file's rows, quarantine and manifest counts atomically (a killed run leaves none)."""
    loaded_at = now()
    rows_in = sum(t.rows_in for t in result.tables)
    rows_loaded = sum(t.rows.height for t in result.tables)
    skipped = sum(t.rows_skipped for t in result.tables)
    quarantine = pl.concat([t.quarantine for t in result.tables])
    quarantined = quarantine.select(pl.struct("sheet", "source_row").n_unique()).item()
    con.execute("begin")
    try:
        for t in result.tables:
            con.execute(f"delete from raw.{t.table.name} where _file_id = ?", [file_id])
            frame = t.rows.with_columns(
                pl.lit(file_id).alias("_file_id"),
                pl.lit(org).alias("_org_code"),
                pl.lit(loaded_at).alias("_loaded_at"),
            )
            con.register("incoming", frame.to_arrow())
            con.execute(f"insert into raw.{t.table.name} by name select * from incoming")
            con.unregister("incoming")
        con.execute("delete from ops.quarantine where file_id = ?", [file_id])
        if quarantine.height:
            con.register("incoming_q", quarantine.to_arrow())
            con.execute(
                "insert into ops.quarantine select ?, ?, sheet, source_row, column_name, value, "
                "reason from incoming_q",
                [file_id, org],
            )
            con.unregister("incoming_q")
        con.execute(
            "update ops.file_manifest set status = 'loaded', loaded_at = ?, run_id = ?, "
            "rows_in = ?, rows_loaded = ?, rows_quarantined = ?, rows_skipped = ?, message = ? "
            "where file_id = ?",
            [
                loaded_at,
                run_id,
                rows_in,
                rows_loaded,
                quarantined,
                skipped,
                read_notes(result),
                file_id,
            ],
        )
        if supersedes:
            con.execute(
                "update ops.file_manifest set status = 'superseded' where file_id = ?",
                [supersedes],
            )
        con.execute("commit")
    except Exception:
        con.execute("rollback")
        raise
    return rows_in, rows_loaded, quarantined, skipped


def read_notes(result: dialects.FileRead) -> str:
    """How the file was read, for lineage: sheets, header rows, encoding, delimiter."""
    parts = []
    for t in result.tables:
        n = t.notes
        detail = f"header row {n['header_row']}"
        if n.get("encoding"):
            detail += f", {n['encoding']}, delimiter {n['delimiter']!r}"
        parts.append(f"{t.table.name}: {detail}")
    return f"{result.dialect.name}; " + "; ".join(parts)


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, status: str, message: str | None = None
) -> None:
    """Close the run's row with the manifest's counts for this run."""
    con.execute(
        """
        update ops.runs set
            finished_at = ?,
            status = ?,
            message = ?,
            files_seen = (select count(*) from ops.file_manifest),
            files_new = (select count(*) from ops.file_manifest where run_id = ?),
            files_loaded = (select count(*) from ops.file_manifest
                            where run_id = ? and status in ('loaded', 'superseded')),
            files_rejected = (select count(*) from ops.file_manifest
                              where run_id = ? and status = 'rejected'),
            files_duplicate = (select count(*) from ops.file_manifest
                               where run_id = ? and status = 'duplicate'),
            files_superseded = (select count(*) from ops.file_manifest
                                where status = 'superseded'),
            files_waiting = (select count(*) from ops.file_manifest where status = 'waiting'),
            rows_loaded = (select coalesce(sum(rows_loaded), 0) from ops.file_manifest
                           where run_id = ?),
            rows_quarantined = (select coalesce(sum(rows_quarantined), 0) from ops.file_manifest
                                where run_id = ?)
        where run_id = ?
        """,
        [now(), status, message, run_id, run_id, run_id, run_id, run_id, run_id, run_id],
    )
