"""Publication: analysts holding the served file read-only never block a run nor see a mix."""

import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from pipelines import warehouse

ANALYST = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    first = con.execute("select version, count(*) from facts group by version").fetchall()
    print("ready", flush=True)
    sys.stdin.readline()          # the publisher swaps the file now
    # a long query on the connection opened before the swap
    total = con.execute("select sum(x) from facts, range(200) as r(i)").fetchone()[0]
    again = con.execute("select version, count(*) from facts group by version").fetchall()
    print(first == again, total, again, flush=True)
    """
)


def build(path, version: int, rows: int) -> None:
    con = warehouse.connect(path)
    con.execute(
        f"create or replace table facts as "
        f"select {version} as version, i as x from range({rows}) t(i)"
    )
    con.close()


def test_publish_swaps_atomically_while_an_analyst_holds_the_old_file(tmp_path):
    served = tmp_path / "served" / "greenblue.duckdb"
    work = tmp_path / "work" / "greenblue.duckdb"
    build(work, 1, 100_000)
    warehouse.publish(work, served)

    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(served)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "ready"
        build(work, 2, 50_000)
        started = time.monotonic()
        warehouse.publish(work, served)  # must not wait for, nor fail because of, the reader
        assert time.monotonic() - started < 30
        analyst.stdin.write("go\n")
        analyst.stdin.flush()
        same, total, seen = analyst.stdout.readline().split(" ", 2)
        assert same == "True", f"the analyst saw a mix: {seen}"
        assert int(total) == 200 * sum(range(100_000))
    finally:
        analyst.wait(timeout=60)
    assert analyst.returncode == 0

    con = duckdb.connect(str(served), read_only=True)
    assert con.execute("select version, count(*) from facts group by 1").fetchall() == [(2, 50_000)]
    con.close()
    assert not list(served.parent.glob(".*.tmp")), "no temporary copy is left behind"


def test_served_file_is_readable_by_duckdb_1_0_storage(tmp_path):
    """Files are written with storage version v1.0.0 so DuckDB 1.x clients can open them."""
    path = tmp_path / "w.duckdb"
    build(path, 1, 10)
    con = duckdb.connect(str(path), read_only=True)
    tags = con.execute("select tags from duckdb_databases() where database_name = 'w'").fetchone()[
        0
    ]
    con.close()
    assert tags["storage_version"].startswith("v1.0.0")


def test_second_run_is_refused_while_the_lock_is_held(tmp_path):
    with (
        warehouse.run_lock(tmp_path),
        pytest.raises(RuntimeError, match="another greenblue run"),
        warehouse.run_lock(tmp_path),
    ):
        pass
    with warehouse.run_lock(tmp_path):  # released: the next run goes ahead
        pass
