"""A run killed (SIGKILL) during load, dbt or publication, then re-run: nothing doubled,
nothing missing, and the served file is a valid warehouse at every moment."""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines import database, publication
from tests.builders.landing import emission_marts, generated_landing, greenblue

pytestmark = pytest.mark.slow


def env_for(root: Path, landing: Path) -> dict[str, str]:
    return {
        **os.environ,
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(root / "wh" / "greenblue.duckdb"),
        "GREENBLUE_PSEUDONYM_KEY": "fault-key",
    }


def children_of(pid: int) -> list[str]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(stat.parent.name)
    return found


def running(pid: str) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False


def kill_when(env: dict[str, str], marker: str, sig: int = signal.SIGKILL) -> str:
    """Start a run and send `sig` to the run's own process when `marker` shows in its log.
    After a SIGKILL (nothing can clean up) no child of the run may still be running: dbt
    dies with its parent."""
    process = subprocess.Popen(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    seen = []
    children = []
    for line in process.stderr:
        seen.append(line)
        if marker in line:
            children = children_of(process.pid)
            process.send_signal(sig)
            break
    process.stderr.read()
    process.wait(timeout=120)
    if sig == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL, "".join(seen[-20:])
        deadline = time.monotonic() + 10
        while any(running(c) for c in children) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not [c for c in children if running(c)], "a child outlived the killed run"
    else:
        assert process.returncode != 0, "a terminated run never reports success"
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)  # whatever is left, so the test cleans up
    return "".join(seen)


@pytest.fixture(scope="module")
def landing(tmp_path_factory) -> Path:
    return generated_landing(tmp_path_factory.mktemp("landing"), rows=200)


@pytest.fixture(scope="module")
def published(tmp_path_factory, landing) -> dict[str, str]:
    """A workspace after one clean run: its environment."""
    env = env_for(tmp_path_factory.mktemp("clean"), landing)
    assert greenblue(env, "run").returncode == 0
    return env


@pytest.fixture(scope="module")
def clean(published) -> list[list[tuple]]:
    return emission_marts(Path(published["GREENBLUE_WAREHOUSE"]))


def work_db(env: dict[str, str]) -> Path:
    served = Path(env["GREENBLUE_WAREHOUSE"])
    return served.parent / ".work" / served.name


@pytest.mark.parametrize(
    ("marker", "sig"),
    [
        # the progress lines `greenblue run` prints (pipelines/progress.py): after the first
        # dialect's files, while the others load; a tenth into `dbt run`; at publication
        pytest.param("files loaded (", signal.SIGKILL, id="during-load"),
        pytest.param("dbt run: models built", signal.SIGKILL, id="during-dbt"),
        pytest.param("writing the served file", signal.SIGKILL, id="during-publication"),
        # SIGTERM to the run alone: its dbt child must not outlive it and hold the database.
        pytest.param("dbt run: models built", signal.SIGTERM, id="terminated-during-dbt"),
    ],
)
def test_killed_run_then_rerun_equals_a_clean_run(tmp_path, landing, clean, marker, sig):
    env = env_for(tmp_path, landing)
    kill_when(env, marker, sig)
    served = tmp_path / "wh" / "greenblue.duckdb"
    if served.exists():  # killed after the swap: the file in place is the whole new one
        assert emission_marts(served) == clean
    rerun = greenblue(env, "run")
    assert rerun.returncode == 0, rerun.stderr[-3000:]
    assert emission_marts(served) == clean
    con = duckdb.connect(str(served), read_only=True)
    statuses = con.execute("select status from ops.runs order by started_at").fetchall()
    pending = con.execute(
        "select count(*) from ops.file_manifest where status in ('pending', 'waiting')"
    ).fetchall()
    con.close()
    first = "interrupted" if sig == signal.SIGKILL else "blocked"
    if statuses[0] == ("published",):  # the publication was complete when it was killed
        assert marker == "writing the served file"
        assert statuses[-1] in (("published",), ("unchanged",))
    else:
        assert statuses == [(first,), ("published",)]
    assert pending == [(0,)]


HOLDER = (
    "import sys, time, duckdb; c = duckdb.connect(sys.argv[1]); "
    "print('holding', flush=True); time.sleep(600)"
)


def test_an_orphan_holding_the_working_database_is_detected_and_stopped(published, clean):
    """A process left over from an earlier run (it carries the working database in its
    environment, as dbt does) still holds the file: the next run stops it and goes on."""
    work = work_db(published)
    orphan = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(work)],
        env={**published, "GREENBLUE_WORK_DB": str(work)},
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert orphan.stdout.readline().strip() == "holding"
        rerun = greenblue(published, "run", "--force")
        assert rerun.returncode == 0, rerun.stderr[-3000:]
        assert orphan.wait(timeout=30) == -signal.SIGKILL
    finally:
        orphan.kill()
    assert emission_marts(Path(published["GREENBLUE_WAREHOUSE"])) == clean


def test_another_process_holding_the_working_database_is_named_in_one_line(published):
    stranger = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(work_db(published))],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert stranger.stdout.readline().strip() == "holding"
        rerun = greenblue({**published, "GREENBLUE_LOCK_WAIT_SECONDS": "1"}, "run", "--force")
    finally:
        stranger.kill()
    assert rerun.returncode == 1
    last = rerun.stderr.strip().splitlines()[-1]
    assert f"held by process {stranger.pid}" in last and "Traceback" not in rerun.stderr


def test_a_run_killed_after_its_swap_is_recorded_published_by_the_next(published, clean):
    """The crash window between the link swap and the run's `published` mark: the next run
    finds the link on that run's file and records it published, not interrupted."""
    served = Path(published["GREENBLUE_WAREHOUSE"])
    con = database.connect(work_db(published))
    run_id = publication.last_published(con)
    con.execute("update ops.runs set status = 'publishing' where run_id = ?", [run_id])
    con.close()
    assert publication.current_run(served) == run_id
    again = greenblue(published, "run")
    assert again.returncode == 0, again.stderr[-3000:]
    con = duckdb.connect(str(work_db(published)), read_only=True)
    status = con.execute("select status from ops.runs where run_id = ?", [run_id]).fetchall()
    con.close()
    assert status == [("published",)]
    assert emission_marts(served) == clean
