{#
    Fuel in the common activity shape (see int_travel_activities): fuel-card purchases net
    of their reversals (mobile combustion, scope 1; vehicle charging in kWh is electricity
    of the transaction's country, scope 2) and generator deliveries (stationary
    combustion, scope 1). kg CO2e = quantity x kg_co2e_per_unit of the factor set in use,
    or `unmapped` with the reason and no kg. Electricity bought on a fuel card names no
    renewable share, so its market-based figure equals the location-based one; it uses the
    grid factor of the country and year (int_grid_factor_years), records the factor's data
    year and basis, and its data quality is `data_quality_steps` lower than the line's (one
    step for a factor 1-2 years from the transaction's year, two for 3 or more), at worst 5.
#}
with

card_lines as (

    select * from {{ ref('int_fuelcard_lines') }}
    where fate = 'counted'

),

deliveries as (select * from {{ ref('int_generator_deliveries') }}),

factors as (select * from {{ ref('stg_factors__emission_factors') }}),

grid as (select * from {{ ref('int_grid_factor_years') }}),

card_activities as (

    select
        source_row_key,
        'fuelcard_transactions' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        transaction_date as activity_date,
        country_code,
        case when product_kind = 'electricity' then 'electricity' else 'fuel_mobile' end as activity_type,
        net_quantity as quantity,
        case
            when product_kind = 'electricity' then 'kWh'
            else 'litre'
        end as unit,
        case
            when product_kind = 'fuel' and to_unit = 'litre'
                then {{ dbt.concat(['fuel_key', "'@litre'"]) }}
        end as lookup_factor_id,
        case
            when product_kind = 'unknown'
                then {{ dbt.concat(["'unknown fuel product '", in_quotes('product_name')]) }}
            when unit_factor is null
                then {{ dbt.concat(["'unit '", in_quotes("coalesce(unit, '')"), "' cannot be converted'"]) }}
            when product_kind = 'electricity' and to_unit != 'kWh'
                then 'vehicle charging not in kWh'
            when product_kind = 'fuel' and to_unit != 'litre'
                then {{ dbt.concat(["'a fuel quantity in '", 'to_unit', "' has no factor in this set'"]) }}
        end as activity_issue,
        coalesce(unit_data_quality, 2) as data_quality

    from card_lines

),

generator_activities as (

    select
        source_row_key,
        'generator_fuel_log' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        delivery_date as activity_date,
        cast(null as {{ dbt.type_string() }}) as country_code,
        'fuel_stationary' as activity_type,
        quantity_litres as quantity,
        'litre' as unit,
        case
            when product_kind = 'fuel' then {{ dbt.concat(['fuel_key', "'@litre'"]) }}
        end as lookup_factor_id,
        case
            when quantity_issue is not null then quantity_issue
            when product_kind is null
                then {{ dbt.concat(["'unknown fuel type '", in_quotes('fuel_type')]) }}
            when product_kind != 'fuel'
                then {{ dbt.concat(["'fuel type '", in_quotes('fuel_type'), "' is not a fuel'"]) }}
        end as activity_issue,
        data_quality

    from deliveries

),

activities as (

    select * from card_activities
    union all
    select * from generator_activities

),

matched as (

    select
        activities.*,
        cast(extract(year from activities.activity_date) as {{ dbt.type_int() }}) as reporting_year,
        coalesce(factors.factor_id, grid.factor_id) as matched_factor_id,
        coalesce(factors.kg_co2e_per_unit, grid.kg_co2e_per_unit) as kg_co2e_per_unit,
        grid.factor_data_year as matched_factor_data_year,
        grid.factor_basis as matched_factor_basis,
        coalesce(grid.data_quality_steps, 0) as grid_quality_steps

    from activities
    {{ factor_and_grid_joins(
        'activities',
        'activities.country_code',
        'cast(extract(year from activities.activity_date) as ' ~ dbt.type_int() ~ ')'
    ) }}

),

checked as (

    select
        *,
        activity_issue is null
        and quantity is not null
        and matched_factor_id is not null as is_mapped

    from matched

),

final as (

    select
        source_row_key as emission_id,
        org_code,
        reporting_year,
        activity_date,
        'fuel' as domain,
        {{ scope_of_activity('activity_type') }} as scope,
        {{ category_of_activity('activity_type') }} as category,
        activity_type,
        'core' as boundary,
        cast(quantity as {{ type_double() }}) as quantity,
        unit,
        {{ scope12_factor_columns('quantity') }},
        case
            when is_mapped and activity_type = 'electricity' then quantity * kg_co2e_per_unit
        end as kg_co2e_market,
        cast(null as {{ type_double() }}) as kg_co2e_with_rf,
        case when is_mapped then 'mapped' else 'unmapped' end as factor_status,
        case
            when is_mapped then null
            when activity_issue is not null then activity_issue
            when quantity is null then 'no quantity'
            when activity_type = 'electricity'
                then {{ no_grid_factor_reason('country_code') }}
            when lookup_factor_id is null then 'no fuel type or product to find a factor by'
            else {{ no_factor_reason('lookup_factor_id') }}
        end as unmapped_reason,
        source_table,
        source_file_id,
        source_sheet,
        source_row,
        cast(least(5, data_quality + grid_quality_steps) as {{ dbt.type_int() }}) as data_quality,
        country_code

    from checked

)

select * from final
