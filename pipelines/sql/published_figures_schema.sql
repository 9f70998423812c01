-- Every figure each publication published, kept per run (pipelines/history.py).
create table if not exists ops.published_figures (
    run_id varchar not null,
    published_at timestamp not null,
    factor_set varchar not null,
    org_code varchar not null,
    reporting_year integer not null,
    figure varchar not null,
    t_co2e double
)
