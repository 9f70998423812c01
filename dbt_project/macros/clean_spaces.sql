{#
    Free text from exports that put TAB and other control characters inside values
    (`Personal<TAB>Car Mileage`): every run of whitespace or control characters becomes
    one space, the ends are trimmed, and an empty result is NULL.
#}
{% macro clean_spaces(column) -%}
    {%- set whitespace_or_control %}'[\s\x00-\x1f\x7f]+'{% endset -%}
    nullif(trim({{ replace_all(column, whitespace_or_control, "' '") }}), '')
{%- endmacro %}
