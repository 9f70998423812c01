{#
    Every agency, fuel-card, purchase-order and utility row with its natural key and its
    fate, in one shape: one row per natural key within an organization counts, from the
    latest delivery; an earlier delivery is `superseded` (a utility statement published
    again: `republished`) and names the later file that counts instead. The keys and
    rules are each domain's fates model's:
    - travel: a coupon (ticket number, coupon number, transaction type; route and date
      without a coupon or ticket number), a hotel stay (booking reference, traveller,
      hotel, check-in): int_travel_ticket_row_fates, int_hotel_stays;
    - fuel: a fuel-card transaction line (transaction id, line): int_fuelcard_lines;
    - procurement: a PO line (PO number and item; Oracle: business unit, order, type,
      line): int_procurement_line_fates;
    - energy: a meter's billing period (meter or account, period start and end):
      int_utility_meter_fates.
#}
with

ticket_rows as (

    select
        'travel' as domain,
        source_table,
        org_code,
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        natural_key,
        fate,
        superseded_by_file_id

    from {{ ref('int_travel_ticket_row_fates') }}

),

hotel_rows as (

    select
        'travel' as domain,
        'tmc_hotel' as source_table,
        org_code,
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        natural_key,
        fate,
        superseded_by_file_id

    from {{ ref('int_hotel_stays') }}

),

fuelcard_rows as (

    select
        'fuel' as domain,
        'fuelcard_transactions' as source_table,
        org_code,
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        natural_key,
        fate,
        superseded_by_file_id

    from {{ ref('int_fuelcard_lines') }}

),

procurement_rows as (

    select
        'procurement' as domain,
        source_table,
        org_code,
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        natural_key,
        fate,
        superseded_by_file_id

    from {{ ref('int_procurement_line_fates') }}

),

utility_rows as (

    select
        'energy' as domain,
        'utility_bill_meters' as source_table,
        org_code,
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        natural_key,
        fate,
        superseded_by_file_id

    from {{ ref('int_utility_meter_fates') }}

),

final as (

    select * from ticket_rows
    union all
    select * from hotel_rows
    union all
    select * from fuelcard_rows
    union all
    select * from procurement_rows
    union all
    select * from utility_rows

)

select * from final
