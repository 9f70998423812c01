{# Raw cells are text; an empty or blank cell means "no value". #}
{% macro clean_text(column) -%}
    nullif(trim({{ column }}), '')
{%- endmacro %}

{# Codes (airports, countries, booking classes, statuses) compare upper-case and trimmed. #}
{% macro clean_code(column) -%}
    nullif(upper(trim({{ column }})), '')
{%- endmacro %}
