"""`greenblue factors import KIND PATH`: a factor-set edition from a file the operator provides.

docs/contract.md section 3.7: reference data that does not ship with the repository or a package is
imported
once from a file, recorded with the file's sha256. An imported edition is a complete factor
set: every row of its base edition (the edition a run would use now, or `--base`) plus the
rows read from the file, named after both (`un-common-2025.1+owid-grid-9ff1ac55`). It is
written to the working folder (pipelines/editions.py), never to the repository, so importing
the grid series and then the spend-based set gives one edition with both.

Kinds (factors/METHODOLOGY.md, "Imported factor editions"):

- `owid-grid`: Our World in Data's carbon intensity of electricity (`Entity, Code, Year`,
  g CO2e per kWh) -> `electricity.grid.<ISO-2>.<year>@kWh`, the key shape of the repository's
  grid rows. A base row with the same factor id is replaced by the file's (a newer release of
  the same series).
- `epa-supply-chain`: US EPA Supply Chain GHG Emission Factors (NAICS-2017, kg CO2e per USD
  of the year in `Unit`, with margins) -> `spend.naics.<code>@usd_<year>`, the keys of the
  UNSPSC crosswalk (factors/unspsc_spend_categories.csv). Every spend-based row of the base is
  replaced. The edition's price index becomes the CPI-U annual average bundled with the `cpi`
  package, which moves spend of the PO's year into the factors' year.
"""

import csv
import hashlib
import importlib.util
import io
import json
import logging
import os
import re
import shutil
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from importlib.metadata import version
from pathlib import Path

from babel.core import get_global

from pipelines import editions
from pipelines.editions import COLUMNS
from pipelines.settings import FACTORS_DIR, ConfigError

PRICE_INDEX_COLUMNS = ("year", "index_value", "source")


class ImportRefused(ConfigError):
    """The file cannot be imported; the message says why and what to do."""


@dataclass
class Imported:
    """What a kind read from its file."""

    rows: list[dict[str, str]]  # factor rows, `factor_version` filled in later
    replaces: Callable[[dict[str, str]], bool]  # which base rows the import supersedes
    description: str
    stats: dict
    price_index: list[dict[str, str]] | None = None  # None: keep the base's


def text(value: Decimal) -> str:
    """A decimal as plain text without exponent or trailing zeros (`0.070492`, `561.135`)."""
    return format(value.normalize(), "f")


def read_table(
    path: Path, kind: str, required: tuple[str, ...]
) -> tuple[list[str], list[dict[str, str]]]:
    """The file's header and rows; refused with the missing columns named."""
    if not path.exists():
        raise ImportRefused(f"no file {path}: give the path of the {kind} file to import")
    if not path.is_file():
        raise ImportRefused(f"{path} is not a file: give the path of the {kind} file to import")
    try:
        content = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportRefused(f"{path.name} is not UTF-8 text ({exc.reason})") from None
    reader = csv.DictReader(io.StringIO(content, newline=""))
    header = [h.strip() for h in reader.fieldnames or []]
    missing = [c for c in required if c not in header]
    if missing:
        raise ImportRefused(
            f"{path.name} is not a {kind} file: missing column(s) "
            + ", ".join(repr(c) for c in missing)
            + f" (its columns: {', '.join(header) or 'none'})"
        )
    reader.fieldnames = header
    return header, list(reader)


def decimal(value: str, what: str, line: int, path: Path) -> Decimal:
    try:
        number = Decimal(value.strip())
    except InvalidOperation:
        number = None
    if number is None or not number.is_finite() or number < 0:
        raise ImportRefused(f"{path.name} line {line}: {what} {value!r} is not a number >= 0")
    return number


# --- owid-grid ---------------------------------------------------------------------------

