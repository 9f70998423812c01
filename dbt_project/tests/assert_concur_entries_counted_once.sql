{{ config(meta={'dagster': {'ref': {'name': 'fct_emissions'}}}) }}
{#
    Concur expense entries (docs/dialects.md D3) count once and only when they should:
    - every staged journal line has exactly one fate;
    - an entry's activities come from one file only (a re-extracted report counts once);
    - every entry with fate `activity` is in fct_emissions (its legs, or one row), and no
      other entry is (agency tickets, meals, personal entries are not);
    - no expensed flight counted from the expense has a ticket that an agency file holds,
      nor one that another expense entry counts (a ticket is never counted twice);
    - an expensed flight has one leg per consecutive pair of airports of its routing.
#}
with

staged_lines as (

    select source_row_key from {{ ref('stg_concur_sae__journal_lines') }}

),

line_fates as (select * from {{ ref('int_concur_sae_line_fates') }}),

entries as (select * from {{ ref('int_concur_sae_entries') }}),

legs as (select * from {{ ref('int_concur_sae_air_legs') }}),

emissions as (

    select * from {{ ref('fct_emissions') }}
    where source_table = 'concur_sae_detail'

),

agency_tickets as (

    select distinct
        org_code,
        ticket13
    from {{ ref('int_travel_ticket_rows') }}
    where travel_mode = 'air' and ticket13 is not null

),

activity_entries as (

    select
        legs.leg_key as emission_id,
        legs.entry_id
    from legs

    union all

    select
        entries.entry_id as emission_id,
        entries.entry_id
    from entries
    where entries.fate = 'activity' and (entries.activity_type != 'air' or entries.activity_issue is not null)

),

lines_without_one_fate as (

    select
        'staged line without exactly one fate' as failure,
        staged_lines.source_row_key as failing_key
    from staged_lines
    left join line_fates
        on staged_lines.source_row_key = line_fates.source_row_key
    group by staged_lines.source_row_key
    having count(line_fates.source_row_key) != 1

),

entries_from_several_files as (

    select
        'entry counted from several files' as failure,
        activity_entries.entry_id as failing_key
    from emissions
    inner join activity_entries
        on emissions.emission_id = activity_entries.emission_id
    group by activity_entries.entry_id
    having count(distinct emissions.source_file_id) > 1

),

activities_missing as (

    select
        'activity entry not in fct_emissions' as failure,
        entries.entry_id as failing_key
    from entries
    left join activity_entries
        on entries.entry_id = activity_entries.entry_id
    left join emissions
        on activity_entries.emission_id = emissions.emission_id
    where entries.fate = 'activity'
    group by entries.entry_id
    having count(emissions.emission_id) = 0

),

other_entries_counted as (

    select
        {{ dbt.concat(["'entry with fate '", 'entries.fate', "' in fct_emissions'"]) }} as failure,
        entries.entry_id as failing_key
    from emissions
    inner join activity_entries
        on emissions.emission_id = activity_entries.emission_id
    inner join entries
        on activity_entries.entry_id = entries.entry_id
    where entries.fate != 'activity'

),

emissions_without_entry as (

    select
        'expense emission without an activity entry' as failure,
        emissions.emission_id as failing_key
    from emissions
    left join activity_entries
        on emissions.emission_id = activity_entries.emission_id
    where activity_entries.emission_id is null

),

tickets_counted_twice as (

    select
        'expensed ticket also in an agency file counted from the expense' as failure,
        legs.leg_key as failing_key
    from legs
    inner join agency_tickets
        on legs.org_code = agency_tickets.org_code and legs.ticket13 = agency_tickets.ticket13

),

tickets_from_several_entries as (

    select
        'ticket counted from several expense entries' as failure,
        min(legs.entry_id) as failing_key
    from legs
    where legs.ticket13 is not null
    group by legs.org_code, legs.ticket13
    having count(distinct legs.entry_id) > 1

),

leg_counts as (

    select
        'legs do not follow the routing' as failure,
        legs.entry_id as failing_key
    from legs
    group by legs.entry_id, legs.routing
    having count(*) != len(string_split(legs.routing, '-')) - 1

),

failures as (

    select * from lines_without_one_fate
    union all
    select * from entries_from_several_files
    union all
    select * from activities_missing
    union all
    select * from other_entries_counted
    union all
    select * from emissions_without_entry
    union all
    select * from tickets_counted_twice
    union all
    select * from tickets_from_several_entries
    union all
    select * from leg_counts

)

select * from failures
