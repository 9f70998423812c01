"""The blocking checks written in Python, each attributed to the organizations it concerns.

None of them stops Dagster's downstream steps: each records its failures per organization in
`ops.check_results` (pipelines/gate.py), and the publication step holds the organizations
concerned, or blocks the whole publication for a failure that belongs to none.

- `gx_<table>`: the Great Expectations suite of a raw table on the rows loaded in this run,
  evaluated in the raw table's own step (so it is always done before publication).
- `reconciliation` and `offsets_reconcile`: evaluated by the publication step on the
  finished marts; their SQL lives in `pipelines/reconcile.py` and
  `pipelines/reconcile_offsets.py`, so tests and the CLI use the same definition.
"""

import dagster as dg
import duckdb

from expectations.suites import raw_validator
from pipelines import gate, reconcile, reconcile_offsets

# Above this many rows loaded into a table in one run, the suite reads a repeatable random
# sample of them: as pandas objects a row of text costs ~3 KiB, and the connector has
# validated every row already with the same declaration.
GX_MAX_ROWS = 50_000


def gx_spec(table) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        f"gx_{table.name}",
        asset=dg.AssetKey(["raw", table.name]),
        description=f"Great Expectations suite raw.{table.name} on the rows loaded in this run "
        f"(a repeatable sample of {GX_MAX_ROWS:,} when more were loaded); an organization "
        "whose rows fail it is held.",
    )


def gx_check(con: duckdb.DuckDBPyConnection, table, run_id: str) -> dg.AssetCheckResult:
    """Validate this run's rows of a raw table; failures are recorded per organization."""
    loaded = (
        f"select * from raw.{table.name} where _file_id in "
        "(select file_id from ops.file_manifest where run_id = ? and status = 'loaded')"
    )
    rows = con.execute(f"select count(*) from ({loaded})", [run_id]).fetchall()[0][0]
    sample = (
        f" using sample reservoir({GX_MAX_ROWS} rows) repeatable (7)" if rows > GX_MAX_ROWS else ""
    )
    frame = con.sql(f"select * from ({loaded}){sample}", params=[run_id]).to_arrow_table()
    name = f"gx_{table.name}"
    failures: dict[str | None, list[str]] = {}
    result = None
    if frame.num_rows:
        data = frame.to_pandas()
        result = raw_validator().validate(table, data)
        if not result.success:  # which organizations' rows fail it, each on its own
            for org, rows_of_org in data.groupby("_org_code", dropna=False):
                own = raw_validator().validate(table, rows_of_org)
                if not own.success:
                    failures[org if isinstance(org, str) else None] = own.failed
            if not failures:
                failures[None] = result.failed
    gate.record(con, run_id, name, failures)
    return dg.AssetCheckResult(
        asset_key=dg.AssetKey(["raw", table.name]),
        check_name=name,
        passed=not failures,
        metadata={
            "rows": rows,
            "rows_validated": frame.num_rows,
            "expectations": result.evaluated if result else 0,
            "failed": result.failed if result else [],
            "organizations_held": sorted(o for o in failures if o),
        },
    )


RECONCILIATION = dg.AssetCheckSpec(
    "reconciliation",
    asset=dg.AssetKey(["published", "warehouse"]),
    description="rows_in = loaded + quarantined for every loaded file, raw and quarantine counts "
    "match the manifest, and only loaded files reach the marts (the figures' own invariants are "
    "dbt tests). A failure is a defect, not bad input: the organization it concerns is held.",
)
OFFSETS = dg.AssetCheckSpec(
    "offsets_reconcile",
    asset=dg.AssetKey(["published", "warehouse"]),
    description="Pooled offsets: allocated + unallocated credits = credits purchased for each "
    "reporting year, every register row accounted for once, no serial allocated twice, no "
    "organization above its need. Offsets are pooled system-wide: a failure blocks publication.",
)


def reconciliation_checks(con: duckdb.DuckDBPyConnection, run_id: str) -> list[dg.AssetCheckResult]:
    """Evaluate and record the reconciliation and offsets checks on the finished marts."""
    found = reconcile.failures(con)
    gate.record(con, run_id, RECONCILIATION.name, found)
    offsets = reconcile_offsets.problems(con)
    gate.record(con, run_id, OFFSETS.name, {None: offsets} if offsets else {})
    return [
        dg.AssetCheckResult(
            asset_key=RECONCILIATION.asset_key,
            check_name=RECONCILIATION.name,
            passed=not found,
            metadata={
                "problems": sum(len(v) for v in found.values()),
                "organizations": sorted(o or "(none)" for o in found),
                "first": [line for lines in found.values() for line in lines][:20],
            },
        ),
        dg.AssetCheckResult(
            asset_key=OFFSETS.asset_key,
            check_name=OFFSETS.name,
            passed=not offsets,
            metadata={
                "problems": len(offsets),
                "first": offsets[:20],
                **reconcile_offsets.totals(con),
            },
        ),
    ]
