with

source as (select * from {{ source('ops', 'org_headcount') }}),

renamed as (

    select
        org_code,
        cast(reporting_year as {{ dbt.type_int() }}) as reporting_year,
        cast(headcount as {{ dbt.type_int() }}) as headcount

    from source

)

select * from renamed
