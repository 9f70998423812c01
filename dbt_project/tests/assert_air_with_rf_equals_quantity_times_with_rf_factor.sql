{{ config(meta={'dagster': {'ref': {'name': 'fct_emissions'}}}) }}
{#
    The radiative-forcing memo of every mapped air segment is quantity x the `.with_rf`
    factor of the same band and cabin as the headline factor, within 1e-9 relative.
#}
with

air as (

    select * from {{ ref('fct_emissions') }}
    where activity_type = 'air' and factor_status = 'mapped'

),

factors as (select * from {{ source('factors', 'emission_factors') }}),

checked as (

    select
        air.emission_id,
        air.factor_id,
        air.quantity,
        air.kg_co2e_with_rf,
        air.quantity * factors.kg_co2e_per_unit as expected_kg_co2e_with_rf

    from air
    left join factors
        on
            replace(air.factor_id, '.without_rf@', '.with_rf@') = factors.factor_id
            and air.factor_version = factors.factor_version

)

select * from checked
where
    expected_kg_co2e_with_rf is null
    or kg_co2e_with_rf is null
    or abs(kg_co2e_with_rf - expected_kg_co2e_with_rf)
    > greatest(1e-9 * abs(expected_kg_co2e_with_rf), 1e-6)
