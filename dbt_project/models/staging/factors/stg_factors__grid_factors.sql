{#
    The location-based electricity grid factors of the factor set in use, one per country
    and dataset year: keys `electricity.grid.<ISO-2>.<year>` (un-common-2025.1 and later).
    Keys without a year (DESNZ's `electricity.grid.GB` of un-common-2025) are not grid
    factors per country and year and are left out.
#}
with

factors as (

    select * from {{ ref('stg_factors__emission_factors') }}
    where activity_type = 'electricity' and unit = 'kWh'

),

grid as (

    select
        factor_id,
        kg_co2e_per_unit,
        split_part(factor_key, '.', 3) as country,
        try_cast(split_part(factor_key, '.', 4) as {{ dbt.type_int() }}) as dataset_year

    from factors
    where regexp_full_match(factor_key, 'electricity\.grid\.[A-Z]{2}\.[0-9]{4}')

)

select * from grid
