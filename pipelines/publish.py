"""The publication step: hold or publish each organization, then swap the served file.

It runs after the marts. It evaluates the reconciliation checks, then reads every blocking
check's failures of this run from `ops.check_results` (pipelines/gate.py): organizations
with a failure are held (their previous figures stay served), a failure that belongs to no
organization blocks the whole publication. Then it stages the publishable marts, records
`ops.org_publication` and the published figures, writes the new served file and swaps it in
(pipelines/publication.py), and only then marks the run `published`.
"""

import dagster as dg

from pipelines import checks, gate, history, manifest, publication, runs
from pipelines.dbt import MART_KEYS
from pipelines.resources import GreenblueResource

OWNER = "team:greenblue-data"
# ops.org_publication's row for the system-wide marts (they have no organization).
SYSTEM = "_system"


class Blocked(dg.Failure):
    """A failure that belongs to no organization: nothing is published."""


@dg.asset(
    key=["published", "warehouse"],
    deps=MART_KEYS,
    group_name="published",
    owners=[OWNER],
    kinds={"duckdb"},
    check_specs=[checks.RECONCILIATION, checks.OFFSETS],
    description="The served DuckDB file analysts open read-only (GREENBLUE_WAREHOUSE): marts, "
    "ops, factors and reference. Organizations whose rows fail a blocking check are held "
    "(their previous figures stay served); a failure that belongs to no organization blocks "
    "the publication. Swapped in atomically, so readers see yesterday's state or today's.",
)
def published_warehouse(context: dg.AssetExecutionContext, greenblue: GreenblueResource):
    settings = greenblue.settings()
    run_id = context.run_id
    with greenblue.database() as con:
        waiting = manifest.wait_pending(con, "its loader did not run: retried next run")
        yield from checks.reconciliation_checks(con, run_id)
        held, blocking = gate.decide(con, run_id)
    if blocking:
        raise Blocked(
            description="blocked, served warehouse unchanged: " + "; ".join(blocking)[:2000]
        )
    with greenblue.database() as con:
        orgs = [r[0] for r in con.execute("select org_code from ops.organizations").fetchall()]
        kept = publication.stage(con, run_id, set(held))
        rows = (
            [(run_id, org, "held", "; ".join(held[org])[:2000]) for org in sorted(held)]
            + [(run_id, org, "published", None) for org in sorted(orgs) if org not in held]
            + [(run_id, SYSTEM, "held", "; ".join(f"{t}: {why}" for t, why in kept.items()))]
            * bool(kept)
        )
        for row in rows:
            con.execute("insert into ops.org_publication values (?, ?, ?, ?)", row)
        history.record(con, run_id, greenblue.factor_set(), publication.snapshot_schema(run_id))
        message = f"{len(held)} organization(s) held: " + ", ".join(sorted(held)) if held else None
        runs.finish(con, run_id, "publishing", message, orgs_held=sorted(held))
    for org in sorted(held):
        context.log.warning(f"{org} held, its previous figures stay served: {held[org]}")
    context.log.info(f"writing the served file for run {run_id}")
    size = publication.publish(settings.work_db, settings.warehouse, run_id)
    with greenblue.database() as con:
        publication.mark_published(con, run_id)
    context.log.info(f"published {settings.warehouse} ({size / 1e6:.1f} MB, {waiting} waiting)")
    yield dg.MaterializeResult(
        metadata={
            "path": str(settings.warehouse),
            "bytes": size,
            "organizations_held": sorted(held),
            "files_waiting": waiting,
        }
    )
