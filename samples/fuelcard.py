"""D5 `fuelcard_csv`: a fleet fuel-card provider's quarterly transaction files.

Transactions are simulated first (vehicle, driver, site, product, litres), then printed the
way the provider prints them, with the quirks of docs/dialects.md D5 and its variants. Quirk
scopes: per file (`preamble_until_sentinel`, `bracketed_card_number`,
`card_number_precision_loss`, `gallons`, `gross_only`, the encoding / delimiter / decimal /
date variants, `fuelcard_reissued_file`), per transaction (`non_fuel_lines`,
`odometer_garbage`, `fuel_refund`, `ev_charging`, `fuel_in_kg`) and per refund
(`quantity_sign_on_refund`). Every file also carries one volume-rebate line.
"""

import csv
import datetime as dt
import io
import random
import zlib
from dataclasses import dataclass, replace

from samples import field_sites
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "preamble_until_sentinel": 0.2,
    "bracketed_card_number": 0.1,
    "card_number_precision_loss": 0.05,
    "gallons": 0.1,
    "quantity_sign_on_refund": 0.5,
    "non_fuel_lines": 0.2,
    "gross_only": 0.1,
    "odometer_garbage": 0.1,
    "fuelcard_cp1252": 0.2,
    "fuelcard_semicolon_decimal_comma": 0.2,
    "fuelcard_tab_delimited": 0.1,
    "fuelcard_compact_dates": 0.2,
    "fuel_refund": 0.04,
    "ev_charging": 0.03,
    "fuel_in_kg": 0.01,
    "fuelcard_reissued_file": 0.05,
}

HEADER = (
    "Account Number",
    "Card Number",
    "Vehicle Registration",
    "Fleet ID",
    "Driver Name",
    "Transaction ID",
    "Transaction Line",
    "Transaction Date",
    "Transaction Time",
    "Site Code",
    "Site Name",
    "Site City",
    "Country Code",
    "Product Code",
    "Product Name",
    "Fuel Product",
    "Quantity",
    "Unit",
    "Unit Price",
    "Net Amount",
    "VAT Amount",
    "Gross Amount",
    "Transaction Currency",
    "Invoice Currency",
    "Exchange Rate",
    "Odometer",
    "Credit Debit",
    "Refund Flag",
    "Original Transaction ID",
    "Invoice Number",
    "Posting Date",
)
PROVIDERS = ("ShellFleet", "TotalEnergiesCard", "RubisCard", "PumaFleet")
STATION_BRANDS = ("SHELL", "TOTAL", "RUBIS", "PUMA", "OLA ENERGY")
US_GALLON_L = 3.785411784  # only to print a litre quantity in gallons, as providers do
IMPERIAL_GALLON_L = 4.54609
VAT = 0.16
USD_PER_UNIT = {"KES": 0.0077, "USD": 1.0, "EUR": 1.08, "CHF": 1.13, "XOF": 0.0016}
# (product code, printed name, unit, fuel product flag, price per unit in USD)
FUELS = (("01", "Diesel", 0.70, 1.35), ("02", "Unleaded 95", 0.25, 1.45), ("07", "LPG", 0.05, 0.9))
NON_FUEL = (
    ("31", "AdBlue", "L", 1.1),
    ("41", "Car Wash", "", 8.0),
    ("51", "Toll", "", 3.5),
    ("61", "Lubricant", "L", 9.0),
)


@dataclass(frozen=True)
class Vehicle:
    registration: str
    fleet_id: str
    card: str  # 19 digits
    driver: str
    site: field_sites.Site


@dataclass(frozen=True)
class Line:
    txn_id: str
    line: int
    when: dt.datetime
    vehicle: Vehicle
    product_code: str
    product: str
    fuel: bool
    quantity: float  # in `unit`, signed as printed
    unit: str
    unit_price: float  # local currency, gross
    currency: str
    odometer: str
    credit_debit: str = "D"
    refund: str = "N"
    original: str = ""

    @property
    def gross(self) -> float:
        return round(self.quantity * self.unit_price, 2)


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    account = f"CZ{rng.randrange(10**9, 10**10)}"
    provider = rng.choice(PROVIDERS)
    vehicles = fleet(org, rng)
    lines = simulate(rng, ctx, vehicles)
    written = []
    for quarter in range(4):
        first = dt.date(ctx.year, 3 * quarter + 1, 1)
        last = dt.date(ctx.year + (quarter == 3), (3 * quarter + 3) % 12 + 1, 1) - dt.timedelta(1)
        inside = [x for x in lines if first <= x.when.date() <= last]
        inside.append(rebate(rng, inside, vehicles[0], last))
        issued = last + dt.timedelta(days=rng.randint(2, 6))
        style = file_style(rng, ctx)
        name = f"{provider}_{account}_{issued:%Y%m%d}.csv"
        written.append(write_file(ctx, org, name, account, inside, style, first, last, issued))
        if ctx.chance(rng, "fuelcard_reissued_file"):
            later = issued + dt.timedelta(days=rng.randint(20, 40))
            again = f"{provider}_{account}_{later:%Y%m%d}.csv"
            written.append(write_file(ctx, org, again, account, inside, style, first, last, later))
    return written


