"""The dbt project as Dagster assets: staging -> intermediate -> marts, keyed by schema."""

import fcntl
import importlib.metadata
import json
import os
import subprocess
import sys
from collections.abc import Mapping
from functools import cached_property
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets
from packaging import version

from pipelines import gate, increments, progress
from pipelines.resources import GreenblueResource
from pipelines.settings import DBT_PROJECT_DIR, apply_offline_env, load_settings

OWNER = "team:greenblue-data"
# A run tagged so rebuilds every incremental model (`greenblue run --full-refresh`).
FULL_REFRESH_TAG = "greenblue/full-refresh"
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# The dbt installed beside this Python, so runs work without an activated environment,
# started through `greenblue-dbt` so that it dies with the run (pipelines/dbt_child.py).
DBT_EXECUTABLE = os.path.join(os.path.dirname(sys.executable), "greenblue-dbt")


def point_dbt_at_work_db() -> None:
    """dbt's profile reads the working database path from GREENBLUE_WORK_DB."""
    apply_offline_env()
    os.environ["GREENBLUE_WORK_DB"] = str(load_settings().work_db)
    # greenblue-dbt dies with this process, and refuses to start for another one.
    os.environ["GREENBLUE_RUN_PID"] = str(os.getpid())


def manifest_is_current() -> bool:
    """The parsed manifest is newer than every project file (models, macros, tests, YAML)."""
    if not MANIFEST.exists():
        return False
    built = MANIFEST.stat().st_mtime
    sources = [
        p
        for folder in ("models", "macros", "tests")
        for p in (DBT_PROJECT_DIR / folder).rglob("*")
        if p.is_file()
    ]
    sources += [DBT_PROJECT_DIR / "dbt_project.yml", DBT_PROJECT_DIR / "profiles.yml"]
    return all(p.stat().st_mtime <= built for p in sources)


