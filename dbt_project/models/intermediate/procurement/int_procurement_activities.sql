{#
    Spend-based procurement emissions in the common activity shape of fct_emissions: one
    row per counted PO line that is not excluded (see int_procurement_spend_emissions),
    mapped or unmapped. Purchased goods and services are category 3.1, capital goods 3.2;
    all are optional (beside the UN headline total) and data quality 4.
#}
with

lines as (

    select * from {{ ref('int_procurement_spend_emissions') }}
    where factor_status in ('mapped', 'unmapped')

),

final as (

    select
        source_row_key as emission_id,
        org_code,
        reporting_year,
        po_date as activity_date,
        'procurement' as domain,
        3 as scope,
        case
            when activity_type = 'capital_goods' then '3.2 Capital goods'
            else '3.1 Purchased goods and services'
        end as category,
        activity_type,
        'optional' as boundary,
        quantity,
        unit,
        factor_id,
        factor_version,
        kg_co2e,
        cast(null as {{ type_double() }}) as kg_co2e_market,
        cast(null as {{ type_double() }}) as kg_co2e_with_rf,
        factor_status,
        unmapped_reason,
        source_table,
        source_file_id,
        source_sheet,
        source_row,
        cast(4 as {{ dbt.type_int() }}) as data_quality

    from lines

)

select * from final
