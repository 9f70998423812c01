with

source as (select * from {{ source('factors', 'refrigerant_gases') }}),

renamed as (

    select
        {{ clean_code('name_text') }} as name_text,
        trim(gas) as gas,
        trim(kind) as kind,
        trim(boundary) as boundary,
        note

    from source

)

select * from renamed
