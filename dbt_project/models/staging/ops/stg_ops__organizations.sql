with

source as (select * from {{ source('ops', 'organizations') }}),

renamed as (

    select
        org_code,
        name as org_name,
        {{ clean_code('country') }} as country,
        {{ clean_code('currency') }} as currency,
        baseline_year

    from source

)

select * from renamed
