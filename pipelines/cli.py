"""The `greenblue` command: generate, run, demo, report, erp-export, handbook, bench, factors,
dbt-sources, serve, users."""

import argparse
import contextlib
import os
import secrets
import signal
import sys
import time
from pathlib import Path

from pipelines.settings import ROOT, ConfigError, apply_offline_env, load_settings

SOURCES_YAML = ROOT / "dbt_project" / "models" / "staging" / "_raw__sources.yml"


def cmd_generate(args: argparse.Namespace) -> int:
    from samples import generate

    started = time.perf_counter()
    summary = generate(
        Path(args.out),
        orgs=args.orgs,
        rows=args.rows,
        seed=args.seed,
        year=args.year,
        years=getattr(args, "years", 1),
    )
    files = sum(len(v) for v in summary.get("files", {}).values()) if "files" in summary else "?"
    print(
        f"wrote {files} files for {args.orgs} organizations to {args.out} "
        f"in {time.perf_counter() - started:.1f}s"
    )
    return 0


def record_unchanged(settings, reason: str) -> None:
    """Nothing changed since the last published run: record that, say so, start nothing."""
    import uuid

    from pipelines import database, factor_library, runs

    run_id = str(uuid.uuid4())
    with database.session(settings.work_db) as con:
        runs.record_unchanged(
            con,
            run_id,
            factor_library.current_factor_set(settings.factor_set, workdir=settings.workdir),
            reason,
        )
    print(
        f"greenblue run {run_id}: {reason} (0 new files, 0 rows loaded); "
        f"served warehouse unchanged: {settings.warehouse}\n"
        "use `greenblue run --force` to rebuild all the same"
    )


