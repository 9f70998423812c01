{#
    Every text an export may put in an airport field, resolved to an airport with its
    position: IATA airport codes as themselves (data quality 2), then metropolitan city
    codes and city names through factors.city_airports (data quality 3, factors/METHODOLOGY.md
    section 3.6). An IATA airport code wins over a city entry with the same letters.
#}
with

airports as (select * from {{ ref('stg_reference__airports') }}),

city_airports as (select * from {{ ref('stg_factors__city_airports') }}),

airport_codes as (

    select
        iata as code,
        iata as airport_iata,
        'iata_code' as resolved_by,
        2 as data_quality

    from airports

),

city_codes as (

    select
        city_airports.code_or_name as code,
        city_airports.airport_iata,
        'city_airports' as resolved_by,
        3 as data_quality

    from city_airports
    left join airports
        on city_airports.code_or_name = airports.iata
    where airports.iata is null

),

codes as (

    select * from airport_codes
    union all
    select * from city_codes

),

final as (

    select
        codes.code,
        codes.airport_iata,
        codes.resolved_by,
        cast(codes.data_quality as {{ dbt.type_int() }}) as data_quality,
        airports.country,
        airports.latitude_deg,
        airports.longitude_deg

    from codes
    inner join airports
        on codes.airport_iata = airports.iata

)

select * from final
