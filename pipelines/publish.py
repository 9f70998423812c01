"""The published warehouse: the working database copied and swapped in atomically."""

import dagster as dg

from pipelines import history, warehouse
from pipelines.dbt import MART_KEYS
from pipelines.resources import GreenblueResource

OWNER = "team:greenblue-data"


@dg.asset(
    key=["published", "warehouse"],
    deps=MART_KEYS,
    group_name="published",
    owners=[OWNER],
    kinds={"duckdb"},
    description="The served DuckDB file analysts open read-only (GREENBLUE_WAREHOUSE). It is "
    "replaced in one atomic rename only after every blocking check passed, so readers see "
    "yesterday's complete state or today's, never a mix.",
)
def published_warehouse(
    context: dg.AssetExecutionContext, greenblue: GreenblueResource
) -> dg.MaterializeResult:
    settings = greenblue.settings()
    with warehouse.session(settings.work_db) as con:
        history.record(con, context.run_id, greenblue.factor_set())
        warehouse.finish_run(con, context.run_id, "published")
    warehouse.publish(settings.work_db, settings.warehouse)
    size = settings.warehouse.stat().st_size
    context.log.info(f"published {settings.warehouse} ({size / 1e6:.1f} MB)")
    return dg.MaterializeResult(metadata={"path": str(settings.warehouse), "bytes": size})
