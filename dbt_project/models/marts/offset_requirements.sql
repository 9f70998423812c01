{#
    Tonnes to offset per organization and reporting year under the pooled-offsets policy
    (residual core emissions, location-based), the credits allocated from the year's pool
    and what is left uncovered.
#}
with

demand as (select * from {{ ref('int_offset_demand') }}),

allocations as (

    select
        org_code,
        reporting_year,
        sum(tonnes) as allocated_t,
        sum(cost_usd) as cost_usd

    from {{ ref('offset_allocations') }}
    where allocation_status = 'allocated'
    group by org_code, reporting_year

),

final as (

    select
        demand.org_code,
        demand.reporting_year,
        demand.residual_t_co2e as t_to_offset,
        demand.required_units as credits_required,
        cast(coalesce(allocations.allocated_t, 0) as bigint) as credits_allocated,
        cast(
            greatest(demand.residual_t_co2e - coalesce(allocations.allocated_t, 0), 0) as {{ type_double() }}
        ) as t_uncovered,
        cast(coalesce(allocations.cost_usd, 0) as {{ type_money() }}) as cost_usd,
        cast(demand.pool_units as bigint) as pool_credits_of_year,
        demand.pool_covers_demand,
        demand.unmapped_rows,
        '{{ var("factor_set") }}' as factor_set

    from demand
    left join allocations
        on
            demand.org_code = allocations.org_code
            and demand.reporting_year = allocations.reporting_year

)

select * from final
