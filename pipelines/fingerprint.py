"""Has anything that feeds the warehouse changed since the last published run?

The inputs of a run are the landing folder (paths, sizes, modification times: no file is
read), the registry, the factor set chosen, the factor editions imported into the working
folder, and the project's own code and factors (by content). When their fingerprint equals
the one recorded by the last published run, a run would load nothing and rebuild the same
marts, so `greenblue run` and the nightly schedule skip it. `greenblue run --force` rebuilds
all the same.
"""

import hashlib
import os
from pathlib import Path

import duckdb

from connectors.pseudonym import key_fingerprint
from pipelines import editions
from pipelines.settings import ROOT, Settings

CODE = ("connectors", "pipelines", "expectations", "factors", "dbt_project")
CODE_SUFFIXES = (".py", ".sql", ".yml", ".yaml", ".csv", ".md", ".json")
SKIPPED_DIRS = ("target", "logs", "dbt_packages", "__pycache__")


def _stat_line(path: Path, root: Path) -> str:
    stat = path.lstat()
    return f"{path.relative_to(root)}|{stat.st_size}|{stat.st_mtime_ns}\n"


def landing_lines(root: Path) -> list[str]:
    if not root.exists():
        return []
    files = sorted(p for p in root.rglob("*") if p.is_file() or p.is_symlink())
    return [_stat_line(p, root) for p in files]


def code_files(folders: tuple[str, ...] = CODE) -> list[Path]:
    """The code, SQL and factor files a run uses (in `folders`, under the repository); dbt's
    target and log folders (thousands of files from earlier invocations) are never walked."""
    files = []
    for folder in folders:
        for parent, dirs, names in os.walk(ROOT / folder):
            dirs[:] = [d for d in dirs if d not in SKIPPED_DIRS]
            files += [Path(parent, n) for n in names if Path(n).suffix in CODE_SUFFIXES]
    return sorted(files)


def code_digest(folders: tuple[str, ...] = CODE) -> str:
    """The content of the code, SQL and factor files a run uses (in `folders`)."""
    digest = hashlib.sha256()
    for path in code_files(folders):
        digest.update(path.relative_to(ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def inputs_fingerprint(settings: Settings, factor_set: str) -> str:
    digest = hashlib.sha256()
    digest.update(f"factor_set={factor_set}\n".encode())
    # editions imported into the working folder are loaded too (and one may be in use)
    digest.update(f"imported={editions.imported_digest(settings.workdir)}\n".encode())
    digest.update(f"code={code_digest()}\n".encode())
    if settings.pseudonym_key:  # a new key (after `greenblue repseudonymise`) reads all again
        digest.update(f"key={key_fingerprint(settings.key_bytes)}\n".encode())
    digest.update("".join(landing_lines(settings.landing)).encode())
    if settings.orgs.exists():
        digest.update(f"registry={hashlib.sha256(settings.orgs.read_bytes()).hexdigest()}".encode())
    return digest.hexdigest()


def last_published(work_db: Path) -> tuple[str, str] | None:
    """(run_id, fingerprint) of the newest published run in the working database."""
    if not work_db.exists():
        return None
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        rows = con.execute(
            "select run_id, inputs_fingerprint from ops.runs where status = 'published' "
            "order by finished_at desc limit 1"
        ).fetchall()
    except duckdb.Error:
        return None  # a warehouse from before fingerprints, or none at all
    finally:
        con.close()
    return rows[0] if rows and rows[0][1] else None


def unchanged_since(settings: Settings, factor_set: str) -> str | None:
    """The last published run's id when nothing changed since it (and it is served), else None."""
    last = last_published(settings.work_db)
    if last is None or not settings.warehouse.exists():
        return None
    run_id, fingerprint = last
    return run_id if fingerprint == inputs_fingerprint(settings, factor_set) else None
