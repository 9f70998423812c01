{#
    Regular expressions both engines read alike (RE2 on DuckDB, java.util.regex on Spark:
    classes, quantifiers, groups and `\s` mean the same). A pattern given to these macros
    as a Jinja string must not hold `\x..`, `\n` or `\t`: Jinja would turn them into the
    characters themselves.
#}

{# `text` matches `pattern` as a whole. #}
{% macro full_match(text, pattern) -%}
    {{ return(adapter.dispatch('full_match')(text, pattern)) }}
{%- endmacro %}

{% macro duckdb__full_match(text, pattern) -%}
    regexp_full_match({{ text }}, '{{ pattern }}')
{%- endmacro %}

{% macro spark__full_match(text, pattern) -%}
    ({{ text }} rlike '^(?:{{ pattern }})$')
{%- endmacro %}

{# Every match of `pattern` in `text` replaced by `replacement`. #}
{% macro replace_all(text, pattern, replacement) -%}
    {{ return(adapter.dispatch('replace_all')(text, pattern, replacement)) }}
{%- endmacro %}

{% macro duckdb__replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }}, 'g')
{%- endmacro %}

{% macro spark__replace_all(text, pattern, replacement) -%}
    regexp_replace({{ text }}, {{ pattern }}, {{ replacement }})
{%- endmacro %}

{# `text` holds a match of `pattern`, a SQL expression (a column of patterns, say). #}
{% macro contains_match(text, pattern, ignore_case=false) -%}
    {{ return(adapter.dispatch('contains_match')(text, pattern, ignore_case)) }}
{%- endmacro %}

{% macro duckdb__contains_match(text, pattern, ignore_case) -%}
    regexp_matches({{ text }}, {{ pattern }}{{ ", 'i'" if ignore_case }})
{%- endmacro %}

{% macro spark__contains_match(text, pattern, ignore_case) -%}
    ({{ text }} rlike {{ "concat('(?i)', " ~ pattern ~ ")" if ignore_case else pattern }})
{%- endmacro %}
