"""Reading helpers shared by the scope 1 and 2 connector tests (D5-D8).

Fixture files are written by each test module straight from docs/dialects.md; `read` passes them
through detection like the loader does and checks that every data row is loaded or
quarantined, never both, never neither.
"""

from pathlib import Path

import polars as pl

from connectors import registry
from connectors.validate import TableResult


def read(path: Path, domain: str, dialect: str, key: bytes) -> TableResult:
    result = registry.read(path.read_bytes(), path.suffix.lower(), domain, key)
    assert result.dialect.name == dialect
    assert len(result.tables) == 1
    table = result.tables[0]
    loaded = set(
        zip(table.rows.get_column("_sheet"), table.rows.get_column("_source_row"), strict=True)
    )
    quarantined = set(
        zip(
            table.quarantine.get_column("sheet"),
            table.quarantine.get_column("source_row"),
            strict=True,
        )
    )
    assert not loaded & quarantined, f"rows both loaded and quarantined: {loaded & quarantined}"
    assert table.rows_in == len(loaded) + len(quarantined)
    return table


def column(table: TableResult, name: str) -> list:
    return table.rows.get_column(name).to_list()


def reasons(table: TableResult, source_row: int) -> list[str]:
    q = table.quarantine.filter(pl.col("source_row") == source_row)
    return q.get_column("reason").to_list()
