{#
    Every source row behind each travel activity: the row that created it (the flown
    SALE / EXCHANGE coupon, the rail ticket, the confirmed stay) with its signed quantity,
    and the copies of that row in older files, which were counted once and add 0.
    Cancelled coupons and the REFUND / VOID rows that cancelled them create no activity;
    int_travel_ticket_row_fates accounts for them.
#}
with

activities as (

    select * from {{ ref('int_travel_activities') }}

),

ticket_fates as (

    select * from {{ ref('int_travel_ticket_row_fates') }}

),

hotel_stays as (

    select * from {{ ref('int_hotel_stays') }}

),

creating_rows as (

    select
        emission_id,
        source_table,
        source_file_id,
        source_sheet as sheet,
        source_row,
        quantity as quantity_signed,
        'activity' as contribution

    from activities

),

duplicate_rows as (

    select
        duplicate_of_row_key,
        source_table,
        source_file_id,
        source_sheet,
        source_row

    from ticket_fates
    where fate = 'duplicate'

    union all

    select
        duplicate_of_row_key,
        'tmc_hotel' as source_table,
        source_file_id,
        source_sheet,
        source_row

    from hotel_stays
    where fate = 'duplicate'

),

duplicates as (

    select
        activities.emission_id,
        duplicate_rows.source_table,
        duplicate_rows.source_file_id,
        duplicate_rows.source_sheet as sheet,
        duplicate_rows.source_row,
        cast(0 as {{ type_double() }}) as quantity_signed,
        'duplicate' as contribution

    from duplicate_rows
    inner join activities
        on duplicate_rows.duplicate_of_row_key = activities.emission_id

),

final as (

    select * from creating_rows
    union all
    select * from duplicates

)

select * from final
