"""Dagster definitions: `dagster dev -w workspace.yaml` or `greenblue run`."""

import dagster as dg

from pipelines.assets import (
    RAW_ASSETS,
    airports,
    currency_rates,
    factor_library,
    landing,
    management_indicators,
    places,
    success_stories,
)
from pipelines.automation import NIGHTLY_JOB, new_landing_files, nightly_schedule
from pipelines.dbt import DBT_EXECUTABLE, DBT_PROJECT, DbtCli, dbt_models
from pipelines.progress import progress_logger
from pipelines.publish import published_warehouse
from pipelines.resources import GreenblueResource

defs = dg.Definitions(
    assets=[
        landing,
        *RAW_ASSETS,
        factor_library,
        airports,
        places,
        currency_rates,
        success_stories,
        management_indicators,
        dbt_models,
        published_warehouse,
    ],
    jobs=[NIGHTLY_JOB],
    schedules=[nightly_schedule],
    sensors=[new_landing_files],
    resources={
        "greenblue": GreenblueResource(),
        "dbt": DbtCli(project_dir=DBT_PROJECT, dbt_executable=DBT_EXECUTABLE),
    },
    # the UI's runs keep Dagster's console logger; `greenblue run` asks for `progress`
    loggers={"console": dg.colored_console_logger, "progress": progress_logger},
    executor=dg.in_process_executor,
)
