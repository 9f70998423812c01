{#
    One row per generator fuel delivery of `loaded` files, renamed and cast. The quantity
    cell may hold its unit (`200 L`) and a decimal comma (`250,5`): both are read here
    with the connector's rules (macro manual_number); dates are date cells (ISO) or
    DD/MM/YYYY text.
#}
with

{{ loaded_rows('generator_fuel_log') }},

renamed as (

    select
        {{ lineage_columns('generator_fuel_log') }},

        {{ clean_text('source.office') }} as office,
        {{ clean_text('source.generator_id') }} as generator_id,
        {{ clean_text('source.capacity') }} as capacity,
        {{ parse_date_formats('source.date', ['%Y-%m-%d', '%d/%m/%Y']) }} as delivery_date,
        {{ clean_text('source.delivery_note_no') }} as delivery_note_no,
        {{ clean_text('source.supplier') }} as supplier,
        {{ clean_text('source.fuel_type') }} as fuel_type,
        {{ clean_code('source.fuel_type') }} as fuel_key_text,
        {{ clean_text('source.quantity_delivered') }} as quantity_text,
        {{ manual_number('source.quantity_delivered') }} as quantity,
        {{ manual_unit('source.quantity_delivered') }} as unit_in_cell,
        {{ clean_code('source.unit') }} as unit,
        {{ manual_number('source.tank_level_before_pct') }} as tank_level_before_pct,
        {{ manual_number('source.tank_level_after_pct') }} as tank_level_after_pct,
        {{ manual_number('source.run_hours_start') }} as run_hours_start,
        {{ manual_number('source.run_hours_end') }} as run_hours_end,
        {{ manual_number('source.unit_cost') }} as unit_cost,
        {{ clean_code('source.currency') }} as currency,
        {{ try_cast_as(manual_number('source.total_cost'), type_money()) }} as total_cost,
        {{ clean_text('source.remarks') }} as remarks

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
