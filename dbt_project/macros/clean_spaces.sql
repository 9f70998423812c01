{#
    Free text from exports that put TAB and other control characters inside values
    (`Personal<TAB>Car Mileage`): every run of whitespace or control characters becomes
    one space, the ends are trimmed, and an empty result is NULL.
#}
{% macro clean_spaces(column) -%}
    nullif(trim(regexp_replace({{ column }}, '[\s\x00-\x1f\x7f]+', ' ', 'g')), '')
{%- endmacro %}
