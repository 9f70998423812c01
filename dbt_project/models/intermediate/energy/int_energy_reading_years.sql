{#
    Every counted meter reading split across the calendar years its period touches, pro
    rata by days, both the first and the last day counted (factors/METHODOLOGY.md): a bill for
    2024-12-15..2025-01-14 (31 days) puts 17/31 of its quantity in 2024 and 14/31 in 2025.
    One row per reading and year; the ADDITIVE adjustments netted into a reading are split
    with it.
#}
with

readings as (

    select * from {{ ref('int_utility_meter_fates') }}
    where fate = 'counted'

),

years as (

    select
        readings.*,
        cast(spine.year_number as {{ dbt.type_int() }}) as reporting_year,
        {{ days_between('readings.effective_start', 'readings.effective_end') }} + 1 as period_days

    from readings
    inner join range(1990, 2101) as spine (year_number)
        on
            spine.year_number between extract(year from readings.effective_start)
            and extract(year from readings.effective_end)

),

final as (

    select
        {{ dbt.hash(dbt.concat(['source_row_key', "'|'", 'cast(reporting_year as string)'])) }}
            as emission_id,
        *,
        {{ days_in_year('effective_start', 'effective_end', 'reporting_year') }} as days_in_year,
        cast({{ days_in_year('effective_start', 'effective_end', 'reporting_year') }} as {{ type_double() }})
        / period_days as year_share,
        greatest(effective_start, make_date(reporting_year, 1, 1)) as year_start,
        quantity
        * {{ days_in_year('effective_start', 'effective_end', 'reporting_year') }}
        / period_days as quantity_in_year

    from years

)

select * from final
