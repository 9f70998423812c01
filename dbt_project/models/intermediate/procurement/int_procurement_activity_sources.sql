{#
    Every source row behind a procurement activity: the row that stands for the PO line,
    with its quantity, the earlier deliveries of the line that a later file superseded
    (`superseded`) and the rows repeating it in its file (schedule or distribution
    fan-out, `duplicate`), which add 0 (NULL when the activity has no quantity, so the
    quantities behind an activity sum to its own).
#}
with

activities as (select * from {{ ref('int_procurement_activities') }}),

fates as (select * from {{ ref('int_procurement_line_fates') }}),

creating_rows as (

    {{ activity_rows('activities') }}

),

repeated_rows as (

    select
        activities.emission_id,
        fates.source_table,
        fates.source_file_id,
        fates.source_sheet as sheet,
        fates.source_row,
        {{ adds_nothing('activities.quantity') }} as quantity_signed,
        case when fates.fate = 'superseded' then 'superseded' else 'duplicate' end as contribution

    from fates
    inner join activities
        on coalesce(fates.superseded_by_row_key, fates.duplicate_of_row_key) = activities.emission_id
    where fates.fate in ('superseded', 'repeat')

),

final as (

    select * from creating_rows
    union all
    select * from repeated_rows

)

select * from final
