"""Management-system files and training counts into `ops` tables, replaced each run.

`landing/_system/management/<CODE>.yaml` and `landing/_system/training/*.csv` are read by
connectors/management.py; this module writes what they hold, and what was wrong with them,
into the working database for `marts.org_management_indicators`. Like the success stories,
they are small and read whole every run. A problem never stops the run and never holds an
organization's emissions: it is recorded in `ops.management_files` and shown on the
organization's page.
"""

from pathlib import Path

import duckdb
import polars as pl

from connectors import management
from pipelines.database import replace_table

FILES = {
    "file": pl.String,
    "input": pl.String,
    "org_code": pl.String,
    "status": pl.String,
    "message": pl.String,
}
EMS = {
    "org_code": pl.String,
    "status": pl.String,
    "since": pl.Date,
    "valid_until": pl.Date,
    "scope": pl.String,
}
POLICIES = {"org_code": pl.String, "policy": pl.String, "adopted_on": pl.Date, "title": pl.String}
FOCAL_POINTS = {"org_code": pl.String, "role": pl.String, "since": pl.Date, "unit": pl.String}
EVENTS = {
    "org_code": pl.String,
    "event_date": pl.Date,
    "kind": pl.String,
    "audience": pl.String,
    "participants": pl.Int64,
    "title": pl.String,
}
COMPLETIONS = {
    "org_code": pl.String,
    "year": pl.Int32,
    "audience": pl.String,
    "people_trained": pl.Int64,
    "file": pl.String,
}
# The ops tables a run fills from the management files and training exports, in load order.
TABLES = [
    ("ops.management_files", FILES),
    ("ops.management_ems", EMS),
    ("ops.management_policies", POLICIES),
    ("ops.management_focal_points", FOCAL_POINTS),
    ("ops.management_events", EVENTS),
    ("ops.training_completions", COMPLETIONS),
]


def files_in(folder: Path, pattern: str) -> list[Path]:
    """Regular files only: a symlink could point outside the landing folder."""
    return sorted(p for p in folder.glob(pattern) if p.is_file() and not p.is_symlink())


def management_rows(read: list[management.ManagementFile]) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"ems": [], "policies": [], "focal_points": [], "events": []}
    for found in read:
        m, org = found.management, found.org_code
        if m is None:
            continue
        rows["ems"] += [
            {"org_code": org, **s.model_dump()} for s in m.environmental_management_system
        ]
        rows["policies"] += [{"org_code": org, **p.model_dump()} for p in m.policies]
        rows["focal_points"] += [{"org_code": org, **f.model_dump()} for f in m.focal_points]
        rows["events"] += [
            {"org_code": org, "event_date": e.date, **e.model_dump(exclude={"date"})}
            for e in m.training_events
        ]
    return rows


def file_rows(
    read: list[management.ManagementFile], training: list[management.TrainingFile]
) -> list[dict]:
    """One row per management file; per training file, one row per organization it names
    (`partly_loaded` where some of its rows were left out) and one for its own problems."""
    rows = [
        {
            "file": f"management/{f.file}",
            "input": "management",
            "org_code": f.org_code,
            "status": "rejected" if f.problems else "loaded",
            "message": "; ".join(f.problems) or None,
        }
        for f in read
    ]
    for t in training:
        orgs = {r["org_code"] for r in t.rows} | set(t.problems)
        for org in sorted(orgs, key=lambda o: o or ""):
            problems = t.problems.get(org, [])
            status = "loaded" if not problems else "rejected" if org is None else "partly_loaded"
            rows.append(
                {
                    "file": f"training/{t.file}",
                    "input": "training",
                    "org_code": org,
                    "status": status,
                    "message": "; ".join(problems) or None,
                }
            )
    return rows


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Empty management tables until a run reads the files, so that a working database
    built any way has every table the staging models read."""
    for name, schema in TABLES:
        empty = pl.DataFrame([], schema=schema).to_arrow()  # noqa: F841 - read by name below
        con.execute(f"create table if not exists {name} as select * from empty")


def load_management(con: duckdb.DuckDBPyConnection, landing: Path, organizations: set[str]) -> dict:
    """Read every management and training file into the ops tables; the counts, and each
    file that flags an organization (`flagged`)."""
    system = landing / "_system"
    read = [
        management.read_management(p.read_bytes(), p.name, organizations)
        for p in files_in(system / "management", "*.y*ml")
    ]
    training = [
        management.read_training(p.read_bytes(), p.name, organizations)
        for p in files_in(system / "training", "*.csv")
    ]
    management.duplicate_completions(training)
    rows = management_rows(read)
    completions = [
        {**{k: r[k] for k in COMPLETIONS if k != "file"}, "file": f"training/{t.file}"}
        for t in training
        for r in t.rows
    ]
    records = (file_rows(read, training), rows["ems"], rows["policies"],
               rows["focal_points"], rows["events"], completions)  # fmt: skip
    tables = [(name, found, schema) for (name, schema), found in zip(TABLES, records, strict=True)]
    for name, records, schema in tables:
        replace_table(con, name, pl.DataFrame(records, schema=schema))
    flagged = [
        f"{r['file']} ({r['org_code'] or 'no organization'}) {r['status']}: {r['message']}"
        for r in tables[0][1]
        if r["status"] != "loaded"
    ]
    return {
        "flagged": flagged,
        "management_files": len(read),
        "rejected": sum(bool(f.problems) for f in read),
        "training_files": len(training),
        "training_rows": len(completions),
        "training_rows_flagged": sum(len(v) for t in training for v in t.problems.values()),
    }
