{{ config(meta={'dagster': {'ref': {'name': 'fct_emissions'}}}) }}
{#
    The market-based figure is a memo of scope 2 only: every mapped scope 2 row has one,
    no more than its location-based figure (a renewable share only lowers it), and no
    scope 1 or 3 row has one, so market-based and location-based totals are never mixed.
#}
select
    emission_id,
    scope,
    kg_co2e,
    kg_co2e_market

from {{ ref('fct_emissions') }}
where
    (scope = 2 and factor_status = 'mapped' and kg_co2e_market is null)
    or (scope != 2 and kg_co2e_market is not null)
    or kg_co2e_market > kg_co2e + greatest(1e-9 * abs(kg_co2e), 1e-6)
