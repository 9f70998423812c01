"""D3 `concur_sae_pipe`: SAP Concur Standard Accounting Extracts, one batch a month.

Expense reports are simulated first (a traveller, a trip, its entries and what each entry
should count as), then printed the way Concur's extract prints them: one DETAIL line per
journal (entry x allocation x payer/payee), 400 `|`-separated fields, an EXTRACT line with
the count and total. The truth file is written from the simulation, never from the printed
lines.

Some Airfare entries claim a ticket the same organisation's travel agency sold: the agency
writer publishes its flown tickets in the run's shared context (`Context.publish`), so the
overlap is drawn from what was simulated, never by re-reading written files.

Quirk scopes: per file (`cp1252`, `crlf`), per report (`reextract_duplicate`), per entry
(`quoted_pipes`, `special_chars`, `negative_credit_line`, `expensed_agency_ticket`,
`custom_fields_empty`, `missing_quantity`, `personal_entry`) and per hotel entry
(`itemized_hotel`).
"""

import datetime as dt
import itertools
import random
import string
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal

from samples import reference as ref
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "quoted_pipes": 0.05,
    "special_chars": 0.1,
    "cp1252": 0.1,
    "crlf": 0.3,
    "reextract_duplicate": 0.05,
    "negative_credit_line": 0.1,
    "itemized_hotel": 0.3,
    # Beyond D3's list: what the connector and the pipeline must also survive.
    "expensed_agency_ticket": 0.2,  # an Airfare entry claims a ticket the agency sold
    "custom_fields_empty": 0.05,  # Airfare with the ticket and routing only in idx 70
    "missing_quantity": 0.05,  # a travel entry without its distance or nights
    "personal_entry": 0.03,  # every line of the entry is personal
}

FIELDS = 400
KM_PER_MILE = 1.609344
CENT = Decimal("0.01")
TRUTH_HEADER = (
    "org",
    "batch_id",
    "report_key",
    "entry_key",
    "expense_type",
    "copy",
    "expected",
    "activity_type",
    "quantity",
    "unit",
    "ticket13",
    "legs",
    "cabin",
    "country",
)

# Where each populated field sits (docs/dialects.md D3; 82-87 this project's custom-field map).
P = {
    "batch_id": 1,
    "batch_date": 2,
    "sequence": 3,
    "employee_id": 4,
    "last_name": 5,
    "first_name": 6,
    "middle_initial": 7,
    "employee_group": 8,
    "report_id": 18,
    "report_key": 19,
    "ledger": 20,
    "reimbursement_currency": 21,
    "home_country_name": 22,
    "submit_date": 23,
    "payment_date": 25,
    "report_name": 26,
    "report_total": 30,
    "policy": 32,
    "employee_status": 40,
    "entry_key": 60,
    "entry_type": 61,
    "expense_type": 62,
    "transaction_date": 63,
    "spend_currency": 64,
    "exchange_rate": 65,
    "rate_direction": 66,
    "is_personal": 67,
    "description": 68,
    "vendor_name": 69,
    "vendor_description": 70,
    "ticket": 82,
    "routing": 83,
    "class": 84,
    "room_nights": 85,
    "distance": 86,
    "distance_unit": 87,
    "transaction_amount": 121,
    "posted_amount": 122,
    "payment_code": 125,
    "payment_name": 126,
    "payer": 162,
    "payee": 164,
    "account": 166,
    "debit_credit": 167,
    "journal_amount": 168,
    "journal_key": 169,
    "allocation_key": 188,
    "allocation_pct": 189,
    "segment_1": 190,
    "segment_2": 191,
    "segment_3": 192,
    "report_start": 323,
    "report_end": 324,
    "mileage_from": 335,
    "mileage_to": 336,
    "country": 338,
    "subdivision": 339,
}

