{#
    The two pieces every staging model of a raw table starts with.

    loaded_rows(table): the CTEs `source` (the raw table) and `loaded_files` (files whose
    status is `loaded`, with when they were first seen). A model joins them
    (`inner join loaded_files on source._file_id = loaded_files.file_id`), so rows of
    rejected, duplicate, superseded or waiting files never reach staging. In an incremental
    build, only files not staged yet (macros/increments.sql).

    lineage_columns(table): the columns that trace a staged row to its source, in every
    staging model alike: source_row_key (macros/source_row_key.sql), source_file_id,
    source_sheet, source_row, org_code and loaded_at (when its file was read).
#}
{% macro loaded_rows(table) -%}
source as (select * from {{ source('raw', table) }}),

loaded_files as (

    select
        file_id,
        first_seen_at,
        loaded_at
    from {{ source('ops', 'file_manifest') }}
    where
        status = 'loaded'
        {{- staged_files_only() }}

)
{%- endmacro %}


{% macro lineage_columns(table) -%}
{{ source_row_key("'" ~ table ~ "'", 'source._file_id', 'source._sheet', 'source._source_row') }}
            as source_row_key,
        source._file_id as source_file_id,
        source._sheet as source_sheet,
        source._source_row as source_row,
        source._org_code as org_code,
        source._loaded_at as loaded_at
{%- endmacro %}
