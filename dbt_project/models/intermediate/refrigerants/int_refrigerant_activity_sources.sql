{#
    Every service row behind each refrigerant balance: its part of the balance in kg (the
    first row of the balance is the `activity` row, the others `netted`), and copies of a
    row in other files (`duplicate`, 0). Per activity the parts sum to its quantity.
#}
with

activities as (

    select emission_id from {{ ref('int_refrigerant_activities') }}

),

services as (select * from {{ ref('int_refrigerant_services') }}),

balances as (select * from {{ ref('int_refrigerant_balances') }}),

parts as (

    select
        balances.balance_key as emission_id,
        services.source_row_key,
        services.source_file_id,
        services.source_sheet,
        services.source_row,
        services.balance_kg as quantity_signed,
        case
            when services.source_row_key = balances.first_row_key then 'activity' else 'netted'
        end as contribution

    from services
    inner join balances
        on
            {{ same_balance('services', 'balances') }}
    where services.fate = 'balance'

),

duplicates as (

    select
        parts.emission_id,
        services.source_file_id,
        services.source_sheet,
        services.source_row,
        cast(0 as {{ type_double() }}) as quantity_signed,
        'duplicate' as contribution

    from services
    inner join parts
        on services.duplicate_of_row_key = parts.source_row_key
    where services.fate = 'duplicate'

),

final as (

    select
        parts.emission_id,
        'refrigerant_log' as source_table,
        parts.source_file_id,
        parts.source_sheet as sheet,
        parts.source_row,
        cast(parts.quantity_signed as {{ type_double() }}) as quantity_signed,
        parts.contribution

    from parts
    inner join activities
        on parts.emission_id = activities.emission_id

    union all

    select
        duplicates.emission_id,
        'refrigerant_log' as source_table,
        duplicates.source_file_id,
        duplicates.source_sheet as sheet,
        duplicates.source_row,
        duplicates.quantity_signed,
        duplicates.contribution

    from duplicates
    inner join activities
        on duplicates.emission_id = activities.emission_id

)

select * from final
