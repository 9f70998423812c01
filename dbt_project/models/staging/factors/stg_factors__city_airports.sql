with

source as (select * from {{ source('factors', 'city_airports') }}),

renamed as (

    select
        {{ clean_code('code_or_name') }} as code_or_name,
        {{ clean_code('airport_iata') }} as airport_iata,
        kind,
        note

    from source

)

select * from renamed
