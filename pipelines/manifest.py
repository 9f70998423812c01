"""The landing manifest (`ops.file_manifest`): what became of every file.

`plan` records each landing file as pending, unchanged, duplicate, rejected or waiting;
the raw load (pipelines/raw_load.py) moves pending files to loaded, rejected or waiting;
a new version of a path supersedes the old one.
"""

import datetime as dt
import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import duckdb

from connectors import dialects
from connectors.base import RejectedFile
from connectors.landing import LandingFile
from connectors.tabular import head
from pipelines.database import now

ACTIVE = ("loaded", "pending")

Log = Callable[[str], None]


def file_id_for(relative_path: str, sha256: str | None) -> str:
    seed = f"{relative_path}\0{sha256 or ''}".encode()
    return hashlib.sha256(seed).hexdigest()[:16]


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
