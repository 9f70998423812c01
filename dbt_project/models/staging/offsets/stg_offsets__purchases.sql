{#
    The offsets register (landing/_system/offsets/*.csv), one row per block of credits
    bought: serial range as whole numbers, price as money, only rows of loaded files.
#}
with

{{ loaded_rows('offsets_register') }},

renamed as (

    select
        {{ source_row_key("'offsets_register'", 'source._file_id', 'source._sheet', 'source._source_row') }}
            as purchase_id,
        source._file_id as source_file_id,
        source._source_row as source_row,
        {{ clean_text('source.project') }} as project,
        {{ clean_text('source.project_id') }} as project_id,
        {{ clean_text('source.standard') }} as standard,
        {{ clean_text('source.registry') }} as registry,
        {{ to_integer('source.vintage') }} as vintage,
        coalesce({{ clean_code('source.serial_prefix') }}, '') as serial_prefix,
        {{ to_bigint('source.serial_start') }} as serial_start,
        {{ to_bigint('source.serial_end') }} as serial_end,
        {{ to_bigint('source.tonnes') }} as tonnes,
        {{ to_money('source.price_usd') }} as price_usd,
        {{ parse_date('source.purchase_date') }} as purchase_date,
        {{ to_integer('source.reporting_year') }} as reporting_year,
        {{ parse_date('source.retirement_date') }} as retirement_date,
        {{ clean_text('source.note') }} as note

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
