{#
    The location-based electricity grid factors of the factor set in use, one per country,
    basis and data year. The key's shape says what a row is (METHODOLOGY.md section 6):

    - `electricity.grid.<ISO-2>.<year>` (un-common-2025.1 and later): a year of a series of
      generation carbon intensities (Our World in Data / Ember), on a **life-cycle** basis;
      its data year is the key's year, however many years a country has;
    - `electricity.grid.<ISO-2>` (no year: DESNZ's UK factor): a national inventory factor
      on a **combustion** basis; its data year is the year its source edition starts with
      (`2024 v1.1` -> 2024), else the year of `valid_from`.

    valid_from / valid_to are carried as years (an empty valid_to: no end) so the rule of
    int_grid_factor_years can prefer a row valid for the reporting year.
#}
with

factors as (

    select * from {{ ref('stg_factors__emission_factors') }}
    where activity_type = 'electricity' and unit = 'kWh'

),

shaped as (

    select
        factor_id,
        factor_key,
        kg_co2e_per_unit,
        split_part(factor_key, '.', 3) as country,
        case
            when {{ full_match('factor_key', 'electricity\.grid\.[A-Z]{2}\.[0-9]{4}') }} then 'life-cycle'
            when {{ full_match('factor_key', 'electricity\.grid\.[A-Z]{2}') }} then 'combustion'
        end as factor_basis,
        try_cast(split_part(factor_key, '.', 4) as {{ dbt.type_int() }}) as key_year,
        try_cast(
            nullif(regexp_extract(source_edition, '^\s*([0-9]{4})', 1), '') as {{ dbt.type_int() }}
        ) as edition_year,
        cast(extract(year from valid_from) as {{ dbt.type_int() }}) as valid_from_year,
        cast(extract(year from valid_to) as {{ dbt.type_int() }}) as valid_to_year

    from factors

),

grid as (

    select
        factor_id,
        kg_co2e_per_unit,
        country,
        factor_basis,
        case
            when factor_basis = 'life-cycle' then key_year
            else coalesce(edition_year, valid_from_year)
        end as factor_data_year,
        valid_from_year,
        valid_to_year

    from shaped
    where factor_basis is not null

)

select * from grid
