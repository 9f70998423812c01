{#
    The fate of every Concur journal line (docs/dialects.md D3, factors/METHODOLOGY.md section 4):

    1. A line outside any report entry (no report key or entry key: a cash advance, a
       report-level line) is `not_an_entry`.
    2. A report re-extracted in a later batch counts once: the batch with the latest batch
       date (then the highest numeric batch id) keeps the report, and the lines of every
       other copy are `reextracted`. Two copies of the same batch (re-sent with other
       bytes, e.g. other line ends) carry nothing new: the copy seen first keeps it, so a
       re-delivery moves no activity to another file.
    3. In the kept copy, a personal line (position 67 = Y) is `personal` and carries
       nothing; every other line is an `entry_line` of its entry, which
       int_concur_sae_entries classifies.

    entry_id identifies the entry (organization, report key, entry key) whatever its batch,
    so an entry keeps its id when its report is re-extracted.
#}
with

lines as (select * from {{ ref('stg_concur_sae__journal_lines') }}),

files as (select * from {{ ref('stg_ops__file_manifest') }}),

keyed as (

    select
        lines.*,
        files.first_seen_at as file_first_seen_at,
        case
            when lines.report_key is not null and lines.entry_key is not null
                then {{ dbt.hash(dbt.concat([
                    "'concur_sae_detail|'", 'lines.org_code', "'|'",
                    'lines.report_key', "'|'", 'lines.entry_key'
                ])) }}
        end as entry_id

    from lines
    inner join files
        on lines.source_file_id = files.file_id

),

ranked as (

    select
        *,
        first_value(source_file_id) over (
            partition by org_code, report_key
            order by
                batch_date desc,
                {{ try_cast_as('batch_id', 'bigint') }} desc nulls last,
                file_first_seen_at asc,
                source_file_id asc
        ) as kept_file_id

    from keyed

),

final as (

    select
        source_row_key,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        batch_id,
        batch_date,
        report_key,
        entry_key,
        entry_id,
        expense_type,
        is_personal,
        journal_debit_credit,
        journal_amount,
        case when entry_id is not null then kept_file_id end as kept_file_id,
        case
            when entry_id is null then 'not_an_entry'
            when source_file_id != kept_file_id then 'reextracted'
            when is_personal then 'personal'
            else 'entry_line'
        end as fate,
        case
            when entry_id is null then 'no report entry (cash advance or report-level line)'
            when source_file_id != kept_file_id then 'report re-extracted in a later batch'
            when is_personal then 'personal line'
        end as fate_note

    from ranked

)

select * from final
