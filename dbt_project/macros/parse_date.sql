{#
    Text from the raw tables to a DATE. Connectors pass dates on as ISO `YYYY-MM-DD`,
    `DD-MMM-YYYY` with English month abbreviations (`05-Mar-2024`), or an Excel
    1900-system serial number (`45356`); anything else (`2024-02-30`) is NULL, never an
    error. Engine-specific, hence dispatched.
#}
{% macro parse_date(column) -%}
    {{ return(adapter.dispatch('parse_date')(column)) }}
{%- endmacro %}

{% macro default__parse_date(column) -%}
    {{ try_cast_as(clean_text(column), 'date') }}
{%- endmacro %}

{#
    Excel's 1900 date system counts 1900-01-01 as day 1 and keeps the non-existent
    1900-02-29 as day 60, so from day 61 on a serial is days since 1899-12-30.
#}
{% macro duckdb__parse_date(column) -%}
    coalesce(
        {{ try_date('trim(' ~ column ~ ')', '%Y-%m-%d') }},
        {{ try_date('trim(' ~ column ~ ')', '%d-%b-%Y') }},
        case
            when {{ full_match('trim(' ~ column ~ ')', '[0-9]{1,6}') }}
                then case
                    when try_cast(trim({{ column }}) as integer) >= 61
                        then date '1899-12-30' + try_cast(trim({{ column }}) as integer)
                    when try_cast(trim({{ column }}) as integer) between 1 and 59
                        then date '1899-12-31' + try_cast(trim({{ column }}) as integer)
                end
        end
    )
{%- endmacro %}

{# The same three forms; Spark's patterns parse month abbreviations in English. #}
{% macro spark__parse_date(column) -%}
    coalesce(
        {{ try_date('trim(' ~ column ~ ')', '%Y-%m-%d') }},
        {{ try_date('trim(' ~ column ~ ')', '%d-%b-%Y') }},
        case
            when {{ full_match('trim(' ~ column ~ ')', '[0-9]{1,6}') }}
                then case
                    when try_cast(trim({{ column }}) as integer) >= 61
                        then date_add(date '1899-12-30', try_cast(trim({{ column }}) as integer))
                    when try_cast(trim({{ column }}) as integer) between 1 and 59
                        then date_add(date '1899-12-31', try_cast(trim({{ column }}) as integer))
                end
        end
    )
{%- endmacro %}

{#
    `text` read with a strptime `format` (`%Y-%m-%d`, `%d.%m.%Y`, `%d-%b-%y`): a DATE, or
    NULL when it does not read. Spark takes the same formats, spelled as its own patterns.
#}
{% macro try_date(text, format) -%}
    {{ return(adapter.dispatch('try_date')(text, format)) }}
{%- endmacro %}

{% macro duckdb__try_date(text, format) -%}
    cast(try_strptime({{ text }}, '{{ format }}') as date)
{%- endmacro %}

{% macro spark__try_date(text, format) -%}
    {%- set pattern = format | replace('%Y', 'yyyy') | replace('%y', 'yy') | replace('%m', 'MM')
        | replace('%d', 'dd') | replace('%b', 'MMM') | replace('%H', 'H') | replace('%M', 'm')
        | replace('%S', 's') -%}
    cast(try_to_timestamp({{ text }}, '{{ pattern }}') as date)
{%- endmacro %}