def execute_run(force: bool = False, full_refresh: bool = False, engine: str = "duckdb") -> int:
    """Run the nightly job once, in this process; 0 when published (some organizations may
    be held) or nothing changed, 1 when blocked or when another run holds the lock. Unless
    `force` or `full_refresh`, a run whose inputs did not change since the last published run
    stops at once; `full_refresh` rebuilds every incremental model (docs/incremental.md).
    `engine="spark"` also builds the models on Spark from the published run's inputs and
    publishes its marts as Parquet tables (pipelines/spark.py, docs/scale-out.md)."""
    apply_offline_env()
    from connectors.organizations import RegistryError, load_registry
    from pipelines import database, lifecycle

    settings = load_settings()
    settings.key_bytes  # noqa: B018 - refuse to start without the key, before any work
    if not settings.orgs.exists():
        raise RegistryError(
            f"organization registry {settings.orgs} does not exist (GREENBLUE_ORGS)"
        )
    load_registry(settings.orgs)  # unreadable: stop before the warehouse is touched
    if engine == "spark":
        from pipelines import spark

        why = spark.unavailable()
        if why:
            raise ConfigError(f"--engine spark: {why}")
    started = time.perf_counter()
    with contextlib.ExitStack() as lock:
        try:
            lock.enter_context(database.run_lock(settings.workdir))
        except RuntimeError as exc:  # another run holds the lock: refused, nothing touched
            print(f"greenblue: {exc}", file=sys.stderr)
            return 1
        for note in lifecycle.settle(settings):
            print(f"greenblue: {note}", file=sys.stderr)
        reason = None if force or full_refresh else lifecycle.skip_reason(settings)
        if (
            reason
            and engine == "spark"
            and not spark.warehouse_dir(settings).joinpath("marts.db").exists()
        ):
            reason = None  # nothing changed, but there is no Spark copy yet
        if reason:
            record_unchanged(settings, reason)
            return 0
        # A SIGTERM (systemd, a container stop) takes the path of Ctrl-C: Dagster stops the
        # step and dagster-dbt forwards the interrupt to dbt.
        signal.signal(signal.SIGTERM, lambda *_: os.kill(os.getpid(), signal.SIGINT))
        import dagster as dg

        from pipelines import progress
        from pipelines.dbt import FULL_REFRESH_TAG
        from pipelines.definitions import defs

        instance = (
            dg.DagsterInstance.get()
            if os.environ.get("DAGSTER_HOME")
            else (dg.DagsterInstance.ephemeral())
        )
        log_path = settings.workdir / "logs" / "last-run.log"
        log_path.parent.mkdir(parents=True, exist_ok=True)
        print(f"running the nightly job; its full log goes to {log_path}", file=sys.stderr)
        progress.stream = sys.stderr  # progress lines stay on the terminal, the rest: the log
        with (
            log_path.open("w") as log,
            contextlib.redirect_stdout(log),
            contextlib.redirect_stderr(log),
        ):
            result = defs.resolve_job_def("nightly").execute_in_process(
                instance=instance,
                raise_on_error=False,
                tags={FULL_REFRESH_TAG: "true"} if full_refresh else None,
                run_config={
                    "loggers": {
                        "progress": {"config": {"log_level": "INFO"}},
                        "console": {"config": {"log_level": "DEBUG"}},
                    }
                },
            )
        status, message, held = lifecycle.outcome(settings.work_db, result.run_id)
        if status in ("running", "publishing"):  # stopped (Ctrl-C, SIGTERM) between steps
            failed = [e.step_key for e in result.all_events if e.is_step_failure]
            message = "stopped before publication" + (f": {', '.join(failed)}" if failed else "")
            lifecycle.record_blocked(settings, result.run_id, message)
            status, message, held = lifecycle.outcome(settings.work_db, result.run_id)
        failed_checks = [
            f"{'/'.join(e.asset_key.path)}:{e.check_name}"
            for e in result.get_asset_check_evaluations()
            if not e.passed and e.severity != dg.AssetCheckSeverity.WARN
        ]
        # dbt tests with severity warn flag data to follow up (an implausible meter
        # reading); they are reported, not counted as failures.
        from pipelines.dbt import worded_warning

        warned_checks = [
            worded_warning(e.check_name, failed_rows(e))
            for e in result.get_asset_check_evaluations()
            if not e.passed and e.severity == dg.AssetCheckSeverity.WARN
        ]
        if status != "published":
            print(
                f"greenblue run {result.run_id}: BLOCKED, served warehouse unchanged: "
                f"{message or status}",
                file=sys.stderr,
            )
            return 1
        if engine == "spark":
            from pipelines.factor_library import current_factor_set

            factor_set = current_factor_set(settings.factor_set, workdir=settings.workdir)
            marts = spark.build(settings, factor_set)
            print(f"Spark marts (Parquet tables): {marts}")
    from pipelines.summary import print_summary

    print_summary(settings.warehouse, result.run_id, time.perf_counter() - started, failed_checks)
    for org, why in held.items():
        print(f"HELD {org}: its previous figures stay served: {why}")
    for warned in warned_checks:
        print(f"warning (data to follow up): {warned}")
    return 0


def failed_rows(evaluation) -> object:
    """The rows a dbt test found, as dagster-dbt records them on the check's evaluation."""
    value = evaluation.metadata.get("dagster_dbt/failed_row_count")
    return getattr(value, "value", value)


def cmd_repseudonymise(args: argparse.Namespace) -> int:
    """Adopt a new pseudonym key: every loaded file is read again by the next run."""
    from pipelines import database, lifecycle

    settings = load_settings()
    settings.key_bytes  # noqa: B018 - the new key must be set
    with database.run_lock(settings.workdir):
        files = lifecycle.repseudonymise(settings)
    print(
        f"{files} loaded files will be read again with the new key by the next "
        "`greenblue run`; the old pseudonyms are gone from the working database"
    )
    return 0


def cmd_run(args: argparse.Namespace) -> int:
    return execute_run(force=args.force, full_refresh=args.full_refresh, engine=args.engine)


