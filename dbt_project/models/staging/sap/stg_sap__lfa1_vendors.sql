with

source as (

    select * from {{ source('raw', 'sap_lfa1_vendors') }}

),

loaded_files as (

    select file_id from {{ source('ops', 'file_manifest') }}
    where status = 'loaded'

),

renamed as (

    select
        {{ source_row_key("'sap_lfa1_vendors'", 'source._file_id', 'source._sheet', 'source._source_row') }}
            as source_row_key,
        source._file_id as source_file_id,
        source._sheet as source_sheet,
        source._source_row as source_row,
        source._org_code as org_code,
        {{ clean_text('source.kreditor_pseudonym') }} as supplier_pseudonym,
        {{ clean_code('source.land') }} as supplier_country,
        {{ clean_text('source.ort') }} as supplier_city

    from source
    inner join loaded_files
        on source._file_id = loaded_files.file_id

)

select * from renamed
