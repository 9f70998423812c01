{#
    Purchased energy in the common activity shape, one row per counted meter reading and
    calendar year (int_energy_reading_years):

    - electricity (scope 2): kWh x the grid factor of the site's country for the year
      (int_grid_factor_years: the country's combustion factor where the set has one, else
      the life-cycle series' nearest data year); a country without one is unmapped. The
      row records the factor's data year and basis. Market-based (`kg_co2e_market`, a memo
      never added to kg_co2e): kWh x (1 - renewable share) x the same factor where the
      bill states a renewable share, else equal to the location-based figure;
    - natural gas (scope 1, stationary combustion): m3 or kWh (gross CV) x
      `fuel.natural_gas`;
    - district heat (scope 2): kWh x `heat.district.<country>`; its market-based figure
      equals the location-based one (no supplier instrument). A heat key has no year
      (DESNZ): combustion basis, data year = the source edition's year (else valid_from's).

    Data quality: 1 for an actual (metered, invoiced) read, 2 for prepaid tokens bought,
    3 for an estimated read; electricity then `data_quality_steps` lower (one step for a
    grid factor 1-2 years from the reporting year, two for 3 or more), at worst 5.
#}
with

reading_years as (select * from {{ ref('int_energy_reading_years') }}),

factors as (select * from {{ ref('stg_factors__emission_factors') }}),

grid as (select * from {{ ref('int_grid_factor_years') }}),

keyed as (

    select
        *,
        case
            when commodity = 'ELECTRIC' then 'electricity'
            when commodity = 'DISTRICT_HEAT' then 'heat'
            else 'fuel_stationary'
        end as activity_type,
        case
            when commodity = 'NATURAL_GAS' and to_unit = 'm3' then 'fuel.natural_gas@m3'
            when commodity = 'NATURAL_GAS' and to_unit = 'kWh' then 'fuel.natural_gas@kWh (gross CV)'
            when commodity = 'DISTRICT_HEAT' and to_unit = 'kWh'
                then {{ dbt.concat(["'heat.district.'", 'country', "'@kWh'"]) }}
        end as lookup_factor_id,
        case
            when commodity = 'NATURAL_GAS' and to_unit = 'kWh' then 'kWh (gross CV)'
            else coalesce(to_unit, 'kWh')
        end as factor_unit,
        case
            when quantity is null and consumption is null then 'no consumption on the meter'
            when to_unit is null
                then {{ dbt.concat(["'unit '", in_quotes("coalesce(unit, '')"), "' cannot be converted'"]) }}
            when commodity in ('ELECTRIC', 'DISTRICT_HEAT') and to_unit != 'kWh'
                then {{ dbt.concat(["'energy given in '", 'to_unit', "', not in kWh'"]) }}
            when commodity not in ('ELECTRIC', 'DISTRICT_HEAT', 'NATURAL_GAS')
                then {{ dbt.concat(["'unknown commodity '", in_quotes("coalesce(commodity, '')")]) }}
        end as activity_issue

    from reading_years

),

matched as (

    select
        keyed.*,
        coalesce(factors.factor_id, grid.factor_id) as matched_factor_id,
        coalesce(factors.kg_co2e_per_unit, grid.kg_co2e_per_unit) as kg_co2e_per_unit,
        case
            when keyed.activity_type = 'electricity' then grid.factor_data_year
            when keyed.activity_type = 'heat'
                then coalesce(
                    try_cast(
                        nullif(regexp_extract(factors.source_edition, '^\s*([0-9]{4})', 1), '')
                        as {{ dbt.type_int() }}
                    ),
                    cast(extract(year from factors.valid_from) as {{ dbt.type_int() }})
                )
        end as matched_factor_data_year,
        case
            when keyed.activity_type = 'electricity' then grid.factor_basis
            when keyed.activity_type = 'heat' and factors.factor_id is not null then 'combustion'
        end as matched_factor_basis,
        coalesce(grid.data_quality_steps, 0) as grid_quality_steps,
        keyed.activity_issue is null
        and keyed.quantity_in_year is not null
        and coalesce(factors.factor_id, grid.factor_id) is not null as is_mapped

    from keyed
    {{ factor_and_grid_joins('keyed', 'keyed.country', 'keyed.reporting_year') }}

),

final as (

    select
        emission_id,
        org_code,
        reporting_year,
        year_start as activity_date,
        'energy' as domain,
        {{ scope_of_activity('activity_type') }} as scope,
        {{ category_of_activity('activity_type') }} as category,
        activity_type,
        'core' as boundary,
        cast(quantity_in_year as {{ type_double() }}) as quantity,
        factor_unit as unit,
        {{ scope12_factor_columns('quantity_in_year') }},
        case
            when is_mapped and activity_type = 'electricity' and renewable_pct is not null
                then quantity_in_year * (1 - renewable_pct / 100.0) * kg_co2e_per_unit
            when is_mapped and activity_type in ('electricity', 'heat')
                then quantity_in_year * kg_co2e_per_unit
        end as kg_co2e_market,
        cast(null as {{ type_double() }}) as kg_co2e_with_rf,
        case when is_mapped then 'mapped' else 'unmapped' end as factor_status,
        case
            when is_mapped then null
            when activity_issue is not null then activity_issue
            when activity_type = 'electricity'
                then {{ no_grid_factor_reason('country') }}
            else {{ no_factor_reason("coalesce(lookup_factor_id, '')") }}
        end as unmapped_reason,
        'utility_bill_meters' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        cast(
            least(
                5,
                case
                    when read_type = 'ESTIMATED' then 3
                    when is_prepaid_date then 2
                    else 1
                end
                + grid_quality_steps
            ) as {{ dbt.type_int() }}
        ) as data_quality,
        source_row_key,
        meter_id,
        country,
        renewable_pct,
        effective_start as period_start,
        effective_end as period_end,
        days_in_year,
        period_days,
        year_share

    from matched

)

select * from final
