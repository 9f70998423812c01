{#-
    Sums doubles through DECIMAL(38, 12) so a total does not depend on the order in which
    rows are read: a re-run over the same rows gives bit-identical figures.
-#}
{% macro exact_sum(expression) -%}
    sum(cast({{ expression }} as decimal(38, 12)))
{%- endmacro %}
