{#
    Business travel (agency air, rail and hotel; expensed flights, rail, taxi, car, hotel
    and fuel) in the common activity shape that every domain delivers to the marts:
    one row per emission-bearing activity, its quantity in the factor's unit, the factor
    of the factor set in use, kg CO2e = quantity x kg_co2e_per_unit, or `unmapped` with the
    reason and no kg (never 0 kg).
#}
with

air as (

    select * from {{ ref('int_air_activities') }}
    where {{ in_changed_orgs() }}

),

rail as (

    select * from {{ ref('int_rail_activities') }}
    where {{ in_changed_orgs() }}

),

hotel as (

    select * from {{ ref('int_hotel_activities') }}
    where {{ in_changed_orgs() }}

),

expensed as (

    select * from {{ ref('int_concur_sae_activities') }}
    where {{ in_changed_orgs() }}

),

factors as (select * from {{ ref('stg_factors__emission_factors') }}),

activities as (

    select * from air
    union all
    select * from rail
    union all
    select * from hotel
    union all
    select * from expensed

),

matched as (

    select
        activities.*,
        factors.factor_id as matched_factor_id,
        factors.kg_co2e_per_unit,
        factors_with_rf.kg_co2e_per_unit as kg_co2e_per_unit_with_rf,
        activities.activity_issue is null
        and activities.quantity is not null
        and factors.factor_id is not null as is_mapped

    from activities
    left join factors
        on activities.lookup_factor_id = factors.factor_id
    left join factors as factors_with_rf
        on activities.lookup_factor_id_with_rf = factors_with_rf.factor_id

),

final as (

    select
        source_row_key as emission_id,
        org_code,
        cast(extract(year from activity_date) as {{ dbt.type_int() }}) as reporting_year,
        activity_date,
        'travel' as domain,
        3 as scope,
        '3.6 Business travel' as category,
        activity_type,
        boundary,
        cast(quantity as {{ type_double() }}) as quantity,
        unit,
        case when is_mapped then matched_factor_id end as factor_id,
        '{{ var("factor_set") }}' as factor_version,
        case when is_mapped then quantity * kg_co2e_per_unit end as kg_co2e,
        cast(null as {{ type_double() }}) as kg_co2e_market,
        case when is_mapped then quantity * kg_co2e_per_unit_with_rf end as kg_co2e_with_rf,
        case when is_mapped then 'mapped' else 'unmapped' end as factor_status,
        case
            when is_mapped then null
            when activity_issue is not null then activity_issue
            when lookup_factor_id is null then 'no factor key for the activity'
            else {{ no_factor_reason('lookup_factor_id') }}
        end as unmapped_reason,
        source_table,
        source_file_id,
        source_sheet,
        source_row,
        cast(data_quality as {{ dbt.type_int() }}) as data_quality,
        case when is_mapped then factor_level end as factor_level,
        case when is_mapped then factor_region end as factor_region,
        origin_iata,
        destination_iata,
        distance_km,
        distance_basis,
        haul_band,
        cabin

    from matched

)

select * from final
