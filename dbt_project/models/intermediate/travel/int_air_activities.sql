{#
    One activity per counted flight leg (an agency segment or an expensed Airfare leg):
    passenger km = great-circle km (factors/METHODOLOGY.md sections 3.1-3.5), the factor to look up with
    and without radiative forcing, and the reason when the route cannot be resolved.
#}
with

segments as (

    select * from {{ ref('int_air_segments_classified') }}
    where {{ in_changed_orgs() }}

),

final as (

    select
        source_row_key,
        source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        activity_date,
        'air' as activity_type,
        'core' as boundary,
        distance_km as quantity,
        'passenger.km' as unit,
        factor_id_without_rf as lookup_factor_id,
        factor_id_with_rf as lookup_factor_id_with_rf,
        route_issue as activity_issue,
        data_quality,
        origin_iata,
        destination_iata,
        distance_km,
        cast(null as {{ dbt.type_string() }}) as distance_basis,
        haul_band,
        cabin,
        cast(null as {{ dbt.type_string() }}) as factor_level,
        cast(null as {{ dbt.type_string() }}) as factor_region

    from segments

)

select * from final
