{#
    One row per refrigerant service of `loaded` files, renamed and cast. Gas names and
    units stay as written (upper-case); staging does not convert: the mapping tables in
    factors/ do, in int_refrigerant_services.
#}
with

{{ loaded_rows('refrigerant_log') }},

renamed as (

    select
        {{ lineage_columns('refrigerant_log') }},
        loaded_files.first_seen_at,

        {{ clean_text('source.site_code') }} as site_code,
        {{ clean_text('source.site_name') }} as site_name,
        {{ clean_code('source.country') }} as country,
        {{ clean_text('source.equipment_id') }} as equipment_id,
        {{ clean_text('source.equipment_type') }} as equipment_type,
        {{ clean_text('source.refrigerant') }} as refrigerant,
        {{ clean_code('source.refrigerant') }} as refrigerant_key,
        {{ to_double('source.nameplate_charge') }} as nameplate_charge,
        {{ clean_code('source.charge_unit') }} as charge_unit,
        {{ parse_date_formats('source.service_date', ['%Y-%m-%d', '%d/%m/%Y']) }} as service_date,
        {{ clean_code('source.service_type') }} as service_type,
        {{ clean_text('source.quantity_added') }} as quantity_added_text,
        {{ to_double('source.quantity_added') }} as quantity_added,
        {{ clean_text('source.quantity_recovered') }} as quantity_recovered_text,
        {{ to_double('source.quantity_recovered') }} as quantity_recovered,
        {{ clean_code('source.quantity_unit') }} as quantity_unit,
        {{ clean_code('source.leak_check_result') }} as leak_check_result,
        {{ clean_text('source.technician_pseudonym') }} as technician_pseudonym,
        {{ clean_text('source.certificate_no_pseudonym') }} as certificate_pseudonym,
        {{ clean_text('source.contractor') }} as contractor,
        {{ clean_text('source.notes') }} as notes

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
