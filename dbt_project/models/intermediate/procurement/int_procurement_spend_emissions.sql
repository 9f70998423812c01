{#
    Spend-based emissions of every counted PO line (factors/METHODOLOGY.md, Procurement; optional
    boundary, data quality 4). The crosswalk gives the factor key; the factor set in use
    gives the factor, whose unit `usd_<year>` names the currency year its values are in
    (a unit `USD` means current dollars). Spend moves into that year with the price index
    of factors/spend_price_index.csv; kg CO2e = that spend x kg_co2e_per_unit.

    `factor_status`: `mapped`; `unmapped` with the reason (no USD amount, no UNSPSC code, a
    category not in the crosswalk, no spend-based factor set installed, no factor for the
    key, no price index); or `excluded` with the reason: families counted from activity
    data (fuels, utilities, travel and lodging) carry spend but no spend-based emissions,
    and a return nets spend but creates no negative emissions. Excluded lines are not rows
    of fct_emissions.
#}
with

lines as (select * from {{ ref('int_procurement_lines_usd') }}),

{{ spend_factor_ctes() }},

matched as (

    {{ spend_factor_match('lines') }}

),

adjusted as (

    {{ spend_price_ratio('matched', 'matched.reporting_year') }}

),

statused as (

    select
        *,
        case
            when is_counted_from_activity_data or amount < 0 then 'excluded'
            when
                conversion_issue is null
                and unspsc_code is not null
                and matched_factor_id is not null
                and price_ratio is not null
                then 'mapped'
            else 'unmapped'
        end as factor_status,
        case
            when is_counted_from_activity_data
                then {{ counted_from_activity_data_reason('spend only') }}
            when amount < 0 then 'return or credit line: spend netted, no spend-based emissions'
            when conversion_issue is not null then conversion_issue
            when unspsc_code is null and category_code is null then 'no UNSPSC code: no material group or category'
            {{ spend_factor_gaps('reporting_year', 'factor_year') }}
        end as unmapped_reason

    from adjusted

),

final as (

    select
        {{ star_except(['matched_factor_id', 'factor_unit']) }},
        cast(case
            when conversion_issue is not null then null
            when factor_status = 'mapped' then spend_usd * price_ratio
            else spend_usd
        end as {{ type_double() }}) as quantity,
        case when factor_status = 'mapped' then factor_unit else 'USD' end as unit,
        case when factor_status = 'mapped' then matched_factor_id end as factor_id,
        '{{ var("factor_set") }}' as factor_version,
        case when factor_status = 'mapped' then spend_usd * price_ratio * kg_co2e_per_unit end as kg_co2e

    from statused

)

select * from final