OWID_COLUMNS = ("Entity", "Code", "Year")
OWID_VALUE = "Carbon intensity of electricity"  # `... per kWh` (2025), `... - gCO2/kWh` (older)
# Territories without an ISO 3166-1 code that OWID keys with its own: Kosovo is `XK` (the
# user-assigned code the EU, the IMF and ERP country tables use).
OWID_TERRITORIES = {"OWID_KOS": "XK"}


def owid_grid(path: Path, sha256: str) -> Imported:
    header, rows_in = read_table(
        path, "Our World in Data carbon-intensity-of-electricity", OWID_COLUMNS
    )
    value_columns = [c for c in header if c.startswith(OWID_VALUE)]
    if len(value_columns) != 1:
        raise ImportRefused(
            f"{path.name} is not a Our World in Data carbon-intensity-of-electricity file: "
            f"missing column '{OWID_VALUE} per kWh' (g CO2e per kWh; its columns: "
            f"{', '.join(header) or 'none'})"
        )
    (value_column,) = value_columns
    aliases = get_global("territory_aliases")
    source = (
        "Carbon intensity of electricity generation per country and year (Our World in Data, "
        "based on Ember Yearly Electricity Data and the Energy Institute Statistical Review of "
        f"World Energy), imported from {path.name} (sha256 {sha256})"
    )
    rows, skipped, seen = [], {"aggregate": 0, "no_iso2": set(), "no_value": 0}, set()
    for line, row in enumerate(rows_in, start=2):
        iso3, year_text, value = row["Code"].strip(), row["Year"].strip(), row[value_column]
        if iso3 in OWID_TERRITORIES:
            iso2 = OWID_TERRITORIES[iso3]
        elif not re.fullmatch(r"[A-Z]{3}", iso3):  # regions (no code) and OWID_ aggregates
            skipped["aggregate"] += 1
            continue
        elif len(aliases.get(iso3, ())) == 1:
            iso2 = aliases[iso3][0]
        else:
            skipped["no_iso2"].add(iso3)
            continue
        if not (value or "").strip():
            skipped["no_value"] += 1
            continue
        if not re.fullmatch(r"[0-9]{4}", year_text):
            raise ImportRefused(f"{path.name} line {line}: Year {year_text!r} is not a year")
        grams = decimal(value, value_column, line, path)
        year = int(year_text)
        key = f"electricity.grid.{iso2}.{year}"
        if key in seen:
            raise ImportRefused(f"{path.name} line {line}: {iso3} {year} appears twice")
        seen.add(key)
        rows.append(
            {
                "factor_id": f"{key}@kWh",
                "factor_key": key,
                "activity_type": "electricity",
                "unit": "kWh",
                "kg_co2e_per_unit": text(grams / 1000),  # g CO2e/kWh -> kg CO2e/kWh
                "gwp_set": "AR5",
                "source": source,
                "source_edition": str(year),
                "source_id": f"{iso3}:{year}",
                "valid_from": f"{year}-01-01",
                "valid_to": f"{year}-12-31",
                "notes": f"{row['Entity'].strip()}: {text(grams)} gCO2e/kWh, location-based "
                "(generation mix, life-cycle)",
            }
        )
    if not rows:
        raise ImportRefused(f"{path.name} has no country rows with a value: nothing to import")
    ids = {r["factor_id"] for r in rows}
    countries = len({r["source_id"].split(":")[0] for r in rows})
    years = sorted({int(r["source_edition"]) for r in rows})
    return Imported(
        rows=sorted(rows, key=lambda r: r["factor_id"]),
        replaces=lambda base_row: base_row["factor_id"] in ids,
        description=(
            f"grid factors per country and year from Our World in Data's carbon intensity of "
            f"electricity ({path.name}, {countries} countries, "
            f"{years[0]}-{years[-1]})"
        ),
        stats={
            "countries": countries,
            "years": [years[0], years[-1]],
            "skipped_aggregates": skipped["aggregate"],
            "skipped_without_iso2": sorted(skipped["no_iso2"]),
            "skipped_without_value": skipped["no_value"],
        },
    )


