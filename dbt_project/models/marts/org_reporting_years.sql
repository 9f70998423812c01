{#
    Per organization and reporting year: is the year complete, and if not, which domains
    are still partial. A headline (report, run summary, progress) uses the latest complete
    year (`is_headline_year`); a partial year is shown as partial, never as the headline.

    Rules per domain come from the `complete_year_rules` variable (dbt_project.yml):
    `every_month` (data covers all twelve months; for energy, billing periods cover them),
    `reaches_december` (data in December) and `any_data` (any row in the year); under
    either, data of the domain in a later year also closes the year (a refrigerant log
    with no service this year but services next year). The headline is the latest complete
    year that has data. A domain the organization has never reported in any year does
    not count. A year listed in the registry's `closed_years` is complete whatever its data
    shows (`completeness_basis` = 'declared').
#}
{%- set rules = var('complete_year_rules') -%}
{%- for domain, rule in rules.items() -%}
    {%- if rule not in ['every_month', 'reaches_december', 'any_data'] -%}
        {{ exceptions.raise_compiler_error(
            "complete_year_rules." ~ domain ~ ": '" ~ rule
            ~ "' is not every_month, reaches_december or any_data") }}
    {%- endif -%}
{%- endfor -%}
with

completeness as (select * from {{ ref('org_completeness') }}),

closed as (select * from {{ ref('stg_ops__org_closed_years') }}),

rules as (

    select
        listed.domain,
        listed.rule
    from (
        values
        {% for domain, rule in rules.items() -%}
            ('{{ domain }}', '{{ rule }}'){% if not loop.last %},{% endif %}
        {% endfor %}
    ) as listed (domain, rule)

),

domain_years as (

    select
        org_code,
        domain,
        reporting_year,
        count(case when has_data then 1 end) as months_with_data,
        max(case when has_data then month_number end) as last_month

    from completeness
    group by org_code, domain, reporting_year

),

reported as (

    select
        org_code,
        domain,
        max(reporting_year) as last_year_with_data

    from domain_years
    where months_with_data > 0
    group by org_code, domain

),

assessed as (

    select
        domain_years.org_code,
        domain_years.reporting_year,
        domain_years.domain,
        case rules.rule
            when 'every_month' then domain_years.months_with_data = 12
            when 'reaches_december'
                then
                    coalesce(domain_years.last_month = 12, false)
                    or reported.last_year_with_data > domain_years.reporting_year
            else
                domain_years.months_with_data > 0
                or reported.last_year_with_data > domain_years.reporting_year
        end as is_domain_complete,
        case
            when domain_years.months_with_data = 0 then domain_years.domain || ': no data'
            when rules.rule = 'every_month'
                then
                    domain_years.domain || ': ' || domain_years.months_with_data
                    || ' of 12 months'
            else
                domain_years.domain || ': data ends in '
                || {{ month_name('make_date(domain_years.reporting_year, domain_years.last_month, 1)') }}
        end as partial_reason

    from domain_years
    inner join reported
        on
            domain_years.org_code = reported.org_code
            and domain_years.domain = reported.domain
    inner join rules
        on domain_years.domain = rules.domain

),

with_data as (

    select distinct
        org_code,
        reporting_year
    from domain_years
    where months_with_data > 0

),

years as (

    select
        org_code,
        reporting_year
    from domain_years

    union

    select
        org_code,
        reporting_year
    from closed

),

judged as (

    select
        years.org_code,
        years.reporting_year,
        closed.org_code is not null as is_declared,
        with_data.org_code is not null as has_data,
        count(assessed.domain) > 0 and bool_and(assessed.is_domain_complete) as is_complete_by_data,
        {{ ordered_string_agg(
            'case when not assessed.is_domain_complete then assessed.partial_reason end',
            "'; '",
            'assessed.domain'
        ) }} as partial_domains

    from years
    left join closed
        on
            years.org_code = closed.org_code
            and years.reporting_year = closed.reporting_year
    left join with_data
        on
            years.org_code = with_data.org_code
            and years.reporting_year = with_data.reporting_year
    left join assessed
        on
            years.org_code = assessed.org_code
            and years.reporting_year = assessed.reporting_year
    group by years.org_code, years.reporting_year, closed.org_code, with_data.org_code

),

final as (

    select
        org_code,
        reporting_year,
        is_declared or coalesce(is_complete_by_data, false) as is_complete,
        case
            when is_declared then 'declared'
            when is_complete_by_data then 'data'
        end as completeness_basis,
        case when not is_declared then partial_domains end as partial_domains,
        -- a headline needs figures: a year declared closed before any data arrives is not one
        coalesce(
            reporting_year = max(
                case when has_data and (is_declared or is_complete_by_data) then reporting_year end
            ) over (partition by org_code),
            false
        ) as is_headline_year

    from judged

)

select * from final
