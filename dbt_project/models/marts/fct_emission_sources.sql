{#
    Every source row that contributed to an activity of fct_emissions, so each figure
    traces to all its rows. A domain adds its sources model to `source_models`.
#}
{%- set source_models = [
    'int_travel_activity_sources', 'int_concur_sae_activity_sources', 'int_procurement_activity_sources',
    'int_fuel_activity_sources', 'int_energy_activity_sources', 'int_refrigerant_activity_sources',
] -%}

with

activity_sources as (

    {% for model_name in source_models -%}
        select
            emission_id,
            source_file_id,
            sheet,
            source_row,
            quantity_signed,
            source_table,
            contribution

        from {{ ref(model_name) }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from activity_sources
