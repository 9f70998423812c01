{{ config(meta={'dagster': {'ref': {'name': 'org_totals_annual'}}}) }}
{#
    org_totals_annual's t CO2e per organization, year and boundary is the sum of
    org_emissions_annual's groups (NULL exactly when none has a figure), and every range of
    either mart brackets its figure: low <= t <= high, with a figure exactly when a range.
#}
with

annual as (select * from {{ ref('org_emissions_annual') }}),

totals as (select * from {{ ref('org_totals_annual') }}),

summed as (

    select
        org_code,
        reporting_year,
        boundary,
        sum(t_co2e) as t_co2e

    from annual
    group by org_code, reporting_year, boundary

),

mismatched as (

    select
        totals.org_code,
        totals.reporting_year,
        'total differs from the sum of its groups' as problem

    from totals
    full outer join summed
        on
            totals.org_code = summed.org_code
            and totals.reporting_year = summed.reporting_year
            and totals.boundary = summed.boundary
    where
        totals.org_code is null
        or summed.org_code is null
        or (totals.t_co2e is null) != (summed.t_co2e is null)
        or abs(totals.t_co2e - summed.t_co2e) > greatest(1e-9 * abs(summed.t_co2e), 1e-9)

),

ranged as (

    {% for relation in ['annual', 'totals'] -%}
        select
            org_code,
            reporting_year,
            t_co2e,
            t_co2e_low,
            t_co2e_high
        from {{ relation }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

unbracketed as (

    select
        org_code,
        reporting_year,
        'range does not bracket t_co2e' as problem
    from ranged
    where
        (t_co2e is null) != (t_co2e_low is null)
        or (t_co2e is null) != (t_co2e_high is null)
        or not (t_co2e_low <= t_co2e and t_co2e <= t_co2e_high)

)

select * from mismatched
union all
select * from unbracketed
