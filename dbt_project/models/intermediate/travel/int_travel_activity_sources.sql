{#
    Every source row behind each travel activity: the row that created it (the flown
    SALE / EXCHANGE coupon, the rail ticket, the confirmed stay) with its signed quantity,
    and the earlier deliveries of its natural key that the later file superseded
    (`superseded`), which add 0, or NULL when the activity has no quantity (unmapped), so
    the quantities behind an activity still sum to its quantity.
    Cancelled coupons and the REFUND / VOID rows that cancelled them create no activity;
    int_travel_ticket_row_fates accounts for them.
#}
with

activities as (select * from {{ ref('int_travel_activities') }}),

ticket_fates as (select * from {{ ref('int_travel_ticket_row_fates') }}),

hotel_stays as (select * from {{ ref('int_hotel_stays') }}),

creating_rows as (

    {{ activity_rows('activities') }}

),

superseded_rows as (

    select
        superseded_by_row_key,
        source_table,
        source_file_id,
        source_sheet,
        source_row

    from ticket_fates
    where fate = 'superseded'

    union all

    select
        superseded_by_row_key,
        'tmc_hotel' as source_table,
        source_file_id,
        source_sheet,
        source_row

    from hotel_stays
    where fate = 'superseded'

),

superseded as (

    select
        activities.emission_id,
        superseded_rows.source_table,
        superseded_rows.source_file_id,
        superseded_rows.source_sheet as sheet,
        superseded_rows.source_row,
        {{ adds_nothing('activities.quantity') }} as quantity_signed,
        'superseded' as contribution

    from superseded_rows
    inner join activities
        on superseded_rows.superseded_by_row_key = activities.emission_id

),

final as (

    select * from creating_rows
    union all
    select * from superseded

)

select * from final
