{#
    One row per purchase-order line that counts as spend (docs/contract.md section 2, issue "Procurement"):
    deleted, cancelled, agreement and draft lines are not here, a line exported several
    times is here once, and returns are negative (netted). Amount in the PO currency and
    in USD with the rate and rate date used; lines without a rate are here without a USD
    amount and with the reason. Guideline and sustainability flags (the latter a keyword
    heuristic), and the spend-based kg CO2e with the factor that produced it.
#}
with

lines as (select * from {{ ref('int_procurement_spend_emissions') }}),

final as (

    select
        source_row_key as procurement_line_id,
        org_code,
        reporting_year,
        po_date,
        source_system,
        po_number,
        po_line,
        supplier_pseudonym,
        supplier_country,
        category_code,
        unspsc_code,
        unspsc_family,
        category_title,
        activity_type,
        amount as amount_original,
        currency,
        cast(usd_rate as {{ type_double() }}) as usd_rate,
        rate_date,
        spend_usd,
        conversion_issue,
        is_return,
        is_covered_by_guideline,
        has_sustainability_criteria,
        has_ecolabel,
        sustainability_matches,
        kg_co2e,
        factor_id,
        factor_version,
        factor_status,
        unmapped_reason,
        source_table,
        source_file_id,
        source_sheet,
        source_row

    from lines

)

select * from final
