"""`greenblue run --engine spark`: the same dbt project on Spark publishes marts equal to
the DuckDB run's (docs/scale-out.md).

A real run on a generated landing with every dialect, in a separate process: loads, dbt on
DuckDB and publication as every night, then every model built again on a local PySpark
session from the run's inputs as Parquet. The Spark marts (Parquet files) are read back
with DuckDB and compared with the served DuckDB marts: the same tables, columns and types,
the same row counts, every value other than a floating-point one identical, and kg CO2e
per organization, year and activity type within 1e-9 (relative). About 5 minutes; skipped
where PySpark, dbt-spark or Java is missing.
"""

import importlib.util
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import spark

pytestmark = pytest.mark.slow
needs_spark = pytest.mark.skipif(
    spark.unavailable() is not None, reason=f"Spark: {spark.unavailable()}"
)

DOUBLE_TYPES = {"DOUBLE", "FLOAT"}


def run_env(root: Path, **extra: str) -> dict[str, str]:
    """The environment of a run on `root`'s landing and served folder."""
    return {
        **os.environ,
        "GREENBLUE_LANDING": str(root / "landing"),
        "GREENBLUE_WAREHOUSE": str(root / "served" / "greenblue.duckdb"),
        "GREENBLUE_PSEUDONYM_KEY": "spark-test-key-0123456789",
        **extra,
    }


