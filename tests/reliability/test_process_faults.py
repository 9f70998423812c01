"""A run killed (SIGKILL) during load, dbt or publication, then re-run: nothing doubled,
nothing missing, and the served file is a valid warehouse at every moment."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from connectors.generate import generate
from pipelines import warehouse

pytestmark = pytest.mark.slow

MARTS = (
    "select * from marts.fct_emissions order by emission_id",
    "select * from marts.org_emissions_annual order by all",
    "select * from marts.fct_emission_sources order by all",
)


def env_for(root: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(root / "wh" / "greenblue.duckdb"),
        "GREENBLUE_PSEUDONYM_KEY": "fault-key",
    }


def run(env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def marts(served: Path) -> list[list[tuple]]:
    con = duckdb.connect(str(served), read_only=True)
    try:
        return [con.execute(q).fetchall() for q in MARTS]
    finally:
        con.close()


def kill_when(env: dict[str, str], marker: str, sig: int = signal.SIGKILL) -> str:
    """Start a run and send `sig` when `marker` shows in its log: SIGKILL to its whole
    process group (nothing can clean up), another signal to the run's own process only."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen = []
    for line in process.stderr:
        seen.append(line)
        if marker in line:
            if sig == signal.SIGKILL:
                os.killpg(process.pid, sig)
            else:
                process.send_signal(sig)
            break
    process.stderr.read()
    process.wait(timeout=120)
    if sig == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL, "".join(seen[-20:])
    else:
        assert process.returncode != 0, "a terminated run never reports success"
    return "".join(seen)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("landing")
    generate(root, orgs=2, rows=200, seed=21)
    return root


@pytest.fixture(scope="module")
def clean(tmp_path_factory, landing) -> list[list[tuple]]:
    root = tmp_path_factory.mktemp("clean")
    env = env_for(root, landing)
    assert run(env).returncode == 0
    return marts(root / "wh" / "greenblue.duckdb")


@pytest.mark.parametrize(
    ("marker", "sig"),
    [
        pytest.param("[2/", signal.SIGKILL, id="during-load"),
        pytest.param("Running dbt command", signal.SIGKILL, id="during-dbt"),
        # SIGTERM to the run alone: its dbt child must not outlive it and hold the database.
        pytest.param("Running dbt command", signal.SIGTERM, id="terminated-during-dbt"),
    ],
)
def test_killed_run_then_rerun_equals_a_clean_run(tmp_path, landing, clean, marker, sig):
    env = env_for(tmp_path, landing)
    kill_when(env, marker, sig)
    served = tmp_path / "wh" / "greenblue.duckdb"
    assert not served.exists(), "nothing is published by a killed first run"
    rerun = run(env)
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert marts(served) == clean
    con = duckdb.connect(str(served), read_only=True)
    statuses = con.execute("select status from ops.runs order by started_at").fetchall()
    pending = con.execute(
        "select count(*) from ops.file_manifest where status = 'pending'"
    ).fetchall()
    con.close()
    first = "interrupted" if sig == signal.SIGKILL else "blocked"
    assert statuses == [(first,), ("published",)]
    assert pending == [(0,)]


def test_publication_killed_mid_copy_leaves_the_served_file_valid(tmp_path):
    served = tmp_path / "served" / "greenblue.duckdb"
    work = tmp_path / "work" / "greenblue.duckdb"
    con = warehouse.connect(work)
    con.execute("create table facts as select 1 as version, i from range(1000) t(i)")
    con.close()
    warehouse.publish(work, served)
    con = warehouse.connect(work)
    con.execute(
        "create or replace table facts as select 2 as version, i, "
        "md5(i::varchar) || md5((i + 1)::varchar) as filler from range(6000000) t(i)"
    )
    con.close()

    copier = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from pipelines.warehouse import publish; "
            "publish(Path(sys.argv[1]), Path(sys.argv[2]))",
            str(work),
            str(served),
        ],
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(served.parent.glob(".*.tmp")) and time.monotonic() < deadline:
        time.sleep(0.005)
    os.killpg(copier.pid, signal.SIGKILL)
    copier.wait(timeout=30)

    reader = duckdb.connect(str(served), read_only=True)
    versions = reader.execute("select distinct version from facts").fetchall()
    reader.close()
    assert versions in ([(1,)], [(2,)]), "the served file is the old or the new one, whole"

    warehouse.publish(work, served)
    assert not list(served.parent.glob(".*.tmp")), "the next publication removes leftovers"
    reader = duckdb.connect(str(served), read_only=True)
    assert reader.execute("select distinct version from facts").fetchall() == [(2,)]
    reader.close()
