"""Purchase orders of one organisation and year, before any ERP prints them.

Both procurement writers (`sap_me2n`, `oracle_po`) simulate orders here first (what was
bought, from whom, in which currency, what became of each line) and only then print them
as their system does. The truth file is written from this simulation, so a printing quirk
cannot hide in both the landing file and the truth.

Orders follow UN procurement as annual statistical reports describe it: many small orders
for office, IT and field supplies, fewer large ones for vehicles, construction, fuel,
food and services, suppliers from headquarters and programme countries, most lines in US
dollars, some in euros, Swiss francs or local currencies (some of which the ECB publishes
no rate for). A few lines are deleted, cancelled, returned or re-exported in a later file.
"""

import datetime as dt
import itertools
import random
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

import yaml

from samples.common import Context
from samples.registry import Org

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Item:
    """A catalogue line: texts in English and German, UNSPSC, a local material group."""

    en: str
    de: str
    unspsc: str
    local_group: str  # SAP material group some systems use instead of the UNSPSC code
    unit_en: str
    unit_de: str
    price_usd: tuple[float, float]
    quantity: tuple[int, int]
    weight: float  # how often it is ordered
    price_unit: int = 1


CATALOGUE: tuple[Item, ...] = (
    Item("Laptop computer 14in", "Notebook 14 Zoll", "43211503", "ITHW", "PC", "ST",
         (650, 1600), (1, 40), 6),
    Item("Desktop monitor 24in ENERGY STAR", "Monitor 24 Zoll Energy Star", "43211902", "ITHW",
         "PC", "ST", (140, 320), (1, 60), 4),
    Item("Mobile phone", "Mobiltelefon", "43191501", "ITHW", "PC", "ST", (120, 600), (1, 50), 3),
    Item("Network switch 24 port", "Netzwerk-Switch 24 Port", "43222612", "ITHW", "PC", "ST",
         (300, 2400), (1, 10), 2),
    Item("Software licence annual", "Softwarelizenz jaehrlich", "43232300", "ITSW", "AU", "LE",
         (2000, 60000), (1, 1), 3),
    Item("Copy paper A4 80g FSC recycled", "Kopierpapier A4 80g FSC Recycling", "14111507",
         "OFFSUP", "BOX", "KAR", (18, 32), (5, 400), 5),
    Item("Copy paper A4 80g", "Kopierpapier A4 80g", "14111507", "OFFSUP", "BOX", "KAR",
         (15, 28), (5, 400), 4),
    Item("Toner cartridge remanufactured", "Tonerkassette wiederaufbereitet", "44103103",
         "OFFSUP", "PC", "ST", (40, 120), (2, 80), 3),
    Item("Office supplies assorted", "Bueromaterial diverse", "44121700", "OFFSUP", "AU", "LE",
         (200, 3000), (1, 1), 4),
    Item("Office chair ergonomic", "Buerostuhl ergonomisch", "56112104", "FURN", "PC", "ST",
         (180, 650), (2, 60), 2),
    Item("Office desk FSC wood", "Schreibtisch Holz FSC", "56101703", "FURN", "PC", "ST",
         (250, 900), (1, 30), 1),
    Item("Diesel fuel 50ppm", "Dieselkraftstoff 50ppm", "15101505", "FUEL", "L", "L",
         (0.9, 1.6), (500, 40000), 5),
    Item("Petrol unleaded", "Benzin bleifrei", "15101506", "FUEL", "L", "L", (1.0, 1.8),
         (200, 8000), 2),
    Item("Station wagon 4x4", "Gelaendewagen 4x4", "25101503", "VEHIC", "PC", "ST",
         (38000, 72000), (1, 6), 1),
    Item("Tyre 265/70R16", "Reifen 265/70R16", "25172504", "VEHSP", "PC", "ST", (110, 260),
         (4, 40), 3),
    Item("Vehicle maintenance service", "Fahrzeugwartung", "78181500", "", "AU", "LE",
         (150, 4000), (1, 1), 3),
    Item("Generator set 100 kVA diesel", "Stromaggregat 100 kVA Diesel", "26111604", "", "PC",
         "ST", (14000, 42000), (1, 3), 1),
    Item("Solar PV system 5 kWp incl. installation", "Photovoltaikanlage 5 kWp inkl. Montage",
         "26111601", "", "PC", "ST", (6000, 14000), (1, 4), 1),
    Item("Air conditioner split 18000 BTU R-32", "Klimageraet Split 18000 BTU R-32", "40101701",
         "", "PC", "ST", (450, 1400), (1, 20), 2),
    Item("LED tube 18W", "LED-Roehre 18W", "39101628", "", "PC", "ST", (4, 14), (20, 600), 2),
    Item("Cleaning detergent biodegradable 5L", "Reinigungsmittel biologisch abbaubar 5L",
         "47131807", "", "PC", "ST", (9, 30), (10, 300), 2),
    Item("Family tent 16m2", "Familienzelt 16m2", "49121503", "SHELT", "PC", "ST", (180, 420),
         (50, 2000), 2),
    Item("Thermal blanket", "Waermedecke", "52121508", "", "PC", "ST", (4, 12), (100, 10000), 2),
    Item("Medical supplies kit", "Medizinisches Verbrauchsmaterial", "42141500", "MEDSUP", "KIT",
         "SET", (80, 900), (5, 300), 2),
    Item("Essential medicines", "Basismedikamente", "51101500", "PHARM", "AU", "LE",
         (1000, 50000), (1, 1), 1),
    Item("Vaccines", "Impfstoffe", "51201600", "PHARM", "AU", "LE", (5000, 90000), (1, 1), 1),
    Item("Wheat flour fortified 50kg", "Weizenmehl angereichert 50kg", "50221101", "FOOD", "BAG",
         "SAK", (18, 30), (100, 8000), 2),
    Item("Vegetable oil fortified 20L", "Speiseoel angereichert 20L", "50151513", "FOOD", "PC",
         "ST", (25, 45), (50, 3000), 1),
    Item("Drinking water 20L refill", "Trinkwasser 20L Nachfuellung", "50202301", "", "PC", "ST",
         (2, 6), (20, 800), 2),
    Item("Consultancy services evaluation", "Beratungsleistung Evaluierung", "80101500",
         "CONSULT", "AU", "LE", (5000, 120000), (1, 1), 4),
    Item("Temporary staff services", "Personaldienstleistung", "80111600", "", "AU", "LE",
         (2000, 40000), (1, 1), 2),
    Item("IT support services", "IT-Supportleistungen", "81111800", "", "AU", "LE",
         (3000, 60000), (1, 1), 3),
    Item("Cloud hosting subscription", "Cloud-Hosting Abonnement", "81162000", "", "AU", "LE",
         (1500, 30000), (1, 1), 2),
    Item("Security guard services", "Bewachungsdienst", "92121504", "SECUR", "AU", "LE",
         (3000, 45000), (1, 1), 2),
    Item("Office cleaning services", "Gebaeudereinigung", "76111501", "CLEAN", "AU", "LE",
         (1500, 20000), (1, 1), 2),
    Item("Building maintenance works", "Gebaeudeinstandhaltung", "72101500", "", "AU", "LE",
         (2000, 80000), (1, 1), 2),
    Item("Warehouse construction", "Neubau Lagerhalle", "72121101", "CONSTR", "AU", "LE",
         (80000, 900000), (1, 1), 1),
    Item("Road freight Mombasa-Nairobi", "Strassentransport Mombasa-Nairobi", "78101802",
         "FREIGHT", "AU", "LE", (800, 12000), (1, 1), 2),
    Item("Printing of reports", "Druck von Berichten", "82121500", "PRINT", "AU", "LE",
         (500, 15000), (1, 1), 2),
    Item("Translation services", "Uebersetzungsleistungen", "82111901", "", "AU", "LE",
         (400, 9000), (1, 1), 1),
    Item("Training course facilitation", "Schulungsdurchfuehrung", "86101700", "TRAIN", "AU",
         "LE", (1000, 25000), (1, 1), 1),
    Item("Electricity supply", "Stromlieferung", "83101801", "ELEC", "KWH", "KWH", (0.12, 0.3),
         (2000, 90000), 1),
    Item("Mobile data services", "Mobilfunkdienste", "83111603", "", "AU", "LE", (300, 6000),
         (1, 1), 1),
    Item("Air tickets via travel agency", "Flugtickets ueber Reisebuero", "90121502", "TRAVEL",
         "AU", "LE", (500, 15000), (1, 1), 2),
    Item("Hotel accommodation for workshop", "Hotelunterbringung Workshop", "90111501", "", "AU",
         "LE", (800, 20000), (1, 1), 1),
    Item("Catering for workshop organic", "Verpflegung Workshop bio", "90101603", "", "AU", "LE",
         (300, 8000), (1, 1), 1),
    Item("Wall clock", "Wanduhr", "54111601", "", "PC", "ST", (10, 40), (1, 20), 0.3),
    Item("Miscellaneous local purchase", "Sonstiger Lokaleinkauf", "", "ZMISC", "AU", "LE",
         (50, 2000), (1, 1), 1),
    Item("Screws assorted per 100", "Schrauben sortiert je 100", "31161500", "", "BOX", "KAR",
         (3, 12), (1, 50), 0.5, 100),
)  # fmt: skip

