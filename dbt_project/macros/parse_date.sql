{#
    Text from the raw tables to a DATE. Connectors pass dates on as ISO `YYYY-MM-DD`,
    `DD-MMM-YYYY` with English month abbreviations (`05-Mar-2024`), or an Excel
    1900-system serial number (`45356`); anything else (`2024-02-30`) is NULL, never an
    error.

    Excel's 1900 date system counts 1900-01-01 as day 1 and keeps the non-existent
    1900-02-29 as day 60, so from day 61 on a serial is days since 1899-12-30.
#}
{% macro parse_date(column) -%}
    {%- set serial = 'try_cast(trim(' ~ column ~ ') as integer)' -%}
    coalesce(
        {{ try_date('trim(' ~ column ~ ')', '%Y-%m-%d') }},
        {{ try_date('trim(' ~ column ~ ')', '%d-%b-%Y') }},
        case
            when {{ full_match('trim(' ~ column ~ ')', '[0-9]{1,6}') }}
                then case
                    when {{ serial }} >= 61 then {{ add_days("date '1899-12-30'", serial) }}
                    when {{ serial }} between 1 and 59 then {{ add_days("date '1899-12-31'", serial) }}
                end
        end
    )
{%- endmacro %}

{# `date` plus a whole number of `days`. #}
{% macro add_days(date, days) -%}
    {{ return(adapter.dispatch('add_days')(date, days)) }}
{%- endmacro %}

{% macro duckdb__add_days(date, days) -%}
    {{ date }} + {{ days }}
{%- endmacro %}

{% macro spark__add_days(date, days) -%}
    date_add({{ date }}, {{ days }})
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
