"""Published figures, kept per run: how a restatement becomes visible.

A factor edition or a corrected source changes earlier years' figures (a restated
baseline). Each publication appends what it published to `ops.published_figures` in the
working database, so the served copy always holds the figures of every earlier
publication with the run and factor set they came from: the first row of a figure is what
was originally reported, the newest is the restated value.
"""

import duckdb

from pipelines import sql


def record(
    con: duckdb.DuckDBPyConnection, run_id: str, factor_set: str, schema: str = "marts"
) -> int:
    """Append the figures this run publishes (the marts of `schema`, once per run); returns
    the number of rows written."""
    con.execute(sql.read("published_figures_schema"))
    con.execute("delete from ops.published_figures where run_id = ?", [run_id])
    con.execute(
        "insert into ops.published_figures "
        f"select ?, now()::timestamp, ?, org_code, reporting_year, figure, t_co2e "
        f"from ({sql.read('published_figures').format(schema=schema)})",
        [run_id, factor_set],
    )
    return con.execute(
        "select count(*) from ops.published_figures where run_id = ?", [run_id]
    ).fetchall()[0][0]
