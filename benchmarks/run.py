"""`greenblue bench`: greenblue against plain DuckDB scripts on the same generated files.

One invocation generates the landing folder, times the compiled-SQL reference
(benchmarks/reference.py) and the hand-written air reference (benchmarks/air_reference.py:
the air rules alone, written by hand, which shows how heavy the models themselves are),
then greenblue's full run from an empty warehouse, a run with nothing new, a run with one new
10,000-row file, ten more such runs (`--history`) and a last one (is the delta cost growing
with history?). The marts of the full run must equal the compiled reference's row for row,
and its air kg per organization and year the hand-written reference's (relative difference
at most AIR_TOLERANCE). Each step is a child process; its peak resident memory is the
largest sum of RSS over the whole process tree, sampled every 50 ms from /proc. The last
line printed is the JSON result, also written to benchmarks/results/.
"""

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb

from benchmarks import data

RESULTS = Path(__file__).resolve().parent / "results"
DELTA_ROWS = 10_000
COMPARED = ("marts.fct_emissions",)
AIR_TOLERANCE = 1e-6  # relative difference of air kg per organization and year
PAGE = os.sysconf("SC_PAGE_SIZE")


def tree_rss(root: int) -> int:
    """Resident bytes of `root` and all its descendants, from /proc."""
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    total, stack = 0, [root]
    while stack:
        pid = stack.pop()
        try:
            with open(f"/proc/{pid}/statm") as handle:
                total += int(handle.read().split()[1]) * PAGE
        except OSError:
            pass
        stack.extend(children.get(pid, []))
    return total


def measured(command: list[str], env: dict[str, str], log: Path) -> dict:
    """Run a command to completion; wall seconds, peak tree RSS (MiB) and exit code."""
    started = time.perf_counter()
    with log.open("w") as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)
        peak = 0
        done = threading.Event()

        def sample() -> None:
            nonlocal peak
            while not done.is_set():
                peak = max(peak, tree_rss(process.pid))
                time.sleep(0.05)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        code = process.wait()
        done.set()
        sampler.join()
    seconds = time.perf_counter() - started
    if code != 0:
        raise RuntimeError(f"{' '.join(command)} exited {code}; see {log}")
    return {"s": round(seconds, 2), "rss_mib": round(peak / 2**20, 1)}


def machine() -> dict:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    memory = next(
        int(line.split()[1]) // 1024
        for line in Path("/proc/meminfo").read_text().splitlines()
        if line.startswith("MemTotal")
    )
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_mib": memory,
        "os": platform.platform(),
        "python": platform.python_version(),
        "duckdb": duckdb.__version__,
    }


def marts_equal(served: Path, reference: Path) -> dict:
    """Each compared mart holds exactly the same rows (as a multiset) in both warehouses."""
    con = duckdb.connect()
    con.execute(f"attach '{served}' as served (read_only)")
    con.execute(f"attach '{reference}' as ref (read_only)")
    out = {}
    for table in COMPARED:
        counts = [
            con.execute(f"select count(*) from {db}.{table}").fetchall()[0][0]
            for db in ("served", "ref")
        ]
        differing = con.execute(
            f"select count(*) from ((from served.{table} except all from ref.{table}) "
            f"union all (from ref.{table} except all from served.{table}))"
        ).fetchall()[0][0]
        out[table] = {"rows": counts[0], "reference_rows": counts[1], "differing": differing}
    con.close()
    return out


def air_agreement(served: Path, air_reference: dict) -> dict:
    """Air kg per organization and year: the served marts against the hand-written reference.

    Only the agency's air rows are compared; the bench has no expense reports.
    """
    con = duckdb.connect()
    con.execute(f"attach '{served}' as served (read_only)")
    full = {
        (org, year): kg
        for org, year, kg in con.execute(
            "select org_code, reporting_year, sum(kg_co2e) from served.marts.fct_emissions "
            "where activity_type = 'air' and kg_co2e is not null group by all"
        ).fetchall()
    }
    con.close()
    hand = {
        (t["org_code"], t["reporting_year"]): t["kg_co2e"] for t in air_reference["by_org_year"]
    }
    differences = [
        abs(full.get(key, 0.0) - hand.get(key, 0.0))
        / max(abs(full.get(key, 0.0)), abs(hand.get(key, 0.0)), 1e-12)
        for key in sorted(full.keys() | hand.keys())
    ]
    worst = max(differences, default=0.0)
    return {
        "groups": len(differences),
        "kg": sum(full.values()),
        "reference_kg": sum(hand.values()),
        "max_rel_diff": worst,
        "agrees": worst <= AIR_TOLERANCE,
    }


