{#
    The calendar months each counted meter reading covers (a bill for 15 February to
    14 March covers February and March), for marts.org_completeness: a month no reading
    covers is a month without energy data.
#}
with

readings as (

    select * from {{ ref('int_utility_meter_fates') }}
    where fate = 'counted'

),

checks as (

    select
        source_row_key,
        plausibility
    from {{ ref('int_energy_reading_checks') }}

),

months as (

    select
        readings.source_row_key,
        readings.org_code,
        cast(extract(year from spine.month_start) as {{ dbt.type_int() }}) as reporting_year,
        cast(extract(month from spine.month_start) as {{ dbt.type_int() }}) as month_number

    from readings
    {{ join_month_starts('readings.effective_start', 'readings.effective_end', 'spine', 'month_start') }}

),

final as (

    select
        months.*,
        checks.plausibility in ('implausible_low', 'implausible_high') as is_implausible

    from months
    left join checks
        on months.source_row_key = checks.source_row_key

)

select * from final