WRITER = DialectWriter("fuelcard_csv", QUIRKS, write)


def fleet(org: Org, rng: random.Random) -> list[Vehicle]:
    vehicles = []
    for site in field_sites.sites(org):
        for _ in range(rng.randint(2, 4)):
            number = rng.randrange(1000, 9999)
            card = f"700205{rng.randrange(10**12, 10**13)}"
            vehicles.append(
                Vehicle(
                    f"UN-{number}",
                    f"V{rng.randrange(1, 200):03d}",
                    card,
                    field_sites.person_name(rng),
                    site,
                )
            )
    return vehicles


def simulate(rng: random.Random, ctx: Context, vehicles: list[Vehicle]) -> list[Line]:
    """Fill-ups through the year; refunds follow their transaction a few days later."""
    count = max(24, ctx.rows // 4)
    start = dt.datetime(ctx.year, 1, 1)
    odometers = {v.registration: rng.randrange(20000, 150000) for v in vehicles}
    lines: list[Line] = []
    for n in range(count):
        vehicle = rng.choice(vehicles)
        when = start + dt.timedelta(minutes=rng.randrange(0, 365 * 24 * 60 - 60 * 24 * 14))
        txn = f"T{ctx.year}{n:06d}{rng.randrange(100, 999)}"
        odometers[vehicle.registration] += rng.randint(150, 900)
        odometer = str(odometers[vehicle.registration])
        if ctx.chance(rng, "odometer_garbage"):
            odometer = rng.choice(("0", "999999", str(odometers[vehicle.registration] - 5000)))
        currency = vehicle.site.place.currency
        rate = USD_PER_UNIT.get(currency, 1.0)
        if ctx.chance(rng, "ev_charging"):
            main = Line(txn, 1, when, vehicle, "90", "EV Charging", True,
                        round(rng.uniform(15, 60), 3), "KWH", round(0.25 / rate, 4),
                        currency, odometer)  # fmt: skip
        else:
            code, product, _, usd = pick_fuel(rng)
            unit = "KG" if ctx.chance(rng, "fuel_in_kg") else "L"
            main = Line(txn, 1, when, vehicle, code, product, True,
                        round(rng.uniform(20, 90), 3), unit, round(usd / rate, 4),
                        currency, odometer)  # fmt: skip
        lines.append(main)
        if ctx.chance(rng, "non_fuel_lines"):
            code, product, unit, usd = rng.choice(NON_FUEL)
            quantity = round(rng.uniform(5, 20), 3) if unit else 1.0
            lines.append(Line(txn, 2, when, vehicle, code, product, False, quantity, unit,
                              round(usd / rate, 4), currency, odometer))  # fmt: skip
        if ctx.chance(rng, "fuel_refund"):
            lines.append(refund(rng, ctx, main, n))
    return sorted(lines, key=lambda x: (x.when, x.txn_id, x.line))


def pick_fuel(rng: random.Random) -> tuple[str, str, float, float]:
    roll, total = rng.random(), 0.0
    for code, product, share, usd in FUELS:
        total += share
        if roll < total:
            return code, product, share, usd
    return FUELS[0]


def refund(rng: random.Random, ctx: Context, original: Line, n: int) -> Line:
    """A reversal of all or half of a line, signed one of the two ways providers sign it."""
    share = rng.choice((1.0, 1.0, 0.5))
    quantity = round(original.quantity * share, 3)
    when = original.when + dt.timedelta(days=rng.randint(1, 10))
    txn = f"R{ctx.year}{n:06d}{rng.randrange(100, 999)}"
    if ctx.chance(rng, "quantity_sign_on_refund"):
        return replace(original, txn_id=txn, when=when, quantity=-quantity, refund="Y",
                       original=original.txn_id)  # fmt: skip
    return replace(original, txn_id=txn, when=when, quantity=quantity, credit_debit="C",
                   original=original.txn_id)  # fmt: skip


def rebate(rng: random.Random, lines: list[Line], vehicle: Vehicle, last: dt.date) -> Line:
    """The quarter's volume rebate: non-fuel, negative amount, the quarter's litres as quantity."""
    litres = round(sum(x.quantity for x in lines if x.fuel and x.unit == "L"), 3) or 100.0
    when = dt.datetime.combine(last, dt.time(23, 59))
    return Line(f"RB{last:%Y%m%d}", 1, when, vehicle, "99", "Fuel Rebate", False, litres, "L",
                -0.02, vehicle.site.place.currency, "")  # fmt: skip


@dataclass(frozen=True)
class Style:
    encoding: str
    delimiter: str
    decimal_comma: bool
    compact_dates: bool
    preamble: bool
    bracketed: bool
    precision_loss: bool
    gallons: str | None  # USG or IGAL
    gross_only: bool


def file_style(rng: random.Random, ctx: Context) -> Style:
    semicolon = ctx.chance(rng, "fuelcard_semicolon_decimal_comma")
    tab = ctx.chance(rng, "fuelcard_tab_delimited")
    return Style(
        encoding="cp1252" if ctx.chance(rng, "fuelcard_cp1252") else "utf-8",
        delimiter="\t" if tab else (";" if semicolon else ","),
        decimal_comma=semicolon,
        compact_dates=ctx.chance(rng, "fuelcard_compact_dates"),
        preamble=ctx.chance(rng, "preamble_until_sentinel"),
        bracketed=ctx.chance(rng, "bracketed_card_number"),
        precision_loss=ctx.chance(rng, "card_number_precision_loss"),
        gallons=rng.choice(("USG", "IGAL")) if ctx.chance(rng, "gallons") else None,
        gross_only=ctx.chance(rng, "gross_only"),
    )


def number(value: float, places: int, style: Style) -> str:
    text = f"{value:.{places}f}"
    return text.replace(".", ",") if style.decimal_comma else text


def day(value: dt.date, style: Style) -> str:
    return value.strftime("%Y%m%d" if style.compact_dates else "%d/%m/%Y")


def card_text(card: str, style: Style) -> str:
    if style.precision_loss:
        return f"{card[:15]}{'0' * (len(card) - 15)}"
    masked = f"{card[:6]}{'*' * (len(card) - 12)}{card[-6:]}"
    return f"[{card}]" if style.bracketed else masked


def printed(line: Line, style: Style, account: str, invoice: str, posted: dt.date) -> list[str]:
    quantity, unit, price = line.quantity, line.unit, line.unit_price
    if style.gallons and unit == "L" and line.fuel:
        per = US_GALLON_L if style.gallons == "USG" else IMPERIAL_GALLON_L
        quantity, unit, price = quantity / per, style.gallons, price * per
    gross = round(quantity * price, 2)
    net = round(gross / (1 + VAT), 2)
    rate = USD_PER_UNIT.get(line.currency, 1.0)
    site = line.vehicle.site
    site_number = zlib.crc32(site.code.encode())
    brand = STATION_BRANDS[site_number % len(STATION_BRANDS)]
    return [
        account,
        card_text(line.vehicle.card, style),
        line.vehicle.registration,
        line.vehicle.fleet_id,
        line.vehicle.driver,
        line.txn_id,
        str(line.line),
        day(line.when.date(), style),
        line.when.strftime("%H:%M:%S"),
        f"{site.place.country}{site_number % 10**6:06d}",
        f"{brand} {site.place.city.upper()}",
        site.place.city,
        site.place.country,
        line.product_code,
        line.product,
        "Y" if line.fuel else "N",
        number(quantity, 3, style),
        unit,
        number(price, 4, style),
        "" if style.gross_only else number(net, 2, style),
        "" if style.gross_only else number(gross - net, 2, style),
        number(gross, 2, style),
        line.currency,
        "USD",
        number(rate, 6, style),
        line.odometer,
        line.credit_debit,
        line.refund,
        line.original,
        invoice,
        day(posted, style),
    ]


def write_file(
    ctx: Context,
    org: Org,
    name: str,
    account: str,
    lines: list[Line],
    style: Style,
    first: dt.date,
    last: dt.date,
    issued: dt.date,
) -> WrittenFile:
    folder = ctx.landing_dir(org, "fuel")
    invoice = f"S{issued:%y%m%d}{len(lines):03d}"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=style.delimiter, lineterminator="\r\n")
    if style.preamble:
        buffer.write("Fleet card transaction report\r\n")
        buffer.write(f"Account {account} - {org.name}\r\n")
        buffer.write(f"Period {first:%d/%m/%Y} to {last:%d/%m/%Y}\r\n\r\n")
    writer.writerow(HEADER)
    for line in lines:
        posted = min(line.when.date() + dt.timedelta(days=1), issued)
        writer.writerow(printed(line, style, account, invoice, posted))
    (folder / name).write_bytes(buffer.getvalue().encode(style.encoding, errors="replace"))
    return WrittenFile((folder / name).relative_to(ctx.out), {"fuelcard_transactions": len(lines)})
