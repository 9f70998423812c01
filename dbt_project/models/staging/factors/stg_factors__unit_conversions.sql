{#
    Unit texts found in exports and the factor to the unit of the emission factor (litre,
    kg, kWh, m3). The factors were checked against pint when the table was loaded
    (pipelines/units.py); nothing here is a hand-written constant.
#}
with

source as (select * from {{ source('factors', 'unit_conversions') }}),

renamed as (

    select
        {{ clean_code('unit_text') }} as unit_text,
        trim(pint_unit) as pint_unit,
        trim(to_unit) as to_unit,
        cast(factor as {{ type_double() }}) as factor,
        {{ to_integer('data_quality') }} as data_quality,
        source as conversion_source

    from source

)

select * from renamed
