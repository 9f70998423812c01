{#
    One activity per confirmed hotel stay: room nights x rooms (an empty Rooms cell is one
    room) x `hotel.<ISO country>`, `hotel.GB-LND` for London (METHOD.md, Other travel).
    Hotel nights are outside the UN minimum boundary: `optional`.
#}
with

stays as (

    select * from {{ ref('int_hotel_stays') }}
    where fate = 'counted'

),

factor_keys as (

    select
        *,
        case
            when upper(hotel_city) = 'LONDON' and coalesce(hotel_country, 'GB') = 'GB'
                then 'hotel.GB-LND@room.night'
            when hotel_country is not null
                then {{ dbt.concat(["'hotel.'", 'hotel_country', "'@room.night'"]) }}
        end as lookup_factor_id,
        room_nights * coalesce(rooms, 1) as room_nights_total

    from stays

),

final as (

    select
        source_row_key,
        'tmc_hotel' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        check_in_date as activity_date,
        'hotel' as activity_type,
        'optional' as boundary,
        case when room_nights_total > 0 then room_nights_total end as quantity,
        'room.night' as unit,
        lookup_factor_id,
        cast(null as {{ dbt.type_string() }}) as lookup_factor_id_with_rf,
        case
            when room_nights_total is null or room_nights_total <= 0
                then 'no room nights for hotel stay'
            when lookup_factor_id is null then 'missing hotel country'
        end as activity_issue,
        2 as data_quality,
        cast(null as {{ dbt.type_string() }}) as origin_iata,
        cast(null as {{ dbt.type_string() }}) as destination_iata,
        cast(null as {{ type_double() }}) as distance_km,
        cast(null as {{ dbt.type_string() }}) as haul_band,
        cast(null as {{ dbt.type_string() }}) as cabin

    from factor_keys

)

select * from final
