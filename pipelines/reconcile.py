"""What "the numbers reconcile" means for the files, as queries returning the rows that break it.

Used by the blocking asset check that gates publication, by `greenblue run`'s summary and by
the tests, so all three agree. The invariants of the figures themselves have one owner
each, a dbt test run before this check: kg_co2e = quantity x factor
(`assert_kg_co2e_equals_quantity_times_factor`), annual totals = the sum of their rows
(`assert_org_emissions_annual_matches_fct_emissions`), unmapped rows carry no kg and a
reason (fct_emissions.yml).
"""

import duckdb

from connectors import dialects


def raw_counts_sql() -> str:
    """Rows per file across every raw table (a workbook feeds several)."""
    parts = [
        f"select _file_id as file_id, count(*) as n from raw.{t.name} group by all"
        for _, t in dialects.raw_tables()
    ]
    return " union all ".join(parts)


CHECKS = {
    "rows_in = rows_loaded + rows_quarantined": """
        select org_code, relative_path, rows_in, rows_loaded, rows_quarantined
        from ops.file_manifest
        where status in ('loaded', 'superseded')
          and rows_in <> rows_loaded + rows_quarantined
    """,
    "raw rows per file = rows_loaded": """
        with raw_rows as ({raw_counts}), per_file as (
            select file_id, sum(n) as n from raw_rows group by file_id
        )
        select m.org_code, m.relative_path, m.rows_loaded, coalesce(p.n, 0) as in_raw
        from ops.file_manifest as m left join per_file as p using (file_id)
        where m.status in ('loaded', 'superseded') and coalesce(p.n, 0) <> m.rows_loaded
    """,
    "quarantined rows per file = rows_quarantined": """
        with q as (
            select file_id, count(distinct (coalesce(sheet, ''), source_row)) as n
            from ops.quarantine group by file_id
        )
        select m.org_code, m.relative_path, m.rows_quarantined, coalesce(q.n, 0) as in_quarantine
        from ops.file_manifest as m left join q using (file_id)
        where m.status in ('loaded', 'superseded') and coalesce(q.n, 0) <> m.rows_quarantined
    """,
    "only loaded files reach the marts": """
        select e.org_code, e.emission_id, m.status from marts.fct_emissions as e
        left join ops.file_manifest as m on m.file_id = e.source_file_id
        where m.status is distinct from 'loaded'
    """,
}


def failures(con: duckdb.DuckDBPyConnection, limit: int = 5) -> dict[str | None, list[str]]:
    """Broken rules per organization (every query's first column is `org_code`): one line
    per rule with its first offending rows; empty when all reconciles."""
    found: dict[str | None, list[str]] = {}
    for rule, sql in CHECKS.items():
        query = sql.format(raw_counts=raw_counts_sql())
        rows = con.execute(
            f"select * from ({query}) qualify row_number() over (partition by org_code) <= {limit}"
        ).fetchall()
        by_org: dict[str | None, list[tuple]] = {}
        for row in rows:
            by_org.setdefault(row[0], []).append(row[1:])
        for org, offending in by_org.items():
            found.setdefault(org, []).append(f"{rule}: {offending}")
    return found


def problems(con: duckdb.DuckDBPyConnection, limit: int = 5) -> list[str]:
    """Every broken rule, whatever organization it concerns."""
    return [line for lines in failures(con, limit).values() for line in lines]