# --- epa-supply-chain --------------------------------------------------------------------

EPA_COLUMNS = (
    "2017 NAICS Code",
    "2017 NAICS Title",
    "GHG",
    "Unit",
    "Supply Chain Emission Factors without Margins",
    "Margins of Supply Chain Emission Factors",
    "Supply Chain Emission Factors with Margins",
)
EPA_UNIT = re.compile(r"kg CO2e/([0-9]{4}) USD, purchaser price")
GOODS_SECTORS = ("11", "21", "31", "32", "33")  # agriculture, mining, manufacturing
CPI_SERIES = "CUUR0000SA0"


def crosswalk_activity_types(factors_dir: Path) -> dict[str, str]:
    """NAICS code -> activity type of the crosswalk rows that take a spend-based factor."""
    with (factors_dir / "unspsc_spend_categories.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    return {r["naics_2017"]: r["activity_type"] for r in rows if r["factor_key"]}


def epa_supply_chain(path: Path, sha256: str, factors_dir: Path = FACTORS_DIR) -> Imported:
    _, rows_in = read_table(path, "US EPA Supply Chain GHG Emission Factors", EPA_COLUMNS)
    release = re.search(r"_v([0-9]+(?:\.[0-9]+)+)", path.name)
    edition = f"v{release.group(1)}" if release else "release not in the file name"
    source = (
        "US EPA Supply Chain GHG Emission Factors for US Industries and Commodities "
        f"({edition}), NAICS-2017, with margins (purchaser price); imported from {path.name} "
        f"(sha256 {sha256})"
    )
    crosswalk = crosswalk_activity_types(factors_dir)
    rows, years, skipped_gases = [], set(), 0
    for line, row in enumerate(rows_in, start=2):
        if row["GHG"].strip() != "All GHGs":  # a per-gas layout: only the CO2e total counts
            skipped_gases += 1
            continue
        code = row["2017 NAICS Code"].strip()
        if not re.fullmatch(r"[0-9]{6}", code):
            raise ImportRefused(f"{path.name} line {line}: NAICS code {code!r} is not 6 digits")
        unit = EPA_UNIT.fullmatch(row["Unit"].strip())
        if unit is None:
            raise ImportRefused(
                f"{path.name} line {line}: Unit {row['Unit']!r} is not "
                "'kg CO2e/<year> USD, purchaser price'"
            )
        years.add(unit.group(1))
        with_margins = decimal(
            row["Supply Chain Emission Factors with Margins"], "factor", line, path
        )
        without = row["Supply Chain Emission Factors without Margins"].strip()
        margins = row["Margins of Supply Chain Emission Factors"].strip()
        key = f"spend.naics.{code}"
        activity = crosswalk.get(code) or (
            "purchased_goods" if code[:2] in GOODS_SECTORS else "purchased_services"
        )
        rows.append(
            {
                "factor_id": f"{key}@usd_{unit.group(1)}",
                "factor_key": key,
                "activity_type": activity,
                "unit": f"usd_{unit.group(1)}",
                "kg_co2e_per_unit": text(with_margins),
                "gwp_set": "AR5",
                "source": source,
                "source_edition": edition,
                "source_id": code,
                "valid_from": "2000-01-01",
                "valid_to": "",
                "notes": f"{row['2017 NAICS Title'].strip()}: kg CO2e per {unit.group(1)} USD "
                f"with margins {text(with_margins)} (without margins {without}, margins "
                f"{margins})",
            }
        )
    if not rows:
        raise ImportRefused(f"{path.name} has no 'All GHGs' rows: nothing to import")
    if len(years) != 1:
        raise ImportRefused(f"{path.name} mixes currency years {sorted(years)}: one per file")
    codes = [r["source_id"] for r in rows]
    doubled = sorted({c for c in codes if codes.count(c) > 1})
    if doubled:
        raise ImportRefused(f"{path.name}: NAICS code(s) {', '.join(doubled)} appear twice")
    (year,) = years
    index, cpi_source = cpi_u_index()
    if year not in {r["year"] for r in index}:
        raise ImportRefused(f"the bundled CPI-U has no annual average for {year}")
    mapped = sorted(set(crosswalk) & set(codes))
    return Imported(
        rows=sorted(rows, key=lambda r: r["factor_id"]),
        replaces=lambda base_row: base_row["factor_key"].startswith("spend."),
        description=(
            f"spend-based factors, kg CO2e per {year} USD with margins, for "
            f"{len(rows)} NAICS-2017 industries from the US EPA Supply Chain GHG Emission "
            f"Factors ({edition}, {path.name}); spend deflated with {cpi_source}"
        ),
        stats={
            "naics_codes": len(rows),
            "currency_year": int(year),
            "crosswalk_codes_with_factor": len(mapped),
            "crosswalk_codes_without_factor": sorted(set(crosswalk) - set(codes)),
            "skipped_per_gas_rows": skipped_gases,
            "price_index": cpi_source,
        },
        price_index=index,
    )


def cpi_u_index() -> tuple[list[dict[str, str]], str]:
    """CPI-U annual averages (BLS series CUUR0000SA0, 1982-84 = 100) from the data the `cpi`
    package bundles, and a line naming it.

    Offline only: the package downloads its database when the file is missing and offers
    `cpi.update()`; neither is ever used here. It warns on import when its data is more than
    90 days old (StaleDataWarning, and a log line): stale for inflating to *today's* dollars,
    which this does not do. Annual averages of complete years do not change, so the warning
    is silenced here and the data's last month is named in the source instead."""
    spec = importlib.util.find_spec("cpi")
    locations = list(spec.submodule_search_locations or []) if spec else []
    if not any((Path(folder) / "cpi.db").is_file() for folder in locations):
        raise ImportRefused(
            "the cpi package's bundled CPI database (cpi.db) is missing: reinstall the package "
            "(greenblue never downloads it)"
        )
    cpi_logger = logging.getLogger("cpi")
    level = cpi_logger.level
    cpi_logger.setLevel(logging.ERROR)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message="CPI data is out of date")
            import cpi
    finally:
        cpi_logger.setLevel(level)
    series = cpi.series.get_by_id(CPI_SERIES)
    annual = sorted((i for i in series.indexes if i.period.type == "annual"), key=lambda i: i.year)
    source = (
        f"CPI-U, U.S. city average, all items, not seasonally adjusted (BLS series {CPI_SERIES}), "
        f"annual average, as bundled with the cpi Python package {version('cpi')} "
        f"(data to {cpi.LATEST_MONTH:%Y-%m})"
    )
    rows = [
        {"year": str(i.year), "index_value": text(Decimal(repr(i.value))), "source": source}
        for i in annual
    ]
    return rows, source


