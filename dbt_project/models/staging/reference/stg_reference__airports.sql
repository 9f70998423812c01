with

source as (select * from {{ source('reference', 'airports') }}),

renamed as (

    select
        {{ clean_code('iata') }} as iata,
        {{ clean_code('icao') }} as icao,
        name as airport_name,
        city,
        subdivision,
        {{ clean_code('country') }} as country,
        cast(lat as {{ type_double() }}) as latitude_deg,
        cast(lon as {{ type_double() }}) as longitude_deg,
        tz as time_zone

    from source
    where {{ clean_code('iata') }} is not null

)

select * from renamed
