{{ config(meta={'dagster': {'ref': {'name': 'offset_allocations'}}}) }}
{#
    No serial in two rows of offset_allocations that count (allocated or unallocated):
    runs of the same registry and prefix must not overlap.
#}
with

runs as (

    select * from {{ ref('offset_allocations') }}
    where allocation_status in ('allocated', 'unallocated')

)

select
    first_run.allocation_id,
    second_run.allocation_id as overlapping_allocation_id,
    first_run.serial_prefix,
    first_run.serial_start,
    first_run.serial_end

from runs as first_run
inner join runs as second_run
    on
        coalesce(first_run.registry, '') = coalesce(second_run.registry, '')
        and first_run.serial_prefix = second_run.serial_prefix
        and first_run.allocation_id < second_run.allocation_id
        and first_run.serial_start <= second_run.serial_end
        and first_run.serial_end >= second_run.serial_start
