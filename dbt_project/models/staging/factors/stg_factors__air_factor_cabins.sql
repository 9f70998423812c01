with

source as (select * from {{ source('factors', 'air_factor_cabins') }}),

renamed as (

    select
        lower(trim(haul_band)) as haul_band,
        lower(trim(cabin)) as cabin,
        lower(trim(factor_cabin)) as factor_cabin

    from source

)

select * from renamed
