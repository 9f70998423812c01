{{ config(meta={'dagster': {'ref': {'name': 'offset_allocations'}}}) }}
{#
    Every credit of the register is accounted for exactly once: per register row, the
    tonnes of its allocation runs add up to the row's tonnes; per reporting year, allocated
    + unallocated = the pool; per organization and year, allocated = the demand model's
    allocation. Returns the rows that break it.
#}
with

allocations as (select * from {{ ref('offset_allocations') }}),

purchases as (select * from {{ ref('int_offset_purchases') }}),

per_purchase as (

    select
        purchases.purchase_id,
        purchases.tonnes as purchased,
        coalesce(sum(allocations.tonnes), 0) as accounted

    from purchases
    left join allocations
        on purchases.purchase_id = allocations.purchase_id
    group by purchases.purchase_id, purchases.tonnes

),

per_year as (

    select
        purchases.reporting_year,
        sum(purchases.tonnes) as pooled,
        (
            select coalesce(sum(allocations.tonnes), 0) from allocations
            where
                allocations.reporting_year = purchases.reporting_year
                and allocations.allocation_status in ('allocated', 'unallocated')
        ) as allocated_plus_unallocated

    from purchases
    where purchases.is_pooled
    group by purchases.reporting_year

),

per_org as (

    select
        demand.org_code,
        demand.reporting_year,
        demand.allocated_units,
        coalesce(sum(allocations.tonnes), 0) as allocated

    from {{ ref('int_offset_demand') }} as demand
    left join allocations
        on
            demand.org_code = allocations.org_code
            and demand.reporting_year = allocations.reporting_year
    group by demand.org_code, demand.reporting_year, demand.allocated_units

)

select
    'purchase ' || purchase_id as broken,
    purchased as expected,
    accounted as found
from per_purchase
where purchased != accounted
union all
select
    'year ' || reporting_year as broken,
    pooled as expected,
    allocated_plus_unallocated as found
from per_year
where pooled != allocated_plus_unallocated
union all
select
    'org ' || org_code || ' ' || reporting_year as broken,
    allocated_units as expected,
    allocated as found
from per_org
where allocated_units != allocated
