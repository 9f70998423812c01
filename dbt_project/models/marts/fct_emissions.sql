{#
    One row per emission-bearing activity, every domain in the common activity shape.
    A domain joins the inventory by adding its activity model to `activity_models`.
    Models with scope 2 rows (`scope2_models`) also say which data year and basis
    (combustion / life-cycle) the factor has; travel says which fallback step (country,
    region, global) gave a hotel its factor; the others leave these NULL.
#}
{%- set activity_models = ['int_travel_activities', 'int_procurement_activities'] -%}
{%- set activity_models = activity_models + ['int_fuel_activities', 'int_energy_activities'] -%}
{%- set activity_models = activity_models + ['int_refrigerant_activities'] -%}
{%- set scope2_models = ['int_fuel_activities', 'int_energy_activities'] -%}
{#- Models whose factor has a fallback (hotels: country, region, global) say which step gave it. -#}
{%- set with_factor_level = ['int_travel_activities'] -%}

with

activities as (

    {% for model_name in activity_models -%}
        select
            emission_id,
            org_code,
            reporting_year,
            activity_date,
            domain,
            scope,
            category,
            activity_type,
            boundary,
            quantity,
            unit,
            factor_id,
            factor_version,
            {% if model_name in scope2_models -%}
                factor_data_year,
                factor_basis,
            {%- else -%}
                cast(null as {{ dbt.type_int() }}) as factor_data_year,
                cast(null as {{ dbt.type_string() }}) as factor_basis,
            {%- endif %}
            kg_co2e,
            kg_co2e_market,
            kg_co2e_with_rf,
            factor_status,
            unmapped_reason,
            source_table,
            source_file_id,
            source_sheet,
            source_row,
            data_quality,
            {% if model_name in with_factor_level -%}
                factor_level,
                factor_region
            {%- else -%}
                cast(null as {{ dbt.type_string() }}) as factor_level,
                cast(null as {{ dbt.type_string() }}) as factor_region
            {%- endif %}

        from {{ ref(model_name) }}
        where {{ in_changed_orgs() }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

)

select * from activities
