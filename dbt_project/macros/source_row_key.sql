{#
    A deterministic key for one source row: raw table, file, sheet and row number, each
    given as an SQL expression (`"'tmc_rail'"` for a literal table name). The key of the
    row that creates an activity is that activity's emission_id, so ids are stable from
    run to run.
#}
{% macro source_row_key(source_table, file_id, sheet, row_number) -%}
    {{ dbt.hash(dbt.concat([
        source_table,
        "'|'",
        file_id,
        "'|'",
        "coalesce(" ~ sheet ~ ", '')",
        "'|'",
        dbt.safe_cast(row_number, dbt.type_string()),
    ])) }}
{%- endmacro %}
