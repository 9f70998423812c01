with

source as (select * from {{ source('ops', 'management_ems') }}),

renamed as (

    select
        org_code,
        status as ems_status,
        since as ems_since,
        valid_until as iso14001_valid_until,
        scope as ems_scope

    from source

)

select * from renamed
