{#
    The grid factor that applies to electricity used in a country in a reporting year
    (METHODOLOGY.md section 6), for every reporting year 2000-2100 (vars grid_first_year,
    grid_last_year):

    1. basis: a country with a combustion factor in the factor set (a key without a year,
       DESNZ's `electricity.grid.GB`) uses its combustion factors only, for every year; the
       life-cycle series is used for the other countries;
    2. among that basis's rows: one valid for the year (valid_from .. valid_to, no end when
       valid_to is empty) first; then the latest data year at or before the reporting year;
       if there is none, the earliest data year after it.

    `year_distance` = |reporting year - data year| lowers the activity's data quality by
    `data_quality_steps`: 0 for the same year, 1 for 1-2 years, 2 for 3 or more.
    A country without any grid factor has no row: its electricity is unmapped.
#}
with

grid as (select * from {{ ref('stg_factors__grid_factors') }}),

combustion_countries as (

    select distinct country
    from grid
    where factor_basis = 'combustion'

),

usable as (

    select grid.*
    from grid
    left join combustion_countries
        on grid.country = combustion_countries.country
    where grid.factor_basis = 'combustion' or combustion_countries.country is null

),

years as (

    select cast(spine.year_number as {{ dbt.type_int() }}) as reporting_year
    from range({{ var('grid_first_year', 2000) }}, {{ var('grid_last_year', 2100) }} + 1) as spine (year_number)

),

candidates as (

    select
        usable.country,
        years.reporting_year,
        usable.factor_id,
        usable.kg_co2e_per_unit,
        usable.factor_basis,
        usable.factor_data_year,
        row_number() over (
            partition by usable.country, years.reporting_year
            order by
                case
                    when
                        years.reporting_year >= coalesce(usable.valid_from_year, years.reporting_year)
                        and years.reporting_year <= coalesce(usable.valid_to_year, years.reporting_year)
                        then 0
                    else 1
                end,
                case when usable.factor_data_year <= years.reporting_year then 0 else 1 end,
                abs(years.reporting_year - usable.factor_data_year),
                usable.factor_id
        ) as preference

    from usable
    cross join years

),

final as (

    select
        country,
        reporting_year,
        factor_id,
        kg_co2e_per_unit,
        factor_basis,
        factor_data_year,
        abs(reporting_year - factor_data_year) as year_distance,
        cast(
            case
                when reporting_year = factor_data_year then 0
                when abs(reporting_year - factor_data_year) <= 2 then 1
                else 2
            end as {{ dbt.type_int() }}
        ) as data_quality_steps

    from candidates
    where preference = 1

)

select * from final