# Suppliers' countries: headquarters country, programme countries and global vendors.
SUPPLIER_COUNTRIES = ("KE", "US", "DE", "FR", "GB", "CH", "IN", "CN", "ZA", "ET", "SN", "IT",
                      "NL", "DK", "AE", "JP")  # fmt: skip
LOCAL_CURRENCY = {"KE": "KES", "US": "USD", "IT": "EUR", "CH": "CHF", "FR": "EUR", "DK": "DKK",
                  "AT": "EUR", "DE": "EUR", "CA": "CAD", "GB": "GBP", "JP": "JPY", "SN": "XOF",
                  "ET": "ETB"}  # fmt: skip
USD_PER_UNIT = {"USD": 1.0, "EUR": 1.08, "CHF": 1.13, "GBP": 1.27, "DKK": 0.145, "CAD": 0.74,
                "JPY": 0.0066, "KES": 0.0075, "XOF": 0.0016, "ETB": 0.0175}  # fmt: skip
NAME_PARTS = (
    ("Acme", "Savanna", "Rift", "Alpine", "Nordic", "Atlas", "Baobab", "Lakeside", "Meridian",
     "Summit", "Kilimanjaro", "Sahel", "Harbour", "Crescent", "Delta", "Pioneer", "Zenith"),
    ("Logistics", "Office", "Solar", "Trading", "Motors", "Medical", "Foods", "Systems",
     "Construction", "Services", "Supplies", "Technologies", "Consulting", "Energy"),
    ("Ltd", "GmbH", "S.A.", "LLC", "SARL", "Inc.", "PLC", "AG", "& Co."),
)  # fmt: skip
SYSTEMS = {
    "UNEP": "sap", "UNICEF": "sap", "WFP": "sap", "UN-HABITAT": "sap", "UNESCO": "sap",
    "UNFCCC": "sap", "UNIDO": "sap", "UNHCR": "oracle", "UNDP": "oracle", "UNFPA": "oracle",
    "UN-WOMEN": "oracle", "UNOPS": "oracle", "UNU": "oracle", "WHO": "oracle", "ILO": "oracle",
    "IAEA": "oracle", "FAO": "oracle", "IFAD": "oracle",
}  # fmt: skip


