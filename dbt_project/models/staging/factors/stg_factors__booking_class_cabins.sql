with

source as (select * from {{ source('factors', 'booking_class_cabins') }}),

renamed as (

    select
        {{ clean_code('booking_class') }} as booking_class,
        lower(trim(cabin)) as cabin

    from source

)

select * from renamed
