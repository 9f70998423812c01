"""The hand-written air reference: the air rules alone, as plain SQL on the agency files.

benchmarks/reference.py runs the project's own compiled models, so it measures greenblue's
overhead but not how heavy the models are. Here the rules of factors/METHODOLOGY.md section 3
(ticket netting, airports and city names, haversine distance, haul band, cabin, factor of the
current edition) are written once by hand in benchmarks/air_reference.sql and run in one
in-memory DuckDB session over the landing's travel CSV files. Only the airports table is
loaded by greenblue's own function (the airportsdata coordinates).

Prints one JSON line: seconds (loading airports, the rules, total), rows read, segments
counted, total kg and kg per organization and year.
"""

import json
import sys
import time
from pathlib import Path

import duckdb

from benchmarks.data import TRAVEL
from pipelines import reference_data
from pipelines.settings import FACTORS_DIR

SQL = Path(__file__).resolve().parent / "air_reference.sql"


def quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def load_airports(con: duckdb.DuckDBPyConnection) -> None:
    """reference.airports, by the function greenblue loads it with."""
    con.execute("create schema if not exists reference")
    reference_data.load_airports(con)


def rules(con: duckdb.DuckDBPyConnection, landing: Path, factors: Path = FACTORS_DIR) -> None:
    """The hand-written air rules on the landing's agency files: air_segments, air_totals."""
    files = landing.absolute() / "*" / TRAVEL.domain / "*.csv"
    con.execute(f"set variable air_files = {quoted(files.as_posix())}")
    con.execute(f"set variable factors = {quoted(factors.absolute().as_posix())}")
    con.execute(SQL.read_text())


def run(landing: Path, factors: Path = FACTORS_DIR) -> dict:
    """Timings and totals of the hand-written air rules, in one in-memory DuckDB session."""
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    started = time.perf_counter()
    load_airports(con)
    loaded = time.perf_counter()
    rules(con, landing, factors)
    done = time.perf_counter()
    read, segments, kg = con.execute(
        "select (select count(*) from air_rows), count(*), sum(kg_co2e) from air_segments"
    ).fetchone()
    editions = con.execute("select distinct factor_version from air_segments").fetchall()
    totals = con.execute(
        "select org_code, reporting_year, segments, kg_co2e from air_totals order by all"
    ).fetchall()
    con.close()
    return {
        "rows": read,
        "segments": segments,
        "kg_co2e": kg,
        "factor_set": editions[0][0] if len(editions) == 1 else [e for (e,) in editions],
        "load_s": loaded - started,
        "rules_s": done - loaded,
        "total_s": done - started,
        "by_org_year": [
            {"org_code": o, "reporting_year": y, "segments": n, "kg_co2e": k}
            for o, y, n, k in totals
        ],
    }


def main() -> None:
    print(json.dumps(run(Path(sys.argv[1]))))


if __name__ == "__main__":
    main()
