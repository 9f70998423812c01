-- Every figure published earlier that a later publication changed: what was first
-- reported, and the newest value (the served view ops.restatements, pipelines/history.py).
with ranked as (
    select
        *,
        row_number() over (
            partition by org_code, reporting_year, figure
            order by published_at, run_id
        ) as first_rank,
        row_number() over (
            partition by org_code, reporting_year, figure
            order by published_at desc, run_id desc
        ) as last_rank
    from ops.published_figures
)

select
    original.org_code,
    original.reporting_year,
    original.figure,
    original.t_co2e as originally_reported_t_co2e,
    original.factor_set as original_factor_set,
    original.run_id as original_run_id,
    restated.t_co2e as restated_t_co2e,
    restated.factor_set as restated_factor_set,
    restated.run_id as restated_run_id
from ranked as original
inner join ranked as restated
    on
        original.org_code = restated.org_code
        and original.reporting_year = restated.reporting_year
        and original.figure = restated.figure
where
    original.first_rank = 1
    and restated.last_rank = 1
    and abs(coalesce(original.t_co2e, 0) - coalesce(restated.t_co2e, 0))
    > greatest(1e-9, 1e-9 * abs(coalesce(original.t_co2e, 0)))
