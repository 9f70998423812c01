{{ config(meta={'dagster': {'ref': {'name': 'fct_emission_sources'}}}) }}
{#
    Nothing lost in scope 1 and 2: every loaded fuel-card, generator-log, utility and
    refrigerant row has exactly one fate; every row whose fate creates or adds to an
    activity is a source of an activity in fct_emissions, and no other row is.
#}
with

staged as (

    {% for model_name, source_table in [
        ('stg_fuelcard__transactions', 'fuelcard_transactions'),
        ('stg_generator_log__deliveries', 'generator_fuel_log'),
        ('stg_utility__meter_readings', 'utility_bill_meters'),
        ('stg_refrigerant__services', 'refrigerant_log'),
    ] -%}
        select
            source_row_key,
            '{{ source_table }}' as source_table
        from {{ ref(model_name) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

fates as (

    {% for model_name, contributes in [
        ('int_fuelcard_lines', "fate in ('counted', 'netted')"),
        ('int_generator_deliveries', 'true'),
        ('int_utility_meter_fates', "fate in ('counted', 'netted')"),
    ] -%}
        select
            source_row_key,
            {{ contributes }} as contributes,
            source_file_id,
            source_sheet,
            source_row
        from {{ ref(model_name) }}

        union all
    {% endfor %}

    select
        services.source_row_key,
        services.fate = 'balance' and balances.outcome = 'emitted' as contributes,
        services.source_file_id,
        services.source_sheet,
        services.source_row
    from {{ ref('int_refrigerant_services') }} as services
    left join {{ ref('int_refrigerant_balances') }} as balances
        on
            {{ same_balance('services', 'balances') }}

),

sources as (

    select distinct
        source_file_id,
        sheet,
        source_row,
        source_table
    from {{ ref('fct_emission_sources') }}
    where
        contribution not in ('duplicate', 'superseded')
        and source_table in ('fuelcard_transactions', 'generator_fuel_log', 'utility_bill_meters', 'refrigerant_log')

),

fate_counts as (

    select
        staged.source_row_key,
        staged.source_table,
        count(fates.source_row_key) as fate_count,
        max(case when fates.contributes then 1 else 0 end) as contributes,
        max(fates.source_file_id) as source_file_id,
        max(fates.source_sheet) as source_sheet,
        max(fates.source_row) as source_row

    from staged
    left join fates
        on staged.source_row_key = fates.source_row_key
    group by staged.source_row_key, staged.source_table

),

checked as (

    select
        fate_counts.*,
        sources.source_row is not null as is_source

    from fate_counts
    left join sources
        on
            fate_counts.source_table = sources.source_table
            and fate_counts.source_file_id = sources.source_file_id
            and fate_counts.source_sheet is not distinct from sources.sheet
            and fate_counts.source_row = sources.source_row

)

select * from checked
where fate_count != 1 or (contributes = 1) != is_source
