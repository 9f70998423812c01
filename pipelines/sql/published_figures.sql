-- One line per organization, year and figure: the headline total, each scope and each
-- domain, from the marts of `{schema}` (pipelines/history.py record).
select
    org_code,
    reporting_year,
    'all' as figure,
    sum(t_co2e) as t_co2e
from {schema}.org_emissions_annual
where boundary = 'core'
group by all

union all

select
    org_code,
    reporting_year,
    'scope ' || scope as figure,
    sum(t_co2e) as t_co2e
from {schema}.org_emissions_annual
where boundary = 'core'
group by all

union all

select
    org_code,
    reporting_year,
    'domain ' || domain as figure,
    sum(cast(kg_co2e as decimal(38, 12))) / 1000 as t_co2e
from {schema}.fct_emissions
where boundary = 'core' and factor_status = 'mapped'
group by all
