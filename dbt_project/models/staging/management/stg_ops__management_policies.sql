with

source as (select * from {{ source('ops', 'management_policies') }}),

renamed as (

    select
        org_code,
        policy,
        adopted_on,
        title as policy_title

    from source

)

select * from renamed
