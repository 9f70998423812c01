{#
    The flight legs of every expensed Airfare counted from the expense report (fate
    `activity`, not in an agency file, routing and ticket usable): the routing gives the
    legs (`GVA-FRA-JFK` = GVA-FRA and FRA-JFK) and the entry's class of service applies to
    all of them (docs/dialects.md D3). A routing read from the vendor description (origin and
    destination only) is one leg at data quality 3. Distances, haul bands, cabins and
    factors are computed for these legs by the same models as the agency's segments
    (int_air_legs onwards).
#}
with

entries as (

    select * from {{ ref('int_concur_sae_entries') }}
    where
        fate = 'activity'
        and activity_type = 'air'
        and activity_issue is null

),

airports as (

    select
        *,
        {{ split_list('routing', '-') }} as airport_codes

    from entries

),

legs as (

    select
        *,
        {{ each_number(1, list_size('airport_codes') ~ ' - 1', 'leg_no') }}

    from airports

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'entry_id', "'|leg '", dbt.safe_cast('leg_no', dbt.type_string())
        ])) }} as leg_key,
        entry_id,
        cast(leg_no as {{ dbt.type_int() }}) as leg_no,
        cast({{ list_size('airport_codes') }} - 1 as {{ dbt.type_int() }}) as leg_count,
        org_code,
        report_key,
        entry_key,
        source_file_id,
        source_sheet,
        source_row,
        activity_date,
        ticket13,
        routing,
        routing_source,
        {{ list_element('airport_codes', 'leg_no') }} as origin_airport_code,
        {{ list_element('airport_codes', 'leg_no + 1') }} as destination_airport_code,
        class_of_service_text,
        case when routing_source = 'custom_field' then 2 else 3 end as leg_data_quality

    from legs

)

select * from final
