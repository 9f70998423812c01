"""The vocabulary every dialect is declared in.

A dialect module declares its tables once (columns, aliases, types, personal fields); the
raw assets, the dbt sources, the Great Expectations suites and the sample writer are all derived
from that declaration, so a new ERP export is one new module, not five edits.
"""

import functools
import re
from dataclasses import dataclass, field
from typing import Literal

# What staging casts each type to (dbt_project/macros/numbers.sql): "int" to INTEGER
# (to_integer), "bigint" to BIGINT (to_bigint: offset serials, ERP ids), "decimal" to a double
# or DECIMAL(18,2) money below 10^15, "date" to a DATE; the connector lets through only what
# those casts read.
ColumnType = Literal["text", "int", "bigint", "decimal", "date", "enum", "ticket"]
Personal = Literal["pseudonymise", "drop"]


@dataclass(frozen=True)
class Column:
    """One column of an export, as `docs/dialects.md` lists it."""

    header: str
    type: ColumnType = "text"
    aliases: tuple[str, ...] = ()
    required: bool = False  # a data row with this cell empty is quarantined
    optional: bool = False  # the header itself may be absent from the file
    personal: Personal | None = None
    values: tuple[str, ...] = ()  # allowed values for enum columns (upper-case)
    required_when: tuple[str, tuple[str, ...]] | None = None  # (column, values) making it required
    # False for a field whose meaning is left to each system's configuration (Concur custom
    # fields): a value that does not read as `type` is kept, staging reads it as NULL and
    # the entry that needs it is unmapped with the value in the reason (docs/dialects.md D3).
    quarantine: bool = True

    @property
    def name(self) -> str:
        """The raw-table column name: snake_case of the header, suffixed when pseudonymised."""
        base = snake(self.header)
        return f"{base}_pseudonym" if self.personal == "pseudonymise" else base


@dataclass(frozen=True)
class Table:
    """One raw table fed by a dialect (an XLSX sheet, or the whole CSV)."""

    name: str  # raw table name, without schema: raw.<name>
    columns: tuple[Column, ...]
    sheet: str | None = None  # XLSX sheet name this table is read from
    description: str = ""

    @property
    def raw_columns(self) -> list[str]:
        """Text columns stored in raw (dropped personal columns excluded), in file order."""
        return [c.name for c in self.columns if c.personal != "drop"]

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


@dataclass(frozen=True)
class Dialect:
    """An export format: one declaration, one connector, one sample writer."""

    name: str
    domain: str
    tables: tuple[Table, ...]
    extensions: tuple[str, ...]
    description: str
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)
    excel_serial_dates: bool = True
    decimal_comma: bool = False
    options: dict = field(default_factory=dict)


META_COLUMNS = ("_file_id", "_sheet", "_source_row", "_org_code", "_loaded_at", "_extra")


class RejectedFile(Exception):
    """The file as a whole cannot be read; the message tells the focal point what to fix."""


def snake(header: str) -> str:
    s = header.strip().lower().replace("%", "pct").replace("°", "no")
    s = re.sub(r"[^0-9a-z]+", "_", s)
    return s.strip("_")


@functools.lru_cache(maxsize=65536)
def header_key(text: str) -> str:
    """Header comparison ignores case, spacing and punctuation (`Segment No` = `SEGMENT_NO`)."""
    return _NOT_KEY.sub("", str(text).lower())


_NOT_KEY = re.compile(r"[^0-9a-z]+")
