with

source as (select * from {{ source('factors', 'local_material_groups') }}),

renamed as (

    select
        upper(trim(org_code)) as org_code,
        {{ local_code('local_code') }} as local_code,
        trim(unspsc_code) as unspsc_code,
        {{ clean_text('note') }} as note

    from source

)

select * from renamed
