"""Fault-matrix families 5 (second part) and 6: runs and readers at the same time.

5b. Two `greenblue run` started at the same moment on one configuration: exactly one
    publishes; the other exits non-zero at once with a message naming the lock file, leaves
    no trace in the warehouse, and the served warehouse equals a clean run of the same files.
6.  Analysts reading the served file read-only from other processes during a whole nightly
    run that changes the data: the run completes, and every reader sees the old state or the
    new one, whole and self-consistent, never a mix or an error; a connection held open
    through the swap goes on reading the old state.

The state a reader sees is, within one connection: the latest published run in `ops.runs`,
the rows and kg CO2e of `marts.fct_emissions`, and the t CO2e of `marts.org_emissions_annual`
(which must add up to the same kg). Run as a script, this module is such a reader; it then
imports nothing of greenblue, as an analyst's session would not.
"""

import json
import os
import shutil
import subprocess
import sys
import time
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
STATE = """
select
    (select max_by(run_id, finished_at) from ops.runs where status = 'published'),
    (select count(*) from marts.fct_emissions),
    (select coalesce(sum(kg_co2e::decimal(38, 12)), 0) from marts.fct_emissions),
    (select coalesce(sum(t_co2e::decimal(38, 12)), 0) from marts.org_emissions_annual)
"""
# An analyst's query that keeps one connection busy for a while on a small warehouse.
LONG_QUERY = """
select e.org_code, e.activity_type, count(*), sum(hash(s.source_row, i) % 1000)
from marts.fct_emissions e
join marts.fct_emission_sources s using (emission_id), range(50000) t(i)
group by all
"""
READER_TIMEOUT = 60
PAUSE = {"hold": 1.0, "reopen": 0.2}  # seconds between observations


# --- the reader process ---------------------------------------------------------------------


def observe(con: duckdb.DuckDBPyConnection) -> dict:
    """The state one connection sees, and whether its figures agree with each other."""
    run_id, rows, kg, t = con.execute(STATE).fetchone()
    consistent = abs(kg - t * 1000) <= Decimal("0.001")  # a gram: t CO2e is a double
    return {"state": [run_id, rows, str(kg)], "t_co2e": str(t), "consistent": consistent}


def read_until_stopped(role: str, served: Path, stop: Path, out: Path) -> None:
    """`reopen`: open, observe, close, again; `hold`: one connection, long queries, observe.

    Each observation is a JSON line in `out`; the last one is made after `stop` appeared.
    """
    held = open_served(served) if role == "hold" else None
    with out.open("w") as sink:
        while True:
            stopping = stop.exists()
            try:
                observation = hold_once(held) if held else reopen_once(served)
            except duckdb.Error as exc:
                observation = {"error": f"{type(exc).__name__}: {exc}"}
            sink.write(json.dumps(observation) + "\n")
            sink.flush()
            if stopping:
                break
            time.sleep(PAUSE[role])
    if held:
        held.close()


def open_served(served: Path) -> duckdb.DuckDBPyConnection:
    """As an analyst opens it: read-only, one thread (the run needs the others)."""
    return duckdb.connect(str(served), read_only=True, config={"threads": 1})


def hold_once(con: duckdb.DuckDBPyConnection) -> dict:
    con.execute(LONG_QUERY).fetchall()
    return observe(con)


def reopen_once(served: Path) -> dict:
    con = open_served(served)
    try:
        return observe(con)
    finally:
        con.close()


# --- runs -------------------------------------------------------------------------------------