PAYMENT_NAMES = {
    "CASH": "Cash",
    "IBCP": "Company Paid",
    "IBIP": "Individual Paid",
    "CBCP": "Company Billed",
}
PAYER_PAYEE = {
    "CASH": ("Company", "Employee"),
    "IBCP": ("Company", "Company Card"),
    "IBIP": ("Employee", "Company Card"),
    "CBCP": ("Company", "Company Card"),
}
ACCOUNTS = {
    "Airfare": "62010",
    "Hotel": "62020",
    "Hotel Tax": "62020",
    "Taxi": "62030",
    "Train": "62030",
    "Car Rental": "62040",
    "Fuel": "62040",
    "Personal Car Mileage": "62050",
    "Parking": "62060",
    "Breakfast": "62110",
    "Lunch": "62110",
    "Dinner": "62110",
    "Daily Allowance": "62120",
    "Tips/Gratuities": "62130",
    "Seminar Registration/Fees": "62210",
}
CABIN_CLASS = {
    "Economy": "COACH",
    "Premium Economy": "COACH",
    "Business": "BUSIN",
    "First": "FIRST",
}
CABIN_FREE_TEXT = {
    "Economy": ("Economy", "Y", "Eco Flex"),
    "Premium Economy": ("Premium Economy", "W"),
    "Business": ("Business", "J"),
    "First": ("First",),
}
CABIN_KEYS = {
    "Economy": "economy",
    "Premium Economy": "premium_economy",
    "Business": "business",
    "First": "first",
}
# The cabin each printed class of service means (factors/METHODOLOGY.md section 3.4,
# factors/cabin_aliases.csv).
CLASS_CABINS = {
    "COACH": "economy",
    "BUSIN": "business",
    "FIRST": "first",
    "Economy": "economy",
    "Y": "economy",
    "Eco Flex": "economy",
    "Premium Economy": "premium_economy",
    "W": "premium_economy",
    "Business": "business",
    "J": "business",
    "First": "first",
}
AIRLINE_NAMES = {
    "LX": "SWISS",
    "LH": "LUFTHANSA",
    "OS": "AUSTRIAN AIRLINES",
    "SN": "BRUSSELS AIRLINES",
    "AF": "AIR FRANCE",
    "KL": "KLM",
    "BA": "BRITISH AIRWAYS",
    "IB": "IBERIA",
    "TP": "TAP AIR PORTUGAL",
    "AZ": "ITA AIRWAYS",
    "SK": "SAS",
    "TK": "TURKISH AIRLINES",
    "EK": "EMIRATES",
    "QR": "QATAR AIRWAYS",
    "ET": "ETHIOPIAN AIRLINES",
    "KQ": "KENYA AIRWAYS",
    "MS": "EGYPTAIR",
    "RJ": "ROYAL JORDANIAN",
    "ME": "MIDDLE EAST AIRLINES",
    "SA": "SOUTH AFRICAN AIRWAYS",
    "DL": "DELTA AIR LINES",
    "AC": "AIR CANADA",
    "CM": "COPA AIRLINES",
    "AV": "AVIANCA",
    "LA": "LATAM AIRLINES",
    "AR": "AEROLINEAS ARGENTINAS",
    "AM": "AEROMEXICO",
    "AI": "AIR INDIA",
    "PK": "PAKISTAN INTL AIRLINES",
    "TG": "THAI AIRWAYS",
    "GA": "GARUDA INDONESIA",
    "PR": "PHILIPPINE AIRLINES",
    "CA": "AIR CHINA",
    "NH": "ANA",
    "HF": "AIR COTE D'IVOIRE",
}
COUNTRY_NAMES = {
    "KE": "KENYA",
    "US": "UNITED STATES",
    "IT": "ITALY",
    "CH": "SWITZERLAND",
    "FR": "FRANCE",
    "DK": "DENMARK",
    "AT": "AUSTRIA",
    "DE": "GERMANY",
    "CA": "CANADA",
    "GB": "UNITED KINGDOM",
    "JP": "JAPAN",
}
TAXI_VENDORS = ("UBER", "G7 TAXI", "TAXI BLEU", "BOLT", "CITY CABS", "YELLOW CAB", "TAXI 202")
CAR_VENDORS = ("HERTZ", "AVIS", "EUROPCAR", "SIXT", "ENTERPRISE")
MEAL_TYPES = ("Breakfast", "Lunch", "Dinner", "Daily Allowance", "Tips/Gratuities")
PURPOSES = ("Mission", "Meeting", "Conference", "Workshop", "Training", "Field visit")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STREETS = ("Avenue de la Paix", "Rue de Lausanne", "UN Avenue", "Via Roma", "Main Street")
SPECIAL_MARKS = ("’", "\x01", "\x1a", "\t", "\x0b")


