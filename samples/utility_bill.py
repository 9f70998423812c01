"""D7 `utility_bill_json`: monthly utility statements from an aggregator, and the flat CSV
variant `utility_bill_csv` that some offices fill in by hand.

Meters are simulated first (a daily consumption with seasons), billed per period, then
published the way aggregators publish them. The writer for year Y writes the periods that
start in Y, so consecutive years never bill a day twice. Quirk scopes: per meter
(`period_crosses_year`: billing cycles from the 15th, so December's bill ends on 14 January;
forced on one meter per organisation when the probability is above zero), per site
(`utility_flat_csv`, `prepaid_no_period`), per statement (`republished_new_id`,
`adjustment_statement`, `secondary_provider_duplicate_meter`) and per reading
(`estimated_then_catchup`, `mwh_labelled_kwh`; the latter forced once per organisation too,
so the plausibility check always has something to catch).
"""

import csv
import datetime as dt
import io
import json
import random
from dataclasses import dataclass, replace

from samples import field_sites
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "republished_new_id": 0.05,
    "adjustment_statement": 0.05,
    "estimated_then_catchup": 0.1,
    "mwh_labelled_kwh": 0.02,
    "secondary_provider_duplicate_meter": 0.05,
    "prepaid_no_period": 0.05,
    "period_crosses_year": 0.1,
    "utility_flat_csv": 0.3,
}

CSV_HEADER = (
    "Site Code", "Country", "Supplier", "Account Number", "Meter ID", "Period Start",
    "Period End", "Consumption", "Unit", "Read Type", "Tariff", "Amount", "Currency",
    "Renewable %",
)  # fmt: skip
PROVIDERS = {
    "KE": "Kenya Power",
    "US": "Con Edison",
    "IT": "Enel Energia",
    "CH": "SIG Services Industriels de Genève",
    "DK": "HOFOR",
    "GB": "EDF Energy",
    "UG": "Umeme",
    "ET": "Ethiopian Electric Utility",
    "XK": "KEDS",
    "HT": "Électricité d'Haïti",
    "LB": "Électricité du Liban",
    "CO": "Enel Colombia",
    "HN": "ENEE",
    "ML": "Énergie du Mali",
    "CD": "SNEL",
    "SS": "South Sudan Electricity Corporation",
    "AF": "Da Afghanistan Breshna Sherkat",
}
AGGREGATOR = "UtilityHub Data Services"
RENEWABLE = {"CH": 100.0, "IT": 35.0, "DK": 50.0}
GAS_UNIT = {"US": "therm", "IT": "m3"}
KWH_PER = {"kWh": 1.0, "m3": 10.55, "therm": 29.3071}  # only to size a plausible gas bill
TARIFF_PRICE = 0.18  # local currency per kWh-equivalent, for the charges


@dataclass(frozen=True)
class Meter:
    number: str
    commodity: str
    unit: str
    site: field_sites.Site
    provider: str
    account: str
    tariff: str
    daily: float  # kWh (or the unit) per day, before seasons
    from_15th: bool
    renewable: float | None


@dataclass
class Reading:
    meter: Meter
    start: dt.date | None
    end: dt.date | None
    value: float  # in meter.unit
    read_type: str = "ACTUAL"
    unit_printed: str | None = None
    value_printed: float | None = None
    token: bool = False


