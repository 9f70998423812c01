with

source as (select * from {{ source('factors', 'currency_minor_units') }}),

renamed as (

    select
        {{ clean_code('currency') }} as currency,
        {{ to_integer('minor_units') }} as minor_units,
        {{ clean_text('note') }} as note

    from source

)

select * from renamed
