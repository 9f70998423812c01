{#
    Every counted flight leg (int_air_legs: the agency's flown segments after
    de-duplication and ticket netting, and expensed Airfare legs) with both airports
    resolved and the great-circle distance between them (factors/METHODOLOGY.md sections 3.1, 3.2, 3.6).
    A leg whose airports cannot be resolved keeps its row, with the reason.
#}
with

flown_segments as (

    select * from {{ ref('int_air_legs') }}
    where {{ in_changed_orgs() }}

),

airport_codes as (select * from {{ ref('int_airport_codes') }}),

resolved as (

    select
        flown_segments.*,
        origin.airport_iata as origin_iata,
        origin.country as origin_airport_country,
        origin.latitude_deg as origin_latitude_deg,
        origin.longitude_deg as origin_longitude_deg,
        origin.data_quality as origin_data_quality,
        destination.airport_iata as destination_iata,
        destination.country as destination_airport_country,
        destination.latitude_deg as destination_latitude_deg,
        destination.longitude_deg as destination_longitude_deg,
        destination.data_quality as destination_data_quality,
        case
            when flown_segments.origin_airport_code is null then 'missing origin airport'
            when origin.airport_iata is null
                then {{ dbt.concat(["'unknown airport '", in_quotes('flown_segments.origin_airport_code')]) }}
        end as origin_issue,
        case
            when flown_segments.destination_airport_code is null then 'missing destination airport'
            when destination.airport_iata is null
                then {{ dbt.concat(["'unknown airport '", in_quotes('flown_segments.destination_airport_code')]) }}
        end as destination_issue

    from flown_segments
    left join airport_codes as origin
        on flown_segments.origin_airport_code = origin.code
    left join airport_codes as destination
        on flown_segments.destination_airport_code = destination.code

),

final as (

    select
        source_row_key,
        source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        activity_date,
        ticket13,
        record_locator,
        transaction_type,
        issue_date,
        segment_no,
        departure_date,
        origin_airport_code,
        destination_airport_code,
        origin_iata,
        destination_iata,
        origin_airport_country,
        destination_airport_country,
        case
            when origin_iata is not null and destination_iata is not null
                then {{ great_circle_km(
                    'origin_latitude_deg', 'origin_longitude_deg',
                    'destination_latitude_deg', 'destination_longitude_deg'
                ) }}
        end as distance_km,
        case
            when origin_issue is not null and destination_issue is not null
                then {{ dbt.concat(['origin_issue', "'; '", 'destination_issue']) }}
            when origin_issue is not null or destination_issue is not null
                then coalesce(origin_issue, destination_issue)
            when origin_iata = destination_iata
                then {{ dbt.concat(["'origin and destination are the same airport '", in_quotes('origin_iata')]) }}
        end as route_issue,
        greatest(
            coalesce(origin_data_quality, 2),
            coalesce(destination_data_quality, 2),
            leg_data_quality
        ) as route_data_quality,
        booking_class,
        cabin_text,
        agency_segment_km,
        agency_co2_kg,
        agency_co2e_incl_rf_kg

    from resolved

)

select * from final
