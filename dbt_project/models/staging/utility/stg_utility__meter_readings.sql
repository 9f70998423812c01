{#
    One row per meter of a utility statement (JSON) or per line of the flat CSV variant,
    from `loaded` files, renamed and cast. The CSV variant has no statement fields and no
    commodity: its commodity is inferred from the unit (kWh, MWh -> ELECTRIC; m3, therm
    -> NATURAL_GAS), flagged in `commodity_inferred`.
#}
with

{{ loaded_rows('utility_bill_meters') }},

renamed as (

    select
        {{ lineage_columns('utility_bill_meters') }},
        loaded_files.first_seen_at,
        case when source.json_path is null then 'utility_bill_csv' else 'utility_bill_json' end as variant,
        {{ clean_text('source.json_path') }} as json_path,

        try_cast(replace(replace({{ clean_text('source.generated_at') }}, 'T', ' '), 'Z', '') as timestamp)
            as generated_at,
        {{ clean_text('source.statement_id') }} as statement_id,
        {{ clean_code('source.statement_type') }} as statement_type,
        {{ clean_text('source.adjusts_statement_id') }} as adjusts_statement_id,
        {{ clean_code('source.adjustment_mode') }} as adjustment_mode,
        {{ clean_text('source.supplier') }} as supplier,
        {{ clean_text('source.account_number') }} as account_number,
        {{ clean_text('source.invoice_number') }} as invoice_number,
        {{ parse_date_formats('source.statement_date', ['%Y-%m-%d', '%d/%m/%Y']) }} as statement_date,
        {{ clean_code('source.currency') }} as currency,
        {{ to_money('source.total_charges') }} as total_charges,
        {{ clean_text('source.site_code') }} as site_code,
        {{ clean_text('source.site_name') }} as site_name,
        {{ clean_text('source.site_city') }} as site_city,
        {{ clean_code('source.country') }} as country,
        {{ clean_text('source.meter_id') }} as meter_id,
        coalesce(
            {{ clean_code('source.commodity') }},
            case
                when {{ clean_code('source.unit') }} in ('KWH', 'MWH') then 'ELECTRIC'
                when {{ clean_code('source.unit') }} in ('M3', 'THERM') then 'NATURAL_GAS'
            end
        ) as commodity,
        {{ clean_code('source.commodity') }} is null as commodity_inferred,
        {{ clean_text('source.tariff') }} as tariff,
        {{ parse_date_formats('source.period_start', ['%Y-%m-%d', '%d/%m/%Y']) }} as period_start,
        {{ parse_date_formats('source.period_end', ['%Y-%m-%d', '%d/%m/%Y']) }} as period_end,
        coalesce({{ clean_code('source.read_type') }}, 'ACTUAL') as read_type,
        {{ to_double('source.consumption') }} as consumption,
        {{ clean_code('source.unit') }} as unit,
        {{ to_money('source.amount') }} as amount,
        {{ to_double('source.renewable_pct') }} as renewable_pct

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
