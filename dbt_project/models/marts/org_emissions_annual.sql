{#
    Per organization, reporting year, scope, category and boundary: t CO2e of the mapped
    activities (location-based), the market-based total where a market-based figure
    exists, headcount, t CO2e per capita (NULL without a headcount) and the number of
    unmapped activities, which the figures do not include. A group without a mapped
    activity has no figure (NULL t CO2e beside its unmapped count), never 0 t, and
    `per_capita_note` says why a per-capita figure is missing. `t_co2e_low` and
    `t_co2e_high` bound the 95 % range of t_co2e (macros/uncertainty_range.sql).
#}
with

emissions as (select * from {{ ref('fct_emissions') }}),

headcount as (select * from {{ ref('stg_ops__org_headcount') }}),

uncertainty as (select * from {{ ref('stg_factors__uncertainty') }}),

ranges as (

    {{ uncertainty_half_width(
        'emissions', 'uncertainty',
        ['org_code', 'reporting_year', 'scope', 'category', 'boundary']
    ) }}

),

totals as (

    select
        org_code,
        reporting_year,
        scope,
        category,
        boundary,
        {{ exact_sum("case when factor_status = 'mapped' then kg_co2e end") }} / 1000.0 as t_co2e,
        {{ exact_sum("case when factor_status = 'mapped' then kg_co2e_market end") }}
        / 1000.0 as t_co2e_market,
        sum(case when factor_status = 'unmapped' then 1 else 0 end) as unmapped_rows

    from emissions
    group by org_code, reporting_year, scope, category, boundary

),

final as (

    select
        totals.org_code,
        totals.reporting_year,
        totals.scope,
        totals.category,
        totals.boundary,
        cast(totals.t_co2e as {{ type_double() }}) as t_co2e,
        cast(totals.t_co2e - ranges.t_co2e_half_width as {{ type_double() }}) as t_co2e_low,
        cast(totals.t_co2e + ranges.t_co2e_half_width as {{ type_double() }}) as t_co2e_high,
        cast(totals.t_co2e_market as {{ type_double() }}) as t_co2e_market,
        headcount.headcount,
        cast(
            totals.t_co2e / nullif(headcount.headcount, 0) as {{ type_double() }}
        ) as t_co2e_per_capita,
        cast(totals.unmapped_rows as {{ dbt.type_int() }}) as unmapped_rows,
        case
            when headcount.headcount is null
                then 'no headcount for ' || totals.reporting_year || ' in the registry'
            when headcount.headcount = 0 then 'headcount is 0 in the registry'
            when totals.t_co2e is null then 'no activity with a factor'
        end as per_capita_note

    from totals
    left join headcount
        on
            totals.org_code = headcount.org_code
            and totals.reporting_year = headcount.reporting_year
    left join ranges
        on
            totals.org_code = ranges.org_code
            and totals.reporting_year = ranges.reporting_year
            and totals.scope = ranges.scope
            and totals.category = ranges.category
            and totals.boundary = ranges.boundary

)

select * from final