def prepare_manifest() -> None:
    """`dbt parse` headless when the project changed, so the asset graph matches the SQL."""
    if manifest_is_current():
        return
    MANIFEST.parent.mkdir(parents=True, exist_ok=True)
    # The webserver, the daemon and a run may start together: one parses, the others wait
    # for its manifest instead of writing the same files at once.
    with (MANIFEST.parent / ".parse.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not manifest_is_current():
            parse_project()


def parse_project() -> None:
    point_dbt_at_work_db()
    done = subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:  # one line for people; dbt's own output names the details
        lines = [line.strip() for line in (done.stdout + done.stderr).splitlines() if line.strip()]
        raise RuntimeError(f"dbt parse failed: {lines[-1] if lines else done.returncode}")


class DbtCli(DbtCliResource):
    """dbt as a child process, without two things dagster-dbt prepares before every invocation
    for features no asset here uses (row counts and column metadata fetched in this process):
    `dbt --version` in a subprocess (3.6 s) and a dbt adapter loaded with its macros (1-2 s
    per invocation). Both are private hooks of the pinned dagster-dbt: a test in
    tests/test_definitions.py fails if an upgrade stops calling them."""

    @cached_property
    def _cli_version(self) -> version.Version:
        return version.parse(importlib.metadata.version("dbt-core"))

    def _initialize_dbt_core_adapter(self, args):
        return None


class LayeredTranslator(DagsterDbtTranslator):
    """Models are keyed `<schema>/<model>` (staging, intermediate, marts) and grouped by layer."""

    def get_asset_key(self, dbt_resource_props: Mapping[str, Any]) -> dg.AssetKey:
        if dbt_resource_props["resource_type"] in ("model", "seed", "snapshot"):
            return dg.AssetKey([dbt_resource_props["schema"], dbt_resource_props["name"]])
        return super().get_asset_key(dbt_resource_props)

    def get_group_name(self, dbt_resource_props: Mapping[str, Any]) -> str | None:
        if dbt_resource_props["resource_type"] == "model":
            return dbt_resource_props["schema"]
        return super().get_group_name(dbt_resource_props)

    def get_owners(self, dbt_resource_props: Mapping[str, Any]):
        return [OWNER]

    def get_asset_check_spec(self, asset_spec, manifest, unique_id, project):
        """dbt tests never stop Dagster's downstream steps: the publication step decides,
        per organization, from `ops.check_results` (pipelines/gate.py)."""
        check = super().get_asset_check_spec(asset_spec, manifest, unique_id, project)
        if not check:
            return None
        node = manifest["nodes"][unique_id]
        return check._replace(blocking=False, description=check.description or describe(node))


def describe(test: Mapping[str, Any]) -> str:
    """What a dbt test asserts and what a failure does, in a sentence (the check's
    description in Dagster's UI)."""
    meta = test.get("test_metadata") or {}
    kwargs = meta.get("kwargs", {})
    column = kwargs.get("column_name") or test.get("column_name")
    kind = meta.get("name")
    if kind == "not_null":
        what = f"`{column}` is never empty."
    elif kind == "unique":
        what = f"`{column}` is unique."
    elif kind == "accepted_values":
        values = [str(v) for v in kwargs.get("values", [])]
        shown = ", ".join(values[:8]) + (", ..." if len(values) > 8 else "")
        what = f"`{column}` is one of: {shown}."
    elif kind == "relationships":
        target = str(kwargs.get("to", "")).removeprefix("ref('").removesuffix("')")
        what = f"Every `{column}` is found in {target}.{kwargs.get('field')}."
    elif kind == "unique_combination_of_columns":
        what = "One row per " + ", ".join(kwargs.get("combination_of_columns", [])) + "."
    elif kind == "expression_is_true":
        what = f"Every row satisfies {kwargs.get('expression')}."
    else:  # a singular test: the first paragraph of its {# ... #} comment
        comment = test.get("raw_code", "").partition("{#")[2].partition("#}")[0]
        first = " ".join(comment.strip().split("\n\n")[0].split())
        what = first or f"{test.get('name')} returns no rows."
    if test.get("config", {}).get("severity", "").lower() == "warn":
        return what + " A finding is reported for follow-up; nothing is held."
    return what + " Failing rows hold their organization (or the run, if they belong to none)."


def with_progress(events, label: str, total: int, log):
    """Pass dbt's events through, logging `label n/N` about every tenth of the way."""
    tick = progress.ticker(label, total, log)
    for event in events:
        yield event
        tick()


point_dbt_at_work_db()
prepare_manifest()
_MANIFEST = json.loads(MANIFEST.read_text())
_TESTS = {n["name"]: n for n in _MANIFEST["nodes"].values() if n["resource_type"] == "test"}
DATA_TESTS = len(_TESTS)


def worded_warning(test_name: str, rows: object) -> str:
    """A warning check's finding in words (pipelines/gate.py), from the test's name."""
    return gate.worded_warning(_TESTS.get(test_name, {"name": test_name}), rows)


DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
DBT_PROJECT.prepare_if_dev()


@dbt_assets(manifest=MANIFEST, dagster_dbt_translator=LayeredTranslator(), name="dbt_models")
def dbt_models(context: dg.AssetExecutionContext, dbt: DbtCli, greenblue: GreenblueResource):
    """`dbt run`, then `dbt test`, each on one thread, on the working database.

    The run is incremental (docs/incremental.md): pipelines/increments.py plans a full
    refresh or the organizations whose loaded files changed, and records what was built once
    `dbt run` succeeded on every model.

    Two invocations, not `dbt build`: a failing test in `build` skips every model downstream
    of it for every organization. Here all models are built, then all tests run, and their
    failures are recorded per organization in `ops.check_results` for the publication step
    to hold those organizations only. A model that fails to build is a code defect: the step
    fails and nothing is published.

    One thread each: models write (concurrent catalog writes in one DuckDB file can
    conflict), and two tests at once share DuckDB's one memory limit: at 10M air segments two
    large `unique` tests ran out of it together. dbt's unit tests check the SQL, which a run
    does not change: the test suite runs them (tests/test_dbt_unit_tests.py), not every
    night."""
    point_dbt_at_work_db()
    factor_set = greenblue.factor_set()
    variables = json.dumps({"factor_set": factor_set})
    # One target folder beside the working database, kept between runs: dbt re-parses only
    # what changed since the last invocation (the test step reuses the run step's parse).
    target = greenblue.settings().work_db.parent / "dbt"
    models = len(context.selected_asset_keys)
    with greenblue.database() as con:
        fingerprint = increments.fingerprint(con, _MANIFEST, factor_set)
        plan = increments.plan(
            con, fingerprint, full_refresh=context.run.tags.get(FULL_REFRESH_TAG) == "true"
        )
        increments.prepare(con, plan)
    context.log.info(
        ("dbt run: full refresh: " if plan.full_refresh else "dbt run: incremental: ") + plan.reason
    )
    refresh = ["--full-refresh"] if plan.full_refresh else []
    run = dbt.cli(["run", "--vars", variables, *refresh], context=context, target_path=target)
    yield from with_progress(run.stream(), "dbt run: models built", models, context.log.info)
    if context.is_subset:  # some models not built: the next whole run plans the same again
        context.log.info("dbt run: a selection of models; the build state is not recorded")
    else:
        with greenblue.database() as con:
            increments.record(con, fingerprint)
    # the run step's results must never pass for the tests' if `dbt test` stops early
    (target / "run_results.json").unlink(missing_ok=True)
    tests = dbt.cli(
        ["test", "--vars", variables, "--exclude-resource-type", "unit_test"],
        context=context,
        target_path=target,
        raise_on_error=False,
    )
    yield from with_progress(tests.stream(), "dbt test: tests run", DATA_TESTS, context.log.info)
    if tests.process.wait() not in (0, 1):  # 1: tests failed, judged below; else dbt stopped
        raise RuntimeError(f"dbt test stopped before testing (exit {tests.process.returncode})")
    failures, warnings = gate.attribute_dbt_tests_at(
        greenblue.settings().work_db,
        tests.get_artifact("manifest.json"),
        tests.get_artifact("run_results.json"),
        context.run_id,
    )
    for name, by_org in failures.items():
        orgs = ", ".join(o or "no organization" for o in by_org)
        context.log.warning(f"blocking test failed: {name} ({orgs})")
    if warnings:
        context.log.warning("data to follow up: " + "; ".join(warnings))


MART_KEYS = [k for k in dbt_models.keys if k.path[0] == "marts"]
