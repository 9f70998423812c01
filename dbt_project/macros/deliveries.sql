{#
    Which delivery of a travel row counts (int_travel_ticket_row_fates, int_hotel_stays):
    of the rows sharing a `natural_key`, those of the file first seen last (on a tie, the
    larger file id). latest_delivery(relation): the relation's rows with `kept_file_id`, that
    file, and `first_kept_row_key`, its first row of the key (by sheet and row).
#}
{% macro latest_delivery(relation) -%}
    select
        *,
        first_value(source_file_id) over (
            partition by natural_key
            order by file_first_seen_at desc, source_file_id desc
        ) as kept_file_id,
        first_value(source_row_key) over (
            partition by natural_key
            order by file_first_seen_at desc, source_file_id desc, source_sheet asc, source_row asc
        ) as first_kept_row_key

    from {{ relation }}
{%- endmacro %}