def cmd_demo(args: argparse.Namespace) -> int:
    """Sample data, a run, and where to look: the first thing a newcomer sees."""
    out = Path(args.dir).absolute()
    landing = out / "landing"
    if not (landing / "organizations.yaml").exists():
        cmd_generate(
            argparse.Namespace(
                out=landing, orgs=args.orgs, rows=args.rows, seed=7, year=2024, years=args.years
            )
        )
    os.environ.setdefault("GREENBLUE_LANDING", str(landing))
    os.environ.setdefault("GREENBLUE_WAREHOUSE", str(out / "warehouse" / "greenblue.duckdb"))
    key_file = out / ".pseudonym_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_hex(32))
        key_file.chmod(0o600)
    os.environ.setdefault("GREENBLUE_PSEUDONYM_KEY", key_file.read_text().strip())
    code = execute_run()
    if code == 0:
        print(f"\nwarehouse: {os.environ['GREENBLUE_WAREHOUSE']}")
        print(f"landing:   {landing}")
        print("open it:   duckdb -readonly " + os.environ["GREENBLUE_WAREHOUSE"])
        code = cmd_report(argparse.Namespace(out=str(out / "report")))
    return code


def cmd_report(args: argparse.Namespace) -> int:
    """The static HTML report from the served warehouse (opened read-only)."""
    from report.site import build

    settings = load_settings()
    if not settings.warehouse.exists():
        raise ConfigError(
            f"no served warehouse at {settings.warehouse} (GREENBLUE_WAREHOUSE): run first"
        )
    out = Path(args.out) if args.out else settings.warehouse.parent / "report"
    started = time.perf_counter()
    pages = build(settings.warehouse, out.absolute())
    print(f"report:    {pages[0]} ({len(pages)} pages in {time.perf_counter() - started:.1f}s)")
    return 0


def cmd_erp_export(args: argparse.Namespace) -> int:
    """Carbon figures for an ERP team to load back (docs/erp-write-back.md)."""
    from pipelines.erp_export import ExportError, export

    settings = load_settings()
    if not settings.warehouse.exists():
        raise ConfigError(
            f"no served warehouse at {settings.warehouse} (GREENBLUE_WAREHOUSE): run first"
        )
    try:
        written = export(settings.warehouse, args.org, args.format, Path(args.out))
    except ExportError as exc:
        raise ConfigError(str(exc)) from None
    for path, rows in written:
        print(f"wrote {path} ({rows:,} rows)")
    return 0


def cmd_handbook(args: argparse.Namespace) -> int:
    """The procurement handbook's sustainable-procurement section, from the catalogue."""
    from pipelines.handbook import write

    print(f"wrote {write(Path(args.out))}")
    return 0


def cmd_factors_import(args: argparse.Namespace) -> int:
    """Build an edition from a file the operator provides, on top of the current edition."""
    from pipelines import database, editions, factor_imports

    settings = load_settings()
    started = time.perf_counter()
    # A run reads which edition is newest several times: no import lands while one runs.
    with database.run_lock(settings.workdir):
        edition, what = factor_imports.import_edition(
            args.kind,
            Path(args.path),
            settings.workdir,
            base=args.base,
            requested=settings.factor_set,
        )
    m = edition.manifest
    rows = m["rows"]
    print(
        f"{what}: factor set {edition.name}\n"
        f"  from {m['source_file']} (sha256 {m['sha256']}) on base {m['base']}\n"
        f"  {rows['total']:,} rows = {rows['base'] - rows['base_replaced']:,} of the base + "
        f"{rows['imported']:,} imported ({rows['base_replaced']:,} base rows replaced) "
        f"in {time.perf_counter() - started:.1f}s\n"
        f"  kept in {edition.path.parent} (the working folder, never the repository)"
    )
    if settings.factor_set:
        print(
            f"GREENBLUE_FACTOR_SET={settings.factor_set} is set: runs use that edition until "
            "you change it or unset it"
        )
    elif (newest := editions.newest(settings.workdir).name) == edition.name:
        print("the next `greenblue run` computes every year with it")
    else:
        print(
            f"a newer edition outranks it ({newest}): set "
            f"GREENBLUE_FACTOR_SET={edition.name} to compute with it"
        )
    return 0


