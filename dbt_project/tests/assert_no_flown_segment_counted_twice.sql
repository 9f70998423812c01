{{ config(meta={'dagster': {'ref': {'name': 'fct_emission_sources'}}}) }}
{#
    No flown air or rail segment is counted twice:
    - no source row creates, or is a copy behind, activities of more than one creating row
      (the legs of one expensed flight share their creating line);
    - no natural key (organization, ticket and coupon and type; route and date where the
      ticket or coupon number is missing) creates activities from more than one file: a row
      delivered again in a later file counts once;
    - a cancelled or superseded segment creates no activity, and a superseded or
      duplicate row only ever adds 0 (NULL when the activity has no quantity);
    - the quantities behind each activity sum to its quantity.

    The inputs are read inline (`not materialized`): DuckDB would otherwise materialize
    each whole table read by several checks, and the checks would spill together (at 10M
    air segments three times slower).
#}
with

sources as not materialized (select * from {{ ref('fct_emission_sources') }}),

emissions as not materialized (select * from {{ ref('fct_emissions') }}),

fates as not materialized (select * from {{ ref('int_travel_ticket_row_fates') }}),

rows_in_several_activities as (

    -- the legs of one expensed flight share their journal lines: they are created by the
    -- same row, so a row may be behind several activities of one creating row only
    select
        'source row behind activities of several creating rows' as failure,
        min(sources.emission_id) as emission_id
    from sources
    inner join emissions
        on sources.emission_id = emissions.emission_id
    group by sources.source_table, sources.source_file_id, sources.sheet, sources.source_row
    having
        count(distinct {{ dbt.concat([
            'emissions.source_table', "'|'", 'emissions.source_file_id', "'|'",
            "coalesce(emissions.source_sheet, '')", "'|'",
            dbt.safe_cast('emissions.source_row', dbt.type_string())
        ]) }}) > 1

),

keys_counted_from_several_files as (

    select
        'natural key counted from several files' as failure,
        min(emissions.emission_id) as emission_id
    from emissions
    inner join fates
        on emissions.emission_id = fates.source_row_key
    group by fates.natural_key
    having count(distinct fates.source_file_id) > 1

),

cancelled_or_duplicate_counted as (

    select
        {{ dbt.concat(["'activity created by a '", 'fates.fate', "' row'"]) }} as failure,
        emissions.emission_id
    from emissions
    inner join fates
        on emissions.emission_id = fates.source_row_key
    where fates.fate != 'flown'

),

duplicates_adding_quantity as (

    select
        {{ dbt.concat(["'a '", 'contribution', "' row adds quantity'"]) }} as failure,
        emission_id
    from sources
    where contribution in ('duplicate', 'superseded') and quantity_signed != 0

),

quantities_not_adding_up as (

    select
        'source quantities do not sum to the activity quantity' as failure,
        emissions.emission_id
    from emissions
    inner join sources
        on emissions.emission_id = sources.emission_id
    group by emissions.emission_id, emissions.quantity
    having
        (emissions.quantity is null) != (sum(sources.quantity_signed) is null)
        or abs(sum(sources.quantity_signed) - emissions.quantity)
        > greatest(1e-9 * abs(emissions.quantity), 1e-9)

),

failures as (

    select * from rows_in_several_activities
    union all
    select * from keys_counted_from_several_files
    union all
    select * from cancelled_or_duplicate_counted
    union all
    select * from duplicates_adding_quantity
    union all
    select * from quantities_not_adding_up

)

select * from failures
