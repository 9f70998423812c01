{#
    Open purchase-order lines with their carbon estimate, for the ERP write-back
    (`greenblue erp-export`, docs/erp-write-back.md): the counted lines of
    fct_procurement_lines that are still open in the latest export holding them. SAP: not
    deleted, `Endlieferung` not set and a still-to-deliver quantity above 0; Oracle:
    LINE_STATUS OPEN and not cancelled (int_procurement_lines). The estimate is the line's
    spend-based kg CO2e for its whole amount, exactly as fct_procurement_lines has it, or
    NULL with the reason; data quality 4 (spend-based) where there is an estimate.
#}
with

lines as (

    select * from {{ ref('int_procurement_spend_emissions') }}
    where is_open_line

),

final as (

    select
        source_row_key as procurement_line_id,
        org_code,
        source_system,
        business_unit,
        document_type,
        po_number,
        po_line,
        po_date,
        reporting_year,
        category_code,
        unspsc_code,
        currency,
        amount as amount_original,
        spend_usd,
        open_quantity,
        kg_co2e,
        factor_id,
        factor_version,
        cast(case when factor_status = 'mapped' then 4 end as {{ dbt.type_int() }}) as data_quality,
        factor_status,
        unmapped_reason

    from lines

)

select * from final
