"""The dialect registry: every export format greenblue reads, declared once.

The raw Dagster assets, the dbt `raw` sources, the Great Expectations suites and the sample
generator are all derived from `DIALECTS`; adding an ERP export means adding its module here.
"""

from dataclasses import dataclass
from types import ModuleType

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
TEXT_SUFFIXES = (".csv", ".txt")
DETECTION_BYTES = 1 << 20
DOMAINS = ("travel", "fuel", "energy", "refrigerants", "procurement")


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
    if suffix in TEXT_SUFFIXES:
        data = head(data, DETECTION_BYTES)
    candidates = [m for m in MODULES if suffix in m.DIALECT.extensions]
    matches, misses = [], []
    for module in candidates:
        missing = module.detect(data, suffix)
        if missing is None:
            matches.append(module.DIALECT)
        else:
            misses.append(f"{module.DIALECT.name}: {missing}")
    if len(matches) > 1:
        names = ", ".join(d.name for d in matches)
        raise RejectedFile(f"ambiguous: the file matches several dialects ({names})")
    if not matches:
        detail = "; ".join(misses) if misses else f"no dialect reads {suffix} files"
        raise RejectedFile(f"no dialect recognised the file ({detail})")
    dialect = matches[0]
    if dialect.domain != domain:
        raise RejectedFile(
            f"the file is a {dialect.name} export ({dialect.domain}) but was dropped in {domain}/"
        )
    return dialect


def read(data: bytes, suffix: str, domain: str, key: bytes) -> FileRead:
    dialect = detect(data, suffix, domain)
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
                "Generated from connectors/registry.py by `greenblue dbt-sources`; do not edit.",
                "tables": tables,
            }
        ],
    }
    return yaml.safe_dump(doc, sort_keys=False, width=100)
