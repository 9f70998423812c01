{#
    Haul band (factors/METHODOLOGY.md section 3.3), cabin (section 3.4) and the factor keys of each flown
    segment. The cabin comes from the cabin text through factors.cabin_aliases, else from
    the booking-class letter (factors.booking_class_cabins; any other letter is economy),
    else it is `average` at data quality 3. A cabin is never a reason to reject a segment.
    Bands without a factor for the cabin use the nearest one (factors.air_factor_cabins).
#}
with

routes as (

    select * from {{ ref('int_air_segment_routes') }}
    where {{ in_changed_orgs() }}

),

cabin_aliases as (select * from {{ ref('stg_factors__cabin_aliases') }}),

booking_class_cabins as (select * from {{ ref('stg_factors__booking_class_cabins') }}),

air_factor_cabins as (select * from {{ ref('stg_factors__air_factor_cabins') }}),

banded as (

    select
        routes.*,
        case
            when routes.distance_km is null then null
            when routes.origin_airport_country = 'GB' and routes.destination_airport_country = 'GB'
                then 'domestic_uk'
            when routes.origin_airport_country = 'GB' or routes.destination_airport_country = 'GB'
                then case when routes.distance_km < 3700 then 'short_haul_uk' else 'long_haul_uk' end
            else 'international_non_uk'
        end as haul_band,
        case
            when cabin_aliases.cabin is not null then cabin_aliases.cabin
            when booking_class_cabins.cabin is not null then booking_class_cabins.cabin
            when length(routes.booking_class) = 1 and routes.booking_class between 'A' and 'Z'
                then 'economy'
            else 'average'
        end as cabin,
        case
            when cabin_aliases.cabin is not null then 'cabin_text'
            when length(routes.booking_class) = 1 and routes.booking_class between 'A' and 'Z'
                then 'booking_class'
            else 'default'
        end as cabin_source

    from routes
    left join cabin_aliases
        on routes.cabin_text = cabin_aliases.alias
    left join booking_class_cabins
        on routes.booking_class = booking_class_cabins.booking_class

),

final as (

    select
        banded.*,
        coalesce(air_factor_cabins.factor_cabin, banded.cabin) as factor_cabin,
        case
            when banded.haul_band is not null
                then {{ dbt.concat([
                    "'air.'", 'banded.haul_band', "'.'",
                    'coalesce(air_factor_cabins.factor_cabin, banded.cabin)',
                    "'.without_rf@passenger.km'"
                ]) }}
        end as factor_id_without_rf,
        case
            when banded.haul_band is not null
                then {{ dbt.concat([
                    "'air.'", 'banded.haul_band', "'.'",
                    'coalesce(air_factor_cabins.factor_cabin, banded.cabin)',
                    "'.with_rf@passenger.km'"
                ]) }}
        end as factor_id_with_rf,
        greatest(
            banded.route_data_quality,
            case when banded.cabin = 'average' then 3 else 2 end
        ) as data_quality

    from banded
    left join air_factor_cabins
        on
            banded.haul_band = air_factor_cabins.haul_band
            and banded.cabin = air_factor_cabins.cabin

)

select * from final
