with

source as (select * from {{ source('ops', 'file_manifest') }}),

renamed as (

    select
        file_id,
        org_code,
        domain,
        dialect,
        relative_path,
        sha256,
        size_bytes,
        first_seen_at,
        status,
        rows_in,
        rows_loaded,
        rows_quarantined,
        rows_skipped,
        message

    from source

)

select * from renamed