@dataclass(frozen=True)
class Expected:
    """What an entry should count as: `activity` (with its quantity), `agency_ticket`,
    `non_emitting`, `personal` or `unmapped` (a travel entry without its quantity)."""

    outcome: str
    activity_type: str = ""
    quantity: float | None = None
    unit: str = ""
    ticket13: str = ""
    legs: tuple[tuple[str, str], ...] = ()
    cabin: str = ""
    country: str = ""


@dataclass
class Line:
    """One DETAIL line's entry-specific fields (report fields are added when printing)."""

    values: dict[str, str]
    amount: Decimal  # signed journal amount


@dataclass
class Entry:
    key: int
    expense_type: str
    date: dt.date
    amount: Decimal  # posted amount in the reimbursement currency
    spend_currency: str
    rate: Decimal
    payment: str
    fields: dict[str, str]  # description, vendor, custom fields, country ...
    expected: Expected
    personal: bool = False
    itemized_tax: Decimal | None = None  # Hotel Tax itemization on the parent's entry key
    personal_part: Decimal | None = None  # IBCP airfare: the traveller's share, a CR line
    credit_line: Decimal | None = None  # a non-personal CR line offsetting part of the entry
    split: bool = False  # two allocations, 60 / 40


@dataclass
class Report:
    key: int
    report_id: str
    person: ref.Person
    middle_initial: str
    purpose: str
    start: dt.date
    end: dt.date
    submitted: dt.date
    paid: dt.date
    entries: list[Entry] = field(default_factory=list)
    reextract: bool = False


