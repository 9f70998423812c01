{#
    Management-system indicators, one row per organization and year: the organization's
    reporting years (org_reporting_years) and any year in which it held a training event or
    trained people. States are as of 31 December of the year: the environmental management
    system step in force, the policies adopted by then, the focal-point roles filled by then
    (a role without a date counts in every year). Events and people trained are the year's.

    `management_status`: `reported` (its management file loaded), `not_reported` (no
    file), or `flagged` when its management file was rejected or training rows naming it
    were left out; `management_issue` then says why. A flagged organization's state columns
    are NULL where its file was rejected (unknown, not "none"); its emissions publish as
    usual (these tests warn, never hold).
#}
with

organizations as (select * from {{ ref('stg_ops__organizations') }}),

reporting_years as (select * from {{ ref('org_reporting_years') }}),

files as (select * from {{ ref('stg_ops__management_files') }}),

ems as (select * from {{ ref('stg_ops__management_ems') }}),

policies as (select * from {{ ref('stg_ops__management_policies') }}),

focal_points as (select * from {{ ref('stg_ops__management_focal_points') }}),

events as (select * from {{ ref('stg_ops__management_events') }}),

training as (select * from {{ ref('stg_ops__training_completions') }}),

years as (

    select
        org_code,
        reporting_year
    from reporting_years
    union
    select
        org_code,
        event_year
    from events
    union
    select
        org_code,
        training_year
    from training

),

spine as (

    select
        years.org_code,
        years.reporting_year,
        make_date(years.reporting_year, 12, 31) as year_end

    from years
    inner join organizations
        on years.org_code = organizations.org_code

),

file_state as (

    select
        org_code,
        bool_or(input_kind = 'management' and file_status = 'loaded') as has_management_file,
        bool_or(file_status != 'loaded') as is_flagged,
        {{ ordered_string_agg(
            "case when file_status != 'loaded' then " ~ dbt.concat(['management_file', "': '", 'file_message']) ~ " end",
            "' | '",
            'management_file'
        ) }} as management_issue

    from files
    where org_code is not null
    group by org_code

),

ems_at_year_end as (

    select
        spine.org_code,
        spine.reporting_year,
        ems.ems_status,
        ems.ems_since,
        ems.iso14001_valid_until,
        spine.year_end

    from spine
    inner join ems
        on
            spine.org_code = ems.org_code
            and spine.year_end >= ems.ems_since
    qualify row_number() over (
        partition by spine.org_code, spine.reporting_year order by ems.ems_since desc
    ) = 1

),

policies_by_year as (

    select
        spine.org_code,
        spine.reporting_year,
        max(case when policies.policy = 'sustainability' then policies.adopted_on end)
            as sustainability_policy_adopted_on,
        max(case when policies.policy = 'sustainable_procurement' then policies.adopted_on end)
            as procurement_policy_adopted_on

    from spine
    inner join policies
        on
            spine.org_code = policies.org_code
            and spine.year_end >= policies.adopted_on
    group by spine.org_code, spine.reporting_year

),

roles_by_year as (

    select
        spine.org_code,
        spine.reporting_year,
        cast(count(*) as {{ dbt.type_int() }}) as focal_points,
        {{ ordered_string_agg(
            'focal_points.focal_point_role', "', '", 'focal_points.focal_point_role', distinct=true
        ) }} as focal_point_roles

    from spine
    inner join focal_points
        on
            spine.org_code = focal_points.org_code
            and coalesce(spine.year_end >= focal_points.role_since, true)
    group by spine.org_code, spine.reporting_year

),

events_by_year as (

    select
        org_code,
        event_year as reporting_year,
        cast(count(*) as {{ dbt.type_int() }}) as training_events,
        cast(sum(participants) as bigint) as event_participants

    from events
    group by org_code, event_year

),

trained_by_year as (

    select
        org_code,
        training_year as reporting_year,
        cast(sum(people_trained) as bigint) as people_trained,
        {{ ordered_string_agg(
            dbt.concat(['audience', "' '", dbt.safe_cast('people_trained', dbt.type_string())]),
            "'; '",
            'audience'
        ) }} as people_trained_by_audience

    from training
    group by org_code, training_year

),

final as (

    select
        spine.org_code,
        spine.reporting_year,
        case
            when coalesce(file_state.is_flagged, false) then 'flagged'
            when file_state.has_management_file then 'reported'
            else 'not_reported'
        end as management_status,
        file_state.management_issue,
        ems_at_year_end.ems_status,
        ems_at_year_end.ems_since,
        ems_at_year_end.iso14001_valid_until,
        case
            when file_state.has_management_file
                then coalesce(
                    ems_at_year_end.ems_status = 'iso14001_certified'
                    and coalesce(ems_at_year_end.iso14001_valid_until >= spine.year_end, true),
                    false
                )
        end as is_iso14001_certified,
        case
            when file_state.has_management_file
                then policies_by_year.sustainability_policy_adopted_on is not null
        end as has_sustainability_policy,
        policies_by_year.sustainability_policy_adopted_on,
        case
            when file_state.has_management_file
                then policies_by_year.procurement_policy_adopted_on is not null
        end as has_procurement_policy,
        policies_by_year.procurement_policy_adopted_on,
        case
            when file_state.has_management_file then coalesce(roles_by_year.focal_points, 0)
        end as focal_points,
        roles_by_year.focal_point_roles,
        case
            when file_state.has_management_file then coalesce(events_by_year.training_events, 0)
        end as training_events,
        case
            when file_state.has_management_file then coalesce(events_by_year.event_participants, 0)
        end as event_participants,
        trained_by_year.people_trained,
        trained_by_year.people_trained_by_audience

    from spine
    left join file_state
        on spine.org_code = file_state.org_code
    left join ems_at_year_end
        on
            spine.org_code = ems_at_year_end.org_code
            and spine.reporting_year = ems_at_year_end.reporting_year
    left join policies_by_year
        on
            spine.org_code = policies_by_year.org_code
            and spine.reporting_year = policies_by_year.reporting_year
    left join roles_by_year
        on
            spine.org_code = roles_by_year.org_code
            and spine.reporting_year = roles_by_year.reporting_year
    left join events_by_year
        on
            spine.org_code = events_by_year.org_code
            and spine.reporting_year = events_by_year.reporting_year
    left join trained_by_year
        on
            spine.org_code = trained_by_year.org_code
            and spine.reporting_year = trained_by_year.reporting_year

)

select * from final
