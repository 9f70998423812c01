"""The organization registry into `ops`: organizations, headcounts, targets, closed years."""

import duckdb
import polars as pl

from connectors.organizations import Registry
from pipelines.database import replace_table


def load_organizations(con: duckdb.DuckDBPyConnection, registry: Registry) -> dict:
    """The registry's organizations, headcounts, targets and closed years into `ops`.

    An organization held by an invalid registry entry keeps the rows of its last valid entry
    (they are what its served figures were computed with): it stays known to the models and
    the publication, which keeps its previous figures served."""
    orgs = pl.DataFrame(
        [
            {
                "org_code": o.code,
                "name": o.name,
                "country": o.country,
                "currency": o.currency,
                "baseline_year": o.baseline_year,
            }
            for o in registry.organizations.values()
        ],
        schema=ORGANIZATIONS,
    )
    headcount = pl.DataFrame(
        [
            {"org_code": o.code, "reporting_year": year, "headcount": n}
            for o in registry.organizations.values()
            for year, n in o.headcount.items()
        ],
        schema=HEADCOUNT,
    )
    targets = pl.DataFrame(
        [
            {
                "org_code": o.code,
                "scope": t.scope,
                "target_year": t.year,
                "reduction_pct": t.reduction_pct,
            }
            for o in registry.organizations.values()
            for t in o.targets
        ],
        schema=TARGETS,
    )
    closed = pl.DataFrame(
        [
            {"org_code": o.code, "reporting_year": year}
            for o in registry.organizations.values()
            for year in sorted(set(o.closed_years))
        ],
        schema=CLOSED_YEARS,
    )
    held = sorted(registry.held)
    kept = 0
    for name, frame in (
        ("ops.organizations", orgs),
        ("ops.org_headcount", headcount),
        ("ops.org_targets", targets),
        ("ops.org_closed_years", closed),
    ):
        previous = previous_rows(con, name, held, frame.schema)
        if name == "ops.organizations":
            kept = previous.height
        replace_table(con, name, pl.concat([frame, previous]))
    return {"organizations": orgs.height + kept, "invalid": len(registry.invalid), "kept": kept}


ORGANIZATIONS = {
    "org_code": pl.String,
    "name": pl.String,
    "country": pl.String,
    "currency": pl.String,
    "baseline_year": pl.Int32,
}
HEADCOUNT = {"org_code": pl.String, "reporting_year": pl.Int32, "headcount": pl.Int64}
CLOSED_YEARS = {"org_code": pl.String, "reporting_year": pl.Int32}
TARGETS = {
    "org_code": pl.String,
    "scope": pl.String,
    "target_year": pl.Int32,
    "reduction_pct": pl.Float64,
}


def previous_rows(
    con: duckdb.DuckDBPyConnection, table: str, orgs: list[str], schema: pl.Schema
) -> pl.DataFrame:
    """The rows `table` holds for `orgs` (none before the table exists)."""
    schema_name, table_name = table.split(".")
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [schema_name, table_name],
    ).fetchall()[0][0]
    if not orgs or not exists:
        return pl.DataFrame(schema=schema)
    columns = ", ".join(f'"{c}"' for c in schema)
    found = con.sql(
        f"select {columns} from {table} where org_code in (select unnest(?::varchar[])) "
        "order by all",
        params=[orgs],
    ).to_arrow_table()
    return pl.DataFrame(pl.from_arrow(found)).cast(schema)
