{#
    The supplier country of each SAP vendor (keyed pseudonym) per organization, from the
    LFA1 vendor lists: the latest file that names the vendor wins.
#}
with

vendors as (select * from {{ ref('stg_sap__lfa1_vendors') }}),

files as (select * from {{ ref('stg_ops__file_manifest') }}),

ranked as (

    select
        vendors.org_code,
        vendors.supplier_pseudonym,
        vendors.supplier_country,
        row_number() over (
            partition by vendors.org_code, vendors.supplier_pseudonym
            order by files.first_seen_at desc, files.relative_path desc, vendors.source_row asc
        ) as recency

    from vendors
    inner join files
        on vendors.source_file_id = files.file_id
    where vendors.supplier_pseudonym is not null

),

final as (

    select
        org_code,
        supplier_pseudonym,
        supplier_country

    from ranked
    where recency = 1

)

select * from final
