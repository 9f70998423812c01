{#
    Reading the procurement exports' text (docs/dialects.md D1 and D2). The connector stored,
    with every SAP row, how its file writes numbers (`export_decimal_separator`) and `/`
    dates (`export_date_order`); these macros read the text with exactly that rule and
    never guess per cell. A failed read is NULL: the connector quarantined such cells.
#}

{# A number with the file's decimal separator, grouping and a leading or trailing minus. #}
{% macro erp_number(column, decimal_separator, target_type) -%}
    case
        when {{ clean_text(column) }} is null then null
        else
            (case when trim({{ column }}) like '%-' or trim({{ column }}) like '-%' then -1 else 1 end)
            * {{ bounded(try_cast_as(erp_number_text(column, decimal_separator), target_type)) }}
    end
{%- endmacro %}

{# The digits of an ERP number with `.` as decimal mark, without sign or grouping. #}
{% macro erp_number_text(column, decimal_separator) -%}
    case
        when {{ decimal_separator }} = ','
            then replace(replace({{ trim_characters('trim(' ~ column ~ ')', "'+-'") }}, '.', ''), ',', '.')
        else replace({{ trim_characters('trim(' ~ column ~ ')', "'+-'") }}, ',', '')
    end
{%- endmacro %}

{% macro erp_double(column, decimal_separator="'.'") -%}
    cast({{ erp_number(column, decimal_separator, type_double()) }} as {{ type_double() }})
{%- endmacro %}

{#
    A whole number (SAP `Preiseinheit`, `Position`) grouped like the file's other numbers:
    `1.000` and `1.000,00` are 1000 where `,` is the decimal mark, `1,000` where `.` is
    (connectors/validate.py `whole_number`). Only a zero fraction reads.
#}
{% macro erp_integer(column, decimal_separator="'.'") -%}
    case
        when {{ full_match(erp_number_text(column, decimal_separator), '[0-9]+(\.0*)?') }}
            then {{ erp_number(column, decimal_separator, dbt.type_int()) }}
    end
{%- endmacro %}

{# Money is DECIMAL(18,2) (factors/METHODOLOGY.md); unit prices keep up to 6 decimals. #}
{% macro erp_money(column, decimal_separator="'.'") -%}
    cast({{ erp_number(column, decimal_separator, 'decimal(18, 2)') }} as {{ type_money() }})
{%- endmacro %}

{% macro erp_price(column, decimal_separator="'.'") -%}
    cast({{ erp_number(column, decimal_separator, 'decimal(18, 6)') }} as decimal(18, 6))
{%- endmacro %}

{#
    A date as SAP or Oracle write it: ISO (also a timestamp's date part, and spreadsheet
    date cells), `DD.MM.YYYY`, `DD-MON-YY` (EBS), `/` dates in the file's order, or an
    Excel serial number.
#}
{% macro erp_date(column, date_order="'mdy'") -%}
    coalesce(
        {{ try_date('left(trim(' ~ column ~ '), 10)', '%Y-%m-%d') }},
        {{ try_date('trim(' ~ column ~ ')', '%d.%m.%Y') }},
        {{ try_date('trim(' ~ column ~ ')', '%d-%b-%y') }},
        case
            when {{ date_order }} = 'dmy' then {{ try_date('trim(' ~ column ~ ')', '%d/%m/%Y') }}
            else {{ try_date('trim(' ~ column ~ ')', '%m/%d/%Y') }}
        end,
        {{ parse_date(column) }}
    )
{%- endmacro %}

{#
    An 8-digit UNSPSC code written alone or as `code - name` (`26111600 - Power
    generators`); segments run from 10 to 95, so a code below 10000000 is a local one.
#}
{% macro unspsc_code(column) -%}
    case
        when {{ full_match('trim(' ~ column ~ ')', '[1-9][0-9]{7}(\s*-.*)?') }}
            then left(trim({{ column }}), 8)
    end
{%- endmacro %}

{# A local material group or category compared without case, padding or leading zeros. #}
{% macro local_code(column) -%}
    nullif({{ trim_characters('upper(trim(' ~ column ~ '))', "'0'", 'leading') }}, '')
{%- endmacro %}

{#
    Why a procurement line or material group has no spend-based figure, in the order the
    lookup fails: no UNSPSC code, no crosswalk entry, no spend-based set installed, no factor
    in the set, no price index for the two years whose price levels convert the factor
    (`year_a`, `year_b`). WHEN clauses of a CASE; the caller puts its own cases first.
#}
{% macro spend_factor_gaps(year_a, year_b) -%}
    when unspsc_code is null
                then {{ dbt.concat([
                    "'no UNSPSC code: category '", in_quotes('category_code'), "' is neither an 8-digit UNSPSC code nor in local_material_groups.csv'"
                ]) }}
            when spend_factor_key is null
                then {{ dbt.concat(["'UNSPSC '", 'unspsc_code', "' is not in the spend crosswalk'"]) }}
            when not has_spend_factors then 'no spend-based factor set installed'
            when matched_factor_id is null
                then {{ no_factor_reason('spend_factor_key') }}
            when price_ratio is null
                then {{ dbt.concat([
                    "'no price index for '", dbt.safe_cast(year_a, dbt.type_string()),
                    "' or '", dbt.safe_cast(year_b, dbt.type_string())
                ]) }}
{%- endmacro %}

{#
    The spend-based lookup both the lines (int_procurement_spend_emissions) and the material
    groups of the ERP write-back (erp_material_groups) price with, so the two cannot drift:
    CTEs `spend_factors` (the factor set's spend-based factors with `factor_year`, the
    dollar year their unit `usd_<year>` names; NULL for a unit `USD`), `price_index` and
    `spend_factors_installed` (`has_spend_factors`: whether the set holds any).

    spend_factor_match(relation): the relation's rows with the factor of their
    `spend_factor_key` (`matched_factor_id`, `factor_unit`, `kg_co2e_per_unit`,
    `factor_year`; NULL without one) and `has_spend_factors`.

    spend_price_ratio(relation, target_year): the relation's rows with `price_ratio`, what
    moves a factor's dollars of `factor_year` into dollars of `target_year` (an expression):
    index(factor_year) / index(target_year); 1.0 without a factor year or in that year,
    NULL without an index for either year.
#}
{% macro spend_factor_ctes() -%}
spend_factors as (

    select
        *,
        cast(regexp_extract(unit, '^usd_([0-9]{4})$', 1) as {{ dbt.type_int() }}) as factor_year
    from {{ ref('stg_factors__emission_factors') }}
    where activity_type in ('purchased_goods', 'purchased_services', 'capital_goods')

),

price_index as (select * from {{ ref('stg_factors__spend_price_index') }}),

spend_factors_installed as (

    select count(*) > 0 as has_spend_factors from spend_factors

)
{%- endmacro %}


{% macro spend_factor_match(relation) -%}
    select
        {{ relation }}.*,
        spend_factors.factor_id as matched_factor_id,
        spend_factors.unit as factor_unit,
        spend_factors.kg_co2e_per_unit,
        spend_factors.factor_year,
        spend_factors_installed.has_spend_factors

    from {{ relation }}
    cross join spend_factors_installed
    left join spend_factors
        on {{ relation }}.spend_factor_key = spend_factors.factor_key
{%- endmacro %}


{% macro spend_price_ratio(relation, target_year) -%}
    select
        {{ relation }}.*,
        case
            when {{ relation }}.factor_year is null or {{ relation }}.factor_year = {{ target_year }} then 1.0
            else factor_index.index_value / nullif(target_index.index_value, 0)
        end as price_ratio

    from {{ relation }}
    left join price_index as factor_index
        on {{ relation }}.factor_year = factor_index.price_year
    left join price_index as target_index
        on {{ target_year }} = target_index.price_year
{%- endmacro %}

{#
    Why a line or material group of a UNSPSC family counted from activity data (fuels,
    utilities, travel and lodging) has no spend-based figure; `consequence` ends the text.
#}
{% macro counted_from_activity_data_reason(consequence) -%}
    {{ dbt.concat([
        "'UNSPSC family '", 'unspsc_family', "' '", "coalesce(category_title, '')",
        "' is counted from activity data: " ~ consequence ~ "'"
    ]) }}
{%- endmacro %}
