"""Uploads: held in an expiring staging folder, read by the connectors at once, and written
into the landing folder only when the focal point confirms.

Staging lives in the application's own folder (`<web folder>/staging/<token>/`), never under
landing, so nothing the pipeline reads appears before confirmation; a staged file expires
after `STAGING_SECONDS` and expired ones are removed whenever staging is used. On
confirmation the file is written atomically into `landing/<ORG>/<domain>/`: a temporary file
in that folder, fsynced, then linked under a new name that clashes with none (or renamed over
the file it replaces, which a correction supersedes, docs/contract.md section 3.1), and the folder
fsynced.
"""

import contextlib
import hashlib
import json
import os
import re
import secrets
import shutil
import stat
import time
import unicodedata
from dataclasses import asdict, dataclass, field
from pathlib import Path

import polars as pl

from connectors import dialects
from connectors.landing import EXTENSIONS
from connectors.validate import MASK, TableResult
from pipelines import database, raw_load

STAGING_SECONDS = 3600
TOKEN = re.compile(r"^[A-Za-z0-9_-]{20,64}$")
MAX_NAME = 120
SAMPLE_ROWS = 5
SAMPLE_COLUMNS = 7
SHOWN_QUARANTINE = 200
# The preview never shows a pseudonym (personal columns are masked), so the application
# reads with a key of its own and needs no GREENBLUE_PSEUDONYM_KEY.
PREVIEW_KEY = secrets.token_bytes(32)


class UploadError(Exception):
    """The upload cannot be kept; the message says why."""


@dataclass
class Staged:
    token: str
    org_code: str
    domain: str
    name: str  # sanitised, as it would be written
    original_name: str
    username: str
    sha256: str
    size: int
    created: float
    replace: str | None = None  # `<domain>/<file>` of the landing file it replaces


@dataclass
class TablePreview:
    name: str
    rows_in: int
    rows_loaded: int
    rows_quarantined: int
    rows_skipped: int
    columns: list[str]
    sample: list[tuple]
    personal: list[str]


@dataclass
class Preview:
    dialect: str
    description: str
    tables: list[TablePreview]
    quarantine: list[tuple]  # (sheet, row, column, value, reason), masked where personal
    quarantined_rows: int
    warnings: list[str] = field(default_factory=list)

    @property
    def rows_loaded(self) -> int:
        return sum(t.rows_loaded for t in self.tables)


