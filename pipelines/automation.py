"""When the nightly job runs: every night, and soon after new files land.

Both ask the run lifecycle (pipelines/lifecycle.py) first, as `greenblue run` does: no run
starts without a landing folder and registry, while another run holds the lock, or when
nothing changed since the last published run. The job's failure hook records a blocked run
whoever started it.
"""

import hashlib

import dagster as dg

from pipelines.fingerprint import landing_lines
from pipelines.lifecycle import on_failure, skip_reason
from pipelines.settings import load_settings

NIGHTLY_JOB = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Landing -> raw -> factors -> dbt run and test -> hold or publish each "
    "organization.",
    executor_def=dg.in_process_executor,
    hooks={on_failure},
)


@dg.schedule(
    name="nightly_schedule",
    job=NIGHTLY_JOB,
    cron_schedule="0 2 * * *",
    execution_timezone="UTC",
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Every night at 02:00 UTC, unless nothing changed since the last published run.",
)
def nightly_schedule(context: dg.ScheduleEvaluationContext):
    reason = skip_reason(load_settings())
    return dg.SkipReason(reason) if reason else dg.RunRequest()


def landing_fingerprint() -> str:
    """Paths, sizes and modification times of the landing folder: cheap, no file is read."""
    lines = landing_lines(load_settings().landing)
    return hashlib.sha256("".join(lines).encode()).hexdigest()


@dg.sensor(
    job=NIGHTLY_JOB,
    minimum_interval_seconds=300,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description="Starts the nightly job when files in the landing folder change.",
)
def new_landing_files(context: dg.SensorEvaluationContext):
    reason = skip_reason(load_settings(), unchanged=False)
    if reason:
        return dg.SkipReason(reason)
    fingerprint = landing_fingerprint()
    if fingerprint == context.cursor:
        return dg.SkipReason("no change in the landing folder")
    in_progress = context.instance.get_runs(
        filters=dg.RunsFilter(
            job_name=NIGHTLY_JOB.name,
            statuses=[dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.QUEUED],
        ),
        limit=1,
    )
    if in_progress:
        return dg.SkipReason("a run is in progress; the change is picked up after it")
    context.update_cursor(fingerprint)
    reason = skip_reason(load_settings())
    return dg.SkipReason(reason) if reason else dg.RunRequest(run_key=fingerprint)
