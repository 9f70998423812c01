"""Publication: analysts holding the served file never block a run, never see a mix, and
nothing a reader does (even read-write) changes what the next publication serves."""

import subprocess
import sys
import textwrap
import time
import uuid

import duckdb
import pytest

from pipelines import database, publication, runs

ANALYST = textwrap.dedent(
    """
    import sys, time, duckdb
    con = duckdb.connect(sys.argv[1], read_only=True)
    first = con.execute("select version, count(*) from marts.facts group by version").fetchall()
    print("ready", flush=True)
    sys.stdin.readline()          # the publisher swaps the file now
    # a long query on the connection opened before the swap
    total = con.execute("select sum(x) from marts.facts, range(200) as r(i)").fetchone()[0]
    again = con.execute("select version, count(*) from marts.facts group by version").fetchall()
    print(first == again, total, again, flush=True)
    """
)

# An analyst who forgot read_only: committed changes, then an open transaction, held across
# publications; each line on stdin asks for one more committed change.
WRITER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])

    def commit_then_leave_open():
        con.execute("insert into marts.facts select 98, range from range(3)")
        con.execute("begin")
        con.execute("delete from marts.facts")  # never committed

    con.execute("create table marts.mine as select 42 as answer")
    con.execute("delete from marts.facts where x < 10")
    commit_then_leave_open()
    print("ready", flush=True)
    for line in sys.stdin:
        con.execute("rollback")
        commit_then_leave_open()
        print("again", flush=True)
    """
)


def build(work, version: int, rows: int) -> str:
    """A working database whose marts hold one table; returns the run staged to publish."""
    run_id = str(uuid.uuid4())
    con = database.connect(work)
    try:
        database.ensure_schema(con)
        con.execute("create schema if not exists marts")
        con.execute(
            f"create or replace table marts.facts as "
            f"select {version} as version, i as x from range({rows}) t(i)"
        )
        runs.start(con, run_id, "test-set")
        publication.stage(con, run_id, set())
    finally:
        con.close()
    return run_id


def publish(work, served, run_id: str) -> None:
    publication.publish(work, served, run_id)
    con = database.connect(work)
    try:
        publication.mark_published(con, run_id)
    finally:
        con.close()


def facts(served) -> list[tuple]:
    con = duckdb.connect(str(served), read_only=True)
    try:
        return con.execute(
            "select version, count(*), sum(x) from marts.facts group by 1 order by 1"
        ).fetchall()
    finally:
        con.close()


def test_publish_swaps_atomically_while_an_analyst_holds_the_old_file(tmp_path):
    served = tmp_path / "served" / "greenblue.duckdb"
    work = tmp_path / "work" / "greenblue.duckdb"
    first = build(work, 1, 100_000)
    publish(work, served, first)

    analyst = subprocess.Popen(
        [sys.executable, "-c", ANALYST, str(served)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert analyst.stdout.readline().strip() == "ready"
        run_id = build(work, 2, 50_000)
        started = time.monotonic()
        publish(work, served, run_id)  # must not wait for, nor fail because of, the reader
        assert time.monotonic() - started < 30
        analyst.stdin.write("go\n")
        analyst.stdin.flush()
        same, total, seen = analyst.stdout.readline().split(" ", 2)
        assert same == "True", f"the analyst saw a mix: {seen}"
        assert int(total) == 200 * sum(range(100_000))
    finally:
        analyst.wait(timeout=60)
    assert analyst.returncode == 0
    assert facts(served) == [(2, 50_000, sum(range(50_000)))]
    # the previous version stays for a reader that resolved the link just before the swap;
    # nothing older, and no temporary copy
    versions = publication.versions_dir(served)
    assert sorted(p.name for p in versions.iterdir()) == sorted([first, run_id])
    third = build(work, 3, 10)
    publish(work, served, third)
    assert sorted(p.name for p in versions.iterdir()) == sorted([run_id, third])


def test_a_read_write_session_across_two_publications_changes_nothing_readers_see(tmp_path):
    """The analyst's committed changes live in a log beside the version they opened; the
    next publication is a new file in a new folder, so readers see exactly what was
    published, across two publications, while the session is still open."""
    served = tmp_path / "served" / "greenblue.duckdb"
    work = tmp_path / "work" / "greenblue.duckdb"
    publish(work, served, build(work, 1, 1_000))
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(served)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "ready"
        for version, rows in ((2, 2_000), (3, 3_000)):
            publish(work, served, build(work, version, rows))
            assert facts(served) == [(version, rows, sum(range(rows)))]
            con = duckdb.connect(str(served), read_only=True)
            mine = con.execute(
                "select count(*) from duckdb_tables() where table_name = 'mine'"
            ).fetchall()
            con.close()
            assert mine == [(0,)], "the analyst's table is not in the published file"
            writer.stdin.write("more\n")  # the live session commits again (a new log)
            writer.stdin.flush()
            assert writer.stdout.readline().strip() == "again"
            assert facts(served) == [(version, rows, sum(range(rows)))]
    finally:
        writer.stdin.close()
        writer.wait(timeout=60)


def test_served_file_is_readable_by_duckdb_1_0_storage(tmp_path):
    """Files are written with storage version v1.0.0 so DuckDB 1.x clients can open them."""
    served = tmp_path / "served" / "greenblue.duckdb"
    work = tmp_path / "work" / "greenblue.duckdb"
    publish(work, served, build(work, 1, 10))
    con = duckdb.connect(str(served), read_only=True)
    tags = con.execute(
        "select tags from duckdb_databases() where database_name = current_database()"
    ).fetchall()[0][0]
    con.close()
    assert tags["storage_version"].startswith("v1.0.0")


def test_a_failed_publication_removes_its_partial_copy_and_keeps_the_served_file(tmp_path):
    served = tmp_path / "served" / "greenblue.duckdb"
    work = tmp_path / "work" / "greenblue.duckdb"
    first = build(work, 1, 10)
    publish(work, served, first)
    unstaged = str(uuid.uuid4())  # no snapshot: assembling its file fails half-way
    with pytest.raises(RuntimeError, match="staged no marts"):
        publication.publish(work, served, unstaged)
    assert publication.current_run(served) == first
    assert [p.name for p in publication.versions_dir(served).iterdir()] == [first]
    assert facts(served) == [(1, 10, 45)]


LOCKER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from pipelines import database, runs
    with database.run_lock(Path(sys.argv[1])):
        print("locked", flush=True)
        sys.stdin.readline()
    """
)


def test_second_run_is_refused_while_the_lock_is_held(tmp_path):
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCKER, str(tmp_path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert not database.lock_is_free(tmp_path)
        with (
            pytest.raises(RuntimeError, match="another greenblue run"),
            database.run_lock(tmp_path),
        ):
            pass
    finally:
        holder.stdin.close()
        holder.wait(timeout=30)
    assert database.lock_is_free(tmp_path)
    with database.run_lock(tmp_path), database.run_lock(tmp_path):  # re-entrant in-process
        pass
