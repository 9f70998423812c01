{#
    One activity per confirmed hotel stay: room nights x rooms (an empty Rooms cell is one
    room) x the hotel factor of the stay's country (factors/METHODOLOGY.md, Other travel, Hotel):
    `hotel.GB-LND` for London, else the country's own factor, else its region's average,
    else the global average (int_hotel_factors), data quality 2, 3 or 4 and the basis
    recorded on the row. A country code no reference table knows keeps
    `hotel.<code>`, which the factor set lacks: unmapped with the code in the reason.
    Hotel nights are outside the UN minimum boundary: `optional`.
#}
with

stays as (

    select * from {{ ref('int_hotel_stays') }}
    where fate = 'counted'

),

hotel_factors as (select * from {{ ref('int_hotel_factors') }}),

factor_keys as (

    select
        stays.*,
        coalesce(upper(stays.hotel_city) = 'LONDON', false)
        and coalesce(stays.hotel_country, 'GB') = 'GB' as is_london,
        hotel_factors.factor_id as country_factor_id,
        hotel_factors.factor_level as country_factor_level,
        hotel_factors.factor_region as country_factor_region,
        hotel_factors.data_quality as country_data_quality,
        stays.room_nights * coalesce(stays.rooms, 1) as room_nights_total

    from stays
    left join hotel_factors
        on stays.hotel_country = hotel_factors.country

),

chosen as (

    select
        *,
        case
            when is_london then 'hotel.GB-LND@room.night'
            when hotel_country is not null
                then coalesce(
                    country_factor_id,
                    {{ dbt.concat(["'hotel.'", 'hotel_country', "'@room.night'"]) }}
                )
        end as lookup_factor_id,
        case when is_london then 'country' else country_factor_level end as factor_level,
        case when not is_london then country_factor_region end as factor_region,
        case when is_london then 2 else coalesce(country_data_quality, 2) end as data_quality

    from factor_keys

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
        data_quality,
        cast(null as {{ dbt.type_string() }}) as origin_iata,
        cast(null as {{ dbt.type_string() }}) as destination_iata,
        cast(null as {{ type_double() }}) as distance_km,
        cast(null as {{ dbt.type_string() }}) as distance_basis,
        cast(null as {{ dbt.type_string() }}) as haul_band,
        cast(null as {{ dbt.type_string() }}) as cabin,
        factor_level,
        factor_region

    from chosen

)

select * from final
