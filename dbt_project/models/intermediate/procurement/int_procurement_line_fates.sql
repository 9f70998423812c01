{#
    Every procurement row with its fate, so each is accounted for exactly once:
    - `counted`: the row that stands for its PO line;
    - `deleted`, `cancelled`, `outline_agreement`, `not_approved`: that row, not counted;
    - `superseded`: the same PO line (natural key) delivered again in a later file, which
      counts instead (superseded_by_file_id): the latest file wins (first seen last, then
      the export date in the file name, then the path), so a corrected line counts with the
      later file's values and a line deleted or cancelled since an earlier export counts
      nowhere;
    - `repeat`: a further row of the same line in the same file (Oracle schedule or
      distribution fan-out repeats the line's columns): the first row stands for it.
#}
with

lines as (select * from {{ ref('int_procurement_lines') }}),

files as (select * from {{ ref('stg_ops__file_manifest') }}),

keyed as (

    select
        lines.*,
        files.first_seen_at as file_first_seen_at,
        files.relative_path as file_path,
        coalesce(regexp_extract(files.relative_path, '_([0-9]{8})[^/]*$', 1), '') as file_export_stamp

    from lines
    inner join files
        on lines.source_file_id = files.file_id

),

ranked as (

    select
        *,
        first_value(source_file_id) over (
            partition by natural_key
            order by file_first_seen_at desc, file_export_stamp desc, file_path desc
        ) as kept_file_id,
        first_value(source_row_key) over (
            partition by natural_key
            order by
                file_first_seen_at desc, file_export_stamp desc, file_path desc,
                source_sheet asc, source_row asc
        ) as kept_row_key

    from keyed

),

final as (

    select
        source_row_key,
        source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        source_system,
        natural_key,
        case
            when source_file_id != kept_file_id then 'superseded'
            when source_row_key != kept_row_key then 'repeat'
            when exclusion is not null then exclusion
            else 'counted'
        end as fate,
        case when source_file_id != kept_file_id then kept_row_key end as superseded_by_row_key,
        case when source_file_id != kept_file_id then kept_file_id end as superseded_by_file_id,
        case
            when source_file_id = kept_file_id and source_row_key != kept_row_key then kept_row_key
        end as duplicate_of_row_key

    from ranked

)

select * from final
