{#
    One row per SAP ME2N item row of a loaded file. Numbers and dates are read with the
    rule the connector recorded for the file; a raw table download (technical headers)
    stores amounts of currencies without minor units divided by 100 (docs/dialects.md D1,
    `jpy_raw_table_scale`), which is undone here.
#}
with

{{ loaded_rows('sap_me2n_items') }},

zero_decimal_currencies as (

    select currency from {{ ref('stg_factors__currency_minor_units') }}
    where minor_units = 0

),

renamed as (

    select
        {{ lineage_columns('sap_me2n_items') }},

        {{ clean_code('source.einkaufsbeleg') }} as po_number,
        {{ erp_integer('source.position', 'source.export_decimal_separator') }} as po_line,
        {{ clean_code('source.einkaufsbelegart') }} as document_type,
        {{ clean_code('source.einkaufsbelegtyp') }} as document_category,
        {{ clean_code('source.buchungskreis') }} as company_code,
        {{ clean_code('source.einkaufsorganisation') }} as purchasing_organization,
        {{ clean_code('source.einkaeufergruppe') }} as purchasing_group,
        {{ clean_text('source.lieferant_lieferwerk_pseudonym') }} as supplier_pseudonym,
        {{ erp_date('source.belegdatum', 'source.export_date_order') }} as po_date,
        {{ clean_text('source.material') }} as material,
        {{ clean_text('source.kurztext') }} as description,
        {{ clean_code('source.warengruppe') }} as material_group,
        {{ clean_code('source.werk') }} as plant,
        {{ clean_code('source.lagerort') }} as storage_location,
        {{ erp_double('source.bestellmenge', 'source.export_decimal_separator') }} as quantity,
        {{ clean_code('source.bestellmengeneinheit') }} as order_unit,
        {{ erp_price('source.nettopreis', 'source.export_decimal_separator') }} as net_price_as_exported,
        {{ clean_code('source.waehrung') }} as currency,
        {{ erp_integer('source.preiseinheit', 'source.export_decimal_separator') }} as price_unit,
        {{ erp_money('source.bestellnettowert', 'source.export_decimal_separator') }}
            as net_order_value_as_exported,
        {{ erp_double('source.noch_zu_liefern_menge', 'source.export_decimal_separator') }}
            as open_quantity,
        {{ erp_money('source.noch_zu_liefern_wert', 'source.export_decimal_separator') }}
            as open_value_as_exported,
        {{ clean_code('source.loeschkennzeichen') }} as deletion_indicator,
        {{ clean_code('source.endlieferung') }} = 'X' as is_delivery_completed,
        coalesce({{ clean_code('source.retourenposition') }} = 'X', false) as is_return,
        {{ clean_code('source.kontierungstyp') }} as account_assignment_category,
        {{ clean_code('source.positionstyp') }} as item_category,
        source.export_language,
        source.export_decimal_separator,
        source.export_date_order,
        source.export_language = 'technical'
        and {{ clean_code('source.waehrung') }} in (
            select zero_decimal_currencies.currency from zero_decimal_currencies
        ) as is_scaled_by_100

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

),

final as (

    select
        {{ star_except(['net_price_as_exported', 'net_order_value_as_exported', 'open_value_as_exported']) }},
        case
            when is_scaled_by_100 then net_price_as_exported * 100 else net_price_as_exported
        end as net_price,
        {{ try_cast_as(
            'case when is_scaled_by_100 then net_order_value_as_exported * 100 else net_order_value_as_exported end',
            type_money()
        ) }} as net_order_value,
        {{ try_cast_as(
            'case when is_scaled_by_100 then open_value_as_exported * 100 else open_value_as_exported end',
            type_money()
        ) }} as open_value

    from renamed

)

select * from final