@pytest.fixture(scope="module")
def run(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("spark")
    env = run_env(root)
    generate = [sys.executable, "-m", "pipelines.cli", "generate", "--out", str(root / "landing")]
    # two years, the first the baseline: the progress marts compare years
    subprocess.run([*generate, "--orgs", "3", "--rows", "100", "--years", "2"], env=env, check=True)
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--engine", "spark"],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    (root / "terminal.txt").write_text(done.stderr)
    marts = root / "served" / "spark" / "marts.db"
    assert f"Spark marts (Parquet tables): {marts}" in done.stdout
    return root


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    found = "select table_name from duckdb_tables() where schema_name = 'marts' order by 1"
    return [name for (name,) in con.execute(found).fetchall()]


@pytest.fixture(scope="module")
def con(run):
    connection = duckdb.connect(str(run / "served" / "greenblue.duckdb"), read_only=True)
    yield connection
    connection.close()


def spark_table(run: Path, table: str) -> str:
    return f"read_parquet('{run / 'served' / 'spark' / 'marts.db' / table}/*.parquet')"


@needs_spark
def test_the_spark_step_shows_its_progress_and_logs_the_jvm_to_the_run_log(run):
    terminal = (run / "terminal.txt").read_text()
    models = [line for line in terminal.splitlines() if "spark: dbt run on Spark" in line]
    assert len(models) >= 10, terminal[-3000:]
    assert models[-1].endswith("models built 111/111"), models
    assert "WARN" not in terminal and "\tat org." not in terminal, terminal[-3000:]
    run_log = (run / "served" / ".work" / "logs" / "last-run.log").read_text()
    assert "log4j" in run_log  # the JVM's own first lines, written to its standard error


@needs_spark
def test_every_mart_is_published_on_spark_with_the_same_columns_and_types(run, con):
    names = tables(con)
    assert len(names) == 20
    assert sorted(p.name for p in (run / "served" / "spark" / "marts.db").iterdir()) == names
    for table in names:
        duck = con.execute(f"describe marts.{table}").fetchall()
        on_spark = con.execute(f"describe select * from {spark_table(run, table)}").fetchall()
        assert [r[:2] for r in on_spark] == [r[:2] for r in duck], table


@needs_spark
def test_every_mart_has_the_same_rows_on_both_engines(run, con):
    """Row counts exactly; every non-floating value identical, row for row (as multisets:
    the keys, codes, statuses, reasons, dates, counts and money); floating-point columns
    are compared by the next test."""
    checked = 0
    for table in tables(con):
        columns = con.execute(f"describe marts.{table}").fetchall()
        exact = ", ".join(f'"{c}"' for c, kind, *_ in columns if kind not in DOUBLE_TYPES)
        duck = f"select {exact} from marts.{table}"
        on_spark = f"select {exact} from {spark_table(run, table)}"
        counts = [
            con.execute(f"select count(*) from ({q})").fetchone()[0] for q in (duck, on_spark)
        ]
        assert counts[0] == counts[1], (table, counts)
        for a, b in ((duck, on_spark), (on_spark, duck)):
            extra = con.execute(f"{a} except all {b} limit 3").fetchall()
            assert not extra, (table, extra)
        checked += counts[0]
    assert checked > 1000
    # the progress figures against the baseline year are compared too
    progress = "select count(pct_change_from_baseline) from marts.reduction_progress"
    assert con.execute(progress).fetchone()[0] > 0


@needs_spark
def test_kg_per_organization_year_and_activity_agree_within_1e_9(run, con):
    query = """
        select org_code, reporting_year, activity_type, sum(kg_co2e) as kg, count(*) as n
        from {} group by all
    """
    duck = con.execute(query.format("marts.fct_emissions")).fetchall()
    on_spark = con.execute(query.format(spark_table(run, "fct_emissions"))).fetchall()
    spark_by_key = {row[:3]: row[3:] for row in on_spark}
    assert {row[:3] for row in duck} == set(spark_by_key)
    assert len(duck) >= 10
    for *key, kg, n in duck:
        spark_kg, spark_n = spark_by_key[tuple(key)]
        assert n == spark_n, key
        if kg is None:
            assert spark_kg is None, key
        else:
            assert spark_kg == pytest.approx(kg, rel=1e-9, abs=1e-9), key


@needs_spark
def test_every_floating_point_value_agrees_within_1e_9(run, con):
    """The doubles of each mart, sorted alike on both engines by every other column, agree
    within 1e-9 relative or 1e-9 absolute (a milligram, in tonnes): Spark divides exact
    decimal sums to 11 decimals, where DuckDB divides them as doubles."""
    for table in tables(con):
        columns = con.execute(f"describe marts.{table}").fetchall()
        doubles = [c for c, kind, *_ in columns if kind in DOUBLE_TYPES]
        others = [c for c, kind, *_ in columns if kind not in DOUBLE_TYPES]
        if not doubles:
            continue
        order = ", ".join([*(f'"{c}"' for c in others), *(f'"{c}"' for c in doubles)])
        picked = ", ".join(f'"{c}"' for c in doubles)
        duck = con.execute(f"select {picked} from marts.{table} order by {order}").fetchall()
        on_spark = con.execute(
            f"select {picked} from {spark_table(run, table)} order by {order}"
        ).fetchall()
        assert len(duck) == len(on_spark), table
        for a, b in zip(duck, on_spark, strict=True):
            for x, y in zip(a, b, strict=True):
                assert (x is None) == (y is None), (table, a, b)
                if x is not None:
                    assert y == pytest.approx(x, rel=1e-9, abs=1e-9), (table, a, b)


@pytest.mark.skipif(importlib.util.find_spec("pyspark") is None, reason="PySpark is not installed")
def test_great_expectations_imports_beside_pyspark_in_a_process_without_a_main_file():
    """Great Expectations imports pyspark.sql.connect where PySpark is installed; without
    Spark Connect's own dependencies, PySpark takes a process whose __main__ has no file
    (`python -c`, pytest-xdist's workers, where the suite runs Dagster in process) for its
    doctest run and exits it with status 0, silently. The `spark` extra installs
    `pyspark[connect]`, which keeps those processes alive."""
    done = subprocess.run(
        [sys.executable, "-c", "import great_expectations.compatibility.pyspark; print('alive')"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.stdout.strip() == "alive", done.stderr[-2000:]


@needs_spark
def test_a_spark_that_cannot_start_exits_1_and_leaves_the_previous_marts(run):
    """A wrong master URL: the DuckDB run publishes as always, the Spark step fails with one
    line that names the run log where Spark's own words are, and the Spark marts of the
    previous run stay in place, file for file. (Last in this module: it runs again.)"""
    marts = run / "served" / "spark" / "marts.db"
    before = sorted((p.relative_to(marts), p.stat().st_mtime_ns) for p in marts.rglob("*"))
    env = run_env(run, GREENBLUE_SPARK_MASTER="no-such-master")
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run", "--engine", "spark", "--force"],
        env=env,
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    last = done.stderr.strip().splitlines()[-1]
    run_log = run / "served" / ".work" / "logs" / "last-run.log"
    assert last.startswith("greenblue: RuntimeError: Spark did not run"), last
    assert f"Spark's own messages are in {run_log}" in last
    assert "SparkException: Master must" in run_log.read_text()  # Spark says why
    assert sorted((p.relative_to(marts), p.stat().st_mtime_ns) for p in marts.rglob("*")) == before
