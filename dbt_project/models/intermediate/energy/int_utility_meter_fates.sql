{#
    Every loaded utility meter row with its fate (docs/dialects.md D7), decided over all loaded
    files of the organization:

    - `republished`: a statement published again (same account, provider and statement
      date, any id) counts once, from the latest file (generatedAt, then first seen);
      superseded_by_file_id names that file when it is another one;
    - `superseded`: one reading per natural key within an organization: a billing period of
      a meter (meter number, or account without one; period start and end) delivered again
      in another file counts once, from the latest delivery (the file first seen last, then
      the highest file_id), whatever the later file changed in it (consumption, unit, read
      type); superseded_by_file_id names that file. Adjustments are not re-deliveries of
      the bill they adjust, and readings without a period (prepaid) have no such key;
    - `replaced`: the meters of a statement that a REPLACE adjustment supersedes (the
      adjustment names a statement id; any published copy of it is superseded);
    - `netted`: an ADDITIVE adjustment's meter, added to the same meter of the statement it
      adjusts (a negative adjustment reduces it); one naming no loaded statement counts on
      its own when positive, else `unmatched_adjustment`;
    - `duplicate_reading`: the same reading (meter, period, value, unit) delivered again, by
      a second provider or in a second CSV file, counts once;
    - `estimate_replaced`: an ESTIMATED read whose period lies inside an ACTUAL read of the
      same meter (the catch-up read) is replaced by it;
    - `no_emissions`: water and other commodities;
    - `cancelled`: a reading that adjustments brought to zero or below;
    - `adjusts_uncounted`: an ADDITIVE adjustment of a reading that does not count
      (cancelled, replaced by a catch-up read, republished): it adds to nothing;
    - `counted`: a reading that creates activity, with `quantity` in the unit of its factor
      and the ADDITIVE adjustments netted into it.

    A PREPAID statement without a period counts on its statement date.
#}
with

readings as (select * from {{ ref('stg_utility__meter_readings') }}),

conversions as (select * from {{ ref('stg_factors__unit_conversions') }}),

statement_copies as (

    select
        *,
        coalesce(statement_type, 'BILL') as kind,
        case
            when
                coalesce(statement_type, 'BILL') != 'ADJUSTMENT'
                and coalesce(meter_id, account_number) is not null
                and period_start is not null
                and period_end is not null
                then {{ dbt.hash(dbt.concat([
                    'org_code', "'|'",
                    "coalesce(meter_id, " ~ dbt.concat(["'account '", 'account_number']) ~ ")", "'|'",
                    dbt.safe_cast('period_start', dbt.type_string()), "'|'",
                    dbt.safe_cast('period_end', dbt.type_string()),
                ])) }}
        end as natural_key,
        case
            when variant = 'utility_bill_json' and coalesce(statement_type, 'BILL') != 'ADJUSTMENT'
                then {{ dbt.concat([
                    'org_code', "'|'", "coalesce(account_number, '')", "'|'",
                    "coalesce(supplier, '')", "'|'", "coalesce(cast(statement_date as string), '')"
                ]) }}
        end as statement_key

    from readings

),

latest_copy as (

    select
        statement_key,
        source_file_id,
        statement_id,
        row_number() over (
            partition by statement_key
            order by generated_at desc nulls last, first_seen_at desc, source_file_id desc, statement_id desc
        ) as recency

    from (
        select distinct
            statement_key,
            source_file_id,
            statement_id,
            generated_at,
            first_seen_at
        from statement_copies
        where statement_key is not null
    ) as copies

),

statement_ids as (

    select distinct
        org_code,
        statement_id,
        statement_key
    from statement_copies
    where statement_key is not null

),

replace_targets as (

    select distinct statement_ids.statement_key
    from statement_copies as adjustments
    inner join statement_ids
        on
            adjustments.org_code = statement_ids.org_code
            and adjustments.adjusts_statement_id = statement_ids.statement_id
    where adjustments.kind = 'ADJUSTMENT' and adjustments.adjustment_mode = 'REPLACE'

),

converted as (

    select
        statement_copies.*,
        conversions.to_unit,
        conversions.factor as unit_factor,
        statement_copies.consumption * conversions.factor as quantity_converted,
        coalesce(statement_copies.period_start, statement_copies.statement_date) as effective_start,
        coalesce(statement_copies.period_end, statement_copies.statement_date) as effective_end,
        statement_copies.period_start is null as is_prepaid_date,
        latest_copy.recency,
        kept_copy.source_file_id as statement_kept_file_id,
        replace_targets.statement_key is not null as is_replaced

    from statement_copies
    left join conversions
        on statement_copies.unit = conversions.unit_text
    left join latest_copy
        on
            statement_copies.statement_key = latest_copy.statement_key
            and statement_copies.source_file_id = latest_copy.source_file_id
            and statement_copies.statement_id = latest_copy.statement_id
    left join latest_copy as kept_copy
        on
            statement_copies.statement_key = kept_copy.statement_key
            and kept_copy.recency = 1
    left join replace_targets
        on statement_copies.statement_key = replace_targets.statement_key

),

deliveries as (

    -- the statement's kept copy competes for its periods; copies it superseded do not
    select
        *,
        case when coalesce(recency, 1) = 1 then natural_key end as delivery_key

    from converted

),

ranked_deliveries as (

    select
        *,
        case
            when delivery_key is not null
                then first_value(source_file_id) over (
                    partition by delivery_key
                    order by first_seen_at desc, source_file_id desc
                )
        end as period_kept_file_id,
        case
            when delivery_key is not null
                then first_value(source_row_key) over (
                    partition by delivery_key
                    order by first_seen_at desc, source_file_id desc, source_sheet asc, source_row asc
                )
        end as period_kept_row_key

    from deliveries

),

first_pass as (

    select
        *,
        case
            when recency > 1 then 'republished'
            when source_file_id != period_kept_file_id then 'superseded'
            when commodity in ('WATER', 'OTHER') then 'no_emissions'
            when is_replaced then 'replaced'
            when kind = 'ADJUSTMENT' and adjustment_mode = 'ADDITIVE' then 'additive'
            else 'candidate'
        end as first_fate

    from ranked_deliveries

),

kept_copies as (

    select * from first_pass
    where first_fate = 'candidate'

),

additive_targets as (

    select
        additive.source_row_key,
        min(adjusted.source_row_key) as target_row_key

    from first_pass as additive
    inner join statement_ids
        on
            additive.org_code = statement_ids.org_code
            and additive.adjusts_statement_id = statement_ids.statement_id
    inner join kept_copies as adjusted
        on
            statement_ids.statement_key = adjusted.statement_key
            and additive.meter_id = adjusted.meter_id
            and additive.to_unit = adjusted.to_unit
    where additive.first_fate = 'additive'
    group by additive.source_row_key

),

reading_copies as (

    select
        source_row_key,
        row_number() over (
            partition by org_code, meter_id, effective_start, effective_end, consumption, unit
            order by statement_date nulls last, first_seen_at, source_file_id, source_row
        ) as reading_copy,
        first_value(source_row_key) over (
            partition by org_code, meter_id, effective_start, effective_end, consumption, unit
            order by statement_date nulls last, first_seen_at, source_file_id, source_row
        ) as first_reading_key

    from first_pass
    where first_fate = 'candidate'

),

actual_reads as (

    select * from first_pass
    where first_fate = 'candidate' and read_type = 'ACTUAL'

),

superseded_estimates as (

    select distinct estimate.source_row_key
    from first_pass as estimate
    inner join actual_reads
        on
            estimate.org_code = actual_reads.org_code
            and estimate.meter_id = actual_reads.meter_id
            and estimate.effective_start >= actual_reads.effective_start
            and estimate.effective_end <= actual_reads.effective_end
            and estimate.source_row_key != actual_reads.source_row_key
    where estimate.first_fate = 'candidate' and estimate.read_type = 'ESTIMATED'

),

fated as (

    select
        first_pass.*,
        case
            when first_pass.first_fate = 'additive' and additive_targets.target_row_key is not null
                then 'netted'
            when first_pass.first_fate = 'additive' and first_pass.quantity_converted > 0 then 'counted'
            when first_pass.first_fate = 'additive' then 'unmatched_adjustment'
            when first_pass.first_fate != 'candidate' then first_pass.first_fate
            when reading_copies.reading_copy > 1 then 'duplicate_reading'
            when superseded_estimates.source_row_key is not null then 'estimate_replaced'
            else 'counted'
        end as fate,
        additive_targets.target_row_key as netted_into_row_key,
        case
            when reading_copies.reading_copy > 1 then reading_copies.first_reading_key
        end as duplicate_of_row_key

    from first_pass
    left join additive_targets
        on first_pass.source_row_key = additive_targets.source_row_key
    left join reading_copies
        on first_pass.source_row_key = reading_copies.source_row_key
    left join superseded_estimates
        on first_pass.source_row_key = superseded_estimates.source_row_key

),

netted_totals as (

    select
        netted_into_row_key,
        cast({{ exact_sum('quantity_converted') }} as {{ type_double() }}) as netted_quantity,
        count(*) as netted_rows

    from fated
    where fate = 'netted'
    group by netted_into_row_key

),

final as (

    select
        fated.source_row_key,
        fated.source_file_id,
        fated.source_sheet,
        fated.source_row,
        fated.org_code,
        fated.variant,
        fated.statement_id,
        fated.kind as statement_type,
        fated.adjustment_mode,
        fated.supplier,
        fated.account_number,
        fated.statement_date,
        fated.site_code,
        fated.country,
        fated.meter_id,
        fated.commodity,
        fated.commodity_inferred,
        fated.read_type,
        fated.effective_start,
        fated.effective_end,
        fated.is_prepaid_date,
        fated.consumption,
        fated.unit,
        fated.to_unit,
        fated.quantity_converted,
        fated.renewable_pct,
        case
            when
                fated.fate = 'counted'
                and fated.quantity_converted + coalesce(netted_totals.netted_quantity, 0) <= 0
                then 'cancelled'
            when
                fated.fate = 'netted'
                and not (
                    adjusted.fate = 'counted'
                    and adjusted.quantity_converted + adjusted_totals.netted_quantity > 0
                )
                then 'adjusts_uncounted'
            else fated.fate
        end as fate,
        fated.natural_key,
        fated.netted_into_row_key,
        fated.duplicate_of_row_key,
        case when fated.fate = 'superseded' then fated.period_kept_row_key end as superseded_by_row_key,
        case
            when fated.fate = 'superseded' then fated.period_kept_file_id
            when fated.fate = 'republished' and fated.statement_kept_file_id != fated.source_file_id
                then fated.statement_kept_file_id
        end as superseded_by_file_id,
        case
            when fated.fate = 'counted'
                then fated.quantity_converted + coalesce(netted_totals.netted_quantity, 0)
        end as quantity,
        coalesce(netted_totals.netted_rows, 0) as netted_rows

    from fated
    left join netted_totals
        on fated.source_row_key = netted_totals.netted_into_row_key
    left join fated as adjusted
        on fated.netted_into_row_key = adjusted.source_row_key
    left join netted_totals as adjusted_totals
        on fated.netted_into_row_key = adjusted_totals.netted_into_row_key

)

select * from final
