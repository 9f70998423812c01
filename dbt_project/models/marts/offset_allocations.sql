{#
    Every credit of the offsets register, allocated to at most one organization and year:
    each organization's credits are a run [bucket_start, bucket_end) of its year's pool, in
    org_code order; the rest of the pool is one `unallocated` run after them. Intersecting
    the runs with the purchases' places in the pool splits serial ranges exactly, so a serial
    can only land in one row. Register rows kept out of the pool (overlapping serials) are
    listed as `excluded` with the reason. cost_usd splits a purchase's price by cumulative
    rounding, so the pieces add up to the price to the cent.
#}
with

purchases as (select * from {{ ref('int_offset_purchases') }}),

demand as (select * from {{ ref('int_offset_demand') }}),

pools as (

    select
        reporting_year,
        max(pool_end) as pool_units

    from purchases
    where is_pooled
    group by reporting_year

),

allocated_per_year as (

    select
        reporting_year,
        sum(allocated_units) as units

    from demand
    group by reporting_year

),

buckets as (

    select
        org_code,
        reporting_year,
        'allocated' as allocation_status,
        bucket_start,
        bucket_start + allocated_units as bucket_end

    from demand
    where allocated_units > 0

    union all

    select
        cast(null as {{ dbt.type_string() }}) as org_code,
        pools.reporting_year,
        'unallocated' as allocation_status,
        coalesce(allocated.units, 0) as bucket_start,
        pools.pool_units as bucket_end

    from pools
    left join allocated_per_year as allocated
        on pools.reporting_year = allocated.reporting_year
    where pools.pool_units > coalesce(allocated.units, 0)

),

pieces as (

    select
        buckets.org_code,
        buckets.reporting_year,
        buckets.allocation_status,
        purchases.purchase_id,
        purchases.pool_start,
        purchases.tonnes as purchase_tonnes,
        purchases.price_usd as purchase_price_usd,
        greatest(buckets.bucket_start, purchases.pool_start) as piece_start,
        least(buckets.bucket_end, purchases.pool_end) as piece_end

    from buckets
    inner join purchases
        on
            buckets.reporting_year = purchases.reporting_year
            and purchases.is_pooled
            and buckets.bucket_end > purchases.pool_start
            and buckets.bucket_start < purchases.pool_end

),

allocated as (

    select
        pieces.reporting_year,
        pieces.org_code,
        pieces.allocation_status,
        pieces.purchase_id,
        purchases.serial_start + (pieces.piece_start - pieces.pool_start) as serial_start,
        purchases.serial_start + (pieces.piece_end - pieces.pool_start) - 1 as serial_end,
        pieces.piece_end - pieces.piece_start as tonnes,
        cast(
            round(pieces.purchase_price_usd * (pieces.piece_end - pieces.pool_start) / pieces.purchase_tonnes, 2)
            - round(pieces.purchase_price_usd * (pieces.piece_start - pieces.pool_start) / pieces.purchase_tonnes, 2)
            as {{ type_money() }}
        ) as cost_usd,
        cast(null as {{ dbt.type_string() }}) as excluded_reason

    from pieces
    inner join purchases
        on pieces.purchase_id = purchases.purchase_id

),

excluded as (

    select
        reporting_year,
        cast(null as {{ dbt.type_string() }}) as org_code,
        'excluded' as allocation_status,
        purchase_id,
        serial_start,
        serial_end,
        tonnes,
        price_usd as cost_usd,
        excluded_reason

    from purchases
    where not is_pooled

),

unioned as (

    select * from allocated
    union all
    select * from excluded

),

final as (

    select
        {{ dbt.hash(dbt.concat([
            'unioned.purchase_id', "'|'", dbt.safe_cast('unioned.serial_start', dbt.type_string())
        ])) }} as allocation_id,
        unioned.reporting_year,
        unioned.org_code,
        unioned.allocation_status,
        unioned.purchase_id,
        purchases.project,
        purchases.project_id,
        purchases.standard,
        purchases.registry,
        purchases.vintage,
        purchases.serial_prefix,
        cast(unioned.serial_start as bigint) as serial_start,
        cast(unioned.serial_end as bigint) as serial_end,
        cast(unioned.tonnes as bigint) as tonnes,
        unioned.cost_usd,
        purchases.purchase_date,
        purchases.retirement_date,
        purchases.source_file_id,
        purchases.source_row,
        unioned.excluded_reason,
        '{{ var("factor_set") }}' as factor_set

    from unioned
    inner join purchases
        on unioned.purchase_id = purchases.purchase_id

)

select * from final
