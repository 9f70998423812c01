"""The one resource the assets share: settings read from the environment at run time."""

from contextlib import contextmanager

import dagster as dg

from pipelines import library, warehouse
from pipelines.settings import Settings, load_settings


class GreenblueResource(dg.ConfigurableResource):
    """Paths and keys come from GREENBLUE_* variables (see README), read when a run starts.

    It holds the run lock for the whole run, whoever started it (the CLI, which took it
    first, the schedule or the sensor): a second run is refused before any step."""

    @contextmanager
    def yield_for_execution(self, context: dg.InitResourceContext):
        with warehouse.run_lock(self.settings().workdir):
            yield self

    def settings(self) -> Settings:
        return load_settings()

    def factor_set(self) -> str:
        settings = self.settings()
        return library.current_factor_set(settings.factor_set, workdir=settings.workdir)
