{{ config(meta={'dagster': {'ref': {'name': 'fct_emissions'}}}) }}
{#
    docs/contract.md section 3.3: every mapped kg_co2e equals quantity x kg_co2e_per_unit of the factor
    row it names (factor_id and factor_version), within 1e-9 relative, or 1e-6 kg absolute
    for tiny values. Rows whose factor cannot be found fail too.
#}
with

emissions as (

    select * from {{ ref('fct_emissions') }}
    where factor_status = 'mapped'

),

factors as (select * from {{ source('factors', 'emission_factors') }}),

checked as (

    select
        emissions.emission_id,
        emissions.factor_id,
        emissions.factor_version,
        emissions.quantity,
        emissions.kg_co2e,
        factors.kg_co2e_per_unit,
        emissions.quantity * factors.kg_co2e_per_unit as expected_kg_co2e

    from emissions
    left join factors
        on
            emissions.factor_id = factors.factor_id
            and emissions.factor_version = factors.factor_version

)

select * from checked
where
    kg_co2e_per_unit is null
    or quantity is null
    or kg_co2e is null
    or abs(kg_co2e - expected_kg_co2e) > greatest(1e-9 * abs(expected_kg_co2e), 1e-6)
