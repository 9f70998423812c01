{# Reduction targets from the organization registry (docs/contract.md section 1): scope all | 1 | 2 | 3 | domain. #}
with

source as (select * from {{ source('ops', 'org_targets') }}),

renamed as (

    select
        org_code,
        lower(trim(scope)) as target_scope,
        cast(target_year as {{ dbt.type_int() }}) as target_year,
        cast(reduction_pct as {{ type_double() }}) as reduction_pct

    from source

)

select * from renamed
