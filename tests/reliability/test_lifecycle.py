"""The run lifecycle: files that change under a run wait, the schedule and the sensor ask
what `greenblue run` asks, a run started without the CLI holds the lock and records a
blocked run, and a failing disk ends in one clear line."""

import resource
import shutil
import subprocess
import sys
import textwrap

import dagster as dg
import pytest

from connectors.landing import scan
from connectors.organizations import load_registry
from pipelines import database, manifest, raw_load
from pipelines.automation import new_landing_files, nightly_schedule
from pipelines.settings import load_settings
from samples import generate
from tests.builders.landing import KEY, ROOT, Run

pytestmark = pytest.mark.slow
ORG = "UNEP"  # the organization the sample generator writes first


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Run:
    """One organization's landing folder, published once; one fuel file held back."""
    root = tmp_path_factory.mktemp("lifecycle")
    landing = root / "landing"
    generate(landing, orgs=1, rows=100, seed=5)
    fuel = sorted((landing / ORG / "fuel").iterdir())
    for late in fuel[-2:]:
        shutil.move(late, root / late.name)
    run = Run(root, landing).run()
    assert run.returncode == 0, run.stderr[-3000:]
    return run


def plan_then(run: Run, change) -> list[tuple]:
    """Plan the landing folder as a run does, `change` it, then load: the race of a file
    deleted or still being written between planning and loading, made deterministic."""
    settings = load_settings(run.env)
    registry = load_registry(settings.orgs)
    with database.session(run.work_db) as con:
        manifest.plan(con, scan(settings.landing, settings.orgs, registry), "race", print)
        change()
        for dialect in ("fuelcard_csv", "generator_fuel_log_xlsx"):
            raw_load.load_pending(con, settings.landing, dialect, KEY.encode(), "race", print)
        return con.execute(
            "select relative_path, status, message from ops.file_manifest "
            "where status in ('waiting', 'pending') order by 1"
        ).fetchall()


def test_a_file_deleted_or_rewritten_after_planning_waits_then_loads(published):
    run = published
    late = sorted(run.root.glob("*.*"))
    target = run.landing / ORG / "fuel"
    for f in late:
        shutil.copy(f, target / f.name)
    deleted, rewritten = (target / f.name for f in late)

    def race():
        deleted.unlink()
        rewritten.write_bytes(rewritten.read_bytes() + b"\n")

    waiting = plan_then(run, race)
    assert [(r[0].rsplit("/", 1)[1], r[1]) for r in waiting] == [
        (deleted.name, "waiting"),
        (rewritten.name, "waiting"),
    ]
    reasons = {r[0].rsplit("/", 1)[1]: r[2] for r in waiting}
    assert "not readable after planning" in reasons[deleted.name]
    assert "changed after planning" in reasons[rewritten.name]

    shutil.copy(late[0], deleted)  # delivered again; the rewritten one is complete now
    again = run.run()
    assert again.returncode == 0, again.stderr[-3000:]
    statuses = run.query(
        "select relative_path, status from ops.file_manifest where relative_path in (?, ?)",
        [f"{ORG}/fuel/{deleted.name}", f"{ORG}/fuel/{rewritten.name}"],
    )
    assert sorted(s for _, s in statuses) == ["loaded", "loaded"]
    assert run.query("select count(*) from ops.file_manifest where status = 'waiting'") == [(0,)]


