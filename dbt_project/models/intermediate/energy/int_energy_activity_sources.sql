{#
    Every source row behind each energy activity (one meter reading in one year): the
    reading itself (`activity`, its own quantity times the year's share of its period),
    the ADDITIVE adjustments netted into it (`netted`, likewise), earlier deliveries of
    its billing period that a later file superseded (`superseded`, 0) and the same
    reading delivered again (`duplicate`, 0); 0 is NULL when the activity has no quantity.
    Per activity the quantities sum to its quantity.
#}
with

activities as (

    select
        emission_id,
        source_row_key,
        year_share,
        quantity

    from {{ ref('int_energy_activities') }}

),

meters as (select * from {{ ref('int_utility_meter_fates') }}),

final as (

    {% for meter_key, contribution in [('source_row_key', 'activity'), ('netted_into_row_key', 'netted')] -%}
        select
            activities.emission_id,
            'utility_bill_meters' as source_table,
            meters.source_file_id,
            meters.source_sheet as sheet,
            meters.source_row,
            cast(meters.quantity_converted * activities.year_share as {{ type_double() }}) as quantity_signed,
            '{{ contribution }}' as contribution

        from activities
        inner join meters
            on activities.source_row_key = meters.{{ meter_key }}
        {% if contribution == 'netted' %}where meters.fate = 'netted'{% endif %}

        union all
    {% endfor %}

    select
        activities.emission_id,
        'utility_bill_meters' as source_table,
        meters.source_file_id,
        meters.source_sheet as sheet,
        meters.source_row,
        {{ adds_nothing('activities.quantity') }} as quantity_signed,
        case when meters.fate = 'superseded' then 'superseded' else 'duplicate' end as contribution

    from activities
    inner join meters
        on activities.source_row_key = coalesce(meters.superseded_by_row_key, meters.duplicate_of_row_key)
    where meters.fate in ('superseded', 'duplicate_reading')

)

select * from final
