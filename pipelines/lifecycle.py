"""One run lifecycle, whoever starts the run: `greenblue run`, the schedule or the sensor.

- **Before**: `skip_reason` says why a run should not start (no landing folder or registry,
  another run holds the lock, nothing changed since the last published run). The CLI, the
  schedule and the sensor all ask it.
- **During**: the job's resource holds the run lock for the whole run (re-entrant, so the
  CLI may hold it first); the first step calls `begin`, which settles what a killed run left
  (`publication.recover`) and records the run; the publication step holds or publishes each
  organization (pipelines/publish.py).
- **After**: a failed step records the run `blocked` with its reason (`on_failure`, a
  Dagster failure hook, so it applies to runs the daemon starts too); `outcome` reads what
  happened, and `summary_lines` words it for people.
"""

import dagster as dg
import duckdb

from connectors import dialects
from connectors.pseudonym import key_fingerprint
from pipelines import database, factor_library, fingerprint, manifest, publication, runs
from pipelines.settings import ConfigError, Settings, load_settings


def skip_reason(settings: Settings, unchanged: bool = True) -> str | None:
    """Why a run should not start now, or None."""
    if not settings.landing.is_dir():
        return f"the landing folder {settings.landing} does not exist (GREENBLUE_LANDING)"
    if not settings.orgs.exists():
        return f"the organization registry {settings.orgs} does not exist (GREENBLUE_ORGS)"
    if not database.lock_is_free(settings.workdir):
        return "another greenblue run is in progress; the change is picked up after it"
    if unchanged:
        last = fingerprint.unchanged_since(
            settings,
            factor_library.current_factor_set(settings.factor_set, workdir=settings.workdir),
        )
        if last is not None:
            return f"nothing new since run {last}: the served warehouse is current"
    return None


class KeyChanged(ConfigError):
    """The pseudonym key is not the one the warehouse was built with."""


def check_key(con: duckdb.DuckDBPyConnection, key: bytes) -> None:
    """One pseudonym key per warehouse: its fingerprint is stored by the first run, and a
    run with another key is refused (old rows would keep old pseudonyms: a re-sent file would
    count again, a traveller would become two). `greenblue repseudonymise` changes it."""
    mine = key_fingerprint(key)
    stored = con.execute("select fingerprint from ops.pseudonym_key").fetchall()
    if not stored:
        con.execute("insert into ops.pseudonym_key values (?, ?)", [mine, database.now()])
        return
    if stored[0][0] != mine:
        raise KeyChanged(
            f"GREENBLUE_PSEUDONYM_KEY is not the key this warehouse was built with "
            f"(stored fingerprint {stored[0][0]}, this key's {mine}): set the original key, "
            "or run `greenblue repseudonymise` to read every file again with the new one"
        )


def repseudonymise(settings: Settings) -> int:
    """Re-read every loaded file with the current key at the next run; returns how many.

    Pseudonyms cannot be translated from one key to another (that is the point of a keyed
    hash), so the rows are read again from the landing folder: every loaded file must still
    be there, unchanged."""
    with database.session(settings.work_db) as con:
        database.ensure_schema(con)
        loaded = con.execute(
            "select file_id, relative_path, sha256 from ops.file_manifest "
            "where status = 'loaded' order by relative_path"
        ).fetchall()
        missing = []
        for _, relative, sha in loaded:
            try:
                if manifest.sha256_regular(settings.landing / relative) != sha:
                    missing.append(f"{relative} (changed)")
            except OSError:
                missing.append(f"{relative} (missing)")
        if missing:
            raise ConfigError(
                f"{len(missing)} loaded file(s) are not in the landing folder as they were "
                f"loaded, so their rows cannot be read again: {', '.join(missing[:10])}"
            )
        con.execute("begin")
        for _, table in dialects.raw_tables():
            con.execute(f"delete from raw.{table.name}")
        con.execute("delete from ops.quarantine")
        con.execute(
            "update ops.file_manifest set status = 'pending', message = 'to be read again "
            "with a new pseudonym key' where status = 'loaded'"
        )
        con.execute("delete from ops.pseudonym_key")
        con.execute(
            "insert into ops.pseudonym_key values (?, ?)",
            [key_fingerprint(settings.key_bytes), database.now()],
        )
        con.execute("commit")
    return len(loaded)


def begin(
    con: duckdb.DuckDBPyConnection, settings: Settings, run_id: str, factor_set: str, inputs: str
) -> list[str]:
    """Settle unfinished earlier runs, then record this one as running."""
    notes = publication.recover(con, settings.warehouse, run_id)
    check_key(con, settings.key_bytes)
    runs.start(con, run_id, factor_set, inputs)
    return notes


def settle(settings: Settings) -> list[str]:
    """Settle what a killed run left, before deciding whether anything changed."""
    if not settings.work_db.exists():
        return []
    with database.session(settings.work_db) as con:
        database.ensure_schema(con)
        notes = publication.recover(con, settings.warehouse, run_id="")
        check_key(con, settings.key_bytes)
        return notes


def record_blocked(settings: Settings, run_id: str, reason: str) -> None:
    """The run published nothing: say why, and drop what it staged for publication."""
    if not settings.work_db.exists():
        return
    with database.session(settings.work_db) as con:
        status = runs.status(con, run_id)
        if status is None:  # failed before the run was recorded (a step beside `landing`)
            database.ensure_schema(con)
            runs.start(con, run_id, None, None)
        elif status not in ("running", "publishing"):
            return
        if publication.current_run(settings.warehouse) == run_id:  # failed after the swap
            publication.mark_published(con, run_id)
            return
        con.execute(
            "update ops.file_manifest set status = 'waiting', message = 'the run that planned "
            "this file was blocked before loading it: retried next run' "
            "where status = 'pending'"
        )
        runs.finish(con, run_id, "blocked", reason[:4000])
        con.execute("delete from ops.org_publication where run_id = ?", [run_id])
        if "published_figures" in publication.tables(con, "ops"):
            con.execute("delete from ops.published_figures where run_id = ?", [run_id])
        con.execute(f"drop schema if exists {publication.snapshot_schema(run_id)} cascade")


@dg.failure_hook(name="record_blocked")
def on_failure(context: dg.HookContext) -> None:
    """A failed step blocks the publication: the run says which step and why."""
    error = context.op_exception
    first = str(error).strip().splitlines()[0] if error and str(error).strip() else ""
    reason = f"step failed: {context.step_key}" + (f": {first}" if first else "")
    try:
        record_blocked(load_settings(), context.run_id, reason)
    except (
        duckdb.Error,
        OSError,
        RuntimeError,
    ) as exc:  # never hide the step's own error behind ours
        context.log.error(f"could not record the blocked run: {exc}")


def outcome(work_db, run_id: str) -> tuple[str, str | None, dict[str, str]]:
    """(status, message, {held organization: reason}) of a run, from the working database."""
    with database.session(work_db) as con:
        rows = con.execute(
            "select status, message from ops.runs where run_id = ?", [run_id]
        ).fetchall()
        held = dict(
            con.execute(
                "select org_code, reason from ops.org_publication "
                "where run_id = ? and status = 'held' order by org_code",
                [run_id],
            ).fetchall()
        )
    status, message = rows[0] if rows else ("unknown", "the run left no record")
    return status, message, held
