"""Great Expectations suites for the raw tables, derived from the dialect declarations.

They check what the connectors promise about every loaded row (meta columns present,
required cells filled, enumerations respected, ticket numbers digit-only), so a connector
regression is caught before anything is published. GX 1.x validates pandas frames, so the
rows loaded in a run are handed over as one.
"""

from __future__ import annotations

import functools
import itertools
import logging
import os
from dataclasses import dataclass
from typing import TYPE_CHECKING

from connectors.base import Table

if TYPE_CHECKING:  # pandas loads with GX, only when a run has rows to validate (1.3 s)
    import pandas as pd

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")


@dataclass
class SuiteResult:
    table: str
    success: bool
    evaluated: int
    failed: list[str]


def expectations_for(table: Table) -> list:
    import great_expectations as gx

    ex = gx.expectations
    columns = [*table.raw_columns, "_file_id", "_sheet", "_source_row", "_org_code", "_loaded_at"]
    items = [ex.ExpectColumnToExist(column=c) for c in columns]
    items += [
        ex.ExpectColumnValuesToNotBeNull(column=c) for c in ("_file_id", "_source_row", "_org_code")
    ]
    items.append(ex.ExpectColumnValuesToBeBetween(column="_source_row", min_value=1))
    for column in table.columns:
        if column.required:
            items.append(ex.ExpectColumnValuesToNotBeNull(column=column.name))
        if column.type == "enum":
            pattern = "(?i)^\\s*(" + "|".join(column.values) + ")\\s*$"
            items.append(ex.ExpectColumnValuesToMatchRegex(column=column.name, regex=pattern))
        if column.type == "ticket":
            items.append(
                ex.ExpectColumnValuesToMatchRegex(column=column.name, regex=r"^[0-9\- ]+$")
            )
        if column.personal == "pseudonymise":
            items.append(
                ex.ExpectColumnValuesToMatchRegex(column=column.name, regex=r"^psn_[0-9a-f]+$")
            )
    return items


class RawValidator:
    """One ephemeral GX context per run, reused for every table (contexts are slow to build)."""

    def __init__(self) -> None:
        import great_expectations as gx

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        self._gx = gx
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = {"globally": False}
        self._source = self._context.data_sources.add_pandas("raw")
        self._serial = itertools.count(1)

    def validate(self, table: Table, frame: pd.DataFrame) -> SuiteResult:
        gx = self._gx
        name = f"raw.{table.name}.{next(self._serial)}"
        asset = self._source.add_dataframe_asset(name=name)
        batch = asset.add_batch_definition_whole_dataframe(name)
        suite = self._context.suites.add(gx.ExpectationSuite(name=name))
        for expectation in expectations_for(table):
            suite.add_expectation(expectation)
        definition = self._context.validation_definitions.add(
            gx.ValidationDefinition(data=batch, suite=suite, name=name)
        )
        result = definition.run(batch_parameters={"dataframe": frame})
        failed = [
            f"{r.expectation_config.type}({r.expectation_config.kwargs.get('column', '')})"
            for r in result.results
            if not r.success
        ]
        return SuiteResult(table.name, bool(result.success), len(result.results), failed)


@functools.cache
def raw_validator() -> RawValidator:
    """The process's validator: a GX context takes seconds to build, so it is built once."""
    return RawValidator()
