{#
    Per organization, reporting year and boundary: the total t CO2e of the mapped activities
    with its 95 % range, computed from the rows (a range of a total is not the sum of its
    parts' ranges: rows of one factor share its error across categories), the unmapped
    activities left out, and whether the year is complete. The report's headline reads it.
#}
with

emissions as (select * from {{ ref('fct_emissions') }}),

uncertainty as (select * from {{ ref('stg_factors__uncertainty') }}),

reporting_years as (select * from {{ ref('org_reporting_years') }}),

totals as (

    select
        org_code,
        reporting_year,
        boundary,
        {{ exact_sum("case when factor_status = 'mapped' then kg_co2e end") }} / 1000.0 as t_co2e,
        count(case when factor_status = 'unmapped' then 1 end) as unmapped_rows

    from emissions
    group by org_code, reporting_year, boundary

),

ranges as (

    {{ uncertainty_half_width('emissions', 'uncertainty', ['org_code', 'reporting_year', 'boundary']) }}

),

final as (

    select
        totals.org_code,
        totals.reporting_year,
        totals.boundary,
        cast(totals.t_co2e as {{ type_double() }}) as t_co2e,
        cast(totals.t_co2e - ranges.t_co2e_half_width as {{ type_double() }}) as t_co2e_low,
        cast(totals.t_co2e + ranges.t_co2e_half_width as {{ type_double() }}) as t_co2e_high,
        cast(totals.unmapped_rows as {{ dbt.type_int() }}) as unmapped_rows,
        coalesce(reporting_years.is_complete, false) as is_complete_year,
        coalesce(reporting_years.is_headline_year, false) as is_headline_year

    from totals
    left join ranges
        on
            totals.org_code = ranges.org_code
            and totals.reporting_year = ranges.reporting_year
            and totals.boundary = ranges.boundary
    left join reporting_years
        on
            totals.org_code = reporting_years.org_code
            and totals.reporting_year = reporting_years.reporting_year

)

select * from final
