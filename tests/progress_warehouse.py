"""A served warehouse built by the real pipeline on 5 organizations over 3 years, once per
test session (once for all workers when modules run in parallel), with the static report
written from it. Shared by the report, browser and
guide tests (pytest's base temp folder holds it; the first test module to ask builds it)."""

import fcntl
import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import yaml

from samples import generate
from tests.builders.landing import query

KEY = "progress-test-key-0123456789"
# Text that must reach the report escaped: a registry name with markup and quotes.
HOSTILE_NAME = 'United Nations Environment Programme <script>alert("x")</script> & <b>co</b>'

# The organization whose registry entry declares DECLARED_YEAR closed (closed_years).
DECLARED_INDEX, DECLARED_ORG, DECLARED_YEAR = 3, "WFP", 2025
# A management file naming a person (rejected) and a training row with an unknown audience
# (left out): each flags its organization's management section, never its emissions.
FLAGGED_MANAGEMENT_ORG, FLAGGED_TRAINING_ORG = "UNICEF", "UNHCR"


@dataclass
class Built:
    landing: Path
    served: Path
    report: Path
    env: dict
    run_output: str

    def query(self, sql: str, params: list | None = None) -> list[tuple]:
        """A query on the served file, as an analyst opens it."""
        return query(self.served, sql, params)


def cli(env: dict, *args: str) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done


def published(base: Path) -> Built:
    # Test modules run in parallel, each worker with its own base folder inside one shared
    # folder: the first worker to ask builds the warehouse there, the others wait for it.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    shared.mkdir(parents=True, exist_ok=True)
    with (shared / "progress.lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return build_once(shared / "progress")


def build_once(root: Path) -> Built:
    landing, served = root / "landing", root / "served" / "greenblue.duckdb"
    env = {
        **os.environ,
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(served),
        "GREENBLUE_PSEUDONYM_KEY": KEY,
    }
    done_marker = root / "built.txt"
    if not done_marker.exists():
        generate(landing, orgs=5, rows=120, seed=7, year=2024, years=3)
        registry = landing / "organizations.yaml"
        doc = yaml.safe_load(registry.read_text(encoding="utf-8"))
        doc["organizations"][0]["name"] = HOSTILE_NAME
        # WFP declares its partial latest year closed: its headline is that year
        assert doc["organizations"][DECLARED_INDEX]["code"] == DECLARED_ORG
        doc["organizations"][DECLARED_INDEX]["closed_years"] = [DECLARED_YEAR]
        registry.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
        flag_management(landing)
        run = cli(env, "run")
        cli(env, "report", "--out", str(root / "report"))
        done_marker.write_text(run.stdout + run.stderr, encoding="utf-8")
    return Built(landing, served, root / "report", env, done_marker.read_text(encoding="utf-8"))


def flag_management(landing: Path) -> None:
    """One organization's management file gets a person's e-mail address; another's training
    count an audience the module does not have."""
    path = landing / "_system" / "management" / f"{FLAGGED_MANAGEMENT_ORG}.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["focal_points"][0]["email"] = "focal.point@example.org"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    with (landing / "_system" / "training" / "completions.csv").open("a", encoding="utf-8") as f:
        f.write(f"{FLAGGED_TRAINING_ORG},2024,everyone,12\n")
