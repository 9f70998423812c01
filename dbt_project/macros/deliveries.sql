{#
    Which delivery of a travel row counts (int_travel_ticket_row_fates, int_hotel_stays):
    of the rows sharing a `natural_key`, those of the file first seen last (on a tie, the
    larger file id). latest_delivery(relation): the relation's rows with `kept_file_id`, that
    file, and `first_kept_row_key`, `first_kept_sheet`, `first_kept_row`: its first row of the
    key (by sheet and row).
#}
{% macro latest_delivery(relation) -%}
    {#- One ordering for every column: one sort of the partition, not one per column. The
        first row's file is the kept file, so the row order refines the file order. -#}
    {%- set latest = 'partition by natural_key order by file_first_seen_at desc, '
        ~ 'source_file_id desc, source_sheet asc, source_row asc' %}
    select
        *,
        first_value(source_file_id) over ({{ latest }}) as kept_file_id,
        first_value(source_row_key) over ({{ latest }}) as first_kept_row_key,
        first_value(source_sheet) over ({{ latest }}) as first_kept_sheet,
        first_value(source_row) over ({{ latest }}) as first_kept_row

    from {{ relation }}
{%- endmacro %}
