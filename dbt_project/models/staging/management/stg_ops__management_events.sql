with

source as (select * from {{ source('ops', 'management_events') }}),

renamed as (

    select
        org_code,
        event_date,
        cast(extract(year from event_date) as {{ dbt.type_int() }}) as event_year,
        kind as event_kind,
        audience,
        participants,
        title as event_title

    from source

)

select * from renamed
