{#
    The factor set in use (var `factor_set`). A factor set applies to every reporting
    year until a newer set is published (METHODOLOGY.md). valid_from / valid_to are carried
    as published; only the grid rule (int_grid_factor_years) uses them, to prefer a factor
    whose validity covers the year.
#}
with

source as (select * from {{ source('factors', 'emission_factors') }}),

current_set as (

    select
        factor_id,
        factor_key,
        factor_version,
        activity_type,
        unit,
        cast(kg_co2e_per_unit as {{ type_double() }}) as kg_co2e_per_unit,
        gwp_set,
        source as factor_source,
        source_edition,
        source_id,
        valid_from,
        valid_to,
        notes

    from source
    where factor_version = '{{ var("factor_set") }}'

)

select * from current_set
