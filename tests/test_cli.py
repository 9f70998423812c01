"""`greenblue` commands: clear refusals, and a blocked publication leaves the served file alone."""

import hashlib
import os
import subprocess
import sys

import duckdb
import pytest

from pipelines.cli import main
from samples import generate
from tests.builders.landing import query


def cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "pipelines.cli", *args],
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=600,
    )


def test_run_refuses_to_start_without_a_pseudonym_key(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("GREENBLUE_LANDING", str(tmp_path / "landing"))
    monkeypatch.setenv("GREENBLUE_WAREHOUSE", str(tmp_path / "wh" / "greenblue.duckdb"))
    monkeypatch.delenv("GREENBLUE_PSEUDONYM_KEY", raising=False)
    assert main(["run"]) == 2
    assert "GREENBLUE_PSEUDONYM_KEY" in capsys.readouterr().err
    assert not (tmp_path / "wh").exists()


def test_unreadable_registry_stops_before_the_warehouse(tmp_path, monkeypatch, capsys):
    landing = tmp_path / "landing"
    landing.mkdir()
    (landing / "organizations.yaml").write_text("organizations: [unclosed\n")
    monkeypatch.setenv("GREENBLUE_LANDING", str(landing))
    monkeypatch.setenv("GREENBLUE_WAREHOUSE", str(tmp_path / "wh" / "greenblue.duckdb"))
    monkeypatch.setenv("GREENBLUE_PSEUDONYM_KEY", "k")
    assert main(["run"]) == 2
    assert "organizations.yaml" in capsys.readouterr().err
    assert not (tmp_path / "wh").exists()


def test_dbt_sources_file_is_generated_from_the_registry():
    assert main(["dbt-sources", "--check"]) == 0


@pytest.mark.slow
def test_a_failing_reconciliation_holds_its_organization_or_blocks_publication(tmp_path):
    landing = tmp_path / "landing"
    generate(landing, orgs=1, rows=60, seed=11)
    served = tmp_path / "wh" / "greenblue.duckdb"
    env = {
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(served),
        "GREENBLUE_PSEUDONYM_KEY": "k",
    }
    assert cli("run", env=env).returncode == 0
    published = hashlib.sha256(served.read_bytes()).hexdigest()

    unchanged = cli("run", env=env)  # nothing new: stops before Dagster, serves the same file
    assert unchanged.returncode == 0, unchanged.stderr[-2000:]
    assert "nothing new since run" in unchanged.stdout
    assert hashlib.sha256(served.read_bytes()).hexdigest() == published

    work = tmp_path / "wh" / ".work" / "greenblue.duckdb"
    emissions = "select * from marts.fct_emissions order by emission_id"
    before = query(served, emissions)
    con = duckdb.connect(str(work))
    con.execute(  # a defect: the manifest no longer adds up for one file
        "update ops.file_manifest set rows_in = rows_in + 1 where file_id = "
        "(select min(file_id) from ops.file_manifest where status = 'loaded')"
    )
    (org,) = con.execute("select org_code from ops.organizations").fetchall()[0]
    con.close()

    held = cli("run", "--force", env=env)  # inputs unchanged: only --force rebuilds
    assert held.returncode == 0, held.stderr[-2000:]
    assert f"HELD {org}" in held.stdout and "reconciliation" in held.stdout
    assert query(served, emissions) == before, "the held organization's rows stay served"
    latest = "select status, orgs_held, message from ops.runs order by started_at desc limit 1"
    assert query(work, latest)[0][:2] == ("published", org)

    con = duckdb.connect(str(work))
    con.execute(  # the same defect on a file of no organization: nobody to hold
        "update ops.file_manifest set org_code = null where file_id = "
        "(select min(file_id) from ops.file_manifest where status = 'loaded')"
    )
    con.close()
    published = hashlib.sha256(served.read_bytes()).hexdigest()
    blocked = cli("run", "--force", env=env)
    assert blocked.returncode == 1
    assert "BLOCKED" in blocked.stderr and "reconciliation" in blocked.stderr
    assert hashlib.sha256(served.read_bytes()).hexdigest() == published
    status = query(work, latest)
    assert status[0][0] == "blocked" and "reconciliation" in status[0][2]
