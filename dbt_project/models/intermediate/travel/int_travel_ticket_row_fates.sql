{#
    The fate of every air and rail row (factors/METHODOLOGY.md section 3.7, which rail follows):

    1. One row per natural key within an organization: a coupon (ticket number and coupon
       number, per transaction type) delivered again in another file counts once, from the
       latest delivery (the file first seen last, then the highest file_id); the rows of
       earlier deliveries are `superseded`, naming the file that replaced them. Without a
       coupon number (rail, a refund naming its route) or without a ticket number (low-cost
       carriers, keyed by booking reference), the route and date are part of the key. The
       transaction type is always part of it: a REFUND in a later file is not a re-delivery
       of the SALE it refunds. Rows within one file never supersede each other (two
       colleagues on one low-cost booking are two trips).
    2. SALE and EXCHANGE rows are sold segments. A REFUND or VOID of the same ticket cancels
       the segment it names (coupon number, or origin + destination + date); one that names
       no segment cancels every segment of the ticket departing on or after its issue date
       (a flown coupon cannot be refunded). A cancelled segment counts nothing however many
       rows cancel it, so no ticket goes below zero.
    3. SALE / EXCHANGE rows without a ticket number (low-cost carriers) are flown; a REFUND
       or VOID without one cannot be matched and is flagged `unmatched_refund`.
#}
with

ticket_rows as (

    select * from {{ ref('int_travel_ticket_rows') }}
    where {{ in_changed_orgs() }}

),

located as (

    select
        *,
        transaction_type in ('SALE', 'EXCHANGE') as is_sale_or_exchange,
        -- a ticketed coupon is identified by its number; anything else also by route and date
        case
            when ticket13 is null or segment_no is null
                then {{ dbt.concat([
                    "coalesce(origin_code, '')", "'|'",
                    "coalesce(destination_code, '')", "'|'",
                    "coalesce(" ~ dbt.safe_cast('departure_date', dbt.type_string()) ~ ", '')",
                ]) }}
            else ''
        end as route_key

    from ticket_rows

),

keyed as (

    select
        *,
        {{ dbt.hash(dbt.concat([
            'travel_mode', "'|'",
            'org_code', "'|'",
            "coalesce(ticket13, " ~ dbt.concat(["'PNR '", 'record_locator']) ~ ", '')", "'|'",
            "coalesce(" ~ dbt.safe_cast('segment_no', dbt.type_string()) ~ ", '')", "'|'",
            'transaction_type', "'|'",
            'route_key',
        ])) }} as natural_key

    from located

),

ranked as (

    {{ latest_delivery('keyed') }}

),

kept as (

    select * from ranked
    where source_file_id = kept_file_id

),

sold_segments as (

    select * from kept
    where is_sale_or_exchange

),

cancelling_rows as (

    select
        *,
        origin_code is not null
        and destination_code is not null
        and departure_date is not null as names_route

    from kept
    where not is_sale_or_exchange and ticket13 is not null

),

matches as (

    select
        sold.source_row_key as cancelled_row_key,
        cancelling.source_row_key as cancelling_row_key,
        cancelling.source_file_id as cancelling_file_id,
        cancelling.source_sheet as cancelling_sheet,
        cancelling.source_row as cancelling_row,
        row_number() over (
            partition by sold.source_row_key
            order by
                cancelling.file_first_seen_at asc,
                cancelling.source_file_id asc,
                cancelling.source_sheet asc,
                cancelling.source_row asc
        ) as match_rank

    from sold_segments as sold
    inner join cancelling_rows as cancelling
        on
            sold.travel_mode = cancelling.travel_mode
            and sold.org_code = cancelling.org_code
            and sold.ticket13 = cancelling.ticket13
            and (
                -- names the coupon
                (
                    cancelling.segment_no is not null
                    and sold.segment_no = cancelling.segment_no
                )
                -- names the route and date (when coupon numbers cannot be compared)
                or (
                    (cancelling.segment_no is null or sold.segment_no is null)
                    and cancelling.names_route
                    and sold.origin_code = cancelling.origin_code
                    and sold.destination_code = cancelling.destination_code
                    and sold.departure_date = cancelling.departure_date
                )
                -- names no segment: the part of the ticket not yet flown at its issue date
                or (
                    cancelling.segment_no is null
                    and not cancelling.names_route
                    and sold.departure_date >= cancelling.issue_date
                )
            )

),

first_cancellations as (

    select
        cancelled_row_key,
        cancelling_row_key as cancelled_by_row_key,
        cancelling_file_id as cancelled_by_file_id,
        cancelling_sheet as cancelled_by_sheet,
        cancelling_row as cancelled_by_row

    from matches
    where match_rank = 1

),

cancelling_counts as (

    select
        cancelling_row_key,
        count(*) as cancelled_segment_count

    from matches
    group by cancelling_row_key

),

fates as (

    select
        ranked.source_row_key,
        ranked.travel_mode,
        ranked.source_table,
        ranked.source_file_id,
        ranked.source_sheet,
        ranked.source_row,
        ranked.org_code,
        ranked.ticket13,
        ranked.record_locator,
        ranked.transaction_type,
        ranked.issue_date,
        ranked.segment_no,
        ranked.origin_code,
        ranked.destination_code,
        ranked.departure_date,
        ranked.natural_key,
        case
            when ranked.source_file_id != ranked.kept_file_id then 'superseded'
            when ranked.is_sale_or_exchange and first_cancellations.cancelled_row_key is not null
                then 'cancelled'
            when ranked.is_sale_or_exchange then 'flown'
            when cancelling_counts.cancelling_row_key is not null then 'cancelling'
            else 'unmatched_refund'
        end as fate,
        case
            when ranked.source_file_id != ranked.kept_file_id then ranked.first_kept_row_key
        end as superseded_by_row_key,
        first_cancellations.cancelled_by_row_key,
        coalesce(cancelling_counts.cancelled_segment_count, 0) as cancelled_segment_count,
        case
            when ranked.source_file_id != ranked.kept_file_id
                then 'delivered again in a later file, which counts instead'
            when ranked.is_sale_or_exchange or cancelling_counts.cancelling_row_key is not null
                then null
            when ranked.ticket13 is null
                then {{ dbt.concat([
                    'ranked.transaction_type', "' without ticket number cannot be matched'"
                ]) }}
            else {{ dbt.concat([
                'ranked.transaction_type', "' matches no sold segment of ticket '", 'ranked.ticket13'
            ]) }}
        end as fate_note,
        -- the rows named above, located (only kept rows are matched with cancelling rows)
        case
            when ranked.source_file_id != ranked.kept_file_id then ranked.kept_file_id
        end as superseded_by_file_id,
        case
            when ranked.source_file_id != ranked.kept_file_id then ranked.first_kept_sheet
        end as superseded_by_sheet,
        case
            when ranked.source_file_id != ranked.kept_file_id then ranked.first_kept_row
        end as superseded_by_row,
        first_cancellations.cancelled_by_file_id,
        first_cancellations.cancelled_by_sheet,
        first_cancellations.cancelled_by_row

    from ranked
    left join first_cancellations
        on ranked.source_row_key = first_cancellations.cancelled_row_key
    left join cancelling_counts
        on ranked.source_row_key = cancelling_counts.cancelling_row_key

)

select * from fates
