with

source as (select * from {{ source('factors', 'sustainability_keywords') }}),

renamed as (

    select
        trim(label) as match_label,
        trim(kind) as match_kind,
        pattern,
        {{ clean_text('note') }} as note

    from source

)

select * from renamed
