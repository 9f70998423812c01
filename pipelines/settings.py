"""Configuration, read from environment variables with documented defaults (README)."""

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DBT_PROJECT_DIR = ROOT / "dbt_project"
FACTORS_DIR = ROOT / "factors"

OFFLINE_ENV = {
    "DAGSTER_DISABLE_TELEMETRY": "1",
    "DO_NOT_TRACK": "1",
    "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    "GX_ANALYTICS_ENABLED": "false",
}


class ConfigError(Exception):
    """A setting is missing or wrong; the message names the variable."""


@dataclass(frozen=True)
class Settings:
    landing: Path
    orgs: Path
    warehouse: Path  # the served file analysts open read-only
    workdir: Path  # the pipeline's own working database and run lock
    pseudonym_key: str | None
    factor_set: str | None  # None: the newest set in factors/factor_sets.csv

    @property
    def work_db(self) -> Path:
        # Same file name as the served copy: dbt qualifies names with the catalog, which
        # DuckDB takes from the file name.
        return self.workdir / self.warehouse.name

    @property
    def key_bytes(self) -> bytes:
        if not self.pseudonym_key:
            raise ConfigError(
                "GREENBLUE_PSEUDONYM_KEY is not set: personal fields cannot be pseudonymised. "
                "Set a long random secret and keep it stable between runs."
            )
        return self.pseudonym_key.encode("utf-8")


def load_settings(env: dict[str, str] | None = None) -> Settings:
    env = dict(os.environ if env is None else env)
    landing = Path(env.get("GREENBLUE_LANDING", "landing")).absolute()
    warehouse = Path(env.get("GREENBLUE_WAREHOUSE", "warehouse/greenblue.duckdb")).absolute()
    workdir = Path(env.get("GREENBLUE_WORKDIR", str(warehouse.parent / ".work"))).absolute()
    return Settings(
        landing=landing,
        orgs=Path(env.get("GREENBLUE_ORGS", str(landing / "organizations.yaml"))).absolute(),
        warehouse=warehouse,
        workdir=workdir,
        pseudonym_key=env.get("GREENBLUE_PSEUDONYM_KEY") or None,
        factor_set=env.get("GREENBLUE_FACTOR_SET") or None,
    )


def apply_offline_env() -> None:
    for name, value in OFFLINE_ENV.items():
        os.environ.setdefault(name, value)
