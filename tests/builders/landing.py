"""Landing folders (files under `<org>/<domain>/`, the organization registry) and the pipeline
run on them: `greenblue run` in a subprocess as the scheduler starts it, or the real loaders
and dbt build for a test that needs only the marts."""

import os
import subprocess
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import duckdb
import yaml

KEY = "reliability-pseudonym-key-0123456789"
ROOT = Path(__file__).resolve().parents[2]
# Marts with an org_code whose rows a held organization keeps from one publication to the next.
ORG_MARTS = (
    "fct_emissions",
    "org_emissions_annual",
    "org_completeness",
    "travel_indicators",
    "fct_procurement_lines",
    "org_procurement_annual",
)

# The marts a faulted run, once rerun, must serve exactly as a clean run does.
EMISSION_MARTS = (
    "select * from marts.fct_emissions order by emission_id",
    "select * from marts.org_emissions_annual order by all",
    "select * from marts.fct_emission_sources order by all",
)

REGISTRY = """organizations:
  - code: UNEP
    name: United Nations Environment Programme
    country: KE
    currency: USD
    headcount: {2023: 1270, 2024: 1302}
"""


# UNEP's registry entry with a baseline and a target (docs/contract.md section 1).
UNEP_ENTRY = """\
  - code: UNEP
    name: United Nations Environment Programme
    country: KE
    currency: USD
    headcount: {2023: 1270, 2024: 1302}
    baseline_year: 2019
    targets:
      - {scope: all, year: 2030, reduction_pct: 45}
"""


def write_registry(landing: Path) -> Path:
    """A registry naming UNEP alone, with its headcount of two years."""
    landing.mkdir(parents=True, exist_ok=True)
    path = landing / "organizations.yaml"
    path.write_text(REGISTRY)
    return path


def registry_yaml(orgs: Mapping[str, str] | Sequence[str]) -> str:
    """The organization registry for `code -> name` (docs/contract.md section 1); a list of
    codes names each `<code> test`."""
    names = orgs if isinstance(orgs, Mapping) else {code: f"{code} test" for code in orgs}
    entries = [
        {"code": code, "name": name, "country": "KE", "currency": "USD", "headcount": {2024: 100}}
        for code, name in names.items()
    ]
    return yaml.safe_dump({"organizations": entries}, allow_unicode=True, sort_keys=False)


def write_landing(
    landing: Path, orgs: Mapping[str, str] | Sequence[str], files: Mapping[str, bytes]
) -> Path:
    """`files` by path under `landing`, and a registry naming `orgs`."""
    landing.mkdir(parents=True, exist_ok=True)
    (landing / "organizations.yaml").write_text(registry_yaml(orgs), encoding="utf-8")
    for relative, data in files.items():
        path = landing / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return landing


def greenblue(env: Mapping[str, str], *args: str) -> subprocess.CompletedProcess:
    """`greenblue <args>` in a subprocess from the repository root, as an operator types it."""
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )


