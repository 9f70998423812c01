{#
    Pieces of the activity-sources models (int_*_activity_sources), which list every source
    row behind an activity of fct_emissions with the quantity it adds (`quantity_signed`)
    and why it is there (`contribution`); per activity the quantities sum to its quantity.

    activity_rows(activities): the rows that created the activities, each with the
    activity's own quantity, for a domain whose activities model names its source row.

    adds_nothing(quantity): what a row behind an activity that adds nothing to it (an
    earlier delivery a later file superseded, a repeat, another line of the same entry)
    adds: 0, or NULL when the activity has no quantity (unmapped), so the sum still holds.
#}
{% macro activity_rows(activities) -%}
    select
        emission_id,
        source_table,
        source_file_id,
        source_sheet as sheet,
        source_row,
        quantity as quantity_signed,
        'activity' as contribution

    from {{ activities }}
{%- endmacro %}


{% macro adds_nothing(quantity) -%}
    case when {{ quantity }} is not null then cast(0 as {{ type_double() }}) end
{%- endmacro %}
