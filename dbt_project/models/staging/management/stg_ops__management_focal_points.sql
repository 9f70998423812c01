with

source as (select * from {{ source('ops', 'management_focal_points') }}),

renamed as (

    select
        org_code,
        role as focal_point_role,
        since as role_since,
        unit as organizational_unit

    from source

)

select * from renamed
