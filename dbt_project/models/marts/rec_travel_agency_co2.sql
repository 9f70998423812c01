{#
    Reconciliation with the travel agency's own CO2 figures, per organization and year,
    over the same flown segments (after de-duplication and netting) where both figures
    exist. A large ratio away from 1 points at a distance, cabin or netting problem on
    one side; the agency's figure is never the headline.
#}
with

segments as (select * from {{ ref('int_air_agency_co2_comparison') }}),

totals as (

    select
        org_code,
        reporting_year,
        count(*) as flown_segments,
        sum(case when is_compared then 1 else 0 end) as compared_segments,
        cast({{ exact_sum("case when is_compared then kg_co2e end") }} as {{ type_double() }})
            as kg_co2e,
        cast({{ exact_sum("case when is_compared then kg_co2e_with_rf end") }} as {{ type_double() }})
            as kg_co2e_with_rf,
        cast({{ exact_sum("case when is_compared then agency_co2_kg end") }} as {{ type_double() }})
            as agency_co2_kg,
        cast({{ exact_sum("case when is_compared then agency_co2e_incl_rf_kg end") }} as {{ type_double() }})
            as agency_co2e_incl_rf_kg

    from segments
    group by org_code, reporting_year

),

final as (

    select
        org_code,
        reporting_year,
        cast(flown_segments as {{ dbt.type_int() }}) as flown_segments,
        cast(compared_segments as {{ dbt.type_int() }}) as compared_segments,
        kg_co2e,
        agency_co2_kg,
        kg_co2e - agency_co2_kg as difference_kg,
        kg_co2e / nullif(agency_co2_kg, 0) as ratio_to_agency,
        kg_co2e_with_rf,
        agency_co2e_incl_rf_kg,
        kg_co2e_with_rf - agency_co2e_incl_rf_kg as difference_with_rf_kg,
        kg_co2e_with_rf / nullif(agency_co2e_incl_rf_kg, 0) as ratio_with_rf_to_agency

    from totals

)

select * from final
