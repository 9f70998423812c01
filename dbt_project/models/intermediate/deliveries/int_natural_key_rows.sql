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
{#- (domain, source_table: a column of the fates model or a literal, fates model) -#}
{%- set fates_models = [
    ('travel', 'source_table', 'int_travel_ticket_row_fates'),
    ('travel', "'tmc_hotel'", 'int_hotel_stays'),
    ('fuel', "'fuelcard_transactions'", 'int_fuelcard_lines'),
    ('procurement', 'source_table', 'int_procurement_line_fates'),
    ('energy', "'utility_bill_meters'", 'int_utility_meter_fates'),
] -%}

with

final as (

    {% for domain, source_table, model_name in fates_models -%}
        select
            '{{ domain }}' as domain,
            {{ source_table }} as source_table,
            org_code,
            source_row_key,
            source_file_id,
            source_sheet,
            source_row,
            natural_key,
            fate,
            superseded_by_file_id

        from {{ ref(model_name) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from final
