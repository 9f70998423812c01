{#
    The grid factor that applies to electricity used in a country in a reporting year:
    the dataset's value for that year, or else for the latest earlier year it has
    (`is_earlier_year`, data quality 3). A country with no value in or before the year has
    no row: its electricity is unmapped (METHOD.md, Electricity).
#}
with

grid as (

    select * from {{ ref('stg_factors__grid_factors') }}

),

years as (

    select cast(spine.year_number as {{ dbt.type_int() }}) as reporting_year
    from range(2000, 2101) as spine (year_number)

),

candidates as (

    select
        grid.country,
        years.reporting_year,
        grid.factor_id,
        grid.kg_co2e_per_unit,
        grid.dataset_year,
        row_number() over (
            partition by grid.country, years.reporting_year
            order by grid.dataset_year desc
        ) as recency

    from grid
    inner join years
        on grid.dataset_year <= years.reporting_year

),

final as (

    select
        country,
        reporting_year,
        factor_id,
        kg_co2e_per_unit,
        dataset_year,
        dataset_year < reporting_year as is_earlier_year

    from candidates
    where recency = 1

)

select * from final
