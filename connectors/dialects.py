"""Every export format greenblue reads, declared once (one module a dialect).

The raw Dagster assets, the dbt `raw` sources, the Great Expectations suites and the
sample writer are all derived from `DIALECTS`; adding an ERP export means adding its module here.
"""

import math
import re
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import ModuleType
from xml.etree.ElementTree import ParseError

import yaml

from connectors import (
    concur_sae,
    fuelcard,
    generator_fuel_log,
    offsets_register,
    oracle_po,
    refrigerant_log,
    sap_me2n,
    tmc_travel,
    utility_bill,
)
from connectors.base import META_COLUMNS, Dialect, RejectedFile, Table
from connectors.tabular import head
from connectors.validate import TableResult

MODULES: tuple[ModuleType, ...] = (
    tmc_travel,
    offsets_register,
    concur_sae,
    fuelcard,
    generator_fuel_log,
    utility_bill,
    refrigerant_log,
    sap_me2n,
    oracle_po,
)
DIALECTS: dict[str, Dialect] = {m.DIALECT.name: m.DIALECT for m in MODULES}
_MODULE_BY_NAME = {m.DIALECT.name: m for m in MODULES}
DETECTION_BYTES = 1 << 20
DOMAINS = ("travel", "fuel", "energy", "refrigerants", "procurement")
DELIMITED = (".csv", ".txt")
# No export row comes near this; a longer line is refused before any dialect parses it, so
# a hostile file cannot make the csv readers build millions of cells or crash on one.
MAX_LINE_BYTES = 1_000_000
# What the zip and XML layers raise for a damaged workbook.
BROKEN_CONTENT = (ParseError, zlib.error, zipfile.BadZipFile, EOFError)


@dataclass
class FileRead:
    dialect: Dialect
    tables: list[TableResult]


def raw_tables() -> list[tuple[Dialect, Table]]:
    return [(d, t) for d in DIALECTS.values() for t in d.tables]


def detect(data: bytes, suffix: str, domain: str) -> Dialect:
    """The one dialect that reads this file; none or several is a rejection, never a guess.

    Text exports are recognised by their first MiB (whole lines): a header is within the
    first 100 rows, and parsing a 300 MB file nine times to find it would dominate a load.
    """
    if not data or data.isspace():
        empty = f"the file is empty ({len(data)} bytes): nothing to read; send it again"
        raise RejectedFile(f"not a valid .xlsx workbook: {empty}" if suffix == ".xlsx" else empty)
    if suffix in DELIMITED:
        data = head(data, DETECTION_BYTES)
        if (line := first_long_line(data)) is not None:
            raise RejectedFile(
                f"line {line} is longer than {MAX_LINE_BYTES:,} bytes: not a delimited export"
            )
    candidates = [m for m in MODULES if suffix in m.DIALECT.extensions]
    matches, misses = [], []
    with broken_content_rejected(suffix):
        for module in candidates:
            missing = module.detect(data, suffix)
            if missing is None:
                matches.append(module.DIALECT)
            else:
                misses.append((module.DIALECT, missing))
    if len(matches) > 1:
        names = ", ".join(d.name for d in matches)
        raise RejectedFile(f"ambiguous: the file matches several dialects ({names})")
    if not matches:
        raise RejectedFile(no_match_message(misses, suffix, domain))
    dialect = matches[0]
    if dialect.domain != domain:
        raise RejectedFile(
            f"the file is a {dialect.name} export ({dialect.domain}) but was dropped in {domain}/"
        )
    return dialect


@contextmanager
def broken_content_rejected(suffix: str) -> Iterator[None]:
    """A workbook whose XML or compressed data is broken (truncated, corrupted, an entity
    bomb) is rejected with what the parser said, never allowed to stop the run."""
    try:
        yield
    except BROKEN_CONTENT as exc:
        kind = "workbook" if suffix == ".xlsx" else "file"
        raise RejectedFile(f"not a readable {suffix} {kind} ({exc})") from exc


def no_match_message(misses: list[tuple[Dialect, str]], suffix: str, domain: str) -> str:
    """The nearest dialect first (of the folder's domain, fewest missing columns), then the rest.

    A focal point reads the start of the message: it must name the export the file almost
    is and the columns it lacks, not first the thirty columns of an unrelated format.
    """
    if not misses:
        return f"no dialect recognised the file (no dialect reads {suffix} files)"
    ranked = sorted(misses, key=lambda m: (m[0].domain != domain, missing_count(m[1])))
    (nearest, detail), others = ranked[0], ranked[1:]
    message = f"no dialect recognised the file; nearest: {nearest.name}: {detail}"
    if others:
        message += " (also tried: " + "; ".join(f"{d.name}: {text}" for d, text in others) + ")"
    return message


def missing_count(detail: str) -> float:
    """How many columns a detection message lists as missing (none listed: as far as can be)."""
    found = re.search(r"missing: (.+)$", detail)
    return len(found.group(1).split(", ")) if found else math.inf


def first_long_line(data: bytes, limit: int = MAX_LINE_BYTES) -> int | None:
    """1-based number of the first line longer than `limit` bytes (LF, CRLF or CR breaks)."""
    start, number = 0, 1
    while start <= len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        if end - start > limit and max(map(len, data[start:end].split(b"\r"))) > limit:
            return number
        start, number = end + 1, number + 1
    return None


def read(data: bytes, suffix: str, domain: str, key: bytes) -> FileRead:
    dialect = detect(data, suffix, domain)
    with broken_content_rejected(suffix):
        tables = _MODULE_BY_NAME[dialect.name].read(data, suffix, key)
    return FileRead(dialect, tables)


def dbt_sources_yaml() -> str:
    """The dbt `raw` source, generated so dbt and Dagster keys cannot drift apart."""
    tables = []
    for dialect, table in raw_tables():
        columns = [{"name": c} for c in table.raw_columns]
        columns += [{"name": c} for c in META_COLUMNS]
        tables.append(
            {
                "name": table.name,
                "description": f"{table.description} Dialect {dialect.name}; text as exported.",
                "columns": columns,
            }
        )
    doc = {
        "version": 2,
        "sources": [
            {
                "name": "raw",
                "schema": "raw",
                "description": "Rows loaded by the connectors, every value as its original text. "
                "Generated from connectors/dialects.py by `greenblue dbt-sources`; do not edit.",
                "tables": tables,
            }
        ],
    }
    return yaml.safe_dump(doc, sort_keys=False, width=100)