def cmd_factors_list(args: argparse.Namespace) -> int:
    """Installed editions, oldest first; `*` marks the one a run uses now."""
    from pipelines import editions, factor_library

    settings = load_settings()
    installed = editions.installed(settings.workdir)
    try:
        current = factor_library.current_factor_set(settings.factor_set, workdir=settings.workdir)
    except ValueError as exc:
        current = None
        print(f"greenblue: {exc}", file=sys.stderr)
    for edition in installed:
        mark = "*" if edition.name == current else " "
        with edition.path.open(encoding="utf-8") as handle:
            rows = sum(1 for _ in handle) - 1
        if not edition.imported:
            published = edition.published_on
            print(f"{mark} {edition.name}  repository, published {published}, {rows:,} rows")
            continue
        m = edition.manifest
        print(
            f"{mark} {edition.name}  imported {m['imported_at'][:19].replace('T', ' ')} UTC "
            f"({m['kind']}), {rows:,} rows\n"
            f"      base {m['base']}: {m['rows']['base'] - m['rows']['base_replaced']:,} rows "
            f"kept, {m['rows']['imported']:,} imported, {m['rows']['base_replaced']:,} replaced\n"
            f"      source {m['source_file']} sha256 {m['sha256']}"
        )
    why = (
        "GREENBLUE_FACTOR_SET" if settings.factor_set else "the newest; GREENBLUE_FACTOR_SET unset"
    )
    print(f"* = what `greenblue run` computes with ({why})")
    print(f"imported editions live in {editions.editions_dir(settings.workdir)}")
    newest_repo = max(editions.repository_editions(), key=lambda e: e.published_on)
    stale = [e.name for e in installed if e.imported and e.published_on < newest_repo.published_on]
    if stale:
        print(
            f"built on an older repository edition than {newest_repo.name}: "
            + ", ".join(stale)
            + " (import again to build on it)"
        )
    return 0 if current is not None else 2


