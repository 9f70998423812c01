{#
    One activity per rail ticket that counts after de-duplication and netting (factors/METHODOLOGY.md
    section 4, Rail):
    - distance: the km the agency gives; when the cell is empty and both stations are
      placed at a city (int_rail_station_cities), the great-circle km between the two
      cities x var `rail_detour_factor` (1.2: rail lines are longer than the great circle),
      at data quality 3. A distance given as 0 or less, a missing station, a station no
      city fits, or two stations of one city leave the ticket unmapped with the reason.
    - factor: `rail.international` when both countries are known and differ (the agency's
      country column, else the station city's), else `rail.national`.
    - data quality 2 only where the DESNZ factor describes the trip (a distance given, and
      a journey within GB for `rail.national` or between GB and another country for
      `rail.international`, the Eurostar services behind that factor); anywhere else the UK
      factor is a proxy: 3.
#}
{%- set detour = var('rail_detour_factor') -%}
with

fates as (

    select * from {{ ref('int_travel_ticket_row_fates') }}
    where travel_mode = 'rail' and fate = 'flown'

),

rail_tickets as (select * from {{ ref('stg_tmc__rail_tickets') }}),

station_cities as (select * from {{ ref('int_rail_station_cities') }}),

travelled as (

    select rail_tickets.*
    from rail_tickets
    inner join fates
        on rail_tickets.source_row_key = fates.source_row_key

),

placed as (

    select
        travelled.*,
        origin_city.geonameid as origin_geonameid,
        origin_city.city_name as origin_city,
        destination_city.geonameid as destination_geonameid,
        destination_city.city_name as destination_city,
        coalesce(travelled.origin_country, origin_city.city_country) as from_country,
        coalesce(travelled.destination_country, destination_city.city_country) as to_country,
        {{ great_circle_km(
            'origin_city.latitude_deg', 'origin_city.longitude_deg',
            'destination_city.latitude_deg', 'destination_city.longitude_deg'
        ) }} as cities_great_circle_km

    from travelled
    left join station_cities as origin_city
        on
            travelled.origin_station = origin_city.station
            and travelled.origin_country is not distinct from origin_city.station_country
    left join station_cities as destination_city
        on
            travelled.destination_station = destination_city.station
            and travelled.destination_country is not distinct from destination_city.station_country

),

measured as (

    select
        *,
        case
            when distance_km is not null then 'given'
            when cities_great_circle_km > 0 then 'stations'
        end as distance_basis,
        case
            when distance_km > 0 then distance_km
            when distance_km is null and cities_great_circle_km > 0
                then cities_great_circle_km * {{ detour }}
        end as passenger_km,
        coalesce(from_country != to_country, false) as is_cross_border

    from placed

),

final as (

    select
        source_row_key,
        'tmc_rail' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        coalesce(travel_date, issue_date) as activity_date,
        'rail' as activity_type,
        'core' as boundary,
        passenger_km as quantity,
        'passenger.km' as unit,
        case
            when is_cross_border then 'rail.international@passenger.km'
            else 'rail.national@passenger.km'
        end as lookup_factor_id,
        cast(null as {{ dbt.type_string() }}) as lookup_factor_id_with_rf,
        case
            when passenger_km is not null then null
            when distance_km is not null or origin_station is null or destination_station is null
                then 'no distance for rail ticket'
            when origin_geonameid is null
                then {{ dbt.concat([
                    "'no distance for rail ticket and no city found for station '", in_quotes('origin_station')
                ]) }}
            when destination_geonameid is null
                then {{ dbt.concat([
                    "'no distance for rail ticket and no city found for station '", in_quotes('destination_station')
                ]) }}
            else {{ dbt.concat([
                "'no distance for rail ticket: both stations are in '", 'origin_city'
            ]) }}
        end as activity_issue,
        case
            when
                distance_basis = 'given'
                and (
                    (not is_cross_border and from_country = 'GB' and to_country = 'GB')
                    or (is_cross_border and 'GB' in (from_country, to_country))
                )
                then 2
            else 3
        end as data_quality,
        cast(null as {{ dbt.type_string() }}) as origin_iata,
        cast(null as {{ dbt.type_string() }}) as destination_iata,
        passenger_km as distance_km,
        case when passenger_km is not null then distance_basis end as distance_basis,
        cast(null as {{ dbt.type_string() }}) as haul_band,
        cast(null as {{ dbt.type_string() }}) as cabin,
        cast(null as {{ dbt.type_string() }}) as factor_level,
        cast(null as {{ dbt.type_string() }}) as factor_region

    from measured

)

select * from final
