with

source as (select * from {{ source('factors', 'uncertainty') }}),

renamed as (

    select
        {{ to_integer('data_quality') }} as data_quality,
        {{ to_double('activity_pct') }} / 100.0 as activity_uncertainty,
        {{ to_double('factor_pct') }} / 100.0 as factor_uncertainty,
        {{ clean_text('meaning') }} as meaning,
        {{ clean_text('basis') }} as basis

    from source

)

select * from renamed
