{#
    Every loaded fuel-card line with its fate (docs/dialects.md D5, factors/METHODOLOGY.md section 5):

    - `superseded`: the same transaction line (transaction id + line, the natural key)
      delivered again in a later file, which counts instead: the latest delivery (the file
      first seen last, then the highest file_id) wins, so a corrected line replaces the
      earlier one; superseded_by_file_id names that file;
    - `duplicate`: the line repeated within the file that counts; its first row stands;
    - `no_emissions`: not a fuel (`Fuel Product` = N, or AdBlue, car wash, toll, lubricant,
      rebate); a rebate never reduces litres;
    - `counted`: a purchase that creates an activity, its quantity net of its reversals;
    - `netted`: a reversal (`C`, `Refund Flag` = Y or a negative quantity, whatever the
      sign convention) that removes its quantity from the line it names;
    - `cancelled`: a purchase reversed in full (or more), and the reversals that did it;
    - `unmatched_reversal`: a reversal naming no loaded purchase line; it counts nothing.

    Quantities are converted to the factor's unit (litre, or kWh for vehicle charging)
    through factors/unit_conversions.csv.
#}
with

lines as (select * from {{ ref('stg_fuelcard__transactions') }}),

products as (select * from {{ ref('stg_factors__fuel_products') }}),

conversions as (select * from {{ ref('stg_factors__unit_conversions') }}),

keyed as (

    select
        *,
        {{ dbt.hash(dbt.concat([
            'org_code', "'|'", 'transaction_id', "'|'",
            "coalesce(" ~ dbt.safe_cast('transaction_line', dbt.type_string()) ~ ", '')",
        ])) }} as natural_key

    from lines

),

ranked as (

    select
        *,
        first_value(source_file_id) over (
            partition by natural_key
            order by first_seen_at desc, source_file_id desc
        ) as kept_file_id,
        first_value(source_row_key) over (
            partition by natural_key
            order by first_seen_at desc, source_file_id desc, source_row asc
        ) as kept_row_key

    from keyed

),

classified as (

    select
        ranked.*,
        products.fuel_key,
        conversions.factor as unit_factor,
        conversions.to_unit,
        conversions.data_quality as unit_data_quality,
        (
            ranked.credit_debit = 'C' or ranked.is_refund_flag or ranked.quantity < 0
        ) as is_reversal,
        case
            when not ranked.is_fuel_product then 'non_fuel'
            when ranked.unit = 'KWH' then 'electricity'
            else coalesce(products.kind, 'unknown')
        end as product_kind

    from ranked
    left join products
        on ranked.product_key = products.product_text
    left join conversions
        on ranked.unit = conversions.unit_text

),

signed as (

    select
        *,
        case when is_reversal then -1 else 1 end * abs(quantity) * unit_factor as quantity_converted

    from classified

),

purchases as (

    select * from signed
    where source_row_key = kept_row_key and not is_reversal and product_kind != 'non_fuel'

),

reversals as (

    select
        signed.source_row_key,
        purchases.source_row_key as reverses_row_key,
        signed.quantity_converted

    from signed
    inner join purchases
        on
            signed.org_code = purchases.org_code
            and signed.original_transaction_id = purchases.transaction_id
            and signed.transaction_line = purchases.transaction_line
    where
        signed.source_row_key = signed.kept_row_key
        and signed.is_reversal
        and signed.product_kind != 'non_fuel'

),

net as (

    select
        purchases.source_row_key,
        purchases.quantity_converted
        + coalesce(cast({{ exact_sum('reversals.quantity_converted') }} as {{ type_double() }}), 0)
            as net_quantity,
        count(reversals.source_row_key) as reversal_count

    from purchases
    left join reversals
        on purchases.source_row_key = reversals.reverses_row_key
    group by purchases.source_row_key, purchases.quantity_converted

),

final as (

    select
        signed.source_row_key,
        signed.source_file_id,
        signed.source_sheet,
        signed.source_row,
        signed.org_code,
        signed.transaction_id,
        signed.transaction_line,
        signed.transaction_date,
        signed.country_code,
        signed.product_name,
        signed.product_kind,
        signed.fuel_key,
        signed.unit,
        signed.to_unit,
        signed.unit_factor,
        signed.unit_data_quality,
        signed.quantity,
        signed.quantity_converted,
        signed.is_reversal,
        signed.card_number_check,
        signed.odometer,
        signed.natural_key,
        case
            when signed.source_file_id != signed.kept_file_id then 'superseded'
            when signed.source_row_key != signed.kept_row_key then 'duplicate'
            when signed.product_kind = 'non_fuel' then 'no_emissions'
            when signed.is_reversal and reversals.source_row_key is null then 'unmatched_reversal'
            when signed.is_reversal and reversed.net_quantity > 0 then 'netted'
            when signed.is_reversal then 'cancelled'
            when own.net_quantity > 0 or own.net_quantity is null then 'counted'
            else 'cancelled'
        end as fate,
        case
            when signed.source_file_id = signed.kept_file_id and signed.source_row_key != signed.kept_row_key
                then signed.kept_row_key
        end as duplicate_of_row_key,
        case
            when signed.source_file_id != signed.kept_file_id then signed.kept_row_key
        end as superseded_by_row_key,
        case
            when signed.source_file_id != signed.kept_file_id then signed.kept_file_id
        end as superseded_by_file_id,
        case
            when signed.is_reversal then reversals.reverses_row_key
            else signed.source_row_key
        end as activity_row_key,
        own.net_quantity,
        coalesce(own.reversal_count, 0) as reversal_count

    from signed
    left join reversals
        on signed.source_row_key = reversals.source_row_key
    left join net as reversed
        on reversals.reverses_row_key = reversed.source_row_key
    left join net as own
        on signed.source_row_key = own.source_row_key

)

select * from final
