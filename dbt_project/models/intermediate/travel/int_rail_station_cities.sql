{#
    Every station a rail ticket names (with the country the agency gives beside it, when it
    gives one) placed at its city (METHODOLOGY.md, section 4, Rail): the station's name as a
    key (macros/place_key.sql), then its longest run of leading words that is a name of a
    city of that country (`Paris Gare de Lyon` -> `PARIS`, `Frankfurt(Main) Hbf` ->
    `FRANKFURT MAIN`, `New York Penn Station` -> `NEW YORK`); among cities of one name, the
    most populous. Without a country, cities of every country are candidates. Leading words
    shorter than three characters name no city. A station no city name fits has no
    geonameid; its ticket needs a distance in the file.
#}
with

rail_tickets as (select * from {{ ref('stg_tmc__rail_tickets') }}),

city_names as (select * from {{ ref('stg_reference__city_names') }}),

cities as (select * from {{ ref('stg_reference__cities') }}),

stations as (

    select
        origin_station as station,
        origin_country as station_country
    from rail_tickets
    where origin_station is not null
    union
    select
        destination_station as station,
        destination_country as station_country
    from rail_tickets
    where destination_station is not null

),

keyed as (

    select
        station,
        station_country,
        {{ place_key('station') }} as station_key

    from stations

),

prefixes as (

    {{ leading_words('keyed', 'station_key', ['station', 'station_country'], 'word_count', 'name_prefix') }}

),

candidates as (

    select
        prefixes.station,
        prefixes.station_country,
        prefixes.name_prefix,
        prefixes.word_count,
        cities.geonameid,
        cities.city_name,
        cities.country as city_country,
        cities.latitude_deg,
        cities.longitude_deg,
        cities.population

    from prefixes
    inner join city_names
        on prefixes.name_prefix = city_names.name_key
    inner join cities
        on
            city_names.geonameid = cities.geonameid
            and (prefixes.station_country is null or prefixes.station_country = cities.country)
    where length(prefixes.name_prefix) >= 3

),

best as (

    select *
    from candidates
    qualify row_number() over (
        partition by station, station_country
        order by word_count desc, population desc nulls last, geonameid asc
    ) = 1

),

final as (

    select
        keyed.station,
        keyed.station_country,
        keyed.station_key,
        best.name_prefix as matched_name,
        best.geonameid,
        best.city_name,
        best.city_country,
        best.latitude_deg,
        best.longitude_deg

    from keyed
    left join best
        on
            keyed.station = best.station
            and keyed.station_country is not distinct from best.station_country

)

select * from final
