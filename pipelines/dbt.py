"""The dbt project as Dagster assets: staging -> intermediate -> marts, keyed by schema."""

import json
import os
import subprocess
import sys
from collections.abc import Mapping
from typing import Any

import dagster as dg
from dagster_dbt import DagsterDbtTranslator, DbtCliResource, DbtProject, dbt_assets

from pipelines.resources import GreenblueResource
from pipelines.settings import DBT_PROJECT_DIR, apply_offline_env, load_settings

OWNER = "team:greenblue-data"
MANIFEST = DBT_PROJECT_DIR / "target" / "manifest.json"
# The dbt installed beside this Python, so runs work without an activated environment.
DBT_EXECUTABLE = os.path.join(os.path.dirname(sys.executable), "dbt")


def point_dbt_at_work_db() -> None:
    """dbt's profile reads the working database path from GREENBLUE_WORK_DB."""
    apply_offline_env()
    os.environ["GREENBLUE_WORK_DB"] = str(load_settings().work_db)


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
    point_dbt_at_work_db()
    subprocess.run(
        [
            DBT_EXECUTABLE,
            "parse",
            "--quiet",
            "--project-dir",
            str(DBT_PROJECT_DIR),
            "--profiles-dir",
            str(DBT_PROJECT_DIR),
        ],
        check=True,
    )


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


point_dbt_at_work_db()
prepare_manifest()
DBT_PROJECT = DbtProject(project_dir=DBT_PROJECT_DIR, profiles_dir=DBT_PROJECT_DIR)
DBT_PROJECT.prepare_if_dev()


@dbt_assets(manifest=MANIFEST, dagster_dbt_translator=LayeredTranslator(), name="dbt_models")
def dbt_models(
    context: dg.AssetExecutionContext, dbt: DbtCliResource, greenblue: GreenblueResource
):
    """`dbt build` (models and their tests) against the working database, one thread."""
    point_dbt_at_work_db()
    variables = json.dumps({"factor_set": greenblue.factor_set()})
    yield from dbt.cli(["build", "--vars", variables], context=context).stream()


MART_KEYS = [k for k in dbt_models.keys if k.path[0] == "marts"]
