-- Per organization and year: core and optional totals, unmapped rows, the year's status
-- and whether a headcount is missing (the end-of-run summary, pipelines/summary.py).
select
    a.org_code,
    a.reporting_year,
    sum(a.t_co2e) filter (where a.boundary = 'core') as core_t,
    sum(a.t_co2e) filter (where a.boundary = 'optional') as optional_t,
    sum(a.unmapped_rows) as unmapped,
    case
        when bool_or(y.is_headline_year) then 'headline'
        when bool_or(y.is_complete) then 'complete'
        else coalesce('partial: ' || max(y.partial_domains), 'partial')
    end as year_status,
    max(a.headcount) is null as no_headcount
from marts.org_emissions_annual as a
left join marts.org_reporting_years as y
    on a.org_code = y.org_code and a.reporting_year = y.reporting_year
group by a.org_code, a.reporting_year
order by a.org_code, a.reporting_year
