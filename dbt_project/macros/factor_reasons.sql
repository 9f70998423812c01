{#
    Why an activity has no factor, in the words every domain writes into `unmapped_reason`,
    naming the factor set in use (var `factor_set`) so a reader knows where to add it.

    no_factor_reason(key): the factor `key` (an expression: the factor id or key looked
    up) is not in the set. no_grid_factor_reason(country): the set has no grid factor for
    the country (an expression) of an electricity activity.
#}
{% macro no_factor_reason(key) -%}
    {{ dbt.concat([
        "'no factor '", in_quotes(key), "' in factor set '", in_quotes("'" ~ var('factor_set') ~ "'")
    ]) }}
{%- endmacro %}


{% macro no_grid_factor_reason(country) -%}
    {{ dbt.concat([
        "'no grid factor for country '", in_quotes("coalesce(" ~ country ~ ", '')"),
        "' in factor set '", in_quotes("'" ~ var('factor_set') ~ "'")
    ]) }}
{%- endmacro %}
