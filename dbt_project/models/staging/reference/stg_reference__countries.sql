with

source as (select * from {{ source('reference', 'countries') }}),

renamed as (

    select
        {{ clean_code('country') }} as country,
        {{ clean_code('iso3') }} as iso3,
        name as country_name,
        {{ clean_code('continent') }} as continent,
        continent_name

    from source
    where {{ clean_code('country') }} is not null

)

select * from renamed
