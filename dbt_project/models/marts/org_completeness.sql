{#
    Per organization, reporting year, domain and calendar month: how many loaded rows
    carry data for that month, so a month without data is visible (rows_with_data = 0)
    instead of silently absent. Every organization gets all twelve months of every domain
    for each year in which it has any data.

    What counts as a row with data, per domain: fuel, a fuel-card line or a generator
    delivery dated in the month; energy, a counted meter reading whose billing period
    covers the month (a bill for 15 February to 14 March counts in both months);
    refrigerants, a service row dated in the month; travel and other domains, an activity
    of fct_emissions dated in the month. Duplicates and superseded rows do not count.
    `unmapped_rows` are activities of the month without a factor; `implausible_readings`
    are energy readings far outside their meter's history (int_energy_reading_checks).
#}
with

organizations as (

    select org_code from {{ ref('stg_ops__organizations') }}

),

emissions as (select * from {{ ref('fct_emissions') }}),

fuel_rows as (

    select
        org_code,
        transaction_date as activity_date
    from {{ ref('int_fuelcard_lines') }}
    where fate not in ('duplicate', 'superseded')

    union all

    select
        org_code,
        delivery_date as activity_date
    from {{ ref('int_generator_deliveries') }}

),

dated_rows as (

    select
        org_code,
        'fuel' as domain,
        cast(extract(year from activity_date) as {{ dbt.type_int() }}) as reporting_year,
        cast(extract(month from activity_date) as {{ dbt.type_int() }}) as month_number,
        1 as data_rows,
        0 as implausible
    from fuel_rows

    union all

    select
        org_code,
        'energy' as domain,
        reporting_year,
        month_number,
        1 as data_rows,
        case when is_implausible then 1 else 0 end as implausible
    from {{ ref('int_energy_reading_months') }}

    union all

    select
        org_code,
        'refrigerants' as domain,
        reporting_year,
        cast(extract(month from service_date) as {{ dbt.type_int() }}) as month_number,
        1 as data_rows,
        0 as implausible
    from {{ ref('int_refrigerant_services') }}
    where fate != 'duplicate'

    union all

    select
        org_code,
        domain,
        reporting_year,
        cast(extract(month from activity_date) as {{ dbt.type_int() }}) as month_number,
        1 as data_rows,
        0 as implausible
    from emissions
    where domain not in ('fuel', 'energy', 'refrigerants')

),

unmapped as (

    select
        org_code,
        domain,
        reporting_year,
        cast(extract(month from activity_date) as {{ dbt.type_int() }}) as month_number,
        count(*) as unmapped_rows
    from emissions
    where factor_status = 'unmapped'
    group by org_code, domain, reporting_year, extract(month from activity_date)

),

counts as (

    select
        org_code,
        domain,
        reporting_year,
        month_number,
        sum(data_rows) as rows_with_data,
        sum(implausible) as implausible_readings
    from dated_rows
    group by org_code, domain, reporting_year, month_number

),

org_years as (

    select distinct
        org_code,
        reporting_year
    from counts

),

domains as (

    select listed.domain
    from (values ('travel'), ('fuel'), ('energy'), ('refrigerants'), ('procurement')) as listed (domain)

),

months as (

    select cast(spine.month_number as {{ dbt.type_int() }}) as month_number
    from range(1, 13) as spine (month_number)

),

grid as (

    select
        org_years.org_code,
        org_years.reporting_year,
        domains.domain,
        months.month_number

    from org_years
    inner join organizations
        on org_years.org_code = organizations.org_code
    cross join domains
    cross join months

),

final as (

    select
        grid.org_code,
        grid.reporting_year,
        grid.domain,
        grid.month_number,
        make_date(grid.reporting_year, grid.month_number, 1) as month_start,
        cast(coalesce(counts.rows_with_data, 0) as {{ dbt.type_int() }}) as rows_with_data,
        coalesce(counts.rows_with_data, 0) > 0 as has_data,
        cast(coalesce(unmapped.unmapped_rows, 0) as {{ dbt.type_int() }}) as unmapped_rows,
        cast(coalesce(counts.implausible_readings, 0) as {{ dbt.type_int() }}) as implausible_readings,
        cast(
            sum(case when coalesce(counts.rows_with_data, 0) > 0 then 1 else 0 end)
                over (partition by grid.org_code, grid.reporting_year, grid.domain)
            as {{ dbt.type_int() }}
        ) as months_with_data_in_year

    from grid
    left join counts
        on
            grid.org_code = counts.org_code
            and grid.reporting_year = counts.reporting_year
            and grid.domain = counts.domain
            and grid.month_number = counts.month_number
    left join unmapped
        on
            grid.org_code = unmapped.org_code
            and grid.reporting_year = unmapped.reporting_year
            and grid.domain = unmapped.domain
            and grid.month_number = unmapped.month_number

)

select * from final
