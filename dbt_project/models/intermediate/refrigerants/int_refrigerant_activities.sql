{#
    Fugitive refrigerant emissions in the common activity shape: one row per equipment,
    gas and year with a non-negative balance; kg of gas x the GWP of the gas in the set
    chosen by var `refrigerant_gwp_set` (AR5 by default, used with the DESNZ fuel
    factors; AR4 and AR6 rows exist for restatement). HCFCs such as R-22 are `optional`;
    natural refrigerants never get here (no emissions). A gas without a factor row is
    unmapped.
#}
with

balances as (

    select * from {{ ref('int_refrigerant_balances') }}
    where outcome = 'emitted'

),

factors as (select * from {{ ref('stg_factors__emission_factors') }}),

keyed as (

    select
        *,
        {{ dbt.concat([
            "'refrigerant.'", 'gas', "'.'", "'" ~ var('refrigerant_gwp_set', 'AR5') ~ "'", "'@kg'"
        ]) }} as lookup_factor_id

    from balances

),

matched as (

    select
        keyed.*,
        factors.factor_id as matched_factor_id,
        factors.kg_co2e_per_unit,
        factors.factor_id is not null and keyed.balance_kg is not null as is_mapped

    from keyed
    left join factors
        on keyed.lookup_factor_id = factors.factor_id

),

final as (

    select
        balance_key as emission_id,
        org_code,
        reporting_year,
        first_service_date as activity_date,
        'refrigerants' as domain,
        1 as scope,
        '1 Fugitive emissions' as category,
        'refrigerant' as activity_type,
        case when gas_boundary = 'optional' then 'optional' else 'core' end as boundary,
        cast(balance_kg as {{ type_double() }}) as quantity,
        'kg' as unit,
        case when is_mapped then matched_factor_id end as factor_id,
        '{{ var("factor_set") }}' as factor_version,
        case when is_mapped then balance_kg * kg_co2e_per_unit end as kg_co2e,
        cast(null as {{ type_double() }}) as kg_co2e_market,
        cast(null as {{ type_double() }}) as kg_co2e_with_rf,
        case when is_mapped then 'mapped' else 'unmapped' end as factor_status,
        case
            when is_mapped then null
            when balance_kg is null then 'a quantity or unit could not be converted to kg'
            when not is_known_gas
                then {{ dbt.concat(["'unknown refrigerant '", in_quotes('gas')]) }}
            else {{ no_factor_reason('lookup_factor_id') }}
        end as unmapped_reason,
        'refrigerant_log' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        cast(data_quality as {{ dbt.type_int() }}) as data_quality,
        site_code,
        equipment_id,
        gas,
        service_rows

    from matched

)

select * from final
