{#
    The procurement summary of fct_procurement_lines grouped by `keys` (organization and
    year, or year alone for the system): spend in USD as the exact sum of the lines'
    spend_usd, lines, suppliers (per organization: a supplier of two organizations counts
    twice), spend shares covered by a guideline and with sustainability criteria,
    spend-based t CO2e (NULL when no line has a factor: never a silent zero), the top three
    categories and the supplier-country mix by spend, and what is missing.
#}
{% macro procurement_rollup(keys) -%}
{%- set on = [] -%}
{%- for key in keys -%}{%- do on.append('totals.' ~ key ~ ' = parts.' ~ key) -%}{%- endfor -%}
with

lines as (select * from {{ ref('fct_procurement_lines') }}),

totals as (

    select
        {{ keys | join(', ') }},
        count(distinct org_code) as organizations,
        cast({{ exact_sum('spend_usd') }} as {{ type_money() }}) as spend_usd,
        count(*) as lines,
        count(distinct {{ dbt.concat(['org_code', "'|'", 'supplier_pseudonym']) }}) as suppliers,
        {{ exact_sum("case when is_covered_by_guideline then spend_usd end") }} as spend_usd_guideline,
        {{ exact_sum("case when has_sustainability_criteria then spend_usd end") }} as spend_usd_criteria,
        {{ exact_sum("case when factor_status = 'mapped' then kg_co2e end") }} / 1000.0 as t_co2e_spend_based,
        sum(case when conversion_issue is not null then 1 else 0 end) as lines_unconverted,
        {{ exact_sum("case when factor_status = 'unmapped' then spend_usd end") }} as spend_usd_unmapped,
        {{ exact_sum("case when category_title is not null then spend_usd end") }} as spend_usd_in_crosswalk

    from lines
    group by {{ keys | join(', ') }}

),

categories as (

    select
        {{ keys | join(', ') }},
        {{ dbt.concat([
            "coalesce(unspsc_family, 'unclassified')", "' '", "coalesce(category_title, 'unclassified')"
        ]) }} as label,
        {{ exact_sum('spend_usd') }} as spend_usd

    from lines
    where spend_usd is not null
    group by all

),

countries as (

    select
        {{ keys | join(', ') }},
        coalesce(supplier_country, 'unknown') as label,
        {{ exact_sum('spend_usd') }} as spend_usd

    from lines
    where spend_usd is not null
    group by all

),

ranked_categories as (

    select
        *,
        row_number() over (partition by {{ keys | join(', ') }} order by spend_usd desc, label asc) as spend_rank
    from categories

),

{%- set share_in_percent -%}
    cast(round(100.0 * cast(parts.spend_usd as {{ type_double() }}) / nullif(totals.spend_usd, 0), 1) as string)
{%- endset %}
top_categories as (

    select
        {% for key in keys %}parts.{{ key }}, {% endfor %}
        {{ ordered_string_agg(
            dbt.concat(['parts.label', "' ('", share_in_percent, "'%)'"]),
            "'; '",
            'parts.spend_usd desc, parts.label asc'
        ) }} as top_categories

    from ranked_categories as parts
    inner join totals on {{ on | join(' and ') }}
    where parts.spend_rank <= 3
    group by {% for key in keys %}parts.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}

),

country_mix as (

    select
        {% for key in keys %}parts.{{ key }}, {% endfor %}
        {{ ordered_string_agg(
            dbt.concat(['parts.label', "' '", share_in_percent, "'%'"]),
            "'; '",
            'parts.spend_usd desc, parts.label asc'
        ) }} as supplier_country_mix

    from countries as parts
    inner join totals on {{ on | join(' and ') }}
    group by {% for key in keys %}parts.{{ key }}{% if not loop.last %}, {% endif %}{% endfor %}

),

final as (

    select
        {% for key in keys %}totals.{{ key }},
        {% endfor -%}
        {% if keys | length == 1 %}cast(totals.organizations as {{ dbt.type_int() }}) as organizations,
        {% endif -%}
        totals.spend_usd,
        cast(totals.lines as {{ dbt.type_int() }}) as lines,
        cast(totals.suppliers as {{ dbt.type_int() }}) as suppliers,
        cast(totals.spend_usd_guideline as {{ type_double() }}) / nullif(totals.spend_usd, 0)
            as share_spend_guideline,
        cast(totals.spend_usd_criteria as {{ type_double() }}) / nullif(totals.spend_usd, 0)
            as share_spend_criteria,
        cast(totals.t_co2e_spend_based as {{ type_double() }}) as t_co2e_spend_based,
        top_categories.top_categories,
        country_mix.supplier_country_mix,
        cast(totals.lines_unconverted as {{ dbt.type_int() }}) as lines_unconverted,
        cast(coalesce(totals.spend_usd_unmapped, 0) as {{ type_money() }}) as spend_usd_unmapped,
        cast(totals.spend_usd_in_crosswalk as {{ type_double() }}) / nullif(totals.spend_usd, 0)
            as crosswalk_coverage

    from totals
    left join top_categories
        on {% for key in keys %}totals.{{ key }} = top_categories.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}
    left join country_mix
        on {% for key in keys %}totals.{{ key }} = country_mix.{{ key }}{% if not loop.last %} and {% endif %}{% endfor %}

)

select * from final
{%- endmacro %}
