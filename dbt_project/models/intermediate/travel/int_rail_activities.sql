{#
    One activity per rail ticket that counts after de-duplication and netting: passenger
    km as given x `rail.national` (METHOD.md, Other travel). A ticket without a distance is
    unmapped, never estimated.
#}
with

fates as (

    select * from {{ ref('int_travel_ticket_row_fates') }}
    where travel_mode = 'rail' and fate = 'flown'

),

rail_tickets as (

    select * from {{ ref('stg_tmc__rail_tickets') }}

),

travelled as (

    select rail_tickets.*
    from rail_tickets
    inner join fates
        on rail_tickets.source_row_key = fates.source_row_key

),

final as (

    select
        source_row_key,
        'tmc_rail' as source_table,
        source_file_id,
        source_sheet,
        source_row,
        org_code,
        coalesce(travel_date, issue_date) as activity_date,
        'rail' as activity_type,
        'core' as boundary,
        case when distance_km > 0 then distance_km end as quantity,
        'passenger.km' as unit,
        'rail.national@passenger.km' as lookup_factor_id,
        cast(null as {{ dbt.type_string() }}) as lookup_factor_id_with_rf,
        case
            when distance_km is null or distance_km <= 0 then 'no distance for rail ticket'
        end as activity_issue,
        2 as data_quality,
        cast(null as {{ dbt.type_string() }}) as origin_iata,
        cast(null as {{ dbt.type_string() }}) as destination_iata,
        case when distance_km > 0 then distance_km end as distance_km,
        cast(null as {{ dbt.type_string() }}) as haul_band,
        cast(null as {{ dbt.type_string() }}) as cabin

    from travelled

)

select * from final
