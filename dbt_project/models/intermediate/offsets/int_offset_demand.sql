{#
    Pooled-offsets policy (factors/METHODOLOGY.md): the residual core emissions of a
    reporting year are offset from that year's pool, pro rata by organization. Credits are
    whole tonnes: an organization needs ceil(residual t) credits. When the pool covers the
    demand every organization gets what it needs and the rest stays unallocated; when it
    falls short, each gets floor(pool x need / demand) and the credits left by rounding go
    to the largest remainders (ties by org_code), so every credit of the pool is used.
#}
with

annual as (select * from {{ ref('org_emissions_annual') }}),

pools as (

    select
        reporting_year,
        sum(tonnes) as pool_units

    from {{ ref('int_offset_purchases') }}
    where is_pooled
    group by reporting_year

),

residual as (

    select
        org_code,
        reporting_year,
        -- a year whose activities are all unmapped needs no credits yet (unmapped_rows says so)
        cast(coalesce({{ exact_sum('t_co2e') }}, 0) as {{ type_double() }}) as residual_t_co2e,
        sum(unmapped_rows) as unmapped_rows

    from annual
    where boundary = 'core'
    group by org_code, reporting_year

),

needs as (

    select
        residual.*,
        cast(ceil(residual.residual_t_co2e - 1e-9) as bigint) as required_units,
        coalesce(pools.pool_units, 0) as pool_units,
        sum(cast(ceil(residual.residual_t_co2e - 1e-9) as bigint))
            over (partition by residual.reporting_year) as demand_units

    from residual
    left join pools
        on residual.reporting_year = pools.reporting_year

),

shares as (

    select
        *,
        case
            when pool_units >= demand_units then required_units
            else {{ integer_divide('pool_units * required_units', 'demand_units') }}
        end as floor_units,
        case
            when pool_units >= demand_units then 0
            else (pool_units * required_units) % demand_units
        end as share_remainder

    from needs

),

ranked as (

    select
        *,
        pool_units >= demand_units as pool_covers_demand,
        row_number() over (
            partition by reporting_year order by share_remainder desc, org_code asc
        ) as remainder_rank,
        sum(floor_units) over (partition by reporting_year) as floor_total

    from shares

),

final as (

    select
        org_code,
        reporting_year,
        residual_t_co2e,
        cast(unmapped_rows as {{ dbt.type_int() }}) as unmapped_rows,
        required_units,
        pool_units,
        demand_units,
        pool_covers_demand,
        floor_units
        + case
            when not pool_covers_demand and remainder_rank <= pool_units - floor_total then 1
            else 0
        end as allocated_units

    from ranked

)

select
    *,
    sum(allocated_units) over (
        partition by reporting_year order by org_code rows between unbounded preceding and current row
    ) - allocated_units as bucket_start

from final
