"""What "the offsets reconcile" means: the queries behind the blocking offsets check.

Allocated + unallocated credits equal the credits pooled for each reporting year, every
register row's tonnes are accounted for, and no serial lands in two allocation runs. The dbt
tests `assert_offset_allocations_reconcile` and `assert_no_offset_serial_twice` say the same
inside `dbt build`; this check gates publication again on the finished marts.
"""

import duckdb

CHECKS = {
    "allocated + unallocated = purchased, per reporting year": """
        with pooled as (
            select reporting_year, sum(tonnes) as purchased
            from marts.offset_allocations
            where allocation_status <> 'excluded'
            group by reporting_year
        ), register as (
            select p.reporting_year, sum(p.tonnes) as purchased
            from staging.stg_offsets__purchases as p
            where p.purchase_id not in (
                select purchase_id from marts.offset_allocations
                where allocation_status = 'excluded'
            )
            group by p.reporting_year
        )
        select reporting_year, register.purchased as in_register, pooled.purchased as allocated
        from register full outer join pooled using (reporting_year)
        where register.purchased is distinct from pooled.purchased
    """,
    "every register row's tonnes accounted for once": """
        select p.purchase_id, p.tonnes, coalesce(sum(a.tonnes), 0) as accounted
        from staging.stg_offsets__purchases as p
        left join marts.offset_allocations as a using (purchase_id)
        group by p.purchase_id, p.tonnes
        having p.tonnes <> coalesce(sum(a.tonnes), 0)
    """,
    "no serial allocated twice": """
        with runs as (
            select * from marts.offset_allocations where allocation_status <> 'excluded'
        )
        select a.allocation_id, b.allocation_id, a.serial_prefix, a.serial_start, a.serial_end
        from runs as a join runs as b
          on coalesce(a.registry, '') = coalesce(b.registry, '')
         and a.serial_prefix = b.serial_prefix
         and a.allocation_id < b.allocation_id
         and a.serial_start <= b.serial_end and b.serial_start <= a.serial_end
    """,
    "no organization gets more than it needs": """
        select org_code, reporting_year, credits_required, credits_allocated
        from marts.offset_requirements where credits_allocated > credits_required
    """,
}


def problems(con: duckdb.DuckDBPyConnection, limit: int = 5) -> list[str]:
    """One line per broken rule with its first offending rows; empty when all reconciles."""
    found = []
    for rule, sql in CHECKS.items():
        rows = con.execute(f"select * from ({sql}) limit {limit}").fetchall()
        if rows:
            found.append(f"{rule}: {rows}")
    return found


def totals(con: duckdb.DuckDBPyConnection) -> dict[str, int]:
    """Purchased, allocated, unallocated and excluded credits, for the check's metadata."""
    rows = con.execute(
        "select allocation_status, sum(tonnes) from marts.offset_allocations group by 1"
    ).fetchall()
    return {str(status): int(tonnes) for status, tonnes in rows}
