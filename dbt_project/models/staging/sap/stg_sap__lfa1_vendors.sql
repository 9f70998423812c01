with

{{ loaded_rows('sap_lfa1_vendors') }},

renamed as (

    select
        {{ lineage_columns('sap_lfa1_vendors') }},
        {{ clean_text('source.kreditor_pseudonym') }} as supplier_pseudonym,
        {{ clean_code('source.land') }} as supplier_country,
        {{ clean_text('source.ort') }} as supplier_city

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
