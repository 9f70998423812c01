"""The one resource the assets share: settings read from the environment at run time."""

import dagster as dg

from pipelines import library
from pipelines.settings import Settings, load_settings


class GreenblueResource(dg.ConfigurableResource):
    """Paths and keys come from GREENBLUE_* variables (see README), read when a run starts."""

    def settings(self) -> Settings:
        return load_settings()

    def factor_set(self) -> str:
        return library.current_factor_set(self.settings().factor_set)