def cmd_dbt_sources(args: argparse.Namespace) -> int:
    """Write (or --check) the dbt raw sources generated from the dialect registry."""
    from connectors.dialects import dbt_sources_yaml

    text = dbt_sources_yaml()
    if args.check:
        if not SOURCES_YAML.exists() or SOURCES_YAML.read_text() != text:
            print(f"{SOURCES_YAML} is out of date: run `greenblue dbt-sources`", file=sys.stderr)
            return 1
        return 0
    SOURCES_YAML.write_text(text)
    print(f"wrote {SOURCES_YAML}")
    return 0


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="greenblue", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    g = sub.add_parser("generate", help="write a realistic landing folder (deterministic per seed)")
    g.add_argument("--out", required=True)
    g.add_argument("--orgs", type=int, default=5)
    g.add_argument("--rows", type=int, default=2000, help="travel rows per organization and year")
    g.add_argument("--seed", type=int, default=7)
    g.add_argument("--year", type=int, default=2024)
    g.add_argument(
        "--years", type=int, default=1, help="also write the years before --year (baseline first)"
    )
    g.set_defaults(func=cmd_generate)
    r = sub.add_parser("run", help="run the nightly job once on GREENBLUE_LANDING")
    r.add_argument(
        "--force",
        action="store_true",
        help="rebuild and publish even when nothing changed since the last published run",
    )
    r.add_argument(
        "--full-refresh",
        action="store_true",
        help="rebuild every model from all loaded files, not only what changed (implies --force)",
    )
    r.add_argument(
        "--engine",
        choices=("duckdb", "spark"),
        default="duckdb",
        help="spark: also build the models on Spark and publish its marts as Parquet tables "
        "under GREENBLUE_SPARK_WAREHOUSE (needs the spark extra and Java; docs/scale-out.md)",
    )
    r.set_defaults(func=cmd_run)
    d = sub.add_parser("demo", help="generate sample data, run, print where the results are")
    d.add_argument("--dir", default="demo")
    d.add_argument("--orgs", type=int, default=5)
    d.add_argument("--rows", type=int, default=500, help="travel rows per organization and year")
    d.add_argument("--years", type=int, default=3, help="reporting years of sample data")
    d.set_defaults(func=cmd_demo)
    rp = sub.add_parser("report", help="write the static HTML report from the served warehouse")
    rp.add_argument(
        "--out", help="folder for the HTML pages (default: report/ beside the served warehouse)"
    )
    rp.set_defaults(func=cmd_report)
    e = sub.add_parser(
        "erp-export",
        help="files an ERP team loads back: carbon per material group and per open PO line",
    )
    e.add_argument("--org", required=True, help="organization code, as in the registry")
    e.add_argument("--format", required=True, choices=["sap", "oracle"])
    e.add_argument("--out", required=True, help="folder for the files")
    e.set_defaults(func=cmd_erp_export)
    h = sub.add_parser(
        "handbook",
        help="write the procurement handbook's sustainable-procurement section (Markdown)",
    )
    h.add_argument("--out", default=str(ROOT / "docs" / "procurement-handbook.md"))
    h.set_defaults(func=cmd_handbook)
    sub.add_parser(
        "bench",
        help="time greenblue against a plain DuckDB script on generated data "
        "(`greenblue bench --help` for its options)",
        add_help=False,
    )
    sub.add_parser(  # web/commands.py
        "serve",
        help="the web application on the served warehouse (`greenblue serve --help`)",
        add_help=False,
    )
    sub.add_parser(
        "users",
        help="web application accounts: add, list, remove (`greenblue users --help`)",
        add_help=False,
    )
    k = sub.add_parser(
        "repseudonymise",
        help="adopt a new GREENBLUE_PSEUDONYM_KEY: the next run reads every loaded file again",
    )
    k.set_defaults(func=cmd_repseudonymise)
    f = sub.add_parser(
        "factors",
        help="factor-set editions: list them, import one from a file "
        "(docs/contract.md section 3.7)",
    )
    fsub = f.add_subparsers(dest="factors_command", required=True)
    fl = fsub.add_parser("list", help="installed editions: repository and imported")
    fl.set_defaults(func=cmd_factors_list)
    fi = fsub.add_parser(
        "import",
        help="build an edition from a file: the current edition plus the file's rows, "
        "kept in the working folder",
    )
    fi.add_argument("kind", help="owid-grid | epa-supply-chain")
    fi.add_argument("path", help="the file as its publisher distributes it")
    fi.add_argument(
        "--base",
        help="edition to build on (default: the one a run would use now, imports included)",
    )
    fi.set_defaults(func=cmd_factors_import)
    s = sub.add_parser("dbt-sources", help="regenerate the dbt raw sources from the registry")
    s.add_argument("--check", action="store_true", help="exit 1 when the file is out of date")
    s.set_defaults(func=cmd_dbt_sources)
    return p


def plugin_command(name: list[str]):
    """A command another package of the project registers (pyproject.toml,
    `greenblue.commands` entry points), so the CLI never imports the benchmark harness."""
    from importlib.metadata import entry_points

    found = [e for e in entry_points(group="greenblue.commands") if [e.name] == name]
    return found[0].load() if found else None


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    plugin = plugin_command(argv[:1])
    if plugin:  # e.g. `bench` (benchmarks/run.py), which parses its own options
        return plugin(argv[1:])
    return run_parsed(parser().parse_args(argv))


def run_parsed(args: argparse.Namespace) -> int:
    """Run a parsed command; what a person can fix is one line on stderr, not a traceback:
    a configuration or registry problem exits 2, a full disk, a held database or a failed
    query 1. The plugin commands (`greenblue serve`, `greenblue users`) use it too."""
    from connectors.organizations import RegistryError

    try:
        return args.func(args)
    except (ConfigError, RegistryError) as exc:
        print(f"greenblue: {exc}", file=sys.stderr)
        return 2
    except (OSError, RuntimeError) as exc:  # a full disk, a held database: one clear line
        print(f"greenblue: {type(exc).__name__}: {one_line(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:
        import duckdb

        if not isinstance(exc, duckdb.Error):
            raise
        print(f"greenblue: {type(exc).__name__}: {one_line(exc)}", file=sys.stderr)
        return 1


def one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:500] or "no message"


if __name__ == "__main__":
    sys.exit(main())
