"""The same dbt models on Spark (`greenblue run --engine spark`, docs/scale-out.md).

After a published run, the run's inputs (every dbt source: raw rows, the file manifest,
factors, reference data) are written as Parquet, raw tables partitioned by organization
and file; a PySpark session registers them as tables, dbt-spark (`method: session`, the
`spark` target of dbt_project/profiles.yml) builds every model from them, and the marts are
published as Parquet tables under GREENBLUE_SPARK_WAREHOUSE (default `<warehouse
folder>/spark`): `<warehouse>/marts.db/<table>/`. The served DuckDB file stays the analysts'
interface; the Spark tables are the scale-out copy, rebuilt whole each time.

The models' engine-specific SQL is in dispatched macros (dbt_project/macros/engine.sql,
regex.sql, parse_date.sql, numbers.sql, place_key.sql). On a cluster, point
GREENBLUE_SPARK_MASTER at it (default `local[*]`).
"""

import contextlib
import json
import os
import shutil
import sys
import time
import unicodedata
import warnings
from pathlib import Path

import duckdb

from pipelines import progress
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


def sources(manifest: dict) -> list[tuple[str, str]]:
    """(schema, table) of every dbt source, from the run's parsed project."""
    return sorted({(node["schema"], node["identifier"]) for node in manifest["sources"].values()})


def built_models(manifest: dict) -> int:
    """How many models `dbt run` builds (the ephemeral ones are inlined, not built)."""
    return sum(
        node["resource_type"] == "model" and node["config"]["materialized"] != "ephemeral"
        for node in manifest["nodes"].values()
    )


def export_inputs(
    work_db: Path, tables: list[tuple[str, str]], folder: Path
) -> dict[tuple[str, str], int]:
    """Each source table as Parquet in `folder/<schema>/<table>/`: raw tables partitioned
    by organization and file (`_org_code=`, `_file_id=`), the others (and an empty raw
    table, which has no partition to write) one file. Rows per (schema, table)."""
    shutil.rmtree(folder, ignore_errors=True)
    rows = {}
    con = duckdb.connect(str(work_db), read_only=True)
    try:
        for schema, table in tables:
            target = folder / schema / table
            target.parent.mkdir(parents=True, exist_ok=True)
            relation = f'"{schema}"."{table}"'
            rows[schema, table] = count = con.execute(
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


@contextlib.contextmanager
def output_to(path: Path):
    """The process's standard output and error appended to `path` at the descriptor level,
    so that the JVM Spark starts (which inherits them and writes Spark's log4j lines and
    stack traces there) writes to the file too; progress lines still reach the terminal."""
    path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = {fd: os.dup(fd) for fd in (1, 2)}
    terminal = progress.stream
    if terminal is sys.stderr:
        progress.stream = os.fdopen(os.dup(saved[2]), "w", buffering=1)
    try:
        with path.open("a") as out:
            for fd in saved:
                os.dup2(out.fileno(), fd)
            yield
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        for fd, copy in saved.items():
            os.dup2(copy, fd)
            os.close(copy)
        if progress.stream is not terminal:
            progress.stream.close()
            progress.stream = terminal


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


def say(message: str) -> None:
    progress.say("spark", message)


def build(settings: Settings, factor_set: str, log=say) -> Path:
    """Build every model on Spark from the working database's inputs and publish the marts
    under the Spark warehouse folder; its path. Raises RuntimeError when a model fails.

    Progress goes to `log`; the libraries' own output (PySpark's and dbt's Python warnings
    and messages) to the run's log file beside the DuckDB run's."""
    root = warehouse_dir(settings)
    build_dir = root / ".build"
    shutil.rmtree(build_dir, ignore_errors=True)
    manifest = json.loads((settings.workdir / "dbt" / "manifest.json").read_text("utf-8"))
    tables = sources(manifest)
    started = time.perf_counter()
    rows = export_inputs(settings.work_db, tables, build_dir / "inputs")
    log(f"{len(tables)} input tables, {sum(rows.values())} rows, written as Parquet")
    run_log = settings.workdir / "logs" / "last-run.log"
    try:
        with output_to(run_log):
            result = run_models(settings, factor_set, build_dir, rows, built_models(manifest), log)
    except Exception as exc:  # no session (Java, a wrong master URL): Spark's words are logged
        raise RuntimeError(
            f"Spark did not run, the previous Spark marts stay: {exc}; Spark's own messages "
            f"are in {run_log}"
        ) from exc
    failed = [
        f"{r.node.name}: {' '.join(str(r.message).split())[:300]}"
        for r in (result.result or [])
        if r.status != "success"
    ]
    if not result.success or failed:
        detail = "; ".join(failed) or str(result.exception)
        raise RuntimeError(
            f"the Spark build failed, the previous Spark marts stay: {detail}; dbt's log is in "
            f"{settings.workdir / 'dbt-spark'}"
        )
    marts = root / "marts.db"
    retired = root / ".retired"
    shutil.rmtree(retired, ignore_errors=True)
    if marts.exists():
        marts.rename(retired)
    (build_dir / "marts.db").rename(marts)
    shutil.rmtree(retired, ignore_errors=True)
    shutil.rmtree(build_dir, ignore_errors=True)
    log(f"{len(result.result)} models built in {time.perf_counter() - started:.0f} s")
    return marts


def run_models(
    settings: Settings,
    factor_set: str,
    build_dir: Path,
    rows: dict[tuple[str, str], int],
    models: int,
    log,
):
    """`dbt run --full-refresh --target spark` on a session that holds the exported inputs
    (`rows`: rows per (schema, table)) as tables; dbt's result. Logs `dbt run on Spark:
    models built n/N` as the models finish."""
    from dbt.cli.main import dbtRunner

    tick = progress.ticker("dbt run on Spark: models built", models, log)

    def on_event(event) -> None:
        if event.info.name == "NodeFinished":
            tick()

    inputs = build_dir / "inputs"
    spark = session(build_dir)
    try:
        for (schema, table), count in rows.items():
            spark.sql(f"create database if not exists {schema}")
            spark.sql(
                f"create table {schema}.{table} using parquet location '{inputs / schema / table}'"
            )
            if schema == "raw" and count:  # partitions are found on disk
                spark.sql(f"alter table {schema}.{table} recover partitions")
        log(f"inputs registered on Spark ({spark.sparkContext.master}), building {models} models")
        return dbtRunner(callbacks=[on_event]).invoke(
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
