{#
    The simplified material balance per piece of equipment, gas and reporting year: the
    sum of the balance parts of its Top-up, Leak repair, Recovery and Disposal rows. A
    positive or zero balance is the kg emitted; a negative balance (gas taken out and not
    yet put back) emits nothing and creates no activity (`net_recovery`).
#}
with

services as (

    select * from {{ ref('int_refrigerant_services') }}
    where fate = 'balance'

),

first_rows as (

    select
        *,
        row_number() over (
            partition by org_code, site_code, equipment_id, gas, reporting_year
            order by service_date, source_file_id, source_row
        ) as service_rank

    from services

),

balances as (

    select
        org_code,
        site_code,
        equipment_id,
        gas,
        reporting_year,
        bool_and(is_known_gas) as is_known_gas,
        max(gas_boundary) as gas_boundary,
        min(service_date) as first_service_date,
        cast({{ exact_sum('balance_kg') }} as {{ type_double() }}) as balance_kg,
        count(*) as service_rows,
        max(data_quality) as data_quality,
        max(case when service_rank = 1 then source_row_key end) as first_row_key,
        max(case when service_rank = 1 then source_file_id end) as source_file_id,
        max(case when service_rank = 1 then source_sheet end) as source_sheet,
        max(case when service_rank = 1 then source_row end) as source_row

    from first_rows
    group by org_code, site_code, equipment_id, gas, reporting_year

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            "'refrigerant_log|'", 'org_code', "'|'", "coalesce(site_code, '')", "'|'",
            'equipment_id', "'|'", 'gas', "'|'", 'cast(reporting_year as string)'
        ])) }} as balance_key,
        *,
        case when balance_kg >= 0 then 'emitted' else 'net_recovery' end as outcome

    from balances

)

select * from final