def test_the_schedule_and_the_sensor_skip_with_the_lifecycles_reasons(published, monkeypatch):
    run = published
    for name, value in run.env.items():
        if name.startswith("GREENBLUE_"):
            monkeypatch.setenv(name, value)
    instance = dg.DagsterInstance.ephemeral()
    assert run.run().returncode == 0  # nothing new since the last published run?
    schedule = nightly_schedule(dg.build_schedule_context(instance=instance))
    assert isinstance(schedule, dg.SkipReason)
    assert "nothing new since run" in schedule.skip_message

    monkeypatch.setenv("GREENBLUE_LANDING", str(run.root / "missing"))
    sensor = new_landing_files(dg.build_sensor_context(instance=instance))
    assert isinstance(sensor, dg.SkipReason)
    assert "landing folder" in sensor.skip_message and "does not exist" in sensor.skip_message

    monkeypatch.setenv("GREENBLUE_LANDING", str(run.landing))
    monkeypatch.setenv("GREENBLUE_ORGS", str(run.root / "missing.yaml"))
    sensor = new_landing_files(dg.build_sensor_context(instance=instance))
    assert "registry" in sensor.skip_message

    monkeypatch.delenv("GREENBLUE_ORGS")
    (run.landing / ORG / "fuel" / "new.csv").write_text("x")
    try:
        sensor = new_landing_files(dg.build_sensor_context(instance=instance))
        assert isinstance(sensor, dg.RunRequest)
    finally:
        (run.landing / ORG / "fuel" / "new.csv").unlink()


JOB_WITHOUT_CLI = textwrap.dedent(
    """
    import dagster as dg
    from pipelines.definitions import defs
    result = defs.get_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False
    )
    print("RUN", result.run_id, result.success, flush=True)
    """
)


def test_a_run_the_daemon_starts_takes_the_lock_and_records_why_it_was_blocked(published):
    """The job as the schedule or sensor launch it (no CLI): the resource holds the lock,
    and a failed step records the run `blocked` with the step and the error."""
    run = published
    # dbt is pointed at a target its profile lacks: the dbt step fails after the run began.
    done = subprocess.run(
        [sys.executable, "-c", JOB_WITHOUT_CLI],
        env={**run.env, "DBT_TARGET": "no-such-target"},
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RUN"))
    _, run_id, success = line.split()
    assert success == "False"
    status = run.work_query("select status, message from ops.runs where run_id = ?", [run_id])
    assert status and status[0][0] == "blocked", done.stderr[-3000:]
    assert "step failed" in status[0][1]

    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from pipelines import database\n"
            "with database.run_lock(Path(sys.argv[1])):\n"
            "    print('locked', flush=True); sys.stdin.readline()",
            str(run.work_db.parent),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        done = subprocess.run(
            [sys.executable, "-c", JOB_WITHOUT_CLI],
            env=run.env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=600,
        )
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert "RUN" in done.stdout and " False" in done.stdout
    assert "another greenblue run holds" in done.stdout + done.stderr


def test_a_full_disk_ends_in_one_clear_line_and_publishes_nothing(tmp_path, published):
    """Writes beyond a file-size limit fail as on a full disk (EFBIG; Python ignores
    SIGXFSZ): the run exits 1 and ends in one line, the served file untouched."""
    run = Run(tmp_path, published.landing)
    limit = 3 * 1024 * 1024

    def small_disk():
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    done = subprocess.run(
        [sys.executable, "-m", "pipelines.cli", "run"],
        env=run.env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        preexec_fn=small_disk,
    )
    assert done.returncode == 1, done.stdout[-2000:] + done.stderr[-2000:]
    # The run's log above keeps the failing step's details for engineers; what the
    # operator reads last is one line, never a traceback of the command itself.
    last = done.stderr.strip().splitlines()[-1]
    assert last.startswith("greenblue") and ("BLOCKED" in last or "Error" in last)
    assert not run.served.exists()


def test_published_figures_hold_only_runs_that_were_served(published):
    run = published
    unserved = run.work_query(
        "select count(*) from ops.published_figures where run_id not in "
        "(select run_id from ops.runs where status = 'published')"
    )
    assert unserved == [(0,)]
    served_runs = {r[0] for r in run.query("select distinct run_id from ops.published_figures")}
    published_runs = {
        r[0] for r in run.query("select run_id from ops.runs where status = 'published'")
    }
    assert served_runs <= published_runs
