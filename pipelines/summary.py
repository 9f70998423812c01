"""The end-of-run summary printed by `greenblue run`, read from the served warehouse."""

from pathlib import Path

from pipelines import database, sql


def figure(t_co2e: float | None) -> str:
    """A total, or "–" when no activity of it has a factor: never a 0 that is not a zero."""
    return "–" if t_co2e is None else f"{t_co2e:.1f}"


def print_summary(served: Path, run_id: str, seconds: float, failed_checks: list[str]) -> None:
    con = database.connect(served, read_only=True)
    try:
        run = con.execute(
            "select status, factor_set, files_new, files_loaded, files_rejected, files_duplicate, "
            "rows_loaded, rows_quarantined from ops.runs where run_id = ?",
            [run_id],
        ).fetchall()
        manifest = con.execute(
            "select status, count(*), coalesce(sum(rows_loaded), 0), "
            "coalesce(sum(rows_quarantined), 0) from ops.file_manifest group by 1 order by 1"
        ).fetchall()
        waiting = con.execute(
            "select relative_path, message from ops.file_manifest where status = 'waiting' "
            "order by relative_path"
        ).fetchall()
        orgs = con.execute(sql.read("run_summary_years")).fetchall()
        # rows whose natural key a file loaded by this run delivered again: counted once
        redelivered = con.execute(
            "select r.domain, count(*) from marts.redelivered_rows as r "
            "join ops.file_manifest as m on m.file_id = r.superseded_by_file_id "
            "where m.run_id = ? group by 1 order by 2 desc, 1",
            [run_id],
        ).fetchall()
    finally:
        con.close()
    status, factor_set, new, loaded, rejected, duplicate, rows, quarantined = run[0]
    print(f"greenblue run {run_id}: {status} in {seconds:.1f}s (factor set {factor_set})")
    print(
        f"this run: {new} new files ({loaded} loaded, {rejected} rejected, {duplicate} duplicate), "
        f"{rows} rows loaded, {quarantined} rows quarantined"
    )
    print(
        "all files: " + ", ".join(f"{n} {s} ({r} rows, {q} quarantined)" for s, n, r, q in manifest)
    )
    for relative, message in waiting[:20]:
        print(f"waiting {relative}: {message}")
    if len(waiting) > 20:
        print(f"... and {len(waiting) - 20} more waiting files (ops.file_manifest)")
    print(f"{'org':<12}{'year':>6}{'t CO2e core':>14}{'optional':>12}{'unmapped':>10}  year")
    for org, year, core, optional, unmapped, status, _ in orgs:
        print(
            f"{org:<12}{year:>6}{figure(core):>14}{figure(optional):>12}{unmapped or 0:>10}  "
            + status
        )
    for org, year, *_, no_headcount in orgs:
        if no_headcount:
            print(
                f"warning: {org} {year} has emissions but no headcount in the registry: "
                "its per-capita figures are empty"
            )
    if redelivered:
        total = sum(n for _, n in redelivered)
        print(
            f"{total} row{'s' if total != 1 else ''} re-delivered in later files counted once ("
            + ", ".join(f"{domain} {n}" for domain, n in redelivered)
            + ")"
        )
    print(
        "checks: " + ("all passed" if not failed_checks else "failed: " + ", ".join(failed_checks))
    )
    print(f"served warehouse: {served}")
