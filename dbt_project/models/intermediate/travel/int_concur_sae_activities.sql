{#
    Concur entries counted from the expense report (fate `activity`), except the air legs
    (int_concur_sae_air_legs, which go through the shared air models), in the common
    activity shape of int_travel_activities (factors/METHODOLOGY.md, other travel):
    - Train: passenger km x rail.national (the extract names one country, so the trip is
      taken as national; data quality 3 outside GB, where the UK factor is a proxy); Taxi:
      vehicle km x taxi.regular (km); Car Rental and Personal Car Mileage: km x
      car.average.unknown (km); a distance in miles is x 1.609344;
    - Hotel: room nights x the hotel factor of the entry country (hotel.GB-LND when the
      subdivision is GB-LND, London; else the country's, its region's or the global
      average: int_hotel_factors, data quality 2, 3 or 4), optional boundary; the extract
      has no room count, so one room;
    - Fuel: the extract carries no litres, so unmapped;
    - an Airfare that cannot be split into legs (routing or ticket field unusable) is one
      unmapped air activity with the reason.
    Every activity without the quantity its factor needs is unmapped with the reason,
    never estimated. The emission_id is the entry's id, stable across re-extractions.
#}
with

entries as (

    select * from {{ ref('int_concur_sae_entries') }}
    where
        fate = 'activity'
        and (activity_type != 'air' or activity_issue is not null)

),

hotel_factors as (select * from {{ ref('int_hotel_factors') }}),

placed as (

    select
        entries.*,
        entries.activity_type = 'hotel'
        and coalesce(entries.entry_subdivision = 'GB-LND', false) as is_london,
        entries.activity_type = 'hotel'
        and {{ full_match("coalesce(entries.entry_country, '')", '[A-Z]{2}') }} as has_country,
        hotel_factors.factor_id as country_factor_id,
        hotel_factors.factor_level as country_factor_level,
        hotel_factors.factor_region as country_factor_region,
        hotel_factors.data_quality as country_data_quality

    from entries
    left join hotel_factors
        on entries.activity_type = 'hotel' and entries.entry_country = hotel_factors.country

),

quantified as (

    select
        *,
        case
            when activity_issue is not null then null
            when quantity_kind = 'distance' then distance_km
            when quantity_kind = 'room_nights' then room_nights
        end as activity_quantity,
        case
            when is_london then 'hotel.GB-LND@room.night'
            when has_country
                then coalesce(
                    country_factor_id,
                    {{ dbt.concat(["'hotel.'", 'entry_country', "'@room.night'"]) }}
                )
            when activity_type = 'hotel' then null
            when factor_key is not null
                then {{ dbt.concat(['factor_key', "'@'", 'unit']) }}
        end as factor_lookup,
        case
            when is_london then 'country'
            when has_country then country_factor_level
        end as factor_level,
        case when has_country and not is_london then country_factor_region end as factor_region,
        case
            when is_london then 2
            when has_country then coalesce(country_data_quality, 2)
            when activity_type = 'rail' and coalesce(entry_country, '') != 'GB' then 3
            else 2
        end as data_quality

    from placed

),

final as (

    select
        entry_id as source_row_key,
        'concur_sae_detail' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        activity_date,
        activity_type,
        boundary,
        activity_quantity as quantity,
        unit,
        factor_lookup as lookup_factor_id,
        cast(null as {{ dbt.type_string() }}) as lookup_factor_id_with_rf,
        activity_issue,
        data_quality,
        cast(null as {{ dbt.type_string() }}) as origin_iata,
        cast(null as {{ dbt.type_string() }}) as destination_iata,
        case when quantity_kind = 'distance' then activity_quantity end as distance_km,
        case
            when quantity_kind = 'distance' and activity_quantity is not null then 'given'
        end as distance_basis,
        cast(null as {{ dbt.type_string() }}) as haul_band,
        cast(null as {{ dbt.type_string() }}) as cabin,
        factor_level,
        factor_region

    from quantified

)

select * from final
