{#
    Every counted utility meter reading with its plausibility against the meter's history
    (int_energy_reading_checks): analysts filter `plausibility` to find readings to query
    with the supplier, typically a value in MWh labelled kWh. A flagged reading is still
    counted as delivered; the flag is for follow-up, not a correction.
#}
with

checks as (select * from {{ ref('int_energy_reading_checks') }}),

final as (

    select
        source_row_key as reading_id,
        org_code,
        site_code,
        country,
        meter_id,
        commodity,
        period_start,
        period_end,
        period_days,
        consumption,
        unit,
        quantity,
        to_unit as quantity_unit,
        quantity_per_day,
        median_per_day,
        readings_in_history,
        ratio_to_median,
        plausibility,
        plausibility in ('implausible_low', 'implausible_high') as is_flagged

    from checks

)

select * from final
