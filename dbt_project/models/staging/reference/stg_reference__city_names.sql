{#
    Every name of a city (its own and its alternate names in Latin letters) as a lookup key
    (macros/place_key.sql), once per city.
#}
with

source as (select * from {{ source('reference', 'city_names') }}),

keyed as (

    select distinct
        {{ place_key('name') }} as name_key,
        cast(geonameid as bigint) as geonameid

    from source

)

select * from keyed
where name_key is not null
