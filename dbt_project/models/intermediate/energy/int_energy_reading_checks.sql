{#
    Plausibility of every counted meter reading against the meter's own history: its
    consumption per day compared with the median per day of all counted readings of the
    same meter. A reading more than 10 times below or above (`implausible_low`,
    `implausible_high`) is flagged: the typical cause is a value in MWh labelled kWh,
    which no file-level check can see (docs/dialects.md D7, `mwh_labelled_kwh`). Readings are
    never changed by the check; the flag is shown in marts.energy_reading_checks and
    marts.org_completeness. Meters with fewer than 3 readings have no history to compare
    with; prepaid token purchases have no period.
#}
with

readings as (

    select * from {{ ref('int_utility_meter_fates') }}
    where fate = 'counted'

),

daily as (

    select
        *,
        cast({{ days_between('effective_start', 'effective_end') }} + 1 as bigint) as period_days,
        quantity / ({{ days_between('effective_start', 'effective_end') }} + 1) as quantity_per_day

    from readings

),

history as (

    select
        org_code,
        meter_id,
        to_unit,
        count(*) as readings_in_history,
        median(quantity_per_day) as median_per_day

    from daily
    where not is_prepaid_date and quantity is not null
    group by org_code, meter_id, to_unit

),

final as (

    select
        daily.source_row_key,
        daily.org_code,
        daily.site_code,
        daily.country,
        daily.meter_id,
        daily.commodity,
        daily.effective_start as period_start,
        daily.effective_end as period_end,
        daily.period_days,
        daily.consumption,
        daily.unit,
        daily.quantity,
        daily.to_unit,
        daily.quantity_per_day,
        history.median_per_day,
        history.readings_in_history,
        daily.quantity_per_day / nullif(history.median_per_day, 0) as ratio_to_median,
        case
            when daily.is_prepaid_date or daily.quantity is null then 'not_checked'
            when history.readings_in_history < 3 or history.median_per_day is null then 'no_history'
            when daily.quantity_per_day < history.median_per_day / 10 then 'implausible_low'
            when daily.quantity_per_day > history.median_per_day * 10 then 'implausible_high'
            else 'ok'
        end as plausibility

    from daily
    left join history
        on
            daily.org_code = history.org_code
            and daily.meter_id = history.meter_id
            and daily.to_unit = history.to_unit

)

select * from final
