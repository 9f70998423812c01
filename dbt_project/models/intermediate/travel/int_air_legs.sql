{#
    Every flight leg counted in the inventory, whichever source it comes from, in one shape,
    so that airports, great-circle distance, haul band, cabin and factor (factors/METHODOLOGY.md
    sections 3.1-3.6) are computed once for all of them:
    - the travel agency's flown coupons (fate `flown` after de-duplication and netting);
    - the legs of expensed Airfare entries counted from the expense report (not in an
      agency file), from int_concur_sae_air_legs.
    source_row_key becomes the leg's emission_id: the coupon row's key, or the expense
    entry's leg key.
#}
with

fates as (

    select * from {{ ref('int_travel_ticket_row_fates') }}
    where {{ in_changed_orgs() }} and travel_mode = 'air' and fate = 'flown'

),

air_segments as (

    select * from {{ ref('stg_tmc__air_segments') }}
    where {{ in_changed_orgs() }}

),

expense_legs as (

    select * from {{ ref('int_concur_sae_air_legs') }}
    where {{ in_changed_orgs() }}

),

agency_legs as (

    select
        air_segments.source_row_key,
        'tmc_air_segments' as source_table,
        air_segments.source_file_id,
        air_segments.source_sheet,
        air_segments.source_row,
        air_segments.org_code,
        coalesce(air_segments.departure_date, air_segments.issue_date) as activity_date,
        air_segments.ticket13,
        air_segments.record_locator,
        air_segments.transaction_type,
        air_segments.issue_date,
        air_segments.segment_no,
        air_segments.departure_date,
        air_segments.origin_airport_code,
        air_segments.destination_airport_code,
        air_segments.booking_class,
        air_segments.cabin_text,
        2 as leg_data_quality,
        air_segments.agency_segment_km,
        air_segments.agency_co2_kg,
        air_segments.agency_co2e_incl_rf_kg

    from air_segments
    inner join fates
        on air_segments.source_row_key = fates.source_row_key

),

expensed_legs as (

    select
        leg_key as source_row_key,
        'concur_sae_detail' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        activity_date,
        ticket13,
        cast(null as {{ dbt.type_string() }}) as record_locator,
        cast(null as {{ dbt.type_string() }}) as transaction_type,
        cast(null as date) as issue_date,
        leg_no as segment_no,
        cast(null as date) as departure_date,
        origin_airport_code,
        destination_airport_code,
        cast(null as {{ dbt.type_string() }}) as booking_class,
        class_of_service_text as cabin_text,
        leg_data_quality,
        cast(null as {{ type_double() }}) as agency_segment_km,
        cast(null as {{ type_double() }}) as agency_co2_kg,
        cast(null as {{ type_double() }}) as agency_co2e_incl_rf_kg

    from expense_legs

),

final as (

    select * from agency_legs
    union all
    select * from expensed_legs

)

select * from final