def bench(
    rows: int, po_rows: int, fuel_rows: int, workdir: Path, keep: bool, history_runs: int = 10
) -> dict:
    landing = workdir / "landing"
    logs = workdir / "logs"
    if workdir.exists():
        shutil.rmtree(workdir)
    logs.mkdir(parents=True)
    print(f"generating {rows:,} air segments, {po_rows:,} PO lines, {fuel_rows:,} fuel lines")
    started = time.perf_counter()
    counts, templates = data.build(landing, rows, po_rows, fuel_rows)
    size = sum(p.stat().st_size for p in landing.rglob("*") if p.is_file())
    print(f"  {counts} in {time.perf_counter() - started:.0f}s, {size / 2**20:.0f} MiB")

    env = {
        **os.environ,
        "GREENBLUE_LANDING": str(landing),
        "GREENBLUE_WAREHOUSE": str(workdir / "served" / "greenblue.duckdb"),
        "GREENBLUE_WORKDIR": str(workdir / "work"),
        "GREENBLUE_PSEUDONYM_KEY": "benchmark-pseudonym-key",
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("DAGSTER_HOME", None)
    python = sys.executable
    reference_db = workdir / "reference" / "greenblue.duckdb"
    steps: dict[str, dict] = {}

    def step(name: str, command: list[str]) -> dict:
        print(f"{name}...", flush=True)
        steps[name] = measured(command, env, logs / f"{name}.log")
        print(f"  {steps[name]['s']}s, peak {steps[name]['rss_mib']} MiB", flush=True)
        return steps[name]

    step("reference", [python, "-m", "benchmarks.reference", str(landing), str(reference_db)])
    # The reference's own clock: its DuckDB work, without compiling the SQL or starting Python.
    reference = json.loads((logs / "reference.log").read_text().strip().splitlines()[-1])
    step("air_reference", [python, "-m", "benchmarks.air_reference", str(landing)])
    # Its own clock too: airports and the hand-written rules, without starting Python.
    air_reference = json.loads((logs / "air_reference.log").read_text().strip().splitlines()[-1])
    greenblue = [python, "-m", "pipelines.cli", "run"]
    step("full", greenblue)
    # The marts after the full run must equal the reference's, which read the same files.
    comparison = marts_equal(workdir / "served" / "greenblue.duckdb", reference_db)
    air = air_agreement(workdir / "served" / "greenblue.duckdb", air_reference)
    step("noop", greenblue)
    data.add_delta(landing, templates, DELTA_ROWS, 1)
    step("delta", greenblue)
    history = []
    for number in range(2, 2 + history_runs):
        data.add_delta(landing, templates, DELTA_ROWS, number)
        history.append(step(f"delta_history_{number}", greenblue)["s"])
    data.add_delta(landing, templates, DELTA_ROWS, 2 + history_runs)
    step("delta2", greenblue)

    reference_s = round(reference["total_s"], 2)
    air_reference_s = round(air_reference["total_s"], 2)
    work_s = steps["full"]["s"] - steps["noop"]["s"]
    result = {
        "rows": rows,
        "po_rows": po_rows,
        "fuel_rows": fuel_rows,
        "landing_mib": round(size / 2**20),
        "reference_s": reference_s,
        "reference_load_s": round(reference["load_s"], 2),
        "reference_models_s": round(reference["models_s"], 2),
        "reference_process_s": steps["reference"]["s"],
        "air_reference_s": air_reference_s,
        "air_reference_rules_s": round(air_reference["rules_s"], 2),
        "air_reference_process_s": steps["air_reference"]["s"],
        "full_s": steps["full"]["s"],
        "noop_s": steps["noop"]["s"],
        "delta_s": steps["delta"]["s"],
        "delta2_s": steps["delta2"]["s"],
        "delta_history_s": history,
        "full_over_reference": round(steps["full"]["s"] / reference_s, 2),
        "work_over_reference": round(work_s / reference_s, 2),
        "work_over_air_reference": round(work_s / air_reference_s, 2),
        "delta_minus_noop_s": round(steps["delta"]["s"] - steps["noop"]["s"], 2),
        "delta2_minus_noop_s": round(steps["delta2"]["s"] - steps["noop"]["s"], 2),
        "peak_rss_mib": max(s["rss_mib"] for k, s in steps.items() if "reference" not in k),
        "reference_peak_rss_mib": steps["reference"]["rss_mib"],
        "air_reference_peak_rss_mib": steps["air_reference"]["rss_mib"],
        "steps": steps,
        "marts": comparison,
        "marts_equal_reference": all(
            c["differing"] == 0 and c["rows"] == c["reference_rows"] for c in comparison.values()
        ),
        "air": air,
        "air_kg_agrees": air["agrees"],
        "air_kg_max_rel_diff": air["max_rel_diff"],
        "served_mib": round((workdir / "served" / "greenblue.duckdb").stat().st_size / 2**20),
        "machine": machine(),
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }
    if not keep:
        shutil.rmtree(workdir)
    return result


def label(rows: int) -> str:
    return f"{rows // 1_000_000}M" if rows % 1_000_000 == 0 else f"{rows // 1000}k"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="greenblue bench", description=__doc__)
    p.add_argument("--rows", type=int, default=10_000_000, help="air segment rows")
    p.add_argument("--po-rows", type=int, help="PO lines (default: rows / 10)")
    p.add_argument("--fuel-rows", type=int, help="fuel-card lines (default: rows / 10)")
    p.add_argument("--dir", default="bench", help="working folder (replaced)")
    p.add_argument(
        "--history", type=int, default=10, help="delta runs between the first and second delta"
    )
    p.add_argument("--keep", action="store_true", help="keep the working folder afterwards")
    p.add_argument("--results", default=str(RESULTS), help="folder for the JSON result")
    args = p.parse_args(argv)
    po_rows = args.po_rows if args.po_rows is not None else args.rows // 10
    fuel_rows = args.fuel_rows if args.fuel_rows is not None else args.rows // 10
    result = bench(
        args.rows, po_rows, fuel_rows, Path(args.dir).absolute(), args.keep, args.history
    )
    out = Path(args.results)
    out.mkdir(parents=True, exist_ok=True)
    (out / f"bench-{label(args.rows)}.json").write_text(json.dumps(result, indent=2) + "\n")
    print(json.dumps(result))
    return 0 if result["marts_equal_reference"] and result["air_kg_agrees"] else 1


if __name__ == "__main__":
    sys.exit(main())