@dataclass
class Office:
    """One organisation's expense system: its entity, travellers and issued keys."""

    org: Org
    rng: random.Random
    ctx: Context
    entity: str
    people: list[ref.Person]
    agency_tickets: list[ref.IssuedTicket]
    rate: float
    keys: itertools.count = field(default_factory=lambda: itertools.count(1))
    journal_keys: itertools.count = field(default_factory=lambda: itertools.count(1))
    issued: set[str] = field(default_factory=set)
    printed: dict[int, list["Line"]] = field(default_factory=dict)

    @classmethod
    def open(cls, org: Org, rng: random.Random, ctx: Context) -> "Office":
        """The agency's travellers when its writer published them, plus staff who never use
        the agency; report and entry keys start at an arbitrary number, as in a live system."""
        people = ctx.published(org, ref.TRAVELLERS) + ref.people(rng, max(5, ctx.rows // 40))
        agency = ctx.published(org, ref.AGENCY_TICKETS)
        entity = "p00" + "".join(rng.choices(string.digits, k=5))
        entity += "".join(rng.choices(string.ascii_lowercase + string.digits, k=4))
        office = cls(org, rng, ctx, entity, people, agency, ref.USD_RATES.get(org.currency, 1.0))
        office.keys = itertools.count(rng.randrange(10_000, 90_000))
        office.journal_keys = itertools.count(rng.randrange(100_000, 900_000))
        return office

    def money(self, usd: float) -> Decimal:
        return Decimal(str(round(usd * self.rate, 2))).quantize(CENT)

    def ticket_number(self, carrier: str) -> str:
        prefix = next(c.prefix for c in ref.CARRIERS if c.code == carrier)
        taken = {t.number for t in self.agency_tickets}
        while True:
            number = f"{prefix}-{self.rng.randrange(10**10):010d}"
            if number not in taken and number not in self.issued:
                self.issued.add(number)
                return number


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    """One extract per month of the reporting year, each holding the reports paid that
    month (December's also those paid in early January)."""
    office = Office.open(org, rng, ctx)
    reports = simulate(office)
    batches: list[list[Report]] = [[] for _ in range(12)]
    for report in reports:
        month = report.paid.month - 1 if report.paid.year == ctx.year else 11
        batches[month].append(report)
    for month in range(11):
        for report in list(batches[month]):
            if ctx.chance(rng, "reextract_duplicate") and not report.reextract:
                batches[month + 1].append(replace(report, reextract=True))
    batch_id = rng.randrange(100, 900)
    written = []
    for month, batch in enumerate(batches):
        batch_id += 1
        written.append(write_batch(office, month, batch_id, batch))
    return written


WRITER = DialectWriter("concur_sae_pipe", QUIRKS, write)


# --- simulation -------------------------------------------------------------------------


def simulate(office: Office) -> list[Report]:
    """Trips until the journal lines reach the requested size."""
    reports: list[Report] = []
    lines = 0
    while lines < office.ctx.rows:
        report = trip_report(office)
        reports.append(report)
        lines += sum(line_count(e) for e in report.entries)
    return reports


def line_count(entry: Entry) -> int:
    allocations = 2 if entry.split else 1
    extra = (entry.itemized_tax is not None) + (entry.personal_part is not None)
    return allocations + extra + (entry.credit_line is not None)


def trip_report(office: Office) -> Report:
    """One trip's expense report: the flight (claimed from the agency, or booked directly),
    the hotel, local transport, meals and fees."""
    rng, ctx = office.rng, office.ctx
    claimed = None
    if office.agency_tickets and ctx.chance(rng, "expensed_agency_ticket"):
        claimed = office.agency_tickets.pop(rng.randrange(len(office.agency_tickets)))
    person = claimed.person if claimed else rng.choice(office.people)
    home = office.org.hq_airport if rng.random() < 0.85 else ref.destination(rng, None, None)
    if claimed:
        route = list(claimed.route)
        away = route[len(route) // 2] if route[0] == route[-1] else route[-1]
        home = route[0]
        start = min(max(claimed.issue, dt.date(ctx.year, 1, 2)), dt.date(ctx.year, 12, 10))
    else:
        away = ref.destination(rng, home, None)
        start = dt.date(ctx.year, 1, 2) + dt.timedelta(days=rng.randint(0, 330))
    days = rng.randint(2, 10)
    end = start + dt.timedelta(days=days)
    submitted = end + dt.timedelta(days=rng.randint(1, 15))
    report = Report(
        key=next(office.keys),
        report_id="".join(rng.choices(string.ascii_uppercase + string.digits, k=20)),
        person=person,
        middle_initial=rng.choice(("", "", "A", "J", "M", "K")),
        purpose=rng.choice(PURPOSES),
        start=start,
        end=end,
        submitted=submitted,
        paid=submitted + dt.timedelta(days=rng.randint(1, 10)),
    )
    if claimed or rng.random() < 0.7:
        report.entries.append(airfare(office, report, home, away, claimed))
    if rng.random() < 0.65:
        report.entries.append(hotel(office, report, away, days))
    for _ in range(rng.randint(0, 3)):
        report.entries.append(ground(office, report, "Taxi", away))
    if rng.random() < 0.25:
        report.entries.append(ground(office, report, "Train", away))
    if rng.random() < 0.12:
        report.entries.append(ground(office, report, "Car Rental", away))
        if rng.random() < 0.4:
            report.entries.append(other(office, report, "Fuel", away, 40, 90))
    if rng.random() < 0.12:
        report.entries.append(ground(office, report, "Personal Car Mileage", home))
    for _ in range(rng.randint(1, 4)):
        report.entries.append(other(office, report, rng.choice(MEAL_TYPES), away, 8, 70))
    if rng.random() < 0.15:
        report.entries.append(other(office, report, "Parking", home, 10, 60))
    if rng.random() < 0.08:
        report.entries.append(other(office, report, "Seminar Registration/Fees", away, 100, 600))
    for entry in report.entries:
        dress(office, entry)
    return report


def new_entry(
    office: Office, report: Report, expense_type: str, usd: float, expected: Expected, **fields
) -> Entry:
    rng = office.rng
    day = report.start + dt.timedelta(days=rng.randint(0, (report.end - report.start).days))
    local = rng.random() < 0.2 and office.org.currency != "EUR"
    return Entry(
        key=next(office.keys),
        expense_type=expense_type,
        date=day,
        amount=office.money(usd),
        spend_currency="EUR" if local else office.org.currency,
        rate=Decimal(str(round(office.rate / ref.USD_RATES["EUR"], 4))) if local else Decimal(1),
        payment="CASH",
        fields={k: v for k, v in fields.items() if v is not None},
        expected=expected,
    )


def airfare(
    office: Office,
    report: Report,
    home: str,
    away: str,
    claimed: ref.IssuedTicket | None,
) -> Entry:
    """A flight claimed from the agency (counted from the agency only) or booked directly
    (counted from its routing, leg by leg, with its class of service)."""
    rng, ctx = office.rng, office.ctx
    if claimed:
        route, cabin, number = list(claimed.route), claimed.cabin, claimed.number
        carrier = next(c.code for c in ref.CARRIERS if c.prefix == number[:3])
    else:
        path, carrier = ref.route(home, away, rng)
        route = path + path[-2::-1] if rng.random() < 0.85 else path
        longest = max(ref.great_circle_km(a, b) for a, b in itertools.pairwise(route))
        weights = (60, 5, 32, 3) if longest > 5000 else (92, 2, 6, 0)
        cabin = rng.choices(tuple(CABIN_KEYS), weights)[0]
        number = office.ticket_number(carrier)
    km = sum(ref.great_circle_km(a, b) for a, b in itertools.pairwise(route))
    ticket13 = number.replace("-", "")
    printed_number = number if rng.random() < 0.3 else ticket13
    class_text = CABIN_CLASS[cabin] if rng.random() < 0.7 else rng.choice(CABIN_FREE_TEXT[cabin])
    description = f"{AIRLINE_NAMES[carrier]} {ticket13} {route[0]} {away}"
    empty = ctx.chance(rng, "custom_fields_empty")
    if claimed:
        expected = Expected("agency_ticket", "air", ticket13=ticket13)
    elif empty:  # only idx 70 tells the trip: one leg, origin to destination, cabin unknown
        expected = Expected(
            "activity",
            "air",
            ref.great_circle_km(route[0], away),
            "passenger.km",
            ticket13,
            ((route[0], away),),
            "average",
        )
    else:
        expected = Expected(
            "activity",
            "air",
            km,
            "passenger.km",
            ticket13,
            tuple(itertools.pairwise(route)),
            CLASS_CABINS[class_text],
        )
    entry = new_entry(
        office,
        report,
        "Airfare",
        km * 0.11 + 90,
        expected,
        description=f"Flight {route[0]}-{away}",
        vendor=AIRLINE_NAMES[carrier].title(),
        vendor_description=description,
        ticket=None if empty else printed_number,
        routing=None if empty else "-".join(route),
        cabin=None if empty else class_text,
        country=ref.country(route[0]),
    )
    entry.date = report.start
    entry.payment = rng.choices(("IBCP", "CBCP", "CASH"), (50, 20, 30))[0]
    if entry.payment == "IBCP" and rng.random() < 0.2:
        entry.personal_part = office.money(rng.uniform(20, 120))
    return entry


def hotel(office: Office, report: Report, away: str, days: int) -> Entry:
    rng, ctx = office.rng, office.ctx
    nights = max(1, days - rng.randint(0, 1))
    country = ref.country(away)
    missing = ctx.chance(rng, "missing_quantity")
    expected = (
        Expected("unmapped", "hotel", country=country)
        if missing
        else Expected("activity", "hotel", float(nights), "room.night", country=country)
    )
    rate = ref.HOTEL_RATE_USD.get(away, 150) * rng.uniform(0.8, 1.2)
    chain, brands = rng.choice(ref.HOTEL_BRANDS)
    city = ref.AIRPORT_CITIES[away]
    entry = new_entry(
        office,
        report,
        "Hotel",
        rate * nights,
        expected,
        description=f"{nights} nights {city}",
        vendor=f"{rng.choice(brands)} {city}",
        vendor_description=f"{(chain or 'HOTEL').upper()} {city.upper()}",
        room_nights=None if missing else str(nights),
        country=country,
        subdivision="GB-LND" if away == "LHR" else None,
    )
    entry.date = report.start
    entry.payment = rng.choices(("IBCP", "CASH"), (40, 60))[0]
    if ctx.chance(rng, "itemized_hotel"):
        entry.itemized_tax = office.money(rate * nights * 0.08)
    return entry


def ground(office: Office, report: Report, expense_type: str, place: str) -> Entry:
    """Taxi, Train, Car Rental or Personal Car Mileage with its distance in KM or MI."""
    rng, ctx = office.rng, office.ctx
    country = ref.country(place)
    if expense_type == "Train":
        routes = [r for r in ref.RAIL_ROUTES if country in (r.origin_country,)]
        rail = rng.choice(routes or ref.RAIL_ROUTES)
        km, vendor, usd = float(rail.km), rail.carrier, rail.price_usd
        where = f"{rail.origin} - {rail.destination}"
        country = rail.origin_country
    else:
        low, high, per_km, vendors = {
            "Taxi": (3, 45, 1.9, TAXI_VENDORS),
            "Car Rental": (40, 900, 0.35, CAR_VENDORS),
            "Personal Car Mileage": (8, 320, 0.58, ("",)),
        }[expense_type]
        km = round(rng.uniform(low, high), 1)
        vendor, usd = rng.choice(vendors), km * per_km + 5
        where = ref.AIRPORT_CITIES[place]
    miles = rng.random() < 0.25
    printed = round(km / KM_PER_MILE, 1) if miles else km
    missing = ctx.chance(rng, "missing_quantity")
    kind = {"Taxi": "taxi", "Train": "rail", "Car Rental": "car"}.get(expense_type, "car")
    unit = "passenger.km" if kind == "rail" else "km"
    expected = (
        Expected("unmapped", kind, country=country)
        if missing
        else Expected(
            "activity",
            kind,
            printed * KM_PER_MILE if miles else printed,
            unit,
            country=country,
        )
    )
    mileage = expense_type == "Personal Car Mileage"
    return new_entry(
        office,
        report,
        expense_type,
        usd,
        expected,
        description=f"{expense_type} {where}",
        vendor=vendor or None,
        vendor_description=f"{vendor} {where.upper()}".strip() if vendor else None,
        distance=None if missing else format_number(printed),
        distance_unit=None if missing else ("MI" if miles else "KM"),
        country=country,
        mileage_from=f"{rng.randint(1, 99)} {rng.choice(STREETS)}" if mileage else None,
        mileage_to=f"{rng.randint(1, 99)} {rng.choice(STREETS)}" if mileage else None,
    )


def other(
    office: Office, report: Report, expense_type: str, place: str, low: float, high: float
) -> Entry:
    """Meals, allowances, fees, parking (no emissions) and fuel (emissions, but no litres in
    the extract: unmapped)."""
    rng = office.rng
    expected = (
        Expected("unmapped", "fuel_mobile") if expense_type == "Fuel" else Expected("non_emitting")
    )
    return new_entry(
        office,
        report,
        expense_type,
        rng.uniform(low, high),
        expected,
        description=f"{expense_type} {ref.AIRPORT_CITIES[place]}",
        vendor=None,
        country=ref.country(place),
    )


def dress(office: Office, entry: Entry) -> None:
    """Allocation splits, payment types, personal entries, credit lines, printing quirks."""
    rng, ctx = office.rng, office.ctx
    entry.split = rng.random() < 0.1
    if entry.payment == "CASH" and rng.random() < 0.1:
        entry.payment = "IBIP"
    if ctx.chance(rng, "personal_entry"):
        entry.personal = True
        entry.personal_part = None
        entry.expected = Expected("personal")
    if ctx.chance(rng, "negative_credit_line"):
        entry.credit_line = (entry.amount * Decimal("0.1")).quantize(CENT)
    description = entry.fields.get("vendor_description")
    if description and ctx.chance(rng, "quoted_pipes"):
        head, _, tail = description.partition(" ")
        entry.fields["vendor_description"] = f"{head}|{tail}" if tail else f"{head}|"
    if ctx.chance(rng, "special_chars"):
        mark = rng.choice(SPECIAL_MARKS)
        entry.fields["description"] = entry.fields.get("description", "") + f" {mark}ok{mark}"
        if entry.fields.get("vendor"):
            entry.fields["vendor"] = entry.fields["vendor"].replace("'", "’")
        if " " in entry.expense_type and mark == "\t":
            entry.expense_type = entry.expense_type.replace(" ", "\t", 1)


def format_number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


# --- printing ---------------------------------------------------------------------------


def entry_lines(office: Office, entry: Entry) -> list[Line]:
    """One line per allocation, plus the itemized hotel tax, the traveller's personal share
    (CR, personal) and a credit offset (CR, not personal), each sharing the entry's fields."""
    allocations = (
        [(Decimal("60.0000"), Decimal("0.6")), (Decimal("40.0000"), Decimal("0.4"))]
        if entry.split
        else [(Decimal("100.0000"), Decimal(1))]
    )
    tax = entry.itemized_tax or Decimal(0)
    room = entry.amount - tax
    lines: list[Line] = []
    for i, (pct, share) in enumerate(allocations):
        part = (room * share).quantize(CENT) if i == 0 else room - lines[0].amount
        lines.append(line(office, entry, entry.expense_type, part, "DR", pct))
    if entry.itemized_tax is not None:
        lines.append(line(office, entry, "Hotel Tax", tax, "DR", Decimal("100.0000")))
    if entry.personal_part is not None:
        lines.append(line(office, entry, entry.expense_type, -entry.personal_part, "CR", None))
        lines[-1].values["is_personal"] = "Y"
    if entry.credit_line is not None:
        credit = line(office, entry, entry.expense_type, -entry.credit_line, "CR", None)
        credit.values["payer"], credit.values["payee"] = "Employee", "Company"
        lines.append(credit)
    return lines


def line(
    office: Office,
    entry: Entry,
    expense_type: str,
    amount: Decimal,
    debit_credit: str,
    pct: Decimal | None,
) -> Line:
    org = office.org
    payer, payee = PAYER_PAYEE[entry.payment]
    values = {
        "entry_key": str(entry.key),
        "entry_type": "REG",
        "expense_type": expense_type,
        "transaction_date": entry.date.isoformat(),
        "spend_currency": entry.spend_currency,
        "exchange_rate": f"{entry.rate:.4f}",
        "rate_direction": "M",
        "is_personal": "Y" if entry.personal else "N",
        "description": entry.fields.get("description", ""),
        "vendor_name": entry.fields.get("vendor", ""),
        "vendor_description": entry.fields.get("vendor_description", ""),
        "ticket": entry.fields.get("ticket", ""),
        "routing": entry.fields.get("routing", ""),
        "class": entry.fields.get("cabin", ""),
        "room_nights": entry.fields.get("room_nights", ""),
        "distance": entry.fields.get("distance", ""),
        "distance_unit": entry.fields.get("distance_unit", ""),
        "transaction_amount": f"{(entry.amount / entry.rate).quantize(CENT):.4f}",
        "posted_amount": f"{entry.amount:.4f}",
        "payment_code": entry.payment,
        "payment_name": PAYMENT_NAMES[entry.payment],
        "payer": payer,
        "payee": payee,
        "account": ACCOUNTS.get(expense_type, "62990"),
        "debit_credit": debit_credit,
        "journal_amount": f"{amount:+.4f}",
        "journal_key": str(next(office.journal_keys)),
        "allocation_key": str(next(office.journal_keys)) if pct is not None else "",
        "allocation_pct": f"{pct:.4f}" if pct is not None else "",
        "segment_1": f"{org.country}{office.rng.randrange(10, 99)}",
        "segment_2": f"F{office.rng.randrange(1000, 9999)}",
        "segment_3": office.rng.choice(("ADM", "PRG", "OPS")),
        "mileage_from": entry.fields.get("mileage_from", ""),
        "mileage_to": entry.fields.get("mileage_to", ""),
        "country": entry.fields.get("country", ""),
        "subdivision": entry.fields.get("subdivision", ""),
    }
    return Line(values, amount)


@dataclass(frozen=True)
class PrintedReport:
    report: Report
    lines: list[Line]


def write_batch(office: Office, month: int, batch_id: int, reports: list[Report]) -> WrittenFile:
    """`extract_CES_SAE_v3_<entity>_<yyyymmddHHMMSS>.txt`: the EXTRACT line, then the lines
    of every report of the batch; a re-extracted report repeats its earlier lines."""
    rng, ctx, org = office.rng, office.ctx, office.org
    first_of_next = dt.date(ctx.year + (month + 1) // 12, (month + 1) % 12 + 1, 1)
    batch_date = first_of_next + dt.timedelta(days=rng.randint(0, 3))
    stamp = dt.datetime.combine(batch_date, dt.time(2)) + dt.timedelta(
        seconds=rng.randrange(3 * 3600)
    )
    printed = [PrintedReport(r, report_lines(office, r)) for r in reports]
    rows: list[list[str]] = []
    total = Decimal(0)
    for p in printed:
        report_total = sum((e.amount for e in p.report.entries if not e.personal), start=Decimal(0))
        for values, amount in ((ln.values, ln.amount) for ln in p.lines):
            fields = [""] * FIELDS
            fields[0] = "DETAIL"
            row = {
                **report_fields(office, p.report, report_total),
                **values,
                "batch_id": str(batch_id),
                "batch_date": batch_date.isoformat(),
                "sequence": str(len(rows) + 1),
            }
            for name, value in row.items():
                fields[P[name]] = value
            rows.append(fields)
            total += amount
    cp1252 = ctx.chance(rng, "cp1252")
    newline = "\r\n" if ctx.chance(rng, "crlf") else "\n"
    header = ["EXTRACT", batch_date.isoformat(), str(len(rows)), f"{total:.4f}", str(batch_id)]
    text = newline.join("|".join(quote(v) for v in r) for r in [header, *rows]) + newline
    folder = ctx.landing_dir(org, "travel")
    path = folder / f"extract_CES_SAE_v3_{office.entity}_{stamp:%Y%m%d%H%M%S}.txt"
    path.write_bytes(text.encode("cp1252", errors="replace") if cp1252 else text.encode("utf-8"))
    relative = path.relative_to(ctx.out)
    ctx.write_truth(relative, TRUTH_HEADER, truth_rows(org, batch_id, reports))
    return WrittenFile(relative, {"concur_sae_detail": len(rows)})


def report_lines(office: Office, report: Report) -> list[Line]:
    """A report's lines; printed once and reused, so a re-extraction repeats them exactly
    (same journal keys) and only the batch fields differ."""
    if report.key not in office.printed:
        office.printed[report.key] = [ln for e in report.entries for ln in entry_lines(office, e)]
    return office.printed[report.key]


def report_fields(office: Office, report: Report, total: Decimal) -> dict[str, str]:
    surname, _, first = report.person.name.partition("/")
    first = first.rsplit(" ", 1)[0]
    return {
        "employee_id": report.person.employee_id,
        "last_name": surname.title(),
        "first_name": first.title(),
        "middle_initial": report.middle_initial,
        "employee_group": office.org.code,
        "report_id": report.report_id,
        "report_key": str(report.key),
        "ledger": "DEFAULT",
        "reimbursement_currency": office.org.currency,
        "home_country_name": COUNTRY_NAMES.get(office.org.country, office.org.country),
        "submit_date": report.submitted.isoformat(),
        "payment_date": report.paid.isoformat(),
        "report_name": f"{report.purpose} {MONTHS[report.start.month - 1]} {report.start.year}",
        "report_total": f"{total:.4f}",
        "policy": "Travel",
        "employee_status": "Employee",
        "report_start": report.start.isoformat(),
        "report_end": report.end.isoformat(),
    }


def quote(value: str) -> str:
    """Quoted when it holds `|` or `"` (a quote inside doubled), as Concur writes it."""
    if "|" in value or '"' in value:
        return '"' + value.replace('"', '""') + '"'
    return value


def truth_rows(org: Org, batch_id: int, reports: Iterable[Report]) -> Iterable[list]:
    for report in reports:
        for e in report.entries:
            x = e.expected
            yield [
                org.code,
                batch_id,
                report.key,
                e.key,
                e.expense_type.replace("\t", " "),
                "reextract" if report.reextract else "first",
                x.outcome,
                x.activity_type,
                "" if x.quantity is None else repr(x.quantity),
                x.unit,
                x.ticket13,
                ";".join(f"{a}-{b}" for a, b in x.legs),
                x.cabin,
                x.country,
            ]
