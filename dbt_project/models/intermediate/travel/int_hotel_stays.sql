{#
    Every hotel row with its fate: `counted` (a confirmed stay), `not_confirmed`
    (cancelled or no-show: factors/METHODOLOGY.md counts only Confirmed bookings) or `superseded` (the
    same stay, identified by organization, booking reference, traveller, hotel and
    check-in date, delivered again in a later file, which counts instead, as for tickets:
    a corrected check-out or status replaces the earlier row). Rows without a booking
    reference are never taken for the same stay.
#}
with

hotel_stays as (select * from {{ ref('stg_tmc__hotel_stays') }}),

files as (select * from {{ ref('stg_ops__file_manifest') }}),

keyed as (

    select
        hotel_stays.*,
        files.first_seen_at as file_first_seen_at,
        case
            when hotel_stays.record_locator is null then hotel_stays.source_row_key
            else {{ dbt.hash(dbt.concat([
                'hotel_stays.org_code', "'|'",
                'hotel_stays.record_locator', "'|'",
                "coalesce(hotel_stays.traveller_pseudonym, '')", "'|'",
                "coalesce(upper(hotel_stays.hotel_name), '')", "'|'",
                "coalesce(" ~ dbt.safe_cast('hotel_stays.check_in_date', dbt.type_string()) ~ ", '')",
            ])) }}
        end as natural_key

    from hotel_stays
    inner join files
        on hotel_stays.source_file_id = files.file_id

),

ranked as (

    {{ latest_delivery('keyed') }}

),

final as (

    select
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        record_locator,
        traveller_pseudonym,
        hotel_name,
        hotel_city,
        hotel_country,
        check_in_date,
        check_out_date,
        room_nights,
        rooms,
        booking_status,
        natural_key,
        case
            when source_file_id != kept_file_id then 'superseded'
            when booking_status = 'CONFIRMED' then 'counted'
            else 'not_confirmed'
        end as fate,
        case
            when source_file_id != kept_file_id then first_kept_row_key
        end as superseded_by_row_key,
        case
            when source_file_id != kept_file_id then kept_file_id
        end as superseded_by_file_id

    from ranked

)

select * from final
