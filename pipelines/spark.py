"""The same dbt models on Spark (`greenblue run --engine spark`, docs/scale-out.md).

After a published run, the run's inputs (every dbt source: raw rows, the file manifest,
factors, reference data) are written as Parquet, raw tables partitioned by organization
and file; a PySpark session registers them as tables, dbt-spark (`method: session`, the
`spark` target of dbt_project/profiles.yml) builds every model from them, and the marts are
published as Parquet tables under GREENBLUE_SPARK_WAREHOUSE (default `<warehouse
folder>/spark`): `<warehouse>/marts.db/<table>/`. The served DuckDB file stays the analysts'
interface; the Spark tables are the scale-out copy, rebuilt whole each time.

The models' engine-specific SQL is in dispatched macros (dbt_project/macros/engine.sql,
regex.sql, parse_date.sql, numbers.sql). On a cluster, point GREENBLUE_SPARK_MASTER at it
(default `local[*]`).
"""

import json
import os
import shutil
import sys
import time
import unicodedata
import warnings
from pathlib import Path

import duckdb

from pipelines.settings import ROOT, Settings

DBT_PROJECT_DIR = ROOT / "dbt_project"


def warehouse_dir(settings: Settings) -> Path:
    default = settings.warehouse.parent / "spark"
    return Path(os.environ.get("GREENBLUE_SPARK_WAREHOUSE", str(default))).absolute()


def unavailable() -> str | None:
    """Why Spark cannot run here (no PySpark, no dbt-spark, no Java), or None."""
    try:
        import dbt.adapters.spark  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        return f"{exc.name} is not installed (pip install -e '.[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "no Java runtime (Spark needs Java 17 or later on PATH or JAVA_HOME)"
    return None


def sources(manifest: Path) -> list[tuple[str, str]]:
    """(schema, table) of every dbt source, from the run's parsed project."""
    nodes = json.loads(manifest.read_text(encoding="utf-8"))["sources"].values()
    return sorted({(node["schema"], node["identifier"]) for node in nodes})


def export_inputs(work_db: Path, tables: list[tuple[str, str]], folder: Path) -> dict[str, int]:
    """Each source table as Parquet in `folder/<schema>/<table>/`: raw tables partitioned
    by organization and file (`_org_code=`, `_file_id=`), the others (and an empty raw
    table, which has no partition to write) one file. Rows per `schema.table`."""
    shutil.rmtree(folder, ignore_errors=True)
    rows = {}
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        for schema, table in tables:
            target = folder / schema / table
            target.parent.mkdir(parents=True, exist_ok=True)
            relation = f'"{schema}"."{table}"'
            rows[f"{schema}.{table}"] = count = con.execute(
                f"select count(*) from {relation}"
            ).fetchone()[0]
            if schema == "raw" and count:
                con.execute(
                    f"copy {relation} to '{target}' "
                    "(format parquet, partition_by (_org_code, _file_id))"
                )
            else:
                target.mkdir()
                con.execute(f"copy {relation} to '{target / 'part-0.parquet'}' (format parquet)")
    finally:
        con.close()
    return rows


def session(build_dir: Path):
    with warnings.catch_warnings():  # pandas 3 "not yet fully supported": no pandas API used
        warnings.simplefilter("ignore", FutureWarning)
        from pyspark.sql import SparkSession
    from pyspark.sql.types import StringType

    def strip_accents(text: str | None) -> str | None:
        """DuckDB's strip_accents: the text decomposed, its marks (Mn, Mc, Me) dropped. Defined
        here so that it reaches Spark's Python workers by value, not as a module to import."""
        if text is None:
            return None
        decomposed = unicodedata.normalize("NFD", text)
        return "".join(c for c in decomposed if not unicodedata.category(c).startswith("M"))

    # Spark's Python workers run this interpreter, not whatever `python3` is on PATH
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)

    spark = (
        SparkSession.builder.master(os.environ.get("GREENBLUE_SPARK_MASTER", "local[*]"))
        .appName("greenblue")
        .config("spark.sql.warehouse.dir", str(build_dir))
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.session.timeZone", "UTC")
        # backslashes in string literals reach the regular expressions, as on DuckDB
        .config("spark.sql.parser.escapedStringLiterals", "true")
        # partition values stay text (`_file_id=0042` is not the number 42)
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .getOrCreate()
    )
    spark.sparkContext.setLogLevel("ERROR")
    spark.udf.register("strip_accents", strip_accents, StringType())
    return spark


def build(settings: Settings, factor_set: str, log=print) -> Path:
    """Build every model on Spark from the working database's inputs and publish the marts
    under the Spark warehouse folder; its path. Raises RuntimeError when a model fails."""
    from dbt.cli.main import dbtRunner

    root = warehouse_dir(settings)
    build_dir = root / ".build"
    shutil.rmtree(build_dir, ignore_errors=True)
    inputs = build_dir / "inputs"
    tables = sources(settings.workdir / "dbt" / "manifest.json")
    started = time.perf_counter()
    rows = export_inputs(settings.work_db, tables, inputs)
    log(f"spark: {len(tables)} input tables, {sum(rows.values())} rows, as Parquet in {inputs}")
    spark = session(build_dir)
    try:
        for schema, table in tables:
            spark.sql(f"create database if not exists {schema}")
            spark.sql(
                f"create table {schema}.{table} using parquet location '{inputs / schema / table}'"
            )
            if schema == "raw" and rows[f"{schema}.{table}"]:  # partitions are found on disk
                spark.sql(f"alter table {schema}.{table} recover partitions")
        result = dbtRunner().invoke(
            [
                "run",
                "--full-refresh",
                "--quiet",
                "--target",
                "spark",
                "--project-dir",
                str(DBT_PROJECT_DIR),
                "--profiles-dir",
                str(DBT_PROJECT_DIR),
                "--target-path",
                str(settings.workdir / "dbt-spark"),
                "--log-path",
                str(settings.workdir / "dbt-spark"),
                "--vars",
                json.dumps({"factor_set": factor_set}),
            ]
        )
    finally:
        spark.stop()
    failed = [
        f"{r.node.name}: {' '.join(str(r.message).split())[:300]}"
        for r in (result.result or [])
        if r.status != "success"
    ]
    if not result.success or failed:
        detail = "; ".join(failed) or str(result.exception)
        raise RuntimeError(f"the Spark build failed, the previous Spark marts stay: {detail}")
    marts = root / "marts.db"
    retired = root / ".retired"
    shutil.rmtree(retired, ignore_errors=True)
    if marts.exists():
        marts.rename(retired)
    (build_dir / "marts.db").rename(marts)
    shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(build_dir, ignore_errors=True)
    log(f"spark: {len(result.result)} models built in {time.perf_counter() - started:.0f} s")
    return marts
