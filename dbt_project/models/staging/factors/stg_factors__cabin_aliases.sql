with

source as (select * from {{ source('factors', 'cabin_aliases') }}),

renamed as (

    select
        {{ clean_code('alias') }} as alias,
        lower(trim(cabin)) as cabin

    from source

)

select * from renamed
