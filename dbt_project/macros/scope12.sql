{#
    Parsing helpers for the scope 1 and 2 sources (fuel cards, generator logs, utility
    bills, refrigerant logs). The connectors have already quarantined anything these
    cannot read, so a NULL here means an empty cell (or a value outside `number_limit()`).
#}

{# A date in any of the given strptime formats (the dialect's formats, in order). #}
{% macro parse_date_formats(column, formats) -%}
    coalesce(
        {%- for format in formats %}
            {{ try_date('trim(' ~ column ~ ')', format) }}{% if not loop.last %},{% endif %}
        {%- endfor %}
    )
{%- endmacro %}

{#
    A number written with the file's decimal separator (`.` or `,`, recorded per file by
    the connector): `1.234,56` and `45,200` with `,`; `1234.56` with `.`; a trailing minus
    (`12,50-`) is a negative number.
#}
{% macro number_with_separator(column, separator) -%}
    {{ bounded(number_with_separator_unbounded(column, separator)) }}
{%- endmacro %}

{% macro number_with_separator_unbounded(column, separator) -%}
    (
        case when trim({{ column }}) like '%-' then -1 else 1 end
        * try_cast(
            case
                when {{ separator }} = ','
                    then replace(replace({{ trim_characters('trim(' ~ column ~ ')', "'-'") }}, '.', ''), ',', '.')
                else replace({{ trim_characters('trim(' ~ column ~ ')', "'-'") }}, ',', '')
            end as {{ type_double() }}
        )
        * case when trim({{ column }}) like '-%' then -1 else 1 end
    )
{%- endmacro %}

{# The number part of a quantity typed by a person (`1 250,5 L` -> `1 250,5`). #}
{% macro manual_number_text(column) -%}
    nullif(
        {{ replace_all(
            "regexp_extract(trim(" ~ column ~ "), '^([+-]?[0-9][0-9 .,]*?)\\s*([A-Za-z][A-Za-z.]*)?$', 1)",
            "'[\\s\\x27]'",
            "''"
        ) }},
        ''
    )
{%- endmacro %}

{# The unit written inside a quantity cell (`200 L` -> `L`), upper-case. #}
{% macro manual_unit(column) -%}
    nullif(
        upper({{ trim_characters(
            "regexp_extract(trim(" ~ column ~ "), '^([+-]?[0-9][0-9 .,]*?)\\s*([A-Za-z][A-Za-z.]*)?$', 2)",
            "'.'",
            'trailing'
        ) }}),
        ''
    )
{%- endmacro %}

{#
    A quantity typed by a person, read with the rules of connectors/quantities.py: with
    both separators the last one is the decimal mark; a single kind repeated in groups of
    three is a thousands separator; otherwise the one separator is the decimal mark
    (ambiguous `1,250` never gets here: the connector quarantined it).
#}
{% macro manual_number(column) -%}
    {{ bounded(manual_number_unbounded(column)) }}
{%- endmacro %}

{% macro manual_number_unbounded(column) -%}
    try_cast(
        case
            when {{ manual_number_text(column) }} like '%.%' and {{ manual_number_text(column) }} like '%,%'
                then case
                    when instr(reverse({{ manual_number_text(column) }}), '.')
                        < instr(reverse({{ manual_number_text(column) }}), ',')
                        then replace({{ manual_number_text(column) }}, ',', '')
                    else replace(replace({{ manual_number_text(column) }}, '.', ''), ',', '.')
                end
            when {{ full_match(manual_number_text(column), '[+-]?[0-9]{1,3}(,[0-9]{3}){2,}') }}
                then replace({{ manual_number_text(column) }}, ',', '')
            when {{ full_match(manual_number_text(column), '[+-]?[0-9]{1,3}(\.[0-9]{3}){2,}') }}
                then replace({{ manual_number_text(column) }}, '.', '')
            else replace({{ manual_number_text(column) }}, ',', '.')
        end as {{ type_double() }}
    )
{%- endmacro %}

{#
    Days of the period [start, end] (both ends counted) that fall in calendar year `year`:
    the numerator of the pro-rata split of billing periods (factors/METHODOLOGY.md).
#}
{% macro days_in_year(start, end, year) -%}
    greatest(
        0,
        {{ days_between(
            'greatest(' ~ start ~ ', make_date(' ~ year ~ ', 1, 1))',
            'least(' ~ end ~ ', make_date(' ~ year ~ ', 12, 31))'
        ) }} + 1
    )
{%- endmacro %}

{#
    The GHG Protocol scope and category of an energy or fuel activity, one rule for both
    domains (factors/METHODOLOGY.md): purchased electricity and heat are scope 2, fuel
    burnt in our own boilers and generators stationary combustion, in our vehicles mobile
    combustion (scope 1).
#}
{% macro scope_of_activity(activity_type) -%}
    case when {{ activity_type }} in ('electricity', 'heat') then 2 else 1 end
{%- endmacro %}

{% macro category_of_activity(activity_type) -%}
    case {{ activity_type }}
        when 'electricity' then '2 Purchased electricity'
        when 'heat' then '2 Purchased heat'
        when 'fuel_stationary' then '1 Stationary combustion'
        when 'fuel_mobile' then '1 Mobile combustion'
    end
{%- endmacro %}

{#
    The factor of an energy or fuel activity, one rule for both domains: electricity takes
    the grid factor of its country and reporting year (int_grid_factor_years, CTE `grid`),
    anything else the factor its `lookup_factor_id` names (CTE `factors`). The joins, after
    `from relation`; `country` and `reporting_year` are expressions.
#}
{% macro factor_and_grid_joins(relation, country, reporting_year) -%}
    left join factors
        on {{ relation }}.lookup_factor_id = factors.factor_id
    left join grid
        on
            {{ relation }}.activity_type = 'electricity'
            and {{ country }} = grid.country
            and {{ reporting_year }} = grid.reporting_year
{%- endmacro %}

{#
    The factor columns of an energy or fuel activity in the common activity shape, filled
    when it is mapped (`is_mapped`): the factor, its data year and basis (a grid factor's),
    and kg CO2e = `quantity` (an expression) x kg_co2e_per_unit.
#}
{% macro scope12_factor_columns(quantity) -%}
    case when is_mapped then matched_factor_id end as factor_id,
        '{{ var("factor_set") }}' as factor_version,
        case when is_mapped then matched_factor_data_year end as factor_data_year,
        case when is_mapped then matched_factor_basis end as factor_basis,
        case when is_mapped then {{ quantity }} * kg_co2e_per_unit end as kg_co2e
{%- endmacro %}
