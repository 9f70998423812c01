{#
    Per organization, reporting year, scope, category and boundary: t CO2e of the mapped
    activities (location-based), the market-based total where a market-based figure
    exists, headcount, t CO2e per capita (NULL without a headcount) and the number of
    unmapped activities, which the figures do not include.
#}
with

emissions as (

    select * from {{ ref('fct_emissions') }}

),

headcount as (

    select * from {{ ref('stg_ops__org_headcount') }}

),

totals as (

    select
        org_code,
        reporting_year,
        scope,
        category,
        boundary,
        coalesce({{ exact_sum("case when factor_status = 'mapped' then kg_co2e end") }}, 0)
        / 1000.0 as t_co2e,
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
        cast(totals.t_co2e_market as {{ type_double() }}) as t_co2e_market,
        headcount.headcount,
        cast(
            totals.t_co2e / nullif(headcount.headcount, 0) as {{ type_double() }}
        ) as t_co2e_per_capita,
        cast(totals.unmapped_rows as {{ dbt.type_int() }}) as unmapped_rows

    from totals
    left join headcount
        on
            totals.org_code = headcount.org_code
            and totals.reporting_year = headcount.reporting_year

)

select * from final
