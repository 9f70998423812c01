"""The one resource the assets share: settings read from the environment at run time, the
run lock, and the working database as a ready connection."""

from collections.abc import Iterator
from contextlib import contextmanager

import dagster as dg
import duckdb

from pipelines import database, factor_library
from pipelines.settings import Settings, load_settings


class GreenblueResource(dg.ConfigurableResource):
    """Paths and keys come from GREENBLUE_* variables (see README), read when a run starts.

    It holds the run lock for the whole run, whoever started it (the CLI, which took it
    first, the schedule or the sensor): a second run is refused before any step."""

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        with database.run_lock(self.settings().workdir):
            yield self

    def settings(self) -> Settings:
        return load_settings()

    def factor_set(self) -> str:
        settings = self.settings()
        return factor_library.current_factor_set(settings.factor_set, workdir=settings.workdir)

    @contextmanager
    def database(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """The working database, its schema in place; closed when the block ends (one writer
        at a time, so no step keeps it open while another runs)."""
        with database.session(self.settings().work_db) as con:
            database.ensure_schema(con)
            yield con
