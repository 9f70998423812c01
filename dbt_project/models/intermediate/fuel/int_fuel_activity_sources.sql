{#
    Every source row behind each fuel activity: the purchase that created it (`activity`,
    its own quantity), the reversals netted into it (`netted`, negative), earlier
    deliveries of either that a later file superseded (`superseded`) and repeats of
    either within the file that counts (`duplicate`), which add 0, or NULL when the
    activity has no quantity. Per activity the quantities sum to its quantity.
#}
with

activities as (

    select
        emission_id,
        quantity
    from {{ ref('int_fuel_activities') }}

),

card_lines as (select * from {{ ref('int_fuelcard_lines') }}),

creating_rows as (

    select
        source_row_key as emission_id,
        source_file_id,
        source_sheet,
        source_row,
        quantity_converted as quantity_signed,
        'activity' as contribution

    from card_lines
    where fate = 'counted'

    union all

    select
        activity_row_key as emission_id,
        source_file_id,
        source_sheet,
        source_row,
        quantity_converted as quantity_signed,
        'netted' as contribution

    from card_lines
    where fate = 'netted'

    union all

    select
        kept_copy.activity_row_key as emission_id,
        card_lines.source_file_id,
        card_lines.source_sheet,
        card_lines.source_row,
        cast(null as {{ type_double() }}) as quantity_signed,
        card_lines.fate as contribution

    from card_lines
    inner join card_lines as kept_copy
        on coalesce(card_lines.superseded_by_row_key, card_lines.duplicate_of_row_key) = kept_copy.source_row_key
    where card_lines.fate in ('superseded', 'duplicate') and kept_copy.fate in ('counted', 'netted')

),

generator_rows as (

    select
        source_row_key as emission_id,
        source_file_id,
        source_sheet,
        source_row,
        quantity_litres as quantity_signed

    from {{ ref('int_generator_deliveries') }}

),

final as (

    select
        creating_rows.emission_id,
        'fuelcard_transactions' as source_table,
        creating_rows.source_file_id,
        creating_rows.source_sheet as sheet,
        creating_rows.source_row,
        case
            when creating_rows.contribution not in ('superseded', 'duplicate')
                then creating_rows.quantity_signed
            when activities.quantity is not null then cast(0 as {{ type_double() }})
        end as quantity_signed,
        creating_rows.contribution

    from creating_rows
    inner join activities
        on creating_rows.emission_id = activities.emission_id

    union all

    select
        emission_id,
        'generator_fuel_log' as source_table,
        source_file_id,
        source_sheet as sheet,
        source_row,
        quantity_signed,
        'activity' as contribution

    from generator_rows

)

select * from final
