"""The raw load: each pending file read by its connector into its raw tables, with its
quarantine and manifest counts, in one transaction a file."""

import hashlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from connectors import dialects
from connectors.base import RejectedFile
from pipelines.database import now
from pipelines.manifest import Log, read_regular, reject, wait


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
