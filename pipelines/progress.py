"""What `greenblue run` prints while it works: the steps' own messages, one short line each.

Dagster's event chatter (step started, output handled, ...) is left out, as are the per-file
lines the load logs at debug level; the run's log file keeps everything.
"""

import logging
import sys
import time

import dagster as dg

# Where the lines go: `greenblue run` sets its terminal here before it sends everything else
# on stderr (Dagster's own log, library warnings) to the run's log file.
stream = sys.stderr
# dagster-dbt's own notes: how it invokes dbt (our `n/N` lines say the progress) and each
# dbt test it records as an observation (source tests, tests over several models), which is
# not a finding: the gate judges every test's result (pipelines/gate.py).
DBT_NOTES = (
    "A dbt subsetted execution is not being performed",
    "Copying `",
    "Running dbt command",
    "Finished dbt command",
    "Logging an `AssetObservation` instead of an `AssetCheckResult`",
)


class OwnMessages(logging.Filter):
    """Messages a step logged itself, and step failures; no other Dagster event."""

    def filter(self, record: logging.LogRecord) -> bool:
        meta = getattr(record, "dagster_meta", None) or {}
        event = meta.get("dagster_event")
        if event is not None:
            return event.is_step_failure
        return not str(meta.get("orig_message", "")).startswith(DBT_NOTES)


class ShortLine(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        meta = getattr(record, "dagster_meta", None) or {}
        step = meta.get("step_key") or "run"
        message = meta.get("orig_message") or record.getMessage()
        event = meta.get("dagster_event")
        error = getattr(getattr(event, "event_specific_data", None), "error", None)
        while getattr(error, "cause", None) is not None:  # Dagster's wrapper: its cause says why
            error = error.cause
        if error is not None:  # a failed step; the traceback is in the log file
            message += " " + error.message.strip()
        level = "" if record.levelno < logging.WARNING else record.levelname.lower() + ": "
        return short_line(step, level + message, record.created)


def short_line(step: str, message: str, at: float | None = None) -> str:
    """`HH:MM:SS step: message`, at `at` (seconds since the epoch) or now."""
    return f"{time.strftime('%H:%M:%S', time.localtime(at))} {step}: {message}"


@dg.logger(
    {"log_level": dg.Field(str, is_required=False, default_value="INFO")},
    description="One short line per message a step logs, on stderr (greenblue run).",
)
def progress_logger(init_context: dg.InitLoggerContext) -> logging.Logger:
    logger = logging.getLogger("greenblue.progress")
    logger.setLevel(init_context.logger_config["log_level"])
    logger.propagate = False
    logger.handlers.clear()
    handler = logging.StreamHandler(stream)
    handler.addFilter(OwnMessages())
    handler.setFormatter(ShortLine())
    logger.addHandler(handler)
    return logger


def ticker(label: str, total: int, log):
    """A function to call once per item done: it logs `label n/N` about every tenth of the
    way and at the end."""
    step = max(1, total // 10)
    done = 0

    def tick() -> None:
        nonlocal done
        done += 1
        if done % step == 0 or done == total:
            log(f"{label} {min(done, total)}/{total}")

    return tick


def say(step: str, message: str) -> None:
    """One progress line for work outside a Dagster run (the Spark step), as the run's own."""
    print(short_line(step, message), file=stream, flush=True)
