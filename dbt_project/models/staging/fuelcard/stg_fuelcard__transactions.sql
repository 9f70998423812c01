{#
    One row per fuel-card transaction line of `loaded` files, renamed and cast. Numbers are
    read with the decimal separator the connector recorded for the file; dates are
    DD/MM/YYYY or yyyyMMdd (docs/dialects.md D5).
#}
with

{{ loaded_rows('fuelcard_transactions') }},

renamed as (

    select
        {{ lineage_columns('fuelcard_transactions') }},
        loaded_files.first_seen_at,

        {{ clean_text('source.account_number') }} as account_number,
        {{ clean_text('source.card_number_pseudonym') }} as card_pseudonym,
        {{ clean_text('source.card_number_check') }} as card_number_check,
        {{ clean_code('source.vehicle_registration') }} as vehicle_registration,
        {{ clean_text('source.fleet_id') }} as fleet_id,
        {{ clean_text('source.transaction_id') }} as transaction_id,
        {{ to_integer('source.transaction_line') }} as transaction_line,
        {{ parse_date_formats('source.transaction_date', ['%d/%m/%Y', '%Y%m%d']) }} as transaction_date,
        {{ clean_text('source.transaction_time') }} as transaction_time,
        {{ clean_text('source.site_code') }} as site_code,
        {{ clean_text('source.site_name') }} as site_name,
        {{ clean_text('source.site_city') }} as site_city,
        {{ clean_code('source.country_code') }} as country_code,
        {{ clean_text('source.product_code') }} as product_code,
        {{ clean_text('source.product_name') }} as product_name,
        {{ clean_code('source.product_name') }} as product_key,
        {{ clean_code('source.fuel_product') }} = 'Y' as is_fuel_product,
        {{ number_with_separator('source.quantity', 'source.decimal_separator') }} as quantity,
        {{ clean_code('source.unit') }} as unit,
        {{ number_with_separator('source.unit_price', 'source.decimal_separator') }} as unit_price,
        {{ try_cast_as(number_with_separator('source.net_amount', 'source.decimal_separator'), type_money()) }}
            as net_amount,
        {{ try_cast_as(number_with_separator('source.vat_amount', 'source.decimal_separator'), type_money()) }}
            as vat_amount,
        {{ try_cast_as(number_with_separator('source.gross_amount', 'source.decimal_separator'), type_money()) }}
            as gross_amount,
        {{ clean_code('source.transaction_currency') }} as transaction_currency,
        {{ clean_code('source.invoice_currency') }} as invoice_currency,
        {{ number_with_separator('source.exchange_rate', 'source.decimal_separator') }} as exchange_rate,
        {{ to_integer('source.odometer') }} as odometer,
        {{ clean_code('source.credit_debit') }} as credit_debit,
        coalesce({{ clean_code('source.refund_flag') }} = 'Y', false) as is_refund_flag,
        {{ clean_text('source.original_transaction_id') }} as original_transaction_id,
        {{ clean_text('source.invoice_number') }} as invoice_number,
        {{ parse_date_formats('source.posting_date', ['%d/%m/%Y', '%Y%m%d']) }} as posting_date

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