def sanitise(filename: str) -> str:
    """A safe file name from what the browser sent: no folders, no hidden or odd characters,
    one of the extensions the pipeline reads."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFKC", filename or ""))[-1]
    stem, dot, suffix = base.rpartition(".")
    if not dot or "." + suffix.lower() not in EXTENSIONS:
        raise UploadError(f"{filename!r}: the file must end in {', '.join(EXTENSIONS)}")
    clean = re.sub(r"[^A-Za-z0-9._-]+", "_", stem)
    clean = re.sub(r"_{2,}", "_", clean).strip("._-") or "upload"
    return clean[: MAX_NAME - len(suffix) - 1] + "." + suffix.lower()


class Staging:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def clean(self) -> None:
        """Remove staged files older than STAGING_SECONDS (or unreadable)."""
        if not self.folder.exists():
            return
        limit = time.time() - STAGING_SECONDS
        for entry in self.folder.iterdir():
            staged = self._load(entry.name)
            if staged is None or staged.created < limit:
                shutil.rmtree(entry, ignore_errors=True)

    def put(self, data: bytes, staged: Staged) -> Staged:
        self.clean()
        folder = self.folder / staged.token
        folder.mkdir(parents=True, mode=0o700)
        (folder / "data").write_bytes(data)
        (folder / "meta.json").write_text(json.dumps(asdict(staged)), encoding="utf-8")
        return staged

    def _load(self, token: str) -> Staged | None:
        try:
            meta = json.loads((self.folder / token / "meta.json").read_text(encoding="utf-8"))
            return Staged(**meta)
        except (OSError, ValueError, TypeError):
            return None

    def get(self, token: str) -> Staged | None:
        """The staged upload if it exists and has not expired."""
        self.clean()
        return self._load(token) if TOKEN.match(token) else None

    def data(self, staged: Staged) -> bytes:
        return (self.folder / staged.token / "data").read_bytes()

    def drop(self, staged: Staged) -> None:
        shutil.rmtree(self.folder / staged.token, ignore_errors=True)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def preview(
    data: bytes, name: str, domain: str, org: str, registered: dict[tuple[str, str], str]
) -> Preview:
    """What the next run would do with the file; RejectedFile when no dialect reads it.
    `registered`: identifiers the registry gives each organization (erp_ids)."""
    read = dialects.read(data, Path(name).suffix.lower(), domain, PREVIEW_KEY)
    tables, entries, bad_rows = [], [], 0
    for result in read.tables:
        quarantined = result.quarantine.select(pl.struct("sheet", "source_row").n_unique()).item()
        bad_rows += quarantined
        tables.append(table_preview(result, quarantined))
        entries += result.quarantine.sort("sheet", "source_row").rows()
    warnings = [
        f"the file carries {kind} {value}, which the registry gives to {owner}: the run "
        "would hold it as another organization's export. Is this the right organization?"
        for kind, value in sorted(raw_load.identifiers(read))
        if (owner := registered.get((kind, value))) and owner != org
    ]
    return Preview(read.dialect.name, read.dialect.description, tables, entries, bad_rows, warnings)


def table_preview(result: TableResult, quarantined: int) -> TablePreview:
    """Counts and the first rows that would load, personal columns masked."""
    declared = result.table.columns
    personal = [
        f"{c.header} ({'pseudonymised' if c.personal == 'pseudonymise' else 'dropped'})"
        for c in declared
        if c.personal
    ]
    personal += [
        f"{header} ({what})"
        for header, what in result.notes.get("personal_extra_columns", {}).items()
    ]
    shown = [c for c in declared if c.personal != "drop"][:SAMPLE_COLUMNS]
    sample = [
        tuple(MASK if c.personal else row[c.name] for c in shown)
        for row in result.rows.head(SAMPLE_ROWS).iter_rows(named=True)
    ]
    return TablePreview(
        result.table.name,
        result.rows_in,
        result.rows.height,
        quarantined,
        result.rows_skipped,
        [c.header for c in shown],
        sample,
        personal,
    )


def landing_files(landing: Path, org: str) -> list[str]:
    """`<domain>/<file>` of every regular file in the organization's landing folders."""
    found = []
    for domain in dialects.DOMAINS:
        folder = landing / org / domain
        if not folder.is_dir() or folder.is_symlink():
            continue
        for entry in sorted(folder.iterdir()):
            if (
                not entry.name.startswith(".")
                and stat.S_ISREG(entry.lstat().st_mode)
                and entry.suffix.lower() in EXTENSIONS
            ):
                found.append(f"{domain}/{entry.name}")
    return found


def fsync_dir(folder: Path) -> None:
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def write_landing(landing: Path, workdir: Path, staged: Staged, data: bytes) -> Path:
    """Write the confirmed upload into the landing folder atomically; returns its path."""
    folder = landing / staged.org_code / staged.domain
    if staged.replace and staged.replace not in landing_files(landing, staged.org_code):
        raise UploadError(f"{staged.replace} is no longer in the landing folder: upload again")
    folder.mkdir(parents=True, exist_ok=True)
    if folder.resolve() != (landing.resolve() / staged.org_code / staged.domain):
        raise UploadError(f"{staged.org_code}/{staged.domain} is not a plain folder in landing")
    with run_paused(workdir):
        temp = folder / f".upload-{secrets.token_hex(8)}.tmp"
        with temp.open("xb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        try:
            target = place(temp, folder, staged)
        finally:
            temp.unlink(missing_ok=True)
        fsync_dir(folder)
    return target


def place(temp: Path, folder: Path, staged: Staged) -> Path:
    if staged.replace:
        target = folder / Path(staged.replace).name
        os.replace(temp, target)
        return target
    stem, suffix = staged.name.rsplit(".", 1)
    for n in range(1, 1000):
        target = folder / (staged.name if n == 1 else f"{stem}_{n}.{suffix}")
        try:
            os.link(temp, target)  # fails if the name exists: never overwrites
        except FileExistsError:
            continue
        return target
    raise UploadError(f"no free name for {staged.name} in {folder}")


@contextlib.contextmanager
def run_paused(workdir: Path):
    """Hold the run lock while the file is written, when it is free, so no run lists the
    folder between the temporary file and its rename; a run already going goes on (the
    write takes milliseconds)."""
    with contextlib.ExitStack() as lock:
        with contextlib.suppress(RuntimeError, OSError):
            lock.enter_context(database.run_lock(workdir))
        yield
