{#
    The city pairs flown most by each organization and year (both directions together),
    ranked by t CO2e: where a travel strategy (meetings moved, rail, fewer trips) bites.
    Agency segments with both airports resolved; top 10 per organization and year.
    Sums and the average distance go through `exact_sum`: a rebuild of the same rows gives
    bit-identical figures whatever order DuckDB's threads add them in.
#}
with

air as (

    select * from {{ ref('int_travel_activities') }}
    where activity_type = 'air' and factor_status = 'mapped'

),

airports as (select * from {{ ref('stg_reference__airports') }}),

named as (

    select
        air.org_code,
        air.reporting_year,
        air.kg_co2e,
        air.distance_km,
        coalesce(origin.city, air.origin_iata) as origin_city,
        coalesce(destination.city, air.destination_iata) as destination_city

    from air
    left join airports as origin
        on air.origin_iata = origin.iata
    left join airports as destination
        on air.destination_iata = destination.iata

),

pairs as (

    select
        org_code,
        reporting_year,
        least(origin_city, destination_city) || ' – ' || greatest(origin_city, destination_city) as city_pair,
        count(*) as flights,
        {{ exact_sum('distance_km') }} / count(distance_km) as avg_distance_km,
        {{ exact_sum('kg_co2e') }} / 1000.0 as t_co2e

    from named
    group by org_code, reporting_year, least(origin_city, destination_city), greatest(origin_city, destination_city)

),

ranked as (

    select
        *,
        row_number() over (
            partition by org_code, reporting_year order by t_co2e desc, city_pair asc
        ) as pair_rank

    from pairs

)

select
    org_code,
    reporting_year,
    cast(pair_rank as {{ dbt.type_int() }}) as pair_rank,
    city_pair,
    cast(flights as {{ dbt.type_int() }}) as flights,
    cast(avg_distance_km as {{ type_double() }}) as avg_distance_km,
    cast(t_co2e as {{ type_double() }}) as t_co2e

from ranked
where pair_rank <= 10
