{{ config(meta={'dagster': {'ref': {'name': 'fct_procurement_lines'}}}) }}
{#
    Nothing lost, nothing doubled: every staged SAP and Oracle row has exactly one fate;
    exactly the `counted` rows are lines of fct_procurement_lines; deleted, cancelled,
    agreement, draft, superseded and repeat rows count nowhere (not in the lines, not in
    fct_emissions); every procurement activity of fct_emissions is a counted line.
#}
with

staged as (

    select source_row_key from {{ ref('stg_sap__me2n_items') }}
    union all
    select source_row_key from {{ ref('stg_oracle__po_lines') }}

),

fates as (select * from {{ ref('int_procurement_line_fates') }}),

lines as (

    select procurement_line_id from {{ ref('fct_procurement_lines') }}

),

emissions as (

    select emission_id from {{ ref('fct_emissions') }}
    where domain = 'procurement'

),

fate_counts as (

    select
        staged.source_row_key,
        count(fates.source_row_key) as fate_count,
        max(case when fates.fate = 'counted' then 1 else 0 end) as is_counted
    from staged
    left join fates
        on staged.source_row_key = fates.source_row_key
    group by staged.source_row_key

),

checked as (

    select
        fate_counts.source_row_key,
        fate_counts.fate_count,
        fate_counts.is_counted,
        lines.procurement_line_id is not null as is_line
    from fate_counts
    left join lines
        on fate_counts.source_row_key = lines.procurement_line_id

),

emissions_not_counted as (

    select
        emissions.emission_id as source_row_key,
        1 as fate_count,
        0 as is_counted,
        true as is_line
    from emissions
    left join fates
        on emissions.emission_id = fates.source_row_key
    where fates.fate is distinct from 'counted'

)

select * from checked
where fate_count != 1 or (is_counted = 1) != is_line
union all
select * from emissions_not_counted
