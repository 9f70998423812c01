"""What "the numbers reconcile" means, as queries returning the rows that break it.

Used by the blocking asset check that gates publication, by `greenblue run`'s summary and by
the tests, so all three agree.
"""

import duckdb

from connectors import registry as dialects

# METHOD.md: kg and t CO2e are equal within 1e-9 relative, 1e-6 kg absolute for tiny values.
REL, ABS_KG = 1e-9, 1e-6


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
    "kg_co2e = quantity x factor": """
        select e.org_code, e.emission_id, e.quantity, f.kg_co2e_per_unit, e.kg_co2e
        from marts.fct_emissions as e
        left join factors.emission_factors as f
            on f.factor_id = e.factor_id and f.factor_version = e.factor_version
        where e.factor_status = 'mapped' and (
            f.factor_id is null
            or abs(e.kg_co2e - e.quantity * f.kg_co2e_per_unit)
               > greatest({abs_kg}, {rel} * abs(e.quantity * f.kg_co2e_per_unit))
        )
    """,
    "unmapped rows carry no kg and a reason": """
        select org_code, emission_id from marts.fct_emissions
        where factor_status = 'unmapped' and (kg_co2e is not null or unmapped_reason is null)
    """,
    "annual totals = sum of their rows": """
        with rows as (
            select org_code, reporting_year, sum(coalesce(kg_co2e, 0)) / 1000 as t
            from marts.fct_emissions group by all
        ), annual as (
            select org_code, reporting_year, sum(coalesce(t_co2e, 0)) as t
            from marts.org_emissions_annual group by all
        )
        select org_code, reporting_year, rows.t as from_rows, annual.t as annual
        from rows full outer join annual using (org_code, reporting_year)
        where abs(coalesce(rows.t, 0) - coalesce(annual.t, 0))
              > greatest({abs_kg} / 1000, {rel} * abs(coalesce(rows.t, 0)))
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
        query = sql.format(raw_counts=raw_counts_sql(), rel=REL, abs_kg=ABS_KG)
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
