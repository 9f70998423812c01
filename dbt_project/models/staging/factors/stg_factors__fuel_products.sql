with

source as (select * from {{ source('factors', 'fuel_products') }}),

renamed as (

    select
        {{ clean_code('product_text') }} as product_text,
        {{ clean_text('fuel_key') }} as fuel_key,
        trim(kind) as kind,
        note

    from source

)

select * from renamed
