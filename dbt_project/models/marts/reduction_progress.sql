{#
    Progress of each organization against its reduction targets (organizations.yaml):
    per reporting year from the baseline year on and per target scope (all, 1, 2, 3 or a
    domain), core emissions (location-based) of the year against the baseline year's,
    and the target for the year on a straight line from the baseline to the target year
    (held at the target after it). on_track: actual <= target for the year. A year or
    scope without a mapped row has no actual figure (NULL, with its unmapped rows), never
    0 t. `is_complete_year` (org_reporting_years) says whether the year is complete: the
    headline is the latest complete year, never a partial one. Figures are
    those of the factor set in use, so a new factor edition restates the baseline too;
    ops.published_figures keeps what each run published (restated vs originally reported).
    An organization with a baseline year and no target for `all` still gets its `all` rows.
#}
with

emissions as (

    select * from {{ ref('fct_emissions') }}
    where boundary = 'core'

),

organizations as (

    select * from {{ ref('stg_ops__organizations') }}
    where baseline_year is not null

),

targets as (select * from {{ ref('stg_ops__org_targets') }}),

reporting_years as (select * from {{ ref('org_reporting_years') }}),

scoped as (

    {% for grouping in ["'all'", 'cast(scope as ' ~ dbt.type_string() ~ ')', 'domain'] -%}
        select
            org_code,
            reporting_year,
            {{ grouping }} as target_scope,
            -- a double, as DuckDB divides decimals: Spark would round the percentages below to 6 places
            cast({{ exact_sum("case when factor_status = 'mapped' then kg_co2e end") }} as {{ type_double() }})
            / 1000.0 as t_co2e,
            sum(case when factor_status = 'unmapped' then 1 else 0 end) as unmapped_rows
        from emissions
        group by org_code, reporting_year, {{ grouping }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

goals as (

    select
        targets.org_code,
        targets.target_scope,
        targets.target_year,
        targets.reduction_pct

    from targets

    union all

    select
        organizations.org_code,
        'all' as target_scope,
        cast(null as {{ dbt.type_int() }}) as target_year,
        cast(null as {{ type_double() }}) as reduction_pct

    from organizations
    where not exists (
        select 1 from targets
        where targets.org_code = organizations.org_code and targets.target_scope = 'all'
    )

),

years as (

    select distinct
        emissions.org_code,
        emissions.reporting_year

    from emissions
    inner join organizations
        on emissions.org_code = organizations.org_code
    where emissions.reporting_year >= organizations.baseline_year

),

progress as (

    select
        years.org_code,
        years.reporting_year,
        goals.target_scope,
        organizations.baseline_year,
        baseline.t_co2e as baseline_t_co2e,
        actual.t_co2e as actual_t_co2e,
        coalesce(actual.unmapped_rows, 0) as unmapped_rows,
        goals.target_year,
        goals.reduction_pct,
        case
            when goals.target_year > organizations.baseline_year
                then baseline.t_co2e * (
                    1 - goals.reduction_pct / 100.0 * least(
                        1.0,
                        (years.reporting_year - organizations.baseline_year)
                        / (goals.target_year - organizations.baseline_year)
                    )
                )
        end as target_t_co2e

    from years
    inner join organizations
        on years.org_code = organizations.org_code
    inner join goals
        on years.org_code = goals.org_code
    left join scoped as actual
        on
            years.org_code = actual.org_code
            and years.reporting_year = actual.reporting_year
            and goals.target_scope = actual.target_scope
    left join scoped as baseline
        on
            years.org_code = baseline.org_code
            and organizations.baseline_year = baseline.reporting_year
            and goals.target_scope = baseline.target_scope

),

final as (

    select
        progress.org_code,
        progress.reporting_year,
        progress.target_scope,
        progress.baseline_year,
        cast(progress.baseline_t_co2e as {{ type_double() }}) as baseline_t_co2e,
        cast(progress.actual_t_co2e as {{ type_double() }}) as actual_t_co2e,
        progress.target_year,
        progress.reduction_pct,
        cast(progress.target_t_co2e as {{ type_double() }}) as target_t_co2e,
        cast(
            100.0 * (progress.actual_t_co2e - progress.baseline_t_co2e)
            / nullif(progress.baseline_t_co2e, 0) as {{ type_double() }}
        ) as pct_change_from_baseline,
        -- a partial year is no verdict: a few days of bills are not "on track"
        case
            when progress.target_t_co2e is not null and reporting_years.is_complete
                then progress.actual_t_co2e <= progress.target_t_co2e
        end as on_track,
        cast(progress.unmapped_rows as {{ dbt.type_int() }}) as unmapped_rows,
        '{{ var("factor_set") }}' as factor_set,
        coalesce(reporting_years.is_complete, false) as is_complete_year

    from progress
    left join reporting_years
        on
            progress.org_code = reporting_years.org_code
            and progress.reporting_year = reporting_years.reporting_year

)

select * from final
