{#
    Per flown agency air segment (after de-duplication and netting): our kg CO2e next to the
    travel agency's own `CO2 kg` and `CO2e kg incl RF`. The agency's figures are never the
    headline; this feeds the reconciliation mart. A segment is `is_compared` when both our
    figure (mapped) and the agency's CO2 figure exist.
#}
with

activities as (

    select * from {{ ref('int_travel_activities') }}
    where activity_type = 'air'

),

routes as (

    select * from {{ ref('int_air_segment_routes') }}
    where source_table = 'tmc_air_segments'

),

final as (

    select
        activities.emission_id,
        activities.org_code,
        activities.reporting_year,
        activities.activity_date,
        activities.source_file_id,
        activities.source_sheet,
        activities.source_row,
        activities.origin_iata,
        activities.destination_iata,
        activities.haul_band,
        activities.cabin,
        activities.factor_status,
        activities.distance_km,
        routes.agency_segment_km,
        activities.kg_co2e,
        activities.kg_co2e_with_rf,
        routes.agency_co2_kg,
        routes.agency_co2e_incl_rf_kg,
        activities.kg_co2e is not null and routes.agency_co2_kg is not null as is_compared,
        activities.kg_co2e - routes.agency_co2_kg as difference_kg

    from activities
    inner join routes
        on activities.emission_id = routes.source_row_key

)

select * from final
