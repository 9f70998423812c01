{#
    The other journal lines behind each Concur activity, for fct_emission_sources: the line
    that creates the activity comes with int_travel_activities (through
    int_travel_activity_sources); here are the entry's other lines (allocations,
    payer/payee and credit lines, itemizations), its personal lines and the copies of the
    report in other batches (`reextracted`). None of them adds quantity: 0, or NULL when the
    activity has no quantity (unmapped), so the quantities behind an activity still sum to
    its quantity. Every leg of an expensed Airfare lists every line of its entry.
#}
with

activities as (

    select * from {{ ref('int_travel_activities') }}
    where source_table = 'concur_sae_detail'

),

activity_entries as (

    select
        source_row_key as emission_id,
        source_row_key as entry_id
    from {{ ref('int_concur_sae_activities') }}

    union all

    select
        leg_key as emission_id,
        entry_id
    from {{ ref('int_concur_sae_air_legs') }}

),

line_fates as (

    select * from {{ ref('int_concur_sae_line_fates') }}
    where entry_id is not null

),

final as (

    select
        activities.emission_id,
        line_fates.source_file_id,
        line_fates.source_sheet as sheet,
        line_fates.source_row,
        {{ adds_nothing('activities.quantity') }} as quantity_signed,
        'concur_sae_detail' as source_table,
        case line_fates.fate
            when 'entry_line' then 'journal_line'
            when 'personal' then 'personal_line'
            else line_fates.fate
        end as contribution

    from activities
    inner join activity_entries
        on activities.emission_id = activity_entries.emission_id
    inner join line_fates
        on activity_entries.entry_id = line_fates.entry_id
    where not (
        line_fates.source_file_id = activities.source_file_id
        and line_fates.source_row = activities.source_row
    )

)

select * from final
