with

source as (select * from {{ source('ops', 'org_closed_years') }}),

renamed as (

    select
        org_code,
        cast(reporting_year as {{ dbt.type_int() }}) as reporting_year

    from source

)

select * from renamed
