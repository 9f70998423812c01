{#
    One row per Oracle PO line row of a loaded file (a line repeated per schedule or
    distribution stays several rows here). Fusion, EBS and OTBI-display files arrive under
    the Fusion column names; `export_variant` says which one wrote the row.
#}
with

{{ loaded_rows('oracle_po_lines') }},

renamed as (

    select
        {{ lineage_columns('oracle_po_lines') }},
        source.export_variant,

        {{ clean_text('source.prc_bu_name') }} as business_unit,
        {{ clean_text('source.po_header_id') }} as po_header_id,
        {{ clean_code('source.segment1') }} as po_number,
        {{ clean_code('source.type_lookup_code') }} as document_type,
        {{ clean_code('source.document_status') }} as document_status,
        {{ clean_code('source.authorization_status') }} as authorization_status,
        {{ clean_code('source.closed_code') }} as closed_code,
        coalesce(
            {{ clean_text('source.vendor_id_pseudonym') }},
            {{ clean_text('source.vendor_name_pseudonym') }}
        ) as supplier_pseudonym,
        {{ clean_code('source.vendor_site_code') }} as supplier_site,
        {{ clean_code('source.supplier_country') }} as supplier_country,
        {{ clean_code('source.currency_code') }} as currency,
        {{ erp_double('source.rate') }} as ledger_rate,
        {{ erp_date('source.creation_date') }} as po_date,
        {{ erp_date('source.approved_date') }} as approved_date,
        {{ clean_text('source.po_line_id') }} as po_line_id,
        {{ to_integer('source.line_num') }} as po_line,
        {{ clean_text('source.line_type') }} as line_type,
        {{ clean_code('source.order_type_lookup_code') }} as order_type,
        {{ clean_text('source.item_number') }} as item_number,
        {{ clean_text('source.item_description') }} as description,
        {{ clean_text('source.category_name') }} as category_name,
        {{ clean_code('source.uom_code') }} as order_unit,
        {{ erp_double('source.quantity') }} as quantity,
        {{ erp_price('source.unit_price') }} as unit_price,
        {{ erp_money('source.amount') }} as line_amount,
        {{ erp_double('source.quantity_cancelled') }} as quantity_cancelled,
        {{ clean_code('source.line_status') }} as line_status,
        {{ clean_code('source.cancel_flag') }} as cancel_flag,
        {{ erp_date('source.cancel_date') }} as cancel_date,
        {{ erp_date('source.need_by_date') }} as need_by_date,
        {{ clean_code('source.ship_to_country') }} as ship_to_country

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
