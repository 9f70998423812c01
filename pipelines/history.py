"""Published figures, kept per run: how a restatement becomes visible.

A factor edition or a corrected source changes earlier years' figures (a restated
baseline). Each publication appends what it published to `ops.published_figures` in the
working database, so the served copy always holds the figures of every earlier
publication with the run and factor set they came from: the first row of a figure is what
was originally reported, the newest is the restated value.
"""

import duckdb

DDL = """
create table if not exists ops.published_figures (
    run_id varchar not null,
    published_at timestamp not null,
    factor_set varchar not null,
    org_code varchar not null,
    reporting_year integer not null,
    figure varchar not null,
    t_co2e double
)
"""

# One line per organization, year and figure: the headline total, each scope and each domain.
FIGURES = """
    select org_code, reporting_year, 'all' as figure, sum(t_co2e) as t_co2e
    from {schema}.org_emissions_annual where boundary = 'core' group by all
    union all
    select org_code, reporting_year, 'scope ' || scope, sum(t_co2e)
    from {schema}.org_emissions_annual where boundary = 'core' group by all
    union all
    select org_code, reporting_year, 'domain ' || domain,
           sum(cast(kg_co2e as decimal(38, 12))) / 1000
    from {schema}.fct_emissions
    where boundary = 'core' and factor_status = 'mapped' group by all
"""


def record(
    con: duckdb.DuckDBPyConnection, run_id: str, factor_set: str, schema: str = "marts"
) -> int:
    """Append the figures this run publishes (the marts of `schema`, once per run); returns
    the number of rows written."""
    con.execute(DDL)
    con.execute("delete from ops.published_figures where run_id = ?", [run_id])
    con.execute(
        "insert into ops.published_figures "
        f"select ?, now()::timestamp, ?, org_code, reporting_year, figure, t_co2e "
        f"from ({FIGURES.format(schema=schema)})",
        [run_id, factor_set],
    )
    return con.execute(
        "select count(*) from ops.published_figures where run_id = ?", [run_id]
    ).fetchall()[0][0]


RESTATEMENTS = """
    with ranked as (
        select *,
            row_number() over (partition by org_code, reporting_year, figure
                               order by published_at, run_id) as first_rank,
            row_number() over (partition by org_code, reporting_year, figure
                               order by published_at desc, run_id desc) as last_rank
        from ops.published_figures
    )
    select first.org_code, first.reporting_year, first.figure,
           first.t_co2e as originally_reported_t_co2e, first.factor_set as original_factor_set,
           first.run_id as original_run_id,
           last.t_co2e as restated_t_co2e, last.factor_set as restated_factor_set,
           last.run_id as restated_run_id
    from ranked as first
    join ranked as last using (org_code, reporting_year, figure)
    where first.first_rank = 1 and last.last_rank = 1
      and abs(coalesce(first.t_co2e, 0) - coalesce(last.t_co2e, 0))
          > greatest(1e-9, 1e-9 * abs(coalesce(first.t_co2e, 0)))
"""
