{{ config(meta={'dagster': {'ref': {'name': 'fct_emission_sources'}}}) }}
{#
    Nothing lost: every loaded agency row (air, rail, hotel) has exactly one fate, and
    every row whose fate creates an activity (flown coupon or ticket, counted stay) is in
    fct_emissions, while no other row is.
#}
with

staged_rows as (

    select source_row_key from {{ ref('stg_tmc__air_segments') }}
    union all
    select source_row_key from {{ ref('stg_tmc__rail_tickets') }}
    union all
    select source_row_key from {{ ref('stg_tmc__hotel_stays') }}

),

fates as (

    select
        source_row_key,
        fate = 'flown' as creates_activity
    from {{ ref('int_travel_ticket_row_fates') }}

    union all

    select
        source_row_key,
        fate = 'counted' as creates_activity
    from {{ ref('int_hotel_stays') }}

),

travel_emissions as (

    select emission_id from {{ ref('fct_emissions') }}
    where domain = 'travel'

),

fate_counts as (

    select
        staged_rows.source_row_key,
        count(fates.source_row_key) as fate_count,
        max(case when fates.creates_activity then 1 else 0 end) as creates_activity

    from staged_rows
    left join fates
        on staged_rows.source_row_key = fates.source_row_key
    group by staged_rows.source_row_key

),

checked as (

    select
        fate_counts.source_row_key,
        fate_counts.fate_count,
        fate_counts.creates_activity,
        travel_emissions.emission_id is not null as is_emission

    from fate_counts
    left join travel_emissions
        on fate_counts.source_row_key = travel_emissions.emission_id

)

select * from checked
where fate_count != 1 or (creates_activity = 1) != is_emission