@dataclass
class Statement:
    statement_id: str
    kind: str
    site: field_sites.Site
    provider: str
    account: str
    date: dt.date
    readings: list[Reading]
    adjusts: str | None = None
    mode: str | None = None
    published: dt.date | None = None  # when the aggregator sent it, if not on its date

    @property
    def publication(self) -> dt.date:
        return self.published or self.date


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    sites = [s for s in field_sites.sites(org) if s.place.grid]
    meters = make_meters(org, rng, ctx, sites)
    flat = {s.code for s in sites if not s.headquarters and ctx.chance(rng, "utility_flat_csv")}
    prepaid = {s.code for s in sites if not s.headquarters and ctx.chance(rng, "prepaid_no_period")}
    statements: list[Statement] = []
    csv_rows: dict[str, list[list]] = {}
    forced_mwh = ctx.quirks["mwh_labelled_kwh"] > 0
    for meter in meters:
        if meter.site.code in prepaid and meter.commodity == "ELECTRIC":
            statements += prepaid_statements(rng, ctx, meter)
            continue
        readings = bill(rng, ctx, meter)
        if (
            forced_mwh
            and meter.commodity == "ELECTRIC"
            and not any(r.unit_printed for r in readings)
        ):
            mislabel(readings[len(readings) // 2])
            forced_mwh = False
        if meter.site.code in flat:
            csv_rows.setdefault(meter.site.code, []).extend(csv_row(r) for r in readings)
            continue
        for reading in readings:
            statements.append(statement(rng, meter, reading))
    statements += later_statements(rng, ctx, statements)
    written = write_json_files(ctx, org, statements)
    for code, rows in sorted(csv_rows.items()):
        written.append(write_csv(ctx, org, code, rows))
    return written


WRITER = DialectWriter("utility_bill_json", QUIRKS, write)


def make_meters(org: Org, rng: random.Random, ctx: Context, sites) -> list[Meter]:
    meters = []
    crossing_forced = ctx.quirks["period_crosses_year"] > 0
    for site in sites:
        country = site.place.country
        provider = PROVIDERS.get(country, f"{site.place.city} Electricity")
        commodities = [("ELECTRIC", "kWh")] * (2 if site.headquarters else 1)
        if site.headquarters and site.place.heating:
            commodities.append((site.place.heating, GAS_UNIT.get(country, "kWh")))
        if site.headquarters:
            commodities.append(("WATER", "m3"))
        for commodity, unit in commodities:
            daily = rng.uniform(2500, 7000) if site.headquarters else rng.uniform(80, 500)
            if commodity != "ELECTRIC":
                daily = daily * 0.8 / KWH_PER.get(unit, 1.0)
            if commodity == "WATER":
                daily = rng.uniform(20, 60)
            crossing = ctx.chance(rng, "period_crosses_year")
            if crossing_forced and site.headquarters and commodity == "ELECTRIC":
                crossing, crossing_forced = True, False
            meters.append(
                Meter(
                    number=str(rng.randrange(10**7, 10**8)),
                    commodity=commodity,
                    unit=unit,
                    site=site,
                    provider=provider,
                    account=f"{rng.randrange(10**9, 10**10)}",
                    tariff=rng.choice(("CI1", "CI2", "COM-B", "T2")),
                    daily=daily,
                    from_15th=crossing,
                    renewable=RENEWABLE.get(country) if commodity == "ELECTRIC" else None,
                )
            )
    return meters


def periods(meter: Meter, year: int) -> list[tuple[dt.date, dt.date]]:
    """The billing periods that start in `year`."""
    result = []
    for month in range(1, 13):
        start = dt.date(year, month, 15 if meter.from_15th else 1)
        nxt = dt.date(year + (month == 12), month % 12 + 1, 15 if meter.from_15th else 1)
        result.append((start, nxt - dt.timedelta(days=1)))
    return result


def consumed(rng: random.Random, meter: Meter, start: dt.date, end: dt.date) -> float:
    days = (end - start).days + 1
    season = 1.15 if start.month in (1, 2, 7, 8, 12) else 1.0
    return round(meter.daily * days * season * rng.uniform(0.9, 1.1), 1)


def bill(rng: random.Random, ctx: Context, meter: Meter) -> list[Reading]:
    """One reading per period; an estimate is followed by an actual read covering both."""
    readings: list[Reading] = []
    spans = periods(meter, ctx.year)
    i = 0
    while i < len(spans):
        start, end = spans[i]
        value = consumed(rng, meter, start, end)
        if i + 1 < len(spans) and ctx.chance(rng, "estimated_then_catchup"):
            estimate = round(value * rng.uniform(0.8, 1.2), 1)
            readings.append(Reading(meter, start, end, estimate, "ESTIMATED"))
            catch_end = spans[i + 1][1]
            total = value + consumed(rng, meter, spans[i + 1][0], catch_end)
            readings.append(Reading(meter, start, catch_end, round(total, 1)))
            i += 2
            continue
        reading = Reading(meter, start, end, value)
        if meter.commodity == "ELECTRIC" and ctx.chance(rng, "mwh_labelled_kwh"):
            mislabel(reading)
        readings.append(reading)
        i += 1
    return readings


def mislabel(reading: Reading) -> None:
    """The value in MWh, labelled kWh: 1000 times too small, undetectable from the file."""
    reading.value_printed = round(reading.value / 1000, 3)
    reading.unit_printed = "kWh"


def prepaid_statements(rng: random.Random, ctx: Context, meter: Meter) -> list[Statement]:
    """Token purchases: no period, the kWh bought on the statement date."""
    result = []
    for month in range(1, 13):
        for d in sorted(rng.sample(range(1, 28), rng.randint(1, 3))):
            day = dt.date(ctx.year, month, d)
            reading = Reading(meter, None, None, round(meter.daily * rng.uniform(8, 14), 0))
            reading.token = True
            result.append(
                Statement(
                    new_id(rng),
                    "PREPAID",
                    meter.site,
                    meter.provider,
                    meter.account,
                    day,
                    [reading],
                )
            )
    return result


def new_id(rng: random.Random) -> str:
    return f"{rng.getrandbits(64):016x}"


def statement(rng: random.Random, meter: Meter, reading: Reading) -> Statement:
    date = reading.end + dt.timedelta(days=rng.randint(3, 12))
    return Statement(new_id(rng), "BILL", meter.site, meter.provider, meter.account, date,
                     [reading])  # fmt: skip


def later_statements(rng: random.Random, ctx: Context, statements: list[Statement]) -> list:
    """Re-published copies, adjustments and a second provider's copy of some readings."""
    extra = []
    for s in statements:
        if s.kind != "BILL":
            continue
        if ctx.chance(rng, "republished_new_id"):
            later = s.date + dt.timedelta(days=rng.randint(31, 45))
            extra.append(replace(s, statement_id=new_id(rng), published=later))
        if ctx.chance(rng, "adjustment_statement"):
            mode = rng.choice(("REPLACE", "ADDITIVE"))
            reading = s.readings[0]
            if mode == "REPLACE":
                fixed = replace(reading, value=round(reading.value * rng.uniform(0.9, 1.1), 1),
                                unit_printed=None, value_printed=None)  # fmt: skip
            else:
                fixed = replace(reading, value=round(reading.value * rng.uniform(-0.05, 0.1), 1),
                                unit_printed=None, value_printed=None)  # fmt: skip
            extra.append(
                Statement(
                    new_id(rng),
                    "ADJUSTMENT",
                    s.site,
                    s.provider,
                    s.account,
                    s.date + dt.timedelta(days=rng.randint(20, 45)),
                    [fixed],
                    adjusts=s.statement_id,
                    mode=mode,
                )
            )
        if ctx.chance(rng, "secondary_provider_duplicate_meter"):
            extra.append(
                replace(s, statement_id=new_id(rng), provider=AGGREGATOR,
                        account=f"AGG-{s.account[-6:]}", date=s.date + dt.timedelta(days=2))
            )  # fmt: skip
    return extra


def usage_value(reading: Reading) -> tuple[float, str]:
    if reading.value_printed is not None:
        return reading.value_printed, reading.unit_printed or reading.meter.unit
    return reading.value, reading.meter.unit


def meter_json(reading: Reading) -> dict:
    meter = reading.meter
    value, unit = usage_value(reading)
    usages = [
        {
            "measurementType": "TOKEN_PURCHASE" if reading.token else "GENERAL_CONSUMPTION",
            "value": value,
            "unit": unit,
        }
    ]
    if meter.commodity == "ELECTRIC" and not reading.token:
        usages.append(
            {"measurementType": "DEMAND", "value": round(meter.daily / 20, 1), "unit": "kW"}
        )
    energy = round(abs(reading.value) * TARIFF_PRICE * KWH_PER.get(meter.unit, 1.0), 2)
    sign = -1 if reading.value < 0 else 1
    return {
        "meterNumber": meter.number,
        "commodity": meter.commodity,
        "tariff": {"code": meter.tariff, "name": f"Tariff {meter.tariff}"},
        "periodStart": reading.start.isoformat() if reading.start else None,
        "periodEnd": reading.end.isoformat() if reading.end else None,
        "readType": reading.read_type,
        "usages": usages,
        "charges": [
            {"description": "Energy charge", "amount": sign * energy},
            {"description": "VAT 16%", "amount": round(sign * energy * 0.16, 2)},
        ],
        "renewablePercent": meter.renewable,
    }


def statement_json(s: Statement) -> dict:
    body = {
        "statementId": s.statement_id,
        "statementType": s.kind,
        "providerName": s.provider,
        "accountNumber": s.account,
        "invoiceNumber": f"INV-{s.date:%Y-%m}-{int(s.statement_id[:4], 16) % 10000:04d}",
        "statementDate": s.date.isoformat(),
        "currency": s.site.place.currency,
        "site": {
            "siteId": s.site.code,
            "name": s.site.name,
            "city": s.site.place.city,
            "countryCode": s.site.place.country,
        },
        "meters": [meter_json(r) for r in s.readings],
    }
    body["totalCharges"] = round(sum(c["amount"] for m in body["meters"] for c in m["charges"]), 2)
    if s.adjusts:
        body["adjustsStatementId"] = s.adjusts
        body["adjustmentMode"] = s.mode
    return body


def write_json_files(ctx: Context, org: Org, statements: list[Statement]) -> list[WrittenFile]:
    """One file per month of the year, generated on the 2nd of the next month; statements sent
    after the year (late bills, adjustments) in one file of their own, generated on another
    day, so the next year's files never take its name."""
    by_file: dict[dt.datetime, list[Statement]] = {}
    late = [s for s in statements if s.publication.year > ctx.year]
    last = max((s.publication for s in late), default=None)
    for s in statements:
        day = s.publication
        if day.year > ctx.year:
            generated = dt.datetime.combine(last + dt.timedelta(days=3), dt.time(7, 0))
            if generated.day == 2:
                generated += dt.timedelta(days=1)
        else:
            generated = dt.datetime(day.year + (day.month == 12), day.month % 12 + 1, 2, 6, 0)
        by_file.setdefault(generated, []).append(s)
    folder = ctx.landing_dir(org, "energy")
    written = []
    for generated, items in sorted(by_file.items()):
        items.sort(key=lambda s: (s.date, s.statement_id))
        document = {
            "generatedAt": generated.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "statements": [statement_json(s) for s in items],
        }
        path = folder / f"utility_statements_{generated:%Y%m%d}.json"
        path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        meters = sum(len(s.readings) for s in items)
        written.append(WrittenFile(path.relative_to(ctx.out), {"utility_bill_meters": meters}))
    return written


def csv_row(reading: Reading) -> list:
    meter = reading.meter
    value, unit = usage_value(reading)
    amount = round(reading.value * TARIFF_PRICE * KWH_PER.get(meter.unit, 1.0), 2)
    return [
        meter.site.code, meter.site.place.country, meter.provider, meter.account, meter.number,
        reading.start.isoformat(), reading.end.isoformat(), f"{value}", unit, reading.read_type,
        meter.tariff, f"{amount:.2f}", meter.site.place.currency,
        "" if meter.renewable is None else f"{meter.renewable}",
    ]  # fmt: skip


def write_csv(ctx: Context, org: Org, site_code: str, rows: list[list]) -> WrittenFile:
    folder = ctx.landing_dir(org, "energy")
    path = folder / f"Utility_Bills_{site_code}_{ctx.year}.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(CSV_HEADER)
    writer.writerows(sorted(rows, key=lambda r: (r[4], r[5])))
    path.write_bytes(buffer.getvalue().encode("utf-8"))
    return WrittenFile(path.relative_to(ctx.out), {"utility_bill_meters": len(rows)})
