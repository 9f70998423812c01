with

source as (select * from {{ source('reference', 'cities') }}),

renamed as (

    select
        cast(geonameid as bigint) as geonameid,
        name as city_name,
        {{ clean_code('country') }} as country,
        cast(lat as {{ type_double() }}) as latitude_deg,
        cast(lon as {{ type_double() }}) as longitude_deg,
        cast(population as bigint) as population

    from source

)

select * from renamed
