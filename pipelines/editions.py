"""Installed factor-set editions: the repository's and those imported into the working folder.

A repository edition is a file of `factors/emission_factors/`, listed in
`factors/factor_sets.csv`. An imported edition (`greenblue factors import KIND PATH`,
pipelines/factor_imports.py) is a complete factor set built from a base edition plus the rows
of a file the operator provided; it lives in the working folder, never in the repository:

    <workdir>/factor_editions/<name>/emission_factors.csv   same columns as a repository file
    <workdir>/factor_editions/<name>/spend_price_index.csv  the deflator that goes with it
    <workdir>/factor_editions/<name>/manifest.json          base, kind, source file, sha256 ...

Which edition is newest: repository editions by `published_on`; an imported edition ranks
with the repository edition it descends from, after it, and imports among themselves by the
time they were imported. So the last import is what runs use, until a newer repository edition
is published (then imports must be made again on top of it, `greenblue factors list` says so).
"""

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from pipelines.settings import FACTORS_DIR, ConfigError

# The columns of every factor-set edition file, in order.
COLUMNS = (
    "factor_id",
    "factor_key",
    "factor_version",
    "activity_type",
    "unit",
    "kg_co2e_per_unit",
    "gwp_set",
    "source",
    "source_edition",
    "source_id",
    "valid_from",
    "valid_to",
    "notes",
)

EDITIONS_FOLDER = "factor_editions"
FACTORS_FILE = "emission_factors.csv"
PRICE_INDEX_FILE = "spend_price_index.csv"
MANIFEST_FILE = "manifest.json"
MANIFEST_KEYS = ("name", "kind", "base", "root", "description", "source_file", "sha256", "rows")


class UnknownEdition(ConfigError):
    """A factor-set edition was named that is neither in the repository nor imported."""


@dataclass(frozen=True)
class Edition:
    name: str
    kind: str  # `repository`, or the import kind (`owid-grid`, `epa-supply-chain`)
    published_on: str  # repository: factor_sets.csv; imported: that of its repository root
    path: Path  # the emission-factor file
    price_index: Path  # the spend price index that goes with the edition
    description: str = ""
    manifest: dict = field(default_factory=dict)  # imported editions only

    @property
    def imported(self) -> bool:
        return self.kind != "repository"

    @property
    def base(self) -> str | None:
        return self.manifest.get("base")

    @property
    def imported_at(self) -> str:
        return self.manifest.get("imported_at", "")

    @property
    def rank(self) -> tuple[str, str]:
        return (self.published_on, self.imported_at)


def editions_dir(workdir: Path) -> Path:
    return workdir / EDITIONS_FOLDER


def repository_editions(factors_dir: Path = FACTORS_DIR) -> list[Edition]:
    with (factors_dir / "factor_sets.csv").open(encoding="utf-8") as handle:
        entries = list(csv.DictReader(handle))
    return [
        Edition(
            name=e["factor_set"],
            kind="repository",
            published_on=e["published_on"],
            path=factors_dir / e["file"],
            price_index=factors_dir / PRICE_INDEX_FILE,
            description=e["description"],
        )
        for e in entries
    ]


def imported_editions(workdir: Path | None, factors_dir: Path = FACTORS_DIR) -> list[Edition]:
    """Every complete edition under `<workdir>/factor_editions` (a folder being written, whose
    name starts with a dot, is not one)."""
    if workdir is None or not editions_dir(workdir).is_dir():
        return []
    published = {e.name: e.published_on for e in repository_editions(factors_dir)}
    found = []
    for folder in sorted(editions_dir(workdir).iterdir()):
        manifest_path = folder / MANIFEST_FILE
        if folder.name.startswith(".") or not manifest_path.is_file():
            continue
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
            missing = [key for key in MANIFEST_KEYS if key not in manifest]
            if missing:
                raise ValueError(f"no {', '.join(missing)}")
        except (ValueError, TypeError) as exc:
            raise ConfigError(
                f"the imported factor edition in {folder} cannot be read ({exc}): delete that "
                "folder and import the file again (`greenblue factors import`)"
            ) from None
        found.append(
            Edition(
                name=manifest["name"],
                kind=manifest["kind"],
                # an edition whose repository root is gone ranks before every other
                published_on=published.get(manifest["root"], ""),
                path=folder / FACTORS_FILE,
                price_index=folder / PRICE_INDEX_FILE,
                description=manifest["description"],
                manifest=manifest,
            )
        )
    return found


def installed(workdir: Path | None, factors_dir: Path = FACTORS_DIR) -> list[Edition]:
    """Repository and imported editions, oldest first: the last one is the newest."""
    editions = repository_editions(factors_dir) + imported_editions(workdir, factors_dir)
    return sorted(editions, key=lambda e: e.rank)


def newest(workdir: Path | None, factors_dir: Path = FACTORS_DIR) -> Edition:
    return installed(workdir, factors_dir)[-1]


def find(name: str, workdir: Path | None, factors_dir: Path = FACTORS_DIR) -> Edition:
    editions = installed(workdir, factors_dir)
    for edition in editions:
        if edition.name == name:
            return edition
    names = ", ".join(e.name for e in editions)
    where = f" nor imported in {editions_dir(workdir)}" if workdir is not None else ""
    raise UnknownEdition(f"{name!r} is not in factors/factor_sets.csv{where} ({names})")


def content_digest(edition: Edition) -> str:
    """SHA-256 of what a run reads of an edition: its factors and its price index."""
    digest = hashlib.sha256()
    for path in (edition.path, edition.price_index):
        digest.update(path.name.encode() + b"\0")
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()


def imported_digest(workdir: Path) -> str:
    """One digest over every imported edition (name and content): an import, or an edition
    removed from the working folder, changes what a run loads."""
    digest = hashlib.sha256()
    for edition in imported_editions(workdir):
        digest.update(f"{edition.name}={content_digest(edition)}\n".encode())
    return digest.hexdigest()
