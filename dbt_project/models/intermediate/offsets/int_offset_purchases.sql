{#
    The register rows that enter the pool of their reporting year, in pool order, with each
    row's place [pool_start, pool_end) in that year's pool of credits. A row whose serials
    overlap an earlier row of the same registry and prefix would put a credit in the pool
    twice: it stays out of the pool, with the reason.
#}
with

purchases as (select * from {{ ref('stg_offsets__purchases') }}),

overlapping as (

    select
        later.purchase_id,
        min(earlier.source_row) as overlapped_row

    from purchases as later
    inner join purchases as earlier
        on
            coalesce(later.registry, '') = coalesce(earlier.registry, '')
            and later.serial_prefix = earlier.serial_prefix
            and later.serial_start <= earlier.serial_end
            and later.serial_end >= earlier.serial_start
            and (
                later.purchase_date > earlier.purchase_date
                or (later.purchase_date = earlier.purchase_date and later.purchase_id > earlier.purchase_id)
            )
    group by later.purchase_id

),

flagged as (

    select
        purchases.*,
        overlapping.purchase_id is null as is_pooled,
        case
            when overlapping.purchase_id is not null
                then 'serials overlap register row ' || overlapping.overlapped_row || ' bought earlier'
        end as excluded_reason

    from purchases
    left join overlapping
        on purchases.purchase_id = overlapping.purchase_id

),

placed as (

    select
        *,
        case
            when is_pooled
                then sum(case when is_pooled then tonnes else 0 end) over (
                    partition by reporting_year
                    order by purchase_date, registry, serial_prefix, serial_start, purchase_id
                    rows between unbounded preceding and current row
                ) - tonnes
        end as pool_start

    from flagged

)

select
    *,
    pool_start + tonnes as pool_end

from placed