def env_for(workspace: Path, landing: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DAGSTER_HOME"}
    return env | {
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(served_path(workspace)),
        "GREENBLUE_PSEUDONYM_KEY": "concurrency-key",
    }


def served_path(workspace: Path) -> Path:
    return workspace / "wh" / "greenblue.duckdb"


def lock_path(workspace: Path) -> Path:
    return workspace / "wh" / ".work" / "run.lock"


def start_run(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> subprocess.CompletedProcess:
    stdout, stderr = process.communicate(timeout=900)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


def served_state(served: Path) -> dict:
    con = duckdb.connect(str(served), read_only=True)
    try:
        return observe(con)
    finally:
        con.close()


def start_reader(role: str, served: Path, stop: Path, out: Path) -> subprocess.Popen:
    """A reader in its own process; returns once it has made its first observation."""
    process = subprocess.Popen(
        [sys.executable, __file__, role, str(served), str(stop), str(out)], cwd=ROOT
    )
    deadline = time.monotonic() + READER_TIMEOUT
    while not (out.exists() and out.read_text().strip()):
        assert process.poll() is None, f"{role} reader ended early ({process.returncode})"
        assert time.monotonic() < deadline, f"{role} reader made no observation"
        time.sleep(0.05)
    return process


def observations(process: subprocess.Popen, out: Path) -> list[dict]:
    assert process.wait(timeout=READER_TIMEOUT) == 0
    return [json.loads(line) for line in out.read_text().splitlines()]


# --- fixtures ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    from tests.builders.landing import generated_landing

    return generated_landing(tmp_path_factory.mktemp("landing"), rows=40)


@pytest.fixture(scope="module")
def late_file(tmp_path_factory, landing) -> tuple[Path, str]:
    """A fuel-card file of one of the landing's organizations, generated with another seed,
    and the relative path it arrives at."""
    from samples import generate

    other = tmp_path_factory.mktemp("later")
    generate(other, orgs=2, rows=40, seed=22)
    source = sorted(other.glob("*/fuel/*.csv"))[0]
    org = source.parent.parent.name
    assert (landing / org).is_dir()
    return source, f"{org}/fuel/Late_{source.name}"


@pytest.fixture(scope="module")
def contended(tmp_path_factory, landing) -> dict:
    """Two runs started at once on one workspace, beside a clean run of the same folder."""
    workspace = tmp_path_factory.mktemp("contended")
    clean = tmp_path_factory.mktemp("clean")
    shared = env_for(workspace, landing)
    pair = [start_run(shared), start_run(shared)]
    reference = start_run(env_for(clean, landing))
    while all(p.poll() is None for p in pair):
        time.sleep(0.1)
    first = next(i for i, p in enumerate(pair) if p.poll() is not None)
    other_was_running = pair[1 - first].poll() is None
    runs = [finish(p) for p in pair]
    clean_run = finish(reference)
    assert clean_run.returncode == 0, clean_run.stderr[-3000:]
    return {
        "workspace": workspace,
        "refused": runs[first],
        "published": runs[1 - first],
        "other_was_running": other_was_running,
        "clean": served_path(clean),
    }


@pytest.fixture(scope="module")
def read_during_run(tmp_path_factory, landing, late_file, contended) -> dict:
    """The next night on the contended workspace: a file arrived, two readers throughout."""
    served = served_path(contended["workspace"])
    source, relative = late_file
    shutil.copy2(source, landing / relative)
    old = served_state(served)
    folder = tmp_path_factory.mktemp("readers")
    stop = folder / "stop"
    readers = {}
    try:
        for role in ("hold", "reopen"):
            out = folder / f"{role}.jsonl"
            readers[role] = (start_reader(role, served, stop, out), out)
        run = finish(start_run(env_for(contended["workspace"], landing)))
    finally:
        stop.touch()
    seen = {role: observations(p, out) for role, (p, out) in readers.items()}
    return {"run": run, "old": old, "new": served_state(served), "seen": seen}


# --- 5b: two runs at once ---------------------------------------------------------------------


def test_two_runs_at_once_one_publishes_the_other_is_refused_naming_the_lock(contended):
    refused, published = contended["refused"], contended["published"]
    assert contended["other_was_running"], "the refused run ended while the other one ran"
    assert published.returncode == 0, published.stderr[-3000:]
    assert "published" in published.stdout
    assert refused.returncode != 0
    lock = lock_path(contended["workspace"])
    message = f"greenblue: another greenblue run holds {lock}; wait for it to finish"
    assert refused.stderr.strip() == message, "one clear line, no traceback"
    assert refused.stdout == ""


def test_the_refused_run_leaves_no_trace_and_the_served_warehouse_equals_a_clean_run(contended):
    served = served_path(contended["workspace"])
    con = duckdb.connect(str(served), read_only=True)
    statuses = con.execute("select status from ops.runs").fetchall()
    con.close()
    assert statuses == [("published",)], "the refused run recorded nothing"
    from tests.builders.landing import emission_marts

    assert emission_marts(served) == emission_marts(contended["clean"])


# --- 6: readers during a run ------------------------------------------------------------------


def test_readers_do_not_block_a_run_that_changes_the_data(read_during_run):
    run = read_during_run["run"]
    assert run.returncode == 0, run.stderr[-3000:]
    old, new = read_during_run["old"], read_during_run["new"]
    assert old["consistent"] and new["consistent"]
    assert old["state"][0] != new["state"][0], "a new run was published"
    assert old["state"][1:] != new["state"][1:], "the new file changed the figures"


def test_a_reader_reopening_the_file_sees_the_old_or_the_new_state_never_a_mix(read_during_run):
    seen = read_during_run["seen"]["reopen"]
    known = [read_during_run["old"]["state"], read_during_run["new"]["state"]]
    assert len(seen) >= 10, f"{len(seen)} observations: it read during the whole run"
    assert not [o for o in seen if "error" in o], [o for o in seen if "error" in o][:3]
    assert all(o["consistent"] for o in seen)
    assert [o for o in seen if o["state"] not in known] == []
    assert seen[0]["state"] == known[0] and seen[-1]["state"] == known[1], "it saw the swap"
    switches = sum(a["state"] != b["state"] for a, b in pairwise(seen))
    assert switches == 1, "once new, it never sees the old state again"


def test_a_connection_held_through_the_run_keeps_reading_the_old_state(read_during_run):
    seen = read_during_run["seen"]["hold"]
    assert not [o for o in seen if "error" in o], [o for o in seen if "error" in o][:3]
    assert len(seen) >= 3, f"{len(seen)} observations: its long queries ran during the run"
    assert all(o["consistent"] for o in seen)
    assert {tuple(o["state"]) for o in seen} == {tuple(read_during_run["old"]["state"])}


if __name__ == "__main__":
    read_until_stopped(sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]), Path(sys.argv[4]))
