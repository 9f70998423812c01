{#
    The 95 % half-width, in t CO2e, of the mapped emissions of each group of `group_by`
    columns (factors/METHODOLOGY.md, 13):

        U = sqrt( sum over rows (a_i x |kg_i|)^2  +  sum over factor ids (sum over its rows f_i x |kg_i|)^2 ) / 1000

    a_i and f_i are the relative uncertainties of row i's activity and factor for its data
    quality (stg_factors__uncertainty). Activity errors are independent between rows; a
    factor's error is shared by every row that uses it (fully correlated within a factor
    id), different factors are independent. Sums go through `exact_sum`, in tonnes, so a
    rebuild gives bit-identical ranges and no value overflows.
#}
{% macro uncertainty_half_width(emissions, uncertainty, group_by) -%}
    {%- set keys = group_by | join(', ') -%}
    select
        {{ keys }},
        sqrt(
            cast({{ exact_sum('activity_variance') }} as {{ type_double() }})
            + cast({{ exact_sum('power(cast(factor_half_width as ' ~ type_double() ~ '), 2)') }} as {{ type_double() }})
        ) as t_co2e_half_width

    from (
        select
            {% for column in group_by -%}
                rows.{{ column }},
            {% endfor -%}
            rows.factor_id,
            {{ exact_sum('power(uncertainty.activity_uncertainty * abs(rows.kg_co2e) / 1000.0, 2)') }}
            as activity_variance,
            {{ exact_sum('uncertainty.factor_uncertainty * abs(rows.kg_co2e) / 1000.0') }}
            as factor_half_width

        from {{ emissions }} as rows
        inner join {{ uncertainty }} as uncertainty
            on rows.data_quality = uncertainty.data_quality
        where rows.factor_status = 'mapped'
        group by
            {% for column in group_by -%}
                rows.{{ column }},
            {% endfor -%}
            rows.factor_id
    ) as by_factor
    group by {{ keys }}
{%- endmacro %}