@dataclass
class Run:
    """One `greenblue run` in a subprocess, as the scheduler starts it."""

    root: Path
    landing: Path
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None

    @property
    def served(self) -> Path:
        return self.root / "wh" / "greenblue.duckdb"

    @property
    def log(self) -> str:
        return (self.served.parent / ".work" / "logs" / "last-run.log").read_text()

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "GREENBLUE_LANDING": str(self.landing),
            "GREENBLUE_WAREHOUSE": str(self.served),
            "GREENBLUE_PSEUDONYM_KEY": KEY,
        }

    def command(self, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        """`greenblue <args>` from the repository root, as an operator types it."""
        return greenblue(env or self.env, *args)

    def run(self) -> "Run":
        done = self.command("run")
        self.stdout, self.stderr, self.returncode = done.stdout, done.stderr, done.returncode
        return self

    @property
    def work_db(self) -> Path:
        """The pipeline's working database: raw, staging and intermediate live only here."""
        return self.served.parent / ".work" / self.served.name

    def query(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        """A query on the served file, as an analyst opens it."""
        return query(self.served, sql, params)

    def served_rows(self, org: str) -> dict[str, list[tuple]]:
        """An organization's rows in the served marts (and the sources behind its figures,
        and its registry row), to compare one publication with the next."""
        served = {
            table: self.query(f"select * from marts.{table} where org_code = ? order by all", [org])
            for table in ORG_MARTS
        }
        served["fct_emission_sources"] = self.query(
            "select s.* from marts.fct_emission_sources as s join marts.fct_emissions as e "
            "using (emission_id) where e.org_code = ? order by all",
            [org],
        )
        served["ops.organizations"] = self.query(
            "select * from ops.organizations where org_code = ?", [org]
        )
        return served

    def work_query(self, sql: str, params: Sequence | None = None) -> list[tuple]:
        """A query on the working database (between runs)."""
        return query(self.work_db, sql, params)


def assert_rows_kept(before: dict[str, list[tuple]], after: dict[str, list[tuple]]) -> None:
    """An organization held back by a run serves exactly the rows it served before
    (`Run.served_rows` of both publications); it had rows to keep."""
    assert before["fct_emissions"], "the held organization had published rows"
    for table in before:
        assert after[table] == before[table], f"{table} changed for the held organization"


def text_values(db: Path, schemas: Sequence[str]) -> list[str]:
    """Every distinct non-empty VARCHAR value of every table in `schemas`."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        columns = con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "where list_contains(?, table_schema) and data_type = 'VARCHAR'",
            [list(schemas)],
        ).fetchall()
        return [
            v
            for s, t, c in columns
            for (v,) in con.execute(
                f'select distinct "{c}" from {s}."{t}" where "{c}" <> \'\''
            ).fetchall()
        ]
    finally:
        con.close()


def emission_marts(served: Path) -> list[list[tuple]]:
    """The rows of EMISSION_MARTS, read in one connection."""
    con = duckdb.connect(str(served), read_only=True)
    try:
        return [con.execute(q).fetchall() for q in EMISSION_MARTS]
    finally:
        con.close()


def generated_landing(root: Path, rows: int, seed: int = 21) -> Path:
    """The sample writer's landing folder of two organizations."""
    from samples import generate

    generate(root, orgs=2, rows=rows, seed=seed)
    return root


def query(path: Path, sql: str, params: Sequence | None = None) -> list[tuple]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params or [])).fetchall()
    finally:
        con.close()


def build_marts(root: Path, landing: Path, select: str | None = None) -> Path:
    """Load `landing` with the real assets and build every dbt model and data test (or only
    those of the dbt `select` expression, to keep a test that needs one mart quick).

    Returns the working database. Runs in a subprocess so the environment (landing,
    warehouse, key) is the one a nightly run would have.
    """
    env = {
        **os.environ,
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(root / "wh" / "greenblue.duckdb"),
        "GREENBLUE_PSEUDONYM_KEY": "procurement-test-key",
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    load = (
        "import dagster as dg\n"
        "from pipelines.assets import RAW_ASSETS, airports, currency_rates, factor_library,"
        " landing, places, success_stories\n"
        "from pipelines.resources import GreenblueResource\n"
        "result = dg.materialize([landing, *RAW_ASSETS, factor_library, airports, places,"
        " currency_rates, success_stories], resources={'greenblue': GreenblueResource()})\n"
        "assert result.success\n"
    )
    subprocess.run([sys.executable, "-c", load], env=env, cwd=ROOT, check=True,
                   capture_output=True)  # fmt: skip
    work_db = root / "wh" / ".work" / "greenblue.duckdb"
    selection = ["--select", select, "--indirect-selection", "cautious"] if select else []
    done = dbt(work_db, root, "build", "--exclude", "test_type:unit", *selection, env=env)
    assert done.returncode == 0, done.stdout[-4000:]
    return work_db


def dbt(
    work_db: Path, folder: Path, *args: str, env: Mapping[str, str] | None = None, timeout=None
) -> subprocess.CompletedProcess:
    """dbt, the one beside this Python, on `work_db` through the project's own profile, with
    its target and logs in `folder` (`target/`, `logs/`), so tests never share dbt's files."""
    project = str(ROOT / "dbt_project")
    return subprocess.run(
        [
            str(Path(sys.executable).with_name("dbt")), *args,
            "--project-dir", project, "--profiles-dir", project,
            "--target-path", str(folder / "target"), "--log-path", str(folder / "logs"),
        ],
        env={
            **(os.environ if env is None else env),
            "GREENBLUE_WORK_DB": str(work_db),
            "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )  # fmt: skip
