{{ config(meta={'dagster': {'ref': {'name': 'org_procurement_annual'}}}) }}
{#
    Issue "Procurement", done when: spend_usd of org_procurement_annual equals the sum over
    the included lines exactly (DECIMAL, no tolerance), and the system rollup equals the sum
    of the organizations; every line's spend_usd is its amount x its rate, to the cent.
#}
with

lines as (select * from {{ ref('fct_procurement_lines') }}),

annual as (select * from {{ ref('org_procurement_annual') }}),

system_annual as (select * from {{ ref('system_procurement_annual') }}),

line_sums as (

    select
        org_code,
        reporting_year,
        sum(spend_usd) as spend_usd,
        count(*) as line_count
    from lines
    group by org_code, reporting_year

),

org_mismatches as (

    select
        'org spend_usd or lines differ from their lines' as failure,
        coalesce(line_sums.org_code, annual.org_code) as org_code,
        coalesce(line_sums.reporting_year, annual.reporting_year) as reporting_year
    from line_sums
    full outer join annual
        on line_sums.org_code = annual.org_code and line_sums.reporting_year = annual.reporting_year
    where
        line_sums.spend_usd is distinct from annual.spend_usd
        or line_sums.line_count is distinct from annual.lines

),

org_sums as (

    select
        reporting_year,
        sum(spend_usd) as spend_usd,
        sum(lines) as line_count
    from annual
    group by reporting_year

),

system_mismatches as (

    select
        'system spend_usd or lines differ from the organizations' as failure,
        cast(null as varchar) as org_code,
        coalesce(org_sums.reporting_year, system_annual.reporting_year) as reporting_year
    from org_sums
    full outer join system_annual
        on org_sums.reporting_year = system_annual.reporting_year
    where
        org_sums.spend_usd is distinct from system_annual.spend_usd
        or org_sums.line_count is distinct from system_annual.lines

),

conversion_mismatches as (

    select
        'spend_usd is not amount x rate' as failure,
        org_code,
        reporting_year
    from lines
    where
        spend_usd is not null
        and spend_usd != cast(round(amount_original * usd_rate, 2) as {{ type_money() }})

)

select * from org_mismatches
union all
select * from system_mismatches
union all
select * from conversion_mismatches
