{#
    What a run rebuilds (docs/incremental.md). Two kinds of incremental model, listed in
    dbt_project.yml; `dbt run --full-refresh` (greenblue run --full-refresh) rebuilds all.

    By file: staging models of raw tables (macros/staging.sql). A build adds the rows of
    files loaded since the model was last built and, first, deletes the rows of files no
    longer loaded, or loaded again since (superseded, rejected, re-read). Each row carries its
    file's `loaded_at`, so the model itself knows which deliveries it holds.
      staged_files_only()   the `loaded_files` condition: only files not staged yet
      drop_unloaded_files() the pre-hook

    By organization: the models whose rows for an organization depend only on that
    organization's rows (ticket netting, re-deliveries and every activity are per
    organization). A build deletes, then computes again, the rows of the organizations
    listed in `ops.dbt_rebuild_orgs`: a run lists those whose loaded files changed since the
    last build (pipelines/increments.py), or a NULL row for none; empty, it means all. It is
    a table, not a dbt variable, because a variable that changes makes dbt parse the whole
    project again. Anything else a model reads (factors, reference data, the registry, the
    code) is in the fingerprint that makes a run a full refresh when it changes.
      in_changed_orgs()     the condition each input of such a model is filtered by
      drop_changed_orgs()   the pre-hook
#}

{#- is_incremental(), false in a dbt unit test (which has no relation to build on) -#}
{% macro incremental_build() -%}
    {{- return(this is not none and is_incremental()) -}}
{%- endmacro %}


{% macro staged_files_only(file_id='file_id', loaded_at='loaded_at') -%}
    {%- if incremental_build() %}
        and ({{ file_id }}, {{ loaded_at }}) not in (
            select distinct
                source_file_id,
                loaded_at
            from {{ this }}
        )
    {%- endif %}
{%- endmacro %}


{% macro drop_unloaded_files() -%}
    {%- if incremental_build() -%}
        delete from {{ this }}
        where (source_file_id, loaded_at) not in (
            select
                file_id,
                loaded_at
            from {{ source('ops', 'file_manifest') }}
            where status = 'loaded'
        )
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}


{% macro in_changed_orgs(column='org_code') -%}
    {%- if incremental_build() -%}
        {#- not a dbt source: dbt unit tests would have to give it as an input -#}
        {%- set rebuild = api.Relation.create(
            database=this.database, schema='ops', identifier='dbt_rebuild_orgs'
        ) -%}
        ({{ column }} in (select org_code from {{ rebuild }})
        or not exists (select 1 from {{ rebuild }}))
    {%- else -%}
        true
    {%- endif -%}
{%- endmacro %}


{% macro drop_changed_orgs() -%}
    {%- if incremental_build() -%}
        delete from {{ this }} where {{ in_changed_orgs() }}
    {%- else -%}
        select 1
    {%- endif -%}
{%- endmacro %}
