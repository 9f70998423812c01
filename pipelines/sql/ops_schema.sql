-- The working database's bookkeeping tables (pipelines/database.py ensure_schema).
-- Columns added in later versions are added by `alter table ... if not exists`.
create table if not exists ops.file_manifest (
    file_id varchar primary key,
    org_code varchar,
    domain varchar,
    dialect varchar,
    relative_path varchar not null,
    sha256 varchar,
    size_bytes bigint,
    mtime_ns bigint,
    first_seen_at timestamp not null,
    loaded_at timestamp,
    run_id varchar,
    status varchar not null,
    supersedes varchar,
    rows_in bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    rows_skipped bigint,
    message varchar
);
create table if not exists ops.quarantine (
    file_id varchar not null,
    org_code varchar,
    sheet varchar,
    source_row bigint not null,
    column_name varchar,
    value varchar,
    reason varchar not null
);
create table if not exists ops.runs (
    run_id varchar primary key,
    started_at timestamp not null,
    finished_at timestamp,
    status varchar not null,
    factor_set varchar,
    files_seen bigint,
    files_new bigint,
    files_loaded bigint,
    files_rejected bigint,
    files_duplicate bigint,
    files_superseded bigint,
    rows_loaded bigint,
    rows_quarantined bigint,
    message varchar
);
alter table ops.runs add column if not exists inputs_fingerprint varchar;
alter table ops.runs add column if not exists files_waiting bigint;
alter table ops.runs add column if not exists orgs_held varchar;
create table if not exists ops.org_publication (
    run_id varchar not null,
    org_code varchar not null,
    status varchar not null,
    reason varchar
);
create table if not exists ops.file_identifiers (
    file_id varchar not null,
    org_code varchar not null,
    kind varchar not null,
    value varchar not null
);
create table if not exists ops.pseudonym_key (
    fingerprint varchar not null,
    since timestamp not null
);
create table if not exists ops.check_results (
    run_id varchar not null,
    check_name varchar not null,
    org_code varchar,
    detail varchar
);
-- What the incremental dbt models were last built from (pipelines/increments.py): the
-- fingerprint of everything but the loaded files, and the loaded files; and which
-- organizations the next incremental build rebuilds (empty: all; one NULL row: none).
create table if not exists ops.dbt_build_state (
    fingerprint varchar not null,
    built_at timestamp not null
);
create table if not exists ops.dbt_rebuild_orgs (org_code varchar);
create table if not exists ops.dbt_built_files (
    file_id varchar not null,
    org_code varchar,
    first_seen_at timestamp not null,
    loaded_at timestamp
);
