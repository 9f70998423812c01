{#
    Air coupons and rail tickets in one shape, so that de-duplication across files and
    ticket netting (factors/METHODOLOGY.md section 3.7, which rail follows) are written once.
#}
with

air_segments as (

    select * from {{ ref('stg_tmc__air_segments') }}
    where {{ in_changed_orgs() }}

),

rail_tickets as (

    select * from {{ ref('stg_tmc__rail_tickets') }}
    where {{ in_changed_orgs() }}

),

files as (select * from {{ ref('stg_ops__file_manifest') }}),

air_rows as (

    select
        source_row_key,
        'air' as travel_mode,
        'tmc_air_segments' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        ticket13,
        record_locator,
        transaction_type,
        issue_date,
        segment_no,
        origin_airport_code as origin_code,
        destination_airport_code as destination_code,
        departure_date

    from air_segments

),

rail_rows as (

    select
        source_row_key,
        'rail' as travel_mode,
        'tmc_rail' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        ticket13,
        cast(null as {{ dbt.type_string() }}) as record_locator,
        transaction_type,
        issue_date,
        cast(null as {{ dbt.type_int() }}) as segment_no,
        origin_station as origin_code,
        destination_station as destination_code,
        travel_date as departure_date

    from rail_tickets

),

ticket_rows as (

    select * from air_rows
    union all
    select * from rail_rows

),

final as (

    select
        ticket_rows.*,
        files.first_seen_at as file_first_seen_at

    from ticket_rows
    inner join files
        on ticket_rows.source_file_id = files.file_id

)

select * from final
