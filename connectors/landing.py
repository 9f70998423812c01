"""What lies in the landing folder, and what may be read (docs/contract.md section 1).

`landing/<org_code>/<domain>/<file>`. Anything else is listed with the reason it is not read,
so a focal point sees why a file did not count. Nothing outside the folder is ever opened:
symlinks are not followed and paths are checked after resolution. A file of an organization
whose registry entry is invalid is not refused: it waits, with the registry's message, and
is read by the first run after the entry is fixed.
"""

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG

from connectors.dialects import DOMAINS
from connectors.organizations import Registry

EXTENSIONS = (".csv", ".txt", ".xlsx", ".json")
SYSTEM_FOLDER = "_system"
# System-wide inputs read through the manifest like any export: `_system/<domain>/<file>`.
SYSTEM_DOMAINS = ("offsets",)


@dataclass
class LandingFile:
    relative_path: str
    path: Path
    org_code: str | None
    domain: str | None
    size_bytes: int
    mtime_ns: int
    reject_reason: str | None = None
    # Readable, but its organization is held by an invalid registry entry: `waiting`.
    wait_reason: str | None = None

    @property
    def suffix(self) -> str:
        return self.path.suffix.lower()


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def waits_for(message: str) -> str:
    """A held organization's file: why it waits."""
    return f"waits for its organization's registry entry to be fixed: {message}"


def classify(
    parts: tuple[str, ...], registry: Registry
) -> tuple[str | None, str | None, str | None]:
    """(org, domain, reason not read) for a path relative to the landing folder; a file of an
    organization held by its registry entry (and otherwise readable) is not refused here."""
    if any(p.startswith(".") for p in parts):
        return None, None, "hidden file or folder"
    if parts[0] == SYSTEM_FOLDER:
        if len(parts) != 3 or parts[1] not in SYSTEM_DOMAINS:
            folders = "|".join(SYSTEM_DOMAINS)
            return SYSTEM_FOLDER, None, f"not at {SYSTEM_FOLDER}/<{folders}>/<file>"
        return SYSTEM_FOLDER, parts[1], None
    if len(parts) != 3:
        return None, None, "not at <org_code>/<domain>/<file>"
    org, domain, name = parts
    if org in registry.invalid and org not in registry.held:  # a code no folder may have
        return org, domain, f"organization {org!r} has no valid code: {registry.invalid[org]}"
    if org not in registry.organizations and org not in registry.held:
        return org, domain, f"unknown organization {org!r} (not in the registry)"
    if domain not in DOMAINS:
        return org, domain, f"unknown domain {domain!r} (expected one of {', '.join(DOMAINS)})"
    if Path(name).suffix.lower() not in EXTENSIONS:
        return org, domain, f"extension not read (expected {', '.join(EXTENSIONS)})"
    return org, domain, None


def is_utf8(name: str) -> bool:
    """False for a name holding bytes that are not UTF-8 (kept by Python as surrogates)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def printable(name: str) -> str:
    """The name with bytes that are not UTF-8 written as `\\xe9`, so it can be recorded."""
    return os.fsencode(name).decode("utf-8", "backslashreplace")


def scan(landing: Path, registry_path: Path, registry: Registry) -> list[LandingFile]:
    """Every file under the landing folder, sorted by path, with why it is not read if so."""
    root = landing.resolve()
    registry_file = registry_path.resolve() if registry_path.exists() else None
    found = []
    for dirpath, dirnames, filenames in os.walk(root, followlinks=False):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            parts = path.relative_to(root).parts
            system_input = len(parts) > 2 and parts[1] in SYSTEM_DOMAINS
            if (parts[0] == SYSTEM_FOLDER and not system_input) or (
                registry_file and path == registry_file
            ):
                continue
            relative = "/".join(parts)
            stat = path.lstat()
            if not is_utf8(relative):
                reason = "file or folder name is not valid UTF-8: rename it"
                found.append(
                    LandingFile(
                        printable(relative),
                        path,
                        None,
                        None,
                        stat.st_size,
                        stat.st_mtime_ns,
                        reason,
                    )
                )
                continue
            reason = None
            if path.is_symlink():
                target = path.resolve()
                inside = target.is_relative_to(root)
                reason = "symlink" + ("" if inside else " pointing outside the landing folder")
            elif not S_ISREG(stat.st_mode):
                reason = "not a regular file (a pipe, socket or device): never opened"
            org, domain, classified = classify(parts, registry)
            reason = reason or classified
            held = registry.held.get(org) if org and not reason else None
            found.append(
                LandingFile(
                    relative,
                    path,
                    org,
                    domain,
                    stat.st_size,
                    stat.st_mtime_ns,
                    reason,
                    waits_for(held) if held else None,
                )
            )
        for d in list(dirnames):
            if (Path(dirpath) / d).is_symlink():
                link = Path(dirpath) / d
                found.append(
                    LandingFile(
                        printable("/".join(link.relative_to(root).parts)),
                        link,
                        None,
                        None,
                        0,
                        0,
                        "symlinked folder: not followed",
                    )
                )
    return found