def system_of(org: Org) -> str:
    """The ERP an organisation runs (SAP or Oracle); unknown codes get one from their name."""
    return SYSTEMS.get(org.code, "sap" if sum(map(ord, org.code)) % 2 else "oracle")


@dataclass(frozen=True)
class Vendor:
    number: int
    name: str
    country: str
    city: str


@dataclass
class Line:
    """One purchase-order line as it really is; `fate` says what the ERP will show."""

    po_number: int
    item_no: int
    po_date: dt.date
    vendor: Vendor
    item: Item
    quantity: Decimal
    price: Decimal  # per `item.price_unit` units, in `currency`
    currency: str
    fate: str = "open"  # open | deleted | blocked | return | agreement | cancelled | draft
    cancelled_quantity: Decimal = Decimal(0)
    business_unit: int = 0
    exported_in: list[int] = field(default_factory=list)  # quarters whose file shows it

    @property
    def value(self) -> Decimal:
        """Line value in the PO currency: quantity x price / price unit, to the cent."""
        raw = self.quantity * self.price / self.item.price_unit
        return raw.quantize(CENT, rounding=ROUND_HALF_UP)

    @property
    def counted(self) -> bool:
        return self.fate in ("open", "blocked", "return") and not (
            self.fate == "open" and self.cancelled_quantity >= self.quantity > 0
        )

    @property
    def spend(self) -> Decimal:
        """Spend as factors/METHODOLOGY.md defines it: cancelled quantity off, a return negative."""
        if self.fate == "return":
            return -self.value
        cancelled = self.cancelled_quantity * self.price / self.item.price_unit
        return self.value - cancelled.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Orders:
    """An organisation's orders of one year and the vendors they were placed with."""

    org: Org
    year: int
    vendors: list[Vendor]
    lines: list[Line]
    business_units: tuple[str, ...]

    def quarter_lines(self, quarter: int) -> list[Line]:
        return [line for line in self.lines if quarter in line.exported_in]


