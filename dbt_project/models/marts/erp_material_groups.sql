{#
    One row per organization, ERP system and material group (SAP MATKL) or purchasing
    category (Oracle) its counted PO lines carry, for the ERP write-back (`greenblue
    erp-export`, docs/erp-write-back.md). Spellings that differ only in case, padding or
    leading zeros (`001`, `1`) are one group, written as its longest spelling.

    - The spend-based factor of the factor set in use for the group's UNSPSC code (the
      crosswalk's family row, else its segment row, as for the lines), in kg CO2e per US
      dollar of `usd_year`: the factor's own dollar year moved to the newest year of the
      set's price index, kg_co2e_per_usd = factor x index(factor year) / index(usd_year),
      which is what a line of `usd_year` is computed with. Status `mapped`, `unmapped`
      with the reason, or `excluded` for families counted from activity data (fuels,
      utilities, travel and lodging); data quality 4 (spend-based) when mapped.
    - Spend, lines and the share of spend with sustainability criteria or an ecolabel (the
      keyword heuristic of fct_procurement_lines) in `spend_year`, the organization's latest
      year with PO lines; NULL for a group not bought that year.
    - The product guideline of the group's UNSPSC family, where the catalogue has one.
#}
with

lines as (select * from {{ ref('int_procurement_spend_emissions') }}),

{{ spend_factor_ctes() }},

guidelines as (select * from {{ ref('stg_factors__procurement_guidelines') }}),

newest_index as (

    select max(price_year) as newest_index_year from price_index

),

spend_years as (

    select
        org_code,
        max(reporting_year) as spend_year

    from lines
    group by org_code

),

grouped as (

    select
        org_code,
        source_system,
        {{ local_code('category_code') }} as category_key,
        {{ longest_value('category_code') }} as category_code,
        min(unspsc_code) as unspsc_code,
        min(unspsc_family) as unspsc_family,
        min(category_title) as category_title,
        bool_or(is_counted_from_activity_data) as is_counted_from_activity_data,
        min(spend_factor_key) as spend_factor_key

    from lines
    where {{ local_code('category_code') }} is not null
    group by org_code, source_system, {{ local_code('category_code') }}

),

bought as (

    select
        lines.org_code,
        lines.source_system,
        {{ local_code('lines.category_code') }} as category_key,
        count(*) as lines_in_spend_year,
        {{ exact_sum('lines.spend_usd') }} as spend_usd,
        {{ exact_sum('case when lines.has_sustainability_criteria then lines.spend_usd end') }}
            as spend_usd_criteria

    from lines
    inner join spend_years
        on
            lines.org_code = spend_years.org_code
            and lines.reporting_year = spend_years.spend_year
    group by lines.org_code, lines.source_system, {{ local_code('lines.category_code') }}

),

factored as (

    {{ spend_factor_match('grouped') }}

),

in_newest_dollars as (

    select
        factored.*,
        case
            when factored.factor_year is not null
                then coalesce(newest_index.newest_index_year, factored.factor_year)
        end as usd_year

    from factored
    cross join newest_index

),

priced as (

    {{ spend_price_ratio('in_newest_dollars', 'in_newest_dollars.usd_year') }}

),

statused as (

    select
        *,
        case
            when is_counted_from_activity_data then 'excluded'
            when unspsc_code is not null and matched_factor_id is not null and price_ratio is not null
                then 'mapped'
            else 'unmapped'
        end as factor_status,
        case
            when is_counted_from_activity_data
                then {{ counted_from_activity_data_reason('no spend-based factor') }}
            {{ spend_factor_gaps('factor_year', 'usd_year') }}
        end as status_reason

    from priced

),

final as (

    select
        statused.org_code,
        statused.source_system,
        statused.category_code,
        statused.unspsc_code,
        statused.unspsc_family,
        statused.category_title,
        statused.factor_status,
        statused.status_reason,
        case when statused.factor_status = 'mapped' then statused.matched_factor_id end as factor_id,
        cast(
            case when statused.factor_status = 'mapped' then statused.kg_co2e_per_unit * statused.price_ratio end
            as {{ type_double() }}
        ) as kg_co2e_per_usd,
        case when statused.factor_status = 'mapped' then statused.usd_year end as usd_year,
        '{{ var("factor_set") }}' as factor_version,
        cast(case when statused.factor_status = 'mapped' then 4 end as {{ dbt.type_int() }}) as data_quality,
        spend_years.spend_year,
        cast(coalesce(bought.lines_in_spend_year, 0) as {{ dbt.type_int() }}) as lines_in_spend_year,
        cast(bought.spend_usd as {{ type_money() }}) as spend_usd,
        cast(coalesce(bought.spend_usd_criteria, 0) as {{ type_double() }}) / nullif(bought.spend_usd, 0)
            as share_spend_criteria,
        guidelines.unspsc_family as guideline_family,
        guidelines.product_group as guideline_product_group,
        guidelines.guideline_reference

    from statused
    inner join spend_years
        on statused.org_code = spend_years.org_code
    left join bought
        on
            statused.org_code = bought.org_code
            and statused.source_system = bought.source_system
            and statused.category_key = bought.category_key
    left join guidelines
        on statused.unspsc_family = guidelines.unspsc_family

)

select * from final
