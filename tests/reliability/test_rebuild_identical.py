"""Fault-matrix family 11: a rebuild of unchanged inputs publishes bit-identical marts.

DuckDB adds the rows of an aggregate in whatever order its threads reach them, and a sum
of doubles depends on that order in its last digits: `travel_city_pairs` once differed
between two builds of the same rows. Sums of doubles that feed published figures go
through `exact_sum` (DECIMAL(38,12)), which adds exactly.

Guaranteed: two `greenblue run --force` over the same generated landing folder publish
the same rows in every `marts` table, value for value: `EXCEPT ALL` both ways is empty
and the tables hash alike.
"""

import shutil

import duckdb
import pytest

from connectors.generate import generate
from reliability.landing_files import Run

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("rebuild")
    generate(root / "landing", orgs=2, rows=200, seed=11)
    run = Run(root, root / "landing")
    for build in ("first", "second"):
        done = run.command("run", "--force")
        assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
        shutil.copyfile(run.served, root / f"{build}.duckdb")
    con = duckdb.connect()
    for build in ("first", "second"):
        con.execute(f"attach '{root / build}.duckdb' as {build} (read_only)")
    yield con
    con.close()


def mart_tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "select table_name from duckdb_tables() "
            "where database_name = 'first' and schema_name = 'marts' order by 1"
        ).fetchall()
    ]


def test_every_mart_is_published(two_builds):
    tables = mart_tables(two_builds)
    assert {"fct_emissions", "org_emissions_annual", "travel_city_pairs"} <= set(tables)
    for table in tables:
        count = two_builds.execute(f"select count(*) from first.marts.{table}").fetchone()[0]
        assert count > 0 or table.startswith("offset"), f"marts.{table} is empty"


def test_every_mart_is_bit_identical_after_a_rebuild(two_builds):
    differ = {}
    for table in mart_tables(two_builds):
        a, b = f"first.marts.{table}", f"second.marts.{table}"
        only = [
            two_builds.execute(
                f"select count(*) from (select * from {x} except all select * from {y})"
            ).fetchone()[0]
            for x, y in ((a, b), (b, a))
        ]
        hashes = [
            two_builds.execute(f"select count(*), sum(hash(*columns(*))) from {x}").fetchone()
            for x in (a, b)
        ]
        if only != [0, 0] or hashes[0] != hashes[1]:
            differ[table] = (only, hashes)
    assert not differ, differ
