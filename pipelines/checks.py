"""Asset checks. Blocking ones stop publication: the served warehouse then stays as it was.

The SQL of the reconciliation lives in `pipelines/reconcile.py` so tests and the CLI use the
same definition of "reconciles" as the gate.
"""

import dagster as dg

from connectors import registry as dialects
from expectations.suites import raw_validator
from pipelines import reconcile, reconcile_offsets, warehouse
from pipelines.resources import GreenblueResource

# Above this many rows loaded into a table in one run, the suite reads a repeatable random
# sample of them: as pandas objects a row of text costs ~3 KiB, and the connector has
# validated every row already with the same declaration.
GX_MAX_ROWS = 50_000


def raw_suite_check(table) -> dg.AssetChecksDefinition:
    @dg.asset_check(
        asset=dg.AssetKey(["raw", table.name]),
        name=f"gx_{table.name}",
        blocking=True,
        description=f"Great Expectations suite raw.{table.name} on the rows loaded in this run "
        f"(a repeatable sample of {GX_MAX_ROWS:,} when more were loaded).",
    )
    def _check(context: dg.AssetCheckExecutionContext, greenblue: GreenblueResource):
        settings = greenblue.settings()
        loaded = (
            f"select * from raw.{table.name} where _file_id in "
            "(select file_id from ops.file_manifest where run_id = ? and status = 'loaded')"
        )
        with warehouse.session(settings.work_db) as con:
            rows = con.execute(f"select count(*) from ({loaded})", [context.run.run_id]).fetchall()
            rows = rows[0][0]
            sample = (
                f" using sample reservoir({GX_MAX_ROWS} rows) repeatable (7)"
                if rows > GX_MAX_ROWS
                else ""
            )
            frame = con.sql(
                f"select * from ({loaded}){sample}", params=[context.run.run_id]
            ).to_arrow_table()
        if frame.num_rows == 0:
            return dg.AssetCheckResult(passed=True, metadata={"rows": 0})
        result = raw_validator().validate(table, frame.to_pandas())
        return dg.AssetCheckResult(
            passed=result.success,
            metadata={
                "rows": rows,
                "rows_validated": frame.num_rows,
                "expectations": result.evaluated,
                "failed": result.failed,
            },
        )

    return _check


RAW_CHECKS = [raw_suite_check(t) for _, t in dialects.raw_tables()]


@dg.asset_check(
    asset=dg.AssetKey(["marts", "org_emissions_annual"]),
    name="reconciliation",
    blocking=True,
    description="rows_in = loaded + quarantined for every loaded file, raw and quarantine counts "
    "match the manifest, every kg_co2e = quantity x factor, and annual totals equal the sum of "
    "their rows. A failure is a defect, not bad input: publication stops.",
)
def reconciliation(greenblue: GreenblueResource) -> dg.AssetCheckResult:
    with warehouse.session(greenblue.settings().work_db) as con:
        problems = reconcile.problems(con)
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={"problems": len(problems), "first": problems[:20]},
    )


@dg.asset_check(
    asset=dg.AssetKey(["marts", "offset_allocations"]),
    name="offsets_reconcile",
    blocking=True,
    description="Pooled offsets: allocated + unallocated credits = credits purchased for each "
    "reporting year, every register row accounted for once, no serial allocated twice, no "
    "organization above its need. A failure stops publication.",
)
def offsets_reconcile(greenblue: GreenblueResource) -> dg.AssetCheckResult:
    with warehouse.session(greenblue.settings().work_db) as con:
        problems = reconcile_offsets.problems(con)
        totals = reconcile_offsets.totals(con)
    return dg.AssetCheckResult(
        passed=not problems,
        metadata={"problems": len(problems), "first": problems[:20], **totals},
    )
