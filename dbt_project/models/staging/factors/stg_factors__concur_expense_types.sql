with

source as (select * from {{ source('factors', 'concur_expense_types') }}),

renamed as (

    select
        {{ clean_code('expense_type') }} as expense_type,
        lower(trim(activity_type)) as activity_type,
        {{ clean_text('quantity') }} as quantity_kind,
        {{ clean_text('unit') }} as unit,
        {{ clean_text('factor_key') }} as factor_key,
        {{ clean_text('boundary') }} as boundary,
        {{ clean_text('note') }} as note

    from source

)

select * from renamed
