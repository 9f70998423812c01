{#
    Numbers arrive as plain text: ASCII digits, `.` for decimals, an optional sign, at most
    15 digits before the point (connectors/validate.py quarantines anything else, with
    the same rule). What still does not read (a row an older connector loaded, a Concur
    custom field holding text) is NULL, never an error: every cast of raw text is a
    `try_cast`, and `cast_issue` (macros/cast_issue.sql) names the cell.
#}
{% macro to_double(column) -%}
    {{ plain_number(column, type_double()) }}
{%- endmacro %}

{% macro to_integer(column) -%}
    case
        when {{ full_match(clean_text(column), '[+-]?[0-9]+') }}
            then {{ try_cast_as(clean_text(column), dbt.type_int()) }}
    end
{%- endmacro %}

{% macro to_bigint(column) -%}
    case
        when {{ full_match(clean_text(column), '[+-]?[0-9]+') }}
            then {{ try_cast_as(clean_text(column), 'bigint') }}
    end
{%- endmacro %}

{# Money is DECIMAL(18,2) and compared exactly (factors/METHODOLOGY.md, Factors). #}
{% macro to_money(column) -%}
    {{ plain_number(column, type_money()) }}
{%- endmacro %}

{% macro plain_number(column, type) -%}
    case
        when {{ full_match(clean_text(column), '[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)') }}
            then {{ bounded(try_cast_as(clean_text(column), type)) }}
    end
{%- endmacro %}

{#
    The largest magnitude a quantity or amount may have: 10^15 fits DECIMAL(18,2) money,
    is exact as a double, and keeps `exact_sum` (DECIMAL(38,12)) far from overflowing.
    NaN and infinities are outside it too.
#}
{% macro number_limit() -%}
    1e15
{%- endmacro %}

{% macro bounded(expression) -%}
    case when abs({{ expression }}) < {{ number_limit() }} then {{ expression }} end
{%- endmacro %}

{# `expression` as `type`, NULL (never an error) when it does not convert. #}
{% macro try_cast_as(expression, type) -%}
    {{ return(adapter.dispatch('try_cast_as')(expression, type)) }}
{%- endmacro %}

{% macro default__try_cast_as(expression, type) -%}
    {{ dbt.safe_cast(expression, type) }}
{%- endmacro %}

{% macro duckdb__try_cast_as(expression, type) -%}
    try_cast({{ expression }} as {{ type }})
{%- endmacro %}

{% macro spark__try_cast_as(expression, type) -%}
    try_cast({{ expression }} as {{ type }})
{%- endmacro %}

{#
    kg and t CO2e, km and factors are 8-byte floating point. `dbt.type_float()` is a
    4-byte REAL on some engines (DuckDB among them), which is not precise enough.
#}
{% macro type_double() -%}
    {{ return(adapter.dispatch('type_double')()) }}
{%- endmacro %}

{% macro default__type_double() -%}
    double precision
{%- endmacro %}

{% macro duckdb__type_double() -%}
    double
{%- endmacro %}

{% macro spark__type_double() -%}
    double
{%- endmacro %}

{% macro type_money() -%}
    decimal(18, 2)
{%- endmacro %}
