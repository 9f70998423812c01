{#
    Concur entries counted from the expense report (fate `activity`), except the air legs
    (int_concur_sae_air_legs, which go through the shared air models), in the common
    activity shape of int_travel_activities (METHOD.md, other travel):
    - Train: passenger km x rail.national; Taxi: vehicle km x taxi.regular (km);
      Car Rental and Personal Car Mileage: km x car.average.unknown (km); a distance in
      miles is x 1.609344;
    - Hotel: room nights x hotel.<entry country> (hotel.GB-LND when the subdivision is
      GB-LND, London), optional boundary; the extract has no room count, so one room;
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

quantified as (

    select
        *,
        case
            when activity_issue is not null then null
            when quantity_kind = 'distance' then distance_km
            when quantity_kind = 'room_nights' then room_nights
        end as activity_quantity,
        case
            when activity_type = 'hotel' and entry_subdivision = 'GB-LND'
                then 'hotel.GB-LND@room.night'
            when activity_type = 'hotel' and regexp_full_match(coalesce(entry_country, ''), '[A-Z]{2}')
                then {{ dbt.concat(["'hotel.'", 'entry_country', "'@room.night'"]) }}
            when activity_type = 'hotel' then null
            when factor_key is not null
                then {{ dbt.concat(['factor_key', "'@'", 'unit']) }}
        end as factor_lookup

    from entries

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
        2 as data_quality,
        cast(null as {{ dbt.type_string() }}) as origin_iata,
        cast(null as {{ dbt.type_string() }}) as destination_iata,
        case when quantity_kind = 'distance' then activity_quantity end as distance_km,
        cast(null as {{ dbt.type_string() }}) as haul_band,
        cast(null as {{ dbt.type_string() }}) as cabin

    from quantified

)

select * from final
