{#
    Numbers arrive as plain text with `.` decimals and an optional leading `-`; the
    connector has already quarantined anything else, so a failed cast here is NULL.
#}
{% macro to_double(column) -%}
    {{ dbt.safe_cast(clean_text(column), type_double()) }}
{%- endmacro %}

{% macro to_integer(column) -%}
    {{ dbt.safe_cast(clean_text(column), dbt.type_int()) }}
{%- endmacro %}

{# Money is DECIMAL(18,2) and compared exactly (METHOD.md, Factors). #}
{% macro to_money(column) -%}
    {{ dbt.safe_cast(clean_text(column), type_money()) }}
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

{% macro type_money() -%}
    decimal(18, 2)
{%- endmacro %}
