with

source as (select * from {{ source('factors', 'spend_price_index') }}),

renamed as (

    select
        {{ to_integer('year') }} as price_year,
        {{ to_double('index_value') }} as index_value,
        {{ clean_text('source') }} as index_source

    from source

)

select * from renamed
