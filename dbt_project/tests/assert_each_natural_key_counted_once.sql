{{ config(meta={'dagster': {'ref': {'name': 'redelivered_rows'}}}) }}
{#
    One row per natural key within an organization (agency coupons and stays, fuel-card
    transaction lines, PO lines, utility billing periods), from the latest delivery:
    - the rows of a natural key that are not superseded all come from one file;
    - a superseded row names a later file (not its own) that holds the key, first seen
      no earlier than its own;
    - a superseded or republished row creates no activity in fct_emissions.

    The inputs are read inline (`not materialized`): DuckDB would otherwise materialize
    each whole table read by several checks, and the checks would spill together (at 10M
    air segments three times slower).
#}
with

natural_key_rows as not materialized (select * from {{ ref('int_natural_key_rows') }}),

files as not materialized (select * from {{ ref('stg_ops__file_manifest') }}),

emissions as not materialized (select * from {{ ref('fct_emissions') }}),

keys_counted_from_several_files as (

    select
        org_code,
        'natural key counted from several files' as failure,
        min(source_file_id) as source_file_id
    from natural_key_rows
    where natural_key is not null and fate not in ('superseded', 'republished')
    group by org_code, domain, natural_key
    having count(distinct source_file_id) > 1

),

superseded_by_no_later_delivery as (

    select
        superseded.org_code,
        'superseded row names no later delivery of its key' as failure,
        superseded.source_file_id
    from natural_key_rows as superseded
    left join files as own_file
        on superseded.source_file_id = own_file.file_id
    left join files as later_file
        on superseded.superseded_by_file_id = later_file.file_id
    where
        superseded.fate = 'superseded'
        and (
            superseded.superseded_by_file_id is null
            or superseded.superseded_by_file_id = superseded.source_file_id
            or later_file.first_seen_at < own_file.first_seen_at
            or not exists (
                select 1
                from natural_key_rows as kept
                where
                    kept.domain = superseded.domain
                    and kept.natural_key = superseded.natural_key
                    and kept.source_file_id = superseded.superseded_by_file_id
                    and kept.fate != 'superseded'
            )
        )

),

superseded_rows_counted as (

    select
        superseded.org_code,
        {{ dbt.concat(["'a '", 'superseded.fate', "' row creates an activity'"]) }} as failure,
        superseded.source_file_id
    from natural_key_rows as superseded
    inner join emissions
        on
            superseded.source_table = emissions.source_table
            and superseded.source_file_id = emissions.source_file_id
            and superseded.source_sheet is not distinct from emissions.source_sheet
            and superseded.source_row = emissions.source_row
    where superseded.fate in ('superseded', 'republished')

),

failures as (

    select * from keys_counted_from_several_files
    union all
    select * from superseded_by_no_later_delivery
    union all
    select * from superseded_rows_counted

)

select * from failures
