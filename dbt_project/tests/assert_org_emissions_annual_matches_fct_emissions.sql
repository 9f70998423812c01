{{ config(meta={'dagster': {'ref': {'name': 'org_emissions_annual'}}}) }}
{#
    org_emissions_annual holds exactly the groups of fct_emissions, and its totals are
    their sums: t_co2e = sum(kg_co2e of mapped rows) / 1000 (NULL without a mapped row),
    t_co2e_market likewise, the
    number of unmapped rows, and per capita = t_co2e / headcount.
#}
with

emissions as (select * from {{ ref('fct_emissions') }}),

annual as (select * from {{ ref('org_emissions_annual') }}),

expected as (

    select
        org_code,
        reporting_year,
        scope,
        category,
        boundary,
        sum(case when factor_status = 'mapped' then kg_co2e end) / 1000.0 as t_co2e,
        sum(case when factor_status = 'mapped' then kg_co2e_market end) / 1000.0 as t_co2e_market,
        sum(case when factor_status = 'unmapped' then 1 else 0 end) as unmapped_rows

    from emissions
    group by org_code, reporting_year, scope, category, boundary

),

compared as (

    select
        coalesce(expected.org_code, annual.org_code) as org_code,
        coalesce(expected.reporting_year, annual.reporting_year) as reporting_year,
        coalesce(expected.scope, annual.scope) as scope,
        coalesce(expected.category, annual.category) as category,
        coalesce(expected.boundary, annual.boundary) as boundary,
        expected.t_co2e as expected_t_co2e,
        annual.t_co2e,
        expected.t_co2e_market as expected_t_co2e_market,
        annual.t_co2e_market,
        expected.unmapped_rows as expected_unmapped_rows,
        annual.unmapped_rows,
        annual.headcount,
        annual.t_co2e_per_capita,
        expected.org_code is null as missing_in_fct_emissions,
        annual.org_code is null as missing_in_annual

    from expected
    full outer join annual
        on
            expected.org_code = annual.org_code
            and expected.reporting_year = annual.reporting_year
            and expected.scope = annual.scope
            and expected.category = annual.category
            and expected.boundary = annual.boundary

)

select * from compared
where
    missing_in_fct_emissions
    or missing_in_annual
    or (t_co2e is null) != (expected_t_co2e is null)
    or abs(t_co2e - expected_t_co2e) > greatest(1e-9 * abs(expected_t_co2e), 1e-9)
    or (t_co2e_market is null) != (expected_t_co2e_market is null)
    or abs(t_co2e_market - expected_t_co2e_market)
    > greatest(1e-9 * abs(expected_t_co2e_market), 1e-9)
    or unmapped_rows != expected_unmapped_rows
    or (headcount is null or headcount = 0 or t_co2e is null) != (t_co2e_per_capita is null)
    or abs(t_co2e_per_capita * headcount - t_co2e) > greatest(1e-9 * abs(t_co2e), 1e-9)
