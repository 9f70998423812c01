"""What `greenblue run` prints while it works (pipelines/progress.py), through a real Dagster
run: a step's own messages in one short line each, dagster-dbt's notes and Dagster's events
left out, and a failed step with the reason it failed."""

import re
import sys

import dagster as dg
import pytest

from pipelines import progress


@dg.op
def load(context: dg.OpExecutionContext) -> None:
    context.log.info("60 files loaded (10,130 rows, 0 quarantined), 0 rejected, 0 waiting")
    context.log.debug("[1/60] UNDP/travel/a.csv: 184 rows loaded")
    context.log.info("Running dbt command: `dbt run --select fqn:*`.")
    context.log.warning("Logging an `AssetObservation` instead of an `AssetCheckResult` for x")
    context.log.warning("data to follow up: meter readings flagged implausible: 1")


@dg.op
def publish(context: dg.OpExecutionContext) -> None:
    raise FileNotFoundError("landing/UNDP/travel/a.csv vanished")


@dg.job(logger_defs={"progress": progress.progress_logger})
def nightly() -> None:
    load()
    publish()


@pytest.fixture
def lines(capsys, monkeypatch) -> list[str]:
    monkeypatch.setattr(progress, "stream", sys.stderr)
    nightly.execute_in_process(
        raise_on_error=False, run_config={"loggers": {"progress": {"config": {}}}}
    )
    return capsys.readouterr().err.splitlines()


def test_one_short_line_per_message_a_step_logged(lines):
    assert all(re.match(r"\d\d:\d\d:\d\d (load|publish): ", line) for line in lines), lines
    assert lines[0].endswith(
        "load: 60 files loaded (10,130 rows, 0 quarantined), 0 rejected, 0 waiting"
    )
    assert "load: warning: data to follow up: meter readings flagged implausible: 1" in lines[1]


def test_debug_lines_dagster_events_and_dagster_dbt_notes_are_left_out(lines):
    text = "\n".join(lines)
    for hidden in ("[1/60]", "Running dbt command", "AssetObservation", "STEP_START", "Started"):
        assert hidden not in text
    assert len(lines) == 3, lines


def test_a_failed_step_says_why(lines):
    assert lines[-1].endswith(
        'publish: error: Execution of step "publish" failed. '
        "FileNotFoundError: landing/UNDP/travel/a.csv vanished"
    ), lines[-1]
