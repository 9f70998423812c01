{#
    Rows delivered again in a later file and counted once, from that file: per
    organization, the earlier deliveries of an agency coupon or stay, a fuel-card
    transaction line, a PO line or a utility billing period, each naming the file that
    replaced it. `greenblue run` counts those whose later file it loaded.
#}
with

natural_key_rows as (select * from {{ ref('int_natural_key_rows') }}),

final as (

    select
        org_code,
        domain,
        source_table,
        source_file_id,
        source_sheet as sheet,
        source_row,
        fate,
        superseded_by_file_id

    from natural_key_rows
    where superseded_by_file_id is not null

)

select * from final
