"""When the nightly job runs: every night, and soon after new files land."""

import hashlib

import dagster as dg

from pipelines.fingerprint import landing_lines, unchanged_since
from pipelines.library import current_factor_set
from pipelines.settings import load_settings

NIGHTLY_JOB = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Landing -> raw -> factors -> dbt build -> checks -> publish.",
    executor_def=dg.in_process_executor,
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
    settings = load_settings()
    last = unchanged_since(settings, current_factor_set(settings.factor_set))
    if last is not None:
        return dg.SkipReason(f"nothing new since run {last}: the served warehouse is current")
    return dg.RunRequest()


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
    return dg.RunRequest(run_key=fingerprint)