def vendors(rng: random.Random, org: Org, count: int) -> list[Vendor]:
    """Distinct vendor names; a third local to headquarters, the rest from anywhere."""
    names = [" ".join(parts) for parts in itertools.product(*NAME_PARTS)]
    rng.shuffle(names)
    result = []
    numbers = rng.sample(range(100000, 999999), count)
    for i in range(count):
        country = org.country if rng.random() < 0.35 else rng.choice(SUPPLIER_COUNTRIES)
        result.append(Vendor(numbers[i], names[i % len(names)], country, f"City {country}"))
    return result


def simulate(org: Org, rng: random.Random, ctx: Context, system: str, units: int = 1) -> Orders:
    """About `ctx.rows` PO lines over the year; fates drawn from the rates real lists show."""
    pool = vendors(rng, org, max(8, ctx.rows // 12))
    weights = list(itertools.accumulate(1 / (i + 1) ** 0.8 for i in range(len(pool))))
    item_weights = list(itertools.accumulate(i.weight for i in CATALOGUE))
    local = LOCAL_CURRENCY.get(org.country, "USD")
    start = dt.date(ctx.year, 1, 1)
    days = (dt.date(ctx.year, 12, 31) - start).days
    lines: list[Line] = []
    po_number = 4500000000 + rng.randrange(10000, 90000)
    while len(lines) < ctx.rows:
        po_number += rng.randrange(1, 40)
        vendor = rng.choices(pool, cum_weights=weights)[0]
        po_date = start + dt.timedelta(days=rng.randrange(days + 1))
        currency = draw_currency(rng, local)
        business_unit = rng.randrange(units)
        items = min(rng.choice((1, 1, 1, 2, 2, 3, 4, 6)), ctx.rows - len(lines))
        for item_no in range(1, items + 1):
            item = rng.choices(CATALOGUE, cum_weights=item_weights)[0]
            quantity = Decimal(rng.randint(*item.quantity))
            usd = Decimal(str(rng.uniform(*item.price_usd)))
            price = usd * item.price_unit / Decimal(str(USD_PER_UNIT[currency]))
            price = price.quantize(Decimal(1) if currency == "JPY" else CENT, ROUND_HALF_UP)
            line = Line(po_number, item_no * 10, po_date, vendor, item, quantity, price, currency)
            line.business_unit = business_unit
            line.fate = draw_fate(rng, system)
            if line.fate == "partial":
                line.fate = "open"
                line.cancelled_quantity = Decimal(max(1, int(quantity) // 3))
            lines.append(line)
    assign_exports(lines, rng)
    names = tuple(f"{org.code} Procurement BU{'' if i == 0 else f' {i + 1}'}" for i in range(units))
    return Orders(org, ctx.year, pool, lines, names)


def draw_currency(rng: random.Random, local: str) -> str:
    draw = rng.random()
    for currency, upto in (("USD", 0.62), ("EUR", 0.78), ("CHF", 0.82), ("GBP", 0.85),
                           ("JPY", 0.87)):  # fmt: skip
        if draw < upto:
            return currency
    return local


FATES = {
    # SAP shows deletion (L), blocking (S), returns items and outline agreements (K).
    "sap": (("deleted", 0.03), ("blocked", 0.045), ("return", 0.06), ("agreement", 0.075)),
    # Oracle shows cancellation (whole or part), blanket agreements and draft orders.
    "oracle": (("cancelled", 0.04), ("partial", 0.06), ("agreement", 0.075), ("draft", 0.085)),
}


def draw_fate(rng: random.Random, system: str) -> str:
    draw = rng.random()
    for fate, upto in FATES[system]:
        if draw < upto:
            return fate
    return "open"


def assign_exports(lines: list[Line], rng: random.Random) -> None:
    """Each line is in its quarter's file; 5 % are exported again in the next quarter's file,
    where a third of the open ones have been deleted or cancelled since (the later file wins)."""
    for line in lines:
        quarter = (line.po_date.month - 1) // 3 + 1
        line.exported_in.append(quarter)
        if quarter < 4 and rng.random() < 0.05:
            line.exported_in.append(quarter + 1)


def as_exported(line: Line, quarter: int, rng: random.Random, system: str) -> Line:
    """The line as the file of `quarter` shows it: a re-export may show it withdrawn since."""
    if quarter == line.exported_in[0] or line.fate != "open" or rng.random() >= 0.33:
        return line
    return replace(line, fate="deleted" if system == "sap" else "cancelled", exported_in=[])


def money(value: Decimal, currency: str) -> Decimal:
    return value.quantize(Decimal(1) if currency == "JPY" else CENT)


def truth_rows(orders: Orders, final: dict[tuple, Line], system: str) -> list[list]:
    """One row per PO line (natural key) with what the marts must show for it."""
    rows = []
    for key, line in sorted(final.items(), key=lambda kv: tuple(map(str, kv[0]))):
        rows.append(
            [
                orders.org.code,
                system,
                *key,
                line.po_date.isoformat(),
                line.currency,
                str(line.spend) if line.counted else "",
                "true" if line.counted else "false",
                line.fate,
                line.item.unspsc,
                line.vendor.country,
            ]
        )
    return rows


TRUTH_HEADER = ("org", "system", "business_unit", "po_number", "po_line", "po_date", "currency",
                "spend", "counted", "fate", "unspsc", "supplier_country")  # fmt: skip

STORY_TEMPLATES = (
    ("led-retrofit", "LED retrofit of the {site} offices", ["3910", "3911"],
     "Fluorescent tubes replaced by LED luminaires with presence sensors, tendered with "
     "life-cycle costing.", "Lighting electricity down by about half in the first year.",
     ["EU energy label"]),
    ("recycled-paper", "Recycled and FSC paper across {site}", ["1411"],
     "Framework agreement for copy paper limited to recycled or FSC-certified products.",
     "All copy paper now certified; consumption down a fifth with duplex defaults.",
     ["FSC", "EU Ecolabel"]),
    ("solar-hybrid", "Solar-hybrid power for {site} field offices", ["2611"],
     "Diesel generators supplemented by solar PV and batteries under a joint tender.",
     "Generator run hours cut by 60 % at three sites.", []),
    ("epeat-it", "EPEAT-registered IT equipment at {site}", ["4321"],
     "Laptops and monitors bought against EPEAT Gold and TCO Certified criteria with "
     "take-back of old equipment.", "Every new laptop ecolabelled; 1,200 devices recycled.",
     ["EPEAT", "TCO Certified"]),
)  # fmt: skip


def write_story(org: Org, rng: random.Random, ctx: Context) -> Path:
    """One success story for the organisation (and sometimes a partner), as a focal point
    would file it under `_system/stories/`."""
    slug, title, families, summary, outcome, labels = rng.choice(STORY_TEMPLATES)
    story = {
        "id": f"{org.code.lower()}-{ctx.year}-{slug}",
        "title": title.format(site=org.code),
        "year": ctx.year,
        "organizations": [org.code],
        "unspsc_families": families,
        "summary": summary,
        "outcome": outcome,
        "ecolabels": labels,
        "spend_usd": rng.randrange(20, 900) * 1000,
        "t_co2e_avoided_per_year": round(rng.uniform(5, 400), 1),
    }
    folder = ctx.out / "_system" / "stories"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{story['id']}.yaml"
    path.write_text(
        yaml.safe_dump(story, sort_keys=False, allow_unicode=True, width=100),
        encoding="utf-8",
        newline="\n",
    )
    return path
