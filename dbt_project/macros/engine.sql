{#
    SQL that DuckDB and Spark spell differently, one macro each (docs/scale-out.md).
#}

{# Aggregate: the non-NULL values of `expression` joined by `delimiter`, in `order_by` order. #}
{% macro ordered_string_agg(expression, delimiter, order_by, distinct=false) -%}
    {{ return(adapter.dispatch('ordered_string_agg')(expression, delimiter, order_by, distinct)) }}
{%- endmacro %}

{% macro duckdb__ordered_string_agg(expression, delimiter, order_by, distinct) -%}
    string_agg({{ 'distinct ' if distinct }}{{ expression }}, {{ delimiter }} order by {{ order_by }})
{%- endmacro %}

{% macro spark__ordered_string_agg(expression, delimiter, order_by, distinct) -%}
    string_agg({{ 'distinct ' if distinct }}{{ expression }}, {{ delimiter }}) within group (order by {{ order_by }})
{%- endmacro %}

{# Every column (of `relation`, a CTE name or alias, when given) but `columns`. #}
{% macro star_except(columns, relation=none) -%}
    {{ return(adapter.dispatch('star_except')(columns, relation)) }}
{%- endmacro %}

{% macro duckdb__star_except(columns, relation) -%}
    {{ relation ~ '.' if relation }}* exclude ({{ columns | join(', ') }})
{%- endmacro %}

{% macro spark__star_except(columns, relation) -%}
    {{ relation ~ '.' if relation }}* except ({{ columns | join(', ') }})
{%- endmacro %}

{# The number of elements of a list. #}
{% macro list_size(list) -%}
    {{ return(adapter.dispatch('list_size')(list)) }}
{%- endmacro %}

{% macro duckdb__list_size(list) -%}
    len({{ list }})
{%- endmacro %}

{% macro spark__list_size(list) -%}
    size({{ list }})
{%- endmacro %}

{# The month's English name (`March`). #}
{% macro month_name(date) -%}
    {{ return(adapter.dispatch('month_name')(date)) }}
{%- endmacro %}

{% macro duckdb__month_name(date) -%}
    monthname({{ date }})
{%- endmacro %}

{% macro spark__month_name(date) -%}
    date_format({{ date }}, 'MMMM')
{%- endmacro %}

{# `text` split at each `separator` (a plain character) into a list. #}
{% macro split_list(text, separator) -%}
    {{ return(adapter.dispatch('split_list')(text, separator)) }}
{%- endmacro %}

{% macro duckdb__split_list(text, separator) -%}
    string_split({{ text }}, '{{ separator }}')
{%- endmacro %}

{# Spark splits at a regular expression: the separator is quoted as one. #}
{% macro spark__split_list(text, separator) -%}
    split({{ text }}, '\Q{{ separator }}\E')
{%- endmacro %}

{# The `index`-th element of a list, counting from 1. #}
{% macro list_element(list, index) -%}
    {{ return(adapter.dispatch('list_element')(list, index)) }}
{%- endmacro %}

{% macro duckdb__list_element(list, index) -%}
    {{ list }}[{{ index }}]
{%- endmacro %}

{% macro spark__list_element(list, index) -%}
    element_at({{ list }}, {{ index }})
{%- endmacro %}

{# A select-list item: one row per whole number from `first` to `last`, as `name`. #}
{% macro each_number(first, last, name) -%}
    {{ return(adapter.dispatch('each_number')(first, last, name)) }}
{%- endmacro %}

{% macro duckdb__each_number(first, last, name) -%}
    unnest(generate_series({{ first }}, {{ last }})) as {{ name }}
{%- endmacro %}

{% macro spark__each_number(first, last, name) -%}
    -- sequence() counts down when last < first; unnest(generate_series()) gives no row
    explode(case when {{ last }} >= {{ first }} then sequence({{ first }}, {{ last }}) end) as {{ name }}
{%- endmacro %}

{#
    After a FROM relation: one row per first day of each month from the month of `start`
    to the month of `end`, as `alias`.`column`.
#}
{% macro join_month_starts(start, end, alias, column) -%}
    {{ return(adapter.dispatch('join_month_starts')(start, end, alias, column)) }}
{%- endmacro %}

{% macro duckdb__join_month_starts(start, end, alias, column) -%}
    cross join
        generate_series(
            date_trunc('month', {{ start }}),
            date_trunc('month', {{ end }}),
            interval 1 month
        ) as {{ alias }} ({{ column }})
{%- endmacro %}

{% macro spark__join_month_starts(start, end, alias, column) -%}
    lateral view explode(
        sequence(trunc({{ start }}, 'MM'), trunc({{ end }}, 'MM'), interval 1 month)
    ) {{ alias }} as {{ column }}
{%- endmacro %}

{# Aggregate: the longest value of `column`, the first in order among equally long ones. #}
{% macro longest_value(column) -%}
    {{ return(adapter.dispatch('longest_value')(column)) }}
{%- endmacro %}

{% macro duckdb__longest_value(column) -%}
    first({{ column }} order by length({{ column }}) desc, {{ column }} asc)
{%- endmacro %}

{% macro spark__longest_value(column) -%}
    min_by({{ column }}, struct(-length({{ column }}), {{ column }}))
{%- endmacro %}

{# Division of whole numbers that are not negative, the remainder dropped (`7 // 2` = 3). #}
{% macro integer_divide(dividend, divisor) -%}
    {{ return(adapter.dispatch('integer_divide')(dividend, divisor)) }}
{%- endmacro %}

{% macro duckdb__integer_divide(dividend, divisor) -%}
    ({{ dividend }}) // ({{ divisor }})
{%- endmacro %}

{% macro spark__integer_divide(dividend, divisor) -%}
    ({{ dividend }}) div ({{ divisor }})
{%- endmacro %}

{# `text` without the `characters` (a SQL string) at its start, end or both (`side`). #}
{% macro trim_characters(text, characters, side='both') -%}
    {{ return(adapter.dispatch('trim_characters')(text, characters, side)) }}
{%- endmacro %}

{% macro duckdb__trim_characters(text, characters, side) -%}
    {{ {'both': 'trim', 'leading': 'ltrim', 'trailing': 'rtrim'}[side] }}({{ text }}, {{ characters }})
{%- endmacro %}

{% macro spark__trim_characters(text, characters, side) -%}
    trim({{ side }} {{ characters }} from {{ text }})
{%- endmacro %}

{# Whole days from the date `start` to the date `end` (0 for the same day). #}
{% macro days_between(start, end) -%}
    {{ return(adapter.dispatch('days_between')(start, end)) }}
{%- endmacro %}

{% macro duckdb__days_between(start, end) -%}
    date_diff('day', {{ start }}, {{ end }})
{%- endmacro %}

{% macro spark__days_between(start, end) -%}
    datediff({{ end }}, {{ start }})
{%- endmacro %}

{#
    `expression` in single quotes, for messages (`'no factor ' || in_quotes(key)`), and NULL
    when it is. A literal '''' would do on DuckDB, but Spark reads '' as two strings.
#}
{% macro in_quotes(expression) -%}
    {{ return('(chr(39) || ' ~ expression ~ ' || chr(39))') }}
{%- endmacro %}