KINDS: dict[str, Callable[..., Imported]] = {
    "owid-grid": owid_grid,
    "epa-supply-chain": epa_supply_chain,
}


# --- the edition -------------------------------------------------------------------------


def read_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def csv_text(rows: list[dict[str, str]], columns: tuple[str, ...]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def import_edition(
    kind: str,
    path: Path,
    workdir: Path,
    base: str | None = None,
    requested: str | None = None,
    factors_dir: Path = FACTORS_DIR,
) -> tuple[editions.Edition, str]:
    """Build and install an edition; returns it and one line saying what happened.

    `base` None: the edition a run would use now (`requested`, i.e. GREENBLUE_FACTOR_SET, or
    the newest). Installing the same file on the same base again rebuilds the same edition
    and makes it the newest again."""
    if kind not in KINDS:
        raise ImportRefused(f"unknown kind {kind!r}: one of {', '.join(KINDS)}")
    path = Path(path)
    if not path.is_file():  # before anything else: the reader words it for people
        read_table(path, kind, ())
    if base is not None:
        try:
            base_edition = editions.find(base, workdir, factors_dir)
        except editions.UnknownEdition as exc:
            raise ImportRefused(f"--base {exc}") from None
    elif requested is not None:
        try:
            base_edition = editions.find(requested, workdir, factors_dir)
        except editions.UnknownEdition as exc:
            raise ImportRefused(f"GREENBLUE_FACTOR_SET={exc}") from None
    else:
        base_edition = editions.newest(workdir, factors_dir)
    sha256 = hashlib.sha256(path.read_bytes()).hexdigest()
    reader = KINDS[kind]
    imported = (
        reader(path, sha256, factors_dir) if kind == "epa-supply-chain" else reader(path, sha256)
    )
    name = f"{base_edition.name}+{kind}-{sha256[:8]}"
    base_rows = read_rows(base_edition.path)
    kept = [r for r in base_rows if not imported.replaces(r)]
    rows = [{**r, "factor_version": name} for r in kept + imported.rows]
    factors_text = csv_text(rows, COLUMNS)
    index_rows = (
        imported.price_index
        if imported.price_index is not None
        else read_rows(base_edition.price_index)
    )
    index_text = csv_text(index_rows, PRICE_INDEX_COLUMNS)

    folder = editions.editions_dir(workdir) / name
    root = base_edition.manifest.get("root", base_edition.name)
    manifest = {
        "name": name,
        "kind": kind,
        "base": base_edition.name,
        "root": root,
        "description": f"{base_edition.name} + {imported.description}",
        "source_file": path.name,
        "source_path": str(path.absolute()),
        "sha256": sha256,
        "size_bytes": path.stat().st_size,
        "imported_at": datetime.now(UTC).isoformat(timespec="microseconds"),
        "reimport": f"greenblue factors import {kind} {path.absolute()} --base {base_edition.name}",
        "rows": {
            "base": len(base_rows),
            "base_replaced": len(base_rows) - len(kept),
            "imported": len(imported.rows),
            "total": len(rows),
            "price_index_years": len(index_rows),
        },
        "files": {
            editions.FACTORS_FILE: hashlib.sha256(factors_text.encode()).hexdigest(),
            editions.PRICE_INDEX_FILE: hashlib.sha256(index_text.encode()).hexdigest(),
        },
        "details": imported.stats,
        # every import behind the edition, oldest first: what to import again, in order
        "lineage": [
            *base_edition.manifest.get("lineage", []),
            {"kind": kind, "source_file": path.name, "sha256": sha256},
        ],
    }

    if folder.exists():
        old = json.loads((folder / editions.MANIFEST_FILE).read_text(encoding="utf-8"))
        if old.get("files") != manifest["files"]:
            raise ImportRefused(
                f"edition {name} is installed with other contents ({folder}); published "
                "figures may name it, so it is not rewritten: import onto another base, or "
                "delete the working folder to start over"
            )
        again = "already installed: made the newest again"
    else:
        again = "installed"
    staging = editions.editions_dir(workdir) / f".{name}.tmp"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    (staging / editions.FACTORS_FILE).write_text(factors_text, encoding="utf-8", newline="")
    (staging / editions.PRICE_INDEX_FILE).write_text(index_text, encoding="utf-8", newline="")
    (staging / editions.MANIFEST_FILE).write_text(
        json.dumps(manifest, indent=2) + "\n", encoding="utf-8"
    )
    for child in staging.iterdir():
        with child.open("rb") as handle:
            os.fsync(handle.fileno())
    if folder.exists():  # same contents: swap in the new manifest (imported_at)
        os.replace(staging / editions.MANIFEST_FILE, folder / editions.MANIFEST_FILE)
        shutil.rmtree(staging)
    else:
        os.replace(staging, folder)
    edition = editions.find(name, workdir, factors_dir)
    return edition, again
