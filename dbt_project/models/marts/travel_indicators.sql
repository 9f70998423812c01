{#
    Travel-strategy indicators per organization and reporting year. Totals and per-capita
    figures come from fct_emissions (every travel source, core boundary); trips, cabins and
    distances need the agency's segment detail (int_travel_activities). A trip is an agency
    booking: the flown segments of one record locator (else one ticket, else one segment)
    or one rail ticket. Flights shorter than `rail_viable_km` great-circle km (default 500,
    see factors/METHODOLOGY.md) are the ones a train could replace; the rail alternative is
    the same distance x `rail.national` of the factor set, a lower bound on rail distance.
#}
{%- set rail_viable_km = var('rail_viable_km', 500) -%}

with

emissions as (

    select * from {{ ref('fct_emissions') }}
    where domain = 'travel' and boundary = 'core'

),

agency as (

    select * from {{ ref('int_travel_activities') }}
    where boundary = 'core'

),

air_segments as (select * from {{ ref('stg_tmc__air_segments') }}),

rail_tickets as (select * from {{ ref('stg_tmc__rail_tickets') }}),

rail_factor as (

    select kg_co2e_per_unit from {{ ref('stg_factors__emission_factors') }}
    where factor_id = 'rail.national@passenger.km' and factor_version = '{{ var("factor_set") }}'

),

headcount as (select * from {{ ref('stg_ops__org_headcount') }}),

pairs as (

    select * from {{ ref('travel_city_pairs') }}
    where pair_rank = 1

),

travel_totals as (

    select
        org_code,
        reporting_year,
        {{ exact_sum("case when factor_status = 'mapped' then kg_co2e end") }} / 1000.0 as t_co2e_travel,
        {{ exact_sum("case when factor_status = 'mapped' and activity_type = 'air' then kg_co2e end") }}
        / 1000.0 as t_co2e_air,
        sum(case when factor_status = 'unmapped' then 1 else 0 end) as unmapped_rows

    from emissions
    group by org_code, reporting_year

),

trip_keys as (

    select
        agency.org_code,
        agency.reporting_year,
        case
            when agency.activity_type = 'air'
                then 'air|' || coalesce(air_segments.record_locator, air_segments.ticket13, agency.emission_id)
            else 'rail|' || coalesce(rail_tickets.ticket13, agency.emission_id)
        end as trip_key

    from agency
    left join air_segments
        on agency.emission_id = air_segments.source_row_key
    left join rail_tickets
        on agency.emission_id = rail_tickets.source_row_key
    where agency.activity_type in ('air', 'rail')

),

trips as (

    select
        org_code,
        reporting_year,
        count(distinct trip_key) as trips

    from trip_keys
    group by org_code, reporting_year

),

flights as (

    select
        agency.org_code,
        agency.reporting_year,
        count(*) as flights,
        {{ exact_sum('agency.kg_co2e') }} / 1000.0 as t_co2e_agency_air,
        {{ exact_sum("case when agency.cabin in ('premium_economy', 'business', 'first') then agency.kg_co2e end") }}
        / 1000.0 as t_co2e_premium,
        sum(case when agency.distance_km < {{ rail_viable_km }} then 1 else 0 end) as short_flights,
        {{ exact_sum("case when agency.distance_km < " ~ rail_viable_km ~ " then agency.kg_co2e end") }}
        / 1000.0 as t_co2e_short_flights,
        {{ exact_sum("case when agency.distance_km < " ~ rail_viable_km ~ " then agency.distance_km end") }}
            as short_flight_km

    from agency
    where agency.activity_type = 'air' and agency.factor_status = 'mapped'
    group by agency.org_code, agency.reporting_year

),

final as (

    select
        travel_totals.org_code,
        travel_totals.reporting_year,
        headcount.headcount,
        cast(coalesce(trips.trips, 0) as {{ dbt.type_int() }}) as trips,
        cast(trips.trips / nullif(headcount.headcount, 0) as {{ type_double() }}) as trips_per_capita,
        cast(travel_totals.t_co2e_travel as {{ type_double() }}) as t_co2e_travel,
        cast(travel_totals.t_co2e_travel as {{ type_double() }}) / nullif(headcount.headcount, 0)
            as t_co2e_travel_per_capita,
        cast(travel_totals.t_co2e_air as {{ type_double() }}) as t_co2e_air,
        cast(coalesce(flights.flights, 0) as {{ dbt.type_int() }}) as flights,
        cast(coalesce(flights.t_co2e_premium, 0) as {{ type_double() }}) / nullif(flights.t_co2e_agency_air, 0)
            as premium_cabin_share,
        {{ rail_viable_km }} as rail_viable_km,
        cast(coalesce(flights.short_flights, 0) as {{ dbt.type_int() }}) as short_flights,
        cast(coalesce(flights.t_co2e_short_flights, 0) as {{ type_double() }}) as t_co2e_short_flights,
        cast(
            coalesce(flights.short_flight_km, 0) * rail_factor.kg_co2e_per_unit / 1000.0 as {{ type_double() }}
        ) as t_co2e_rail_alternative,
        pairs.city_pair as top_city_pair,
        pairs.t_co2e as top_city_pair_t_co2e,
        cast(travel_totals.unmapped_rows as {{ dbt.type_int() }}) as unmapped_rows,
        '{{ var("factor_set") }}' as factor_set

    from travel_totals
    left join rail_factor on true
    left join headcount
        on
            travel_totals.org_code = headcount.org_code
            and travel_totals.reporting_year = headcount.reporting_year
    left join trips
        on
            travel_totals.org_code = trips.org_code
            and travel_totals.reporting_year = trips.reporting_year
    left join flights
        on
            travel_totals.org_code = flights.org_code
            and travel_totals.reporting_year = flights.reporting_year
    left join pairs
        on
            travel_totals.org_code = pairs.org_code
            and travel_totals.reporting_year = pairs.reporting_year

)

select * from final
