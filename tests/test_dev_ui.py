"""`scripts/dev ui`: Dagster's UI on the project, its code location named `greenblue`,
telemetry and the newsletter dialog off, and Ctrl-C stops every process it started.

The landing folder here is empty, so the sensor starts no run (the run itself is what the
end-to-end tests cover)."""

import json
import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest
import yaml

from tests.processes import as_from_a_shell

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
QUERY = "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus } } } }"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def locations(port: int) -> list[dict]:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql",
        json.dumps({"query": QUERY}).encode(),
        {"content-type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        return json.load(answer)["data"]["workspaceOrError"]["locationEntries"]


def alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return False
    return True


def test_ui_serves_the_greenblue_location_and_stops_on_ctrl_c(tmp_path):
    (tmp_path / "landing").mkdir()
    env = {
        **os.environ,
        "GREENBLUE_LANDING": str(tmp_path / "landing"),
        "GREENBLUE_WAREHOUSE": str(tmp_path / "warehouse" / "greenblue.duckdb"),
        "GREENBLUE_PSEUDONYM_KEY": "ab" * 32,
        "DAGSTER_HOME": str(tmp_path / "dagster_home"),
    }
    env.pop("PYTHONWARNINGS", None)
    port = free_port()
    log = (tmp_path / "ui.log").open("w")
    ui = subprocess.Popen(
        as_from_a_shell([str(ROOT / "scripts" / "dev"), "ui", "-p", str(port)]),
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group, as a terminal's Ctrl-C reaches it
    )
    try:
        deadline, found = time.monotonic() + 300, []
        while time.monotonic() < deadline and ui.poll() is None:
            try:
                found = locations(port)
            except OSError:
                found = []
            if found and found[0]["loadStatus"] == "LOADED":
                break
            time.sleep(2)
        output = (tmp_path / "ui.log").read_text()
        assert found == [{"name": "greenblue", "loadStatus": "LOADED"}], output[-3000:]
        settings = yaml.safe_load((tmp_path / "dagster_home" / "dagster.yaml").read_text())
        assert settings == {"telemetry": {"enabled": False}, "nux": {"enabled": False}}
        assert "SupersessionWarning" not in output and "Traceback" not in output, output

        stopped = time.monotonic()
        os.killpg(ui.pid, signal.SIGINT)
        ui.wait(timeout=60)
        # the code server dagster dev started exits on its own once the webserver is gone
        # (its heartbeat, 45 s at most): on a busy machine that takes longer than the rest
        deadline = time.monotonic() + 60
        while alive(ui.pid) and time.monotonic() < deadline:
            time.sleep(0.5)
        assert not alive(ui.pid), "a process of the UI outlived Ctrl-C"
        print(f"stopped {time.monotonic() - stopped:.1f}s after Ctrl-C")
    finally:
        if alive(ui.pid):
            os.killpg(ui.pid, signal.SIGKILL)
        log.close()
    leftovers = [p.name for p in ROOT.glob(".tmp_dagster_home_*")]
    assert not leftovers
