"""D4 `tmc_travel_xlsx`: the travel-management company's quarterly workbook.

Trips are simulated first (traveller, itinerary, dates, what became of the ticket) and only
then printed the way an agency prints them, quirks included. The truth file is written from
the simulation, never from the printed rows, so a printing quirk cannot hide in both.

Quirk scopes: per airport printed (`city_code_not_airport`, `city_name_not_code`), per flight
segment (`missing_airport`, `unknown_airport`), per ticket (`cabin_free_text`,
`lcc_no_ticket_number`), per refund (`refund_without_segments`), per file
(`amount_on_every_segment`, `ticket_number_numeric`, `date_serial`, `csv_instead_of_xlsx`) and
per sheet (`total_row`).
"""

import csv
import datetime as dt
import io
import itertools
import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from samples import reference as ref
from samples import xlsx
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "city_code_not_airport": 0.1,
    "city_name_not_code": 0.05,
    "missing_airport": 0.03,
    "cabin_free_text": 0.3,
    "amount_on_every_segment": 0.2,
    "ticket_number_numeric": 0.2,
    "date_serial": 0.1,
    "refund_without_segments": 0.3,
    "lcc_no_ticket_number": 0.05,
    "csv_instead_of_xlsx": 0.1,
    "unknown_airport": 0.005,
    "total_row": 0.5,
}

AIR_HEADER = (
    "Client Account",
    "Traveller Name",
    "Employee ID",
    "Cost Centre",
    "Trip Purpose",
    "Record Locator",
    "Ticket Number",
    "Original Ticket Number",
    "Transaction Type",
    "Issue Date",
    "Validating Carrier",
    "Segment No",
    "Marketing Carrier",
    "Operating Carrier",
    "Flight Number",
    "Origin Airport",
    "Origin City",
    "Origin Country",
    "Destination Airport",
    "Destination City",
    "Destination Country",
    "Departure Date",
    "Departure Time",
    "Arrival Date",
    "Booking Class",
    "Cabin",
    "Fare Basis",
    "Segment Km",
    "Segment Miles",
    "Haul",
    "Ticket Fare",
    "Ticket Taxes",
    "Ticket Total",
    "Currency",
    "CO2 kg",
    "CO2e kg incl RF",
    "CO2 Methodology",
)
HOTEL_HEADER = (
    "Client Account",
    "Traveller Name",
    "Employee ID",
    "Record Locator",
    "Hotel Chain",
    "Hotel Name",
    "Hotel City",
    "Hotel Country",
    "Check-in Date",
    "Check-out Date",
    "Room Nights",
    "Rooms",
    "Nightly Rate",
    "Currency",
    "Total Amount",
    "Booking Status",
    "Booking Channel",
)
RAIL_HEADER = (
    "Client Account",
    "Traveller Name",
    "Employee ID",
    "Ticket Number",
    "Transaction Type",
    "Issue Date",
    "Rail Carrier",
    "Origin Station",
    "Destination Station",
    "Origin Country",
    "Destination Country",
    "Travel Date",
    "Class",
    "Distance Km",
    "Amount",
    "Currency",
    "CO2 kg",
)
TRUTH_HEADER = (
    "org",
    "ticket13",
    "segment_no",
    "origin",
    "destination",
    "departure_date",
    "cabin_expected",
    "cancelled",
)
SEGMENT_COLUMNS = 19  # `Segment No` .. `Haul`: empty on a refund without segment detail

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
KM_PER_MILE = 1.609344

CABINS = ("Economy", "Premium Economy", "Business", "First")
CABIN_KEYS = {
    "Economy": "economy",
    "Premium Economy": "premium_economy",
    "Business": "business",
    "First": "first",
}
# Free-text cabins as real exports print them; each maps back to its cabin (factors/METHODOLOGY.md
# section 3.4).
CABIN_FREE_TEXT = {
    "Economy": ("Y", "ECONOMY", "ECONOMY CLASS", "Coach", "Eco Flex"),
    "Premium Economy": ("W", "Prem Eco"),
    "Business": ("J", "C", "BUSIN"),
    "First": ("F",),
}
BOOKING_CLASSES = {
    "Economy": "YBMHKLQTVSNO",
    "Premium Economy": "WE",
    "Business": "JCDIZ",
    "First": "FA",
}
FARE_BASIS_TAILS = ("LOWEU", "FLXRT", "SVR3M", "NNCH", "RTIN", "OWLX", "PROMO", "UNFLEX")
FARE_PER_KM_USD = {"Economy": 0.09, "Premium Economy": 0.16, "Business": 0.38, "First": 0.6}
# Agency CO2 (kg per passenger km, without RF) by haul and cabin multiplier: the agency's own
# approximation, kept for the reconciliation view only.
AGENCY_CO2_PER_KM = {"Domestic": 0.137, "Short": 0.084, "Medium": 0.084, "Long": 0.080}
AGENCY_CABIN_FACTOR = {"Economy": 1.0, "Premium Economy": 1.6, "Business": 2.9, "First": 4.0}
AGENCY_RF_FACTOR = 1.9
# Agency rail CO2 (kg per passenger km) by the country the journey starts in.
RAIL_CO2_PER_KM = {"CH": 0.007, "FR": 0.004, "AT": 0.012, "GB": 0.035, "DE": 0.032}
RAIL_DEFAULT_CO2_PER_KM = 0.041

PURPOSES = (
    "Mission",
    "Meeting",
    "Conference",
    "Training",
    "Field visit",
    "Workshop",
    "Emergency deployment",
    "Home leave",
)
COST_UNITS = ("ADM", "PRG", "OPS", "COM", "ECO", "SCI", "HRM", "ICT")
LOCATOR_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"

HOTEL_CHANNELS = ("GDS", "Online", "Offline", "Hotel Direct")


@dataclass(frozen=True)
class Agency:
    """A travel-management company: file-name token, printed name, CO2 method."""

    token: str
    name: str
    methodology: str
    co2_scale: float


AGENCIES = (
    Agency("BCDTravel", "BCD Travel", "DEFRA 2024", 1.0),
    Agency("AmexGBT", "American Express Global Business Travel", "DEFRA 2024", 1.0),
    Agency("CWT", "CWT", "ICAO v13.1", 0.85),
)


@dataclass(frozen=True)
class Sheet:
    """A sheet's layout: which columns hold dates, ticket numbers, and summable figures."""

    title: str
    header: tuple[str, ...]
    date_columns: tuple[str, ...]
    ticket_columns: tuple[str, ...]
    sum_columns: tuple[str, ...]

    def positions(self, names: Iterable[str]) -> tuple[int, ...]:
        return tuple(self.header.index(n) for n in names)


AIR = Sheet(
    "Air Segments",
    AIR_HEADER,
    ("Issue Date", "Departure Date", "Arrival Date"),
    ("Ticket Number", "Original Ticket Number"),
    (
        "Segment Km",
        "Segment Miles",
        "Ticket Fare",
        "Ticket Taxes",
        "Ticket Total",
        "CO2 kg",
        "CO2e kg incl RF",
    ),
)
HOTEL = Sheet(
    "Hotel",
    HOTEL_HEADER,
    ("Check-in Date", "Check-out Date"),
    (),
    ("Room Nights", "Total Amount"),
)
RAIL = Sheet(
    "Rail",
    RAIL_HEADER,
    ("Issue Date", "Travel Date"),
    (),
    ("Distance Km", "Amount", "CO2 kg"),
)


@dataclass(frozen=True)
class Booking:
    """Who travels and on whose account; shared by every ticket and hotel of one trip."""

    account: str
    person: ref.Person
    cost_centre: str
    purpose: str
    locator: str


@dataclass(frozen=True)
class Leg:
    """One flight coupon, with what the agency prints for its airports and what the pipeline
    should resolve them to (an empty string where nothing can be resolved)."""

    origin: str
    destination: str
    departure: dt.datetime
    arrival: dt.datetime
    operating: str
    marketing: str
    flight: str
    booking_class: str
    fare_basis: str
    agency_km: int
    printed: tuple[tuple[str | None, str | None, str | None], ...]  # (code, city, country) x2
    expected: tuple[str, str]


@dataclass
class Ticket:
    """A SALE or EXCHANGE ticket; `cancelled` collects the segment numbers later refunded or
    voided, whichever file the refund lands in."""

    number: str  # `220-1234567890`; empty for low-cost bookings
    original: str
    issue: dt.date
    validating: str
    cabin: str
    cabin_text: str
    legs: list[Leg]
    fare: float
    taxes: float
    booking: Booking
    cancelled: set[int] = field(default_factory=set)

    @property
    def segments(self) -> tuple[int, ...]:
        return tuple(range(1, len(self.legs) + 1))


@dataclass(frozen=True)
class AirTransaction:
    """One agency transaction on a ticket; `segments` empty means no segment detail."""

    kind: str  # SALE | EXCHANGE | REFUND | VOID
    ticket: Ticket
    issue: dt.date
    segments: tuple[int, ...]
    fare: float
    taxes: float

    @property
    def row_count(self) -> int:
        return max(1, len(self.segments))


@dataclass(frozen=True)
class HotelStay:
    booking: Booking
    chain: str
    name: str
    city: str
    country: str
    check_in: dt.date
    check_out: dt.date
    rooms: int
    rate_usd: float
    status: str
    channel: str


@dataclass(frozen=True)
class RailRow:
    issue: dt.date
    values: list


@dataclass
class Desk:
    """The agency desk of one organisation: its travellers, accounts and issued numbers."""

    org: Org
    rng: random.Random
    ctx: Context
    people: list[ref.Person]
    cum_weights: list[float]
    accounts: tuple[str, ...]
    cost_centres: tuple[str, ...]
    currency_rate: float
    issued: set[str] = field(default_factory=set)

    @classmethod
    def open(cls, org: Org, rng: random.Random, ctx: Context) -> "Desk":
        """A few frequent travellers and many occasional ones, as in real agency data."""
        people = ref.people(rng, max(5, ctx.rows // 12))
        accounts = tuple(f"{rng.randrange(10**6, 10**7):08d}" for _ in range(2))
        cost_centres = tuple(
            f"{org.country}{rng.randrange(10, 99)}-{rng.choice(COST_UNITS)}" for _ in range(8)
        )
        return cls(
            org=org,
            rng=rng,
            ctx=ctx,
            people=people,
            cum_weights=list(itertools.accumulate(1 / (i + 1) ** 0.7 for i in range(len(people)))),
            accounts=accounts,
            cost_centres=cost_centres,
            currency_rate=ref.USD_RATES.get(org.currency, 1.0),
        )

    @property
    def year_start(self) -> dt.date:
        return dt.date(self.ctx.year, 1, 1)

    @property
    def year_end(self) -> dt.date:
        return dt.date(self.ctx.year, 12, 31)

    def booking(self) -> Booking:
        rng = self.rng
        return Booking(
            rng.choice(self.accounts),
            rng.choices(self.people, cum_weights=self.cum_weights)[0],
            rng.choice(self.cost_centres),
            rng.choice(PURPOSES),
            "".join(rng.choices(LOCATOR_ALPHABET, k=6)),
        )

    def ticket_number(self, carrier: str) -> str:
        """A 13-digit number: the carrier's accounting prefix and a unique 10-digit serial."""
        prefix = next(c.prefix for c in ref.CARRIERS if c.code == carrier)
        while True:
            number = f"{prefix}-{self.rng.randrange(10**10):010d}"
            if number not in self.issued:
                self.issued.add(number)
                return number

    def money(self, usd: float) -> float:
        return round(usd * self.currency_rate, 2)


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    """Write one organisation's four quarterly agency files for the reporting year."""
    desk = Desk.open(org, rng, ctx)
    agency = rng.choice(AGENCIES)
    transactions, tickets, stays = simulate_air(desk)
    ctx.publish(org, ref.TRAVELLERS, desk.people)
    ctx.publish(
        org,
        ref.AGENCY_TICKETS,
        (
            ref.IssuedTicket(
                t.number,
                (*(leg.origin for leg in t.legs), t.legs[-1].destination),
                t.cabin,
                t.issue,
                t.booking.person,
            )
            for t in tickets
            if t.number and not t.cancelled
        ),
    )
    rail = simulate_rail(desk)
    return [
        write_quarter(desk, agency, quarter, transactions, tickets, stays, rail)
        for quarter in range(1, 5)
    ]


WRITER = DialectWriter("tmc_travel_xlsx", QUIRKS, write)


# --- simulation -------------------------------------------------------------------------


def simulate_air(desk: Desk) -> tuple[list[AirTransaction], list[Ticket], list[HotelStay]]:
    """Trips until the air rows reach the requested size, with their hotel stays."""
    transactions: list[AirTransaction] = []
    tickets: list[Ticket] = []
    stays: list[HotelStay] = []
    rows = 0
    while rows < desk.ctx.rows:
        trip_transactions, trip_tickets, stay = trip(desk)
        transactions += trip_transactions
        tickets += trip_tickets
        if stay is not None:
            stays.append(stay)
        rows += sum(t.row_count for t in trip_transactions)
    return transactions, tickets, stays


def trip(desk: Desk) -> tuple[list[AirTransaction], list[Ticket], HotelStay | None]:
    """One return (or one-way) journey from headquarters or a field office, ticketed once and
    then flown, voided, refunded in full or in part, or exchanged."""
    rng, ctx = desk.rng, desk.ctx
    low_cost = ctx.chance(rng, "lcc_no_ticket_number")
    home = desk.org.hq_airport if rng.random() < 0.85 else ref.destination(rng, None, None)
    away = ref.destination(rng, home, 2500 if low_cost else None)
    if low_cost:
        path = [home, away]
        carrier = ref.LOW_COST_CARRIERS.get(home) or ref.LOW_COST_CARRIERS.get(away) or "U2"
    else:
        path, carrier = ref.route(home, away, rng)
    round_trip = rng.random() < 0.9
    stay_days = rng.randint(2, 12)
    latest = desk.year_end - dt.timedelta(days=stay_days + 4)
    first_day = desk.year_start + dt.timedelta(days=rng.randint(2, (latest - desk.year_start).days))
    longest = max(ref.great_circle_km(a, b) for a, b in itertools.pairwise(path))
    cabin = "Economy" if low_cost else choose_cabin(rng, longest)
    booking_class = rng.choice(BOOKING_CLASSES[cabin])
    fare_basis = booking_class + rng.choice(FARE_BASIS_TAILS)
    outbound = legs(desk, path, carrier, first_day, booking_class, fare_basis, low_cost)
    inbound: list[Leg] = []
    if round_trip:
        back_day = outbound[-1].arrival.date() + dt.timedelta(days=stay_days)
        inbound = legs(desk, path[::-1], carrier, back_day, booking_class, fare_basis, low_cost)
    lead = min(60, int(rng.expovariate(1 / 14)) + 1)
    booking = desk.booking()
    ticket = Ticket(
        number="" if low_cost else desk.ticket_number(carrier),
        original="",
        issue=issue_day(desk, first_day, lead),
        validating=carrier,
        cabin=cabin,
        cabin_text=rng.choice(CABIN_FREE_TEXT[cabin])
        if ctx.chance(rng, "cabin_free_text")
        else cabin,
        legs=outbound + inbound,
        fare=0.0,
        taxes=0.0,
        booking=booking,
    )
    price(desk, ticket)
    transactions = [sale(ticket, "SALE")]
    tickets = [ticket]
    if not low_cost:
        extra_transactions, extra_tickets = fate(desk, ticket, len(outbound) if inbound else 0)
        transactions += extra_transactions
        tickets += extra_tickets
    stay = hotel_stay(desk, booking, away, outbound, inbound, stay_days, ticket)
    return transactions, tickets, stay


def issue_day(desk: Desk, travel: dt.date, lead: int) -> dt.date:
    """`lead` days before travel, or any earlier day of the year when that falls before it
    (tickets issued the year before belong to another reporting year)."""
    day = travel - dt.timedelta(days=lead)
    if day >= desk.year_start:
        return day
    return between(desk.rng, desk.year_start, travel - dt.timedelta(days=1))


def choose_cabin(rng: random.Random, longest_km: float) -> str:
    """UN travel rules allow business class on long journeys, so it is common there only."""
    weights = (60, 5, 32, 3) if longest_km > 5000 else (92, 2, 6, 0)
    return rng.choices(CABINS, weights)[0]


def legs(
    desk: Desk,
    path: Sequence[str],
    carrier: str,
    day: dt.date,
    booking_class: str,
    fare_basis: str,
    low_cost: bool,
) -> list[Leg]:
    """Schedule the legs of one direction: ~780 km/h plus taxi time, 75 min to 5 h to connect."""
    rng = desk.rng
    departure = dt.datetime.combine(day, dt.time(rng.randrange(6, 22), rng.randrange(0, 60, 5)))
    result = []
    for origin, dest in itertools.pairwise(path):
        km = ref.great_circle_km(origin, dest)
        arrival = departure + dt.timedelta(minutes=round(km / 780 * 60 + 35))
        marketing = carrier if low_cost or rng.random() < 0.85 else rng.choice(ref.CARRIERS).code
        printed, expected = print_airports(desk, origin, dest)
        result.append(
            Leg(
                origin,
                dest,
                departure,
                arrival,
                carrier,
                marketing,
                str(rng.randrange(1000, 9999) if low_cost else rng.randrange(1, 1999)),
                booking_class,
                fare_basis,
                round(km * rng.uniform(0.99, 1.04)),
                printed,
                expected,
            )
        )
        departure = arrival + dt.timedelta(minutes=rng.randrange(75, 300, 5))
    return result


def print_airports(
    desk: Desk, origin: str, dest: str
) -> tuple[tuple[tuple[str | None, str | None, str | None], ...], tuple[str, str]]:
    """What the agency prints for a segment's two airports, and what should be resolved."""
    rng, ctx = desk.rng, desk.ctx
    unknown = ctx.chance(rng, "unknown_airport")
    missing = ctx.chance(rng, "missing_airport")
    side = rng.randrange(2)
    printed, expected = [], []
    for i, airport in enumerate((origin, dest)):
        metro = ctx.chance(rng, "city_code_not_airport")
        named = ctx.chance(rng, "city_name_not_code")
        city, country = ref.AIRPORT_CITIES[airport], ref.country(airport)
        if unknown and i == side:
            code = rng.choice(ref.UNKNOWN_AIRPORT_CODES)
            printed.append((code, None, None))
            expected.append(code)
            continue
        if missing and i == side:
            printed.append((None, None, None))
            expected.append("")
            continue
        if metro and airport in ref.METRO_CODES:
            code = ref.METRO_CODES[airport]
        elif named and airport not in ref.AMBIGUOUS_CITY_NAMES:
            code = city
        else:
            code = airport
        printed.append((code, city, country))
        expected.append(airport)
    return tuple(printed), (expected[0], expected[1])


def price(desk: Desk, ticket: Ticket) -> None:
    km = sum(ref.great_circle_km(leg.origin, leg.destination) for leg in ticket.legs)
    usd = km * FARE_PER_KM_USD[ticket.cabin] * desk.rng.uniform(0.7, 1.5) + 60
    ticket.fare = desk.money(usd)
    ticket.taxes = desk.money(40 + 0.012 * km * desk.rng.uniform(0.8, 1.2))


def sale(ticket: Ticket, kind: str) -> AirTransaction:
    return AirTransaction(kind, ticket, ticket.issue, ticket.segments, ticket.fare, ticket.taxes)


def fate(desk: Desk, ticket: Ticket, outbound: int) -> tuple[list[AirTransaction], list[Ticket]]:
    """What happens after the sale. Refund and exchange dates fall between the last flown and
    the first unflown departure, so a refund without segment detail cancels exactly the
    unflown segments under factors/METHODOLOGY.md section 3.7."""
    rng = desk.rng
    every = ticket.segments
    first_departure = ticket.legs[0].departure.date()
    draw = rng.random()
    if draw < 0.03:
        ticket.cancelled.update(every)
        return [AirTransaction("VOID", ticket, ticket.issue, every, 0.0, 0.0)], []
    if draw < 0.08:
        return [refund(desk, ticket, every, between(rng, ticket.issue, first_departure))], []
    if draw < 0.12 and outbound:
        unflown = every[outbound:]
        return [refund(desk, ticket, unflown, after_outbound(rng, ticket, outbound))], []
    if draw < 0.18:
        if outbound and rng.random() < 0.5:
            unflown, day = every[outbound:], after_outbound(rng, ticket, outbound)
        else:
            unflown, day = every, between(rng, ticket.issue, first_departure)
        return exchange(desk, ticket, unflown, day)
    return [], []


def between(rng: random.Random, first: dt.date, last: dt.date) -> dt.date:
    return first + dt.timedelta(days=rng.randint(0, max(0, (last - first).days)))


def after_outbound(rng: random.Random, ticket: Ticket, outbound: int) -> dt.date:
    """A day after the last outbound departure and no later than the first return one."""
    flown = ticket.legs[outbound - 1].departure.date() + dt.timedelta(days=1)
    return between(rng, flown, ticket.legs[outbound].departure.date())


def refund(desk: Desk, ticket: Ticket, segments: tuple[int, ...], day: dt.date) -> AirTransaction:
    """A negative transaction for `segments`, pro rata of distance; some agencies print it
    without segment detail."""
    ticket.cancelled.update(segments)
    share = sum(ticket.legs[n - 1].agency_km for n in segments) / sum(
        leg.agency_km for leg in ticket.legs
    )
    shown = () if desk.ctx.chance(desk.rng, "refund_without_segments") else segments
    return AirTransaction(
        "REFUND",
        ticket,
        day,
        shown,
        -round(ticket.fare * share, 2),
        -round(ticket.taxes * share, 2),
    )


def exchange(
    desk: Desk, ticket: Ticket, unflown: tuple[int, ...], day: dt.date
) -> tuple[list[AirTransaction], list[Ticket]]:
    """A new ticket for the unflown legs moved by up to three days (within the year), plus the
    reversal of the original's unflown segments."""
    rng = desk.rng
    old = [ticket.legs[n - 1] for n in unflown]
    room = (desk.year_end - old[-1].arrival.date()).days
    shift = dt.timedelta(days=max(0, min(rng.randint(0, 3), room)))
    new_legs = [
        replace(leg, departure=leg.departure + shift, arrival=leg.arrival + shift) for leg in old
    ]
    new = replace(
        ticket,
        number=desk.ticket_number(ticket.validating),
        original=ticket.number,
        issue=day,
        legs=new_legs,
        cancelled=set(),
    )
    share = len(unflown) / len(ticket.legs)
    new.fare = desk.money(ticket.fare / desk.currency_rate * share * rng.uniform(1.0, 1.4))
    new.taxes = round(ticket.taxes * share, 2)
    return [sale(new, "EXCHANGE"), refund(desk, ticket, unflown, day)], [new]


def hotel_stay(
    desk: Desk,
    booking: Booking,
    away: str,
    outbound: list[Leg],
    inbound: list[Leg],
    stay_days: int,
    ticket: Ticket,
) -> HotelStay | None:
    """Most trips book a hotel at the destination; a trip cancelled before departure cancels
    it too."""
    rng = desk.rng
    if rng.random() >= 0.65:
        return None
    check_in = outbound[-1].arrival.date()
    check_out = inbound[0].departure.date() if inbound else check_in + dt.timedelta(stay_days)
    if set(ticket.segments) <= ticket.cancelled:
        status = "Cancelled"
    else:
        status = rng.choices(("Confirmed", "Cancelled", "No-show"), (94, 3, 3))[0]
    chain, brands = rng.choice(ref.HOTEL_BRANDS)
    city = ref.AIRPORT_CITIES[away]
    return HotelStay(
        booking,
        chain,
        f"{rng.choice(brands)} {city}",
        city,
        ref.country(away),
        check_in,
        check_out,
        2 if rng.random() < 0.05 else 1,
        ref.HOTEL_RATE_USD.get(away, 150) * rng.uniform(0.8, 1.3),
        status,
        rng.choice(HOTEL_CHANNELS),
    )


def simulate_rail(desk: Desk) -> list[RailRow]:
    """Rail tickets, many more where headquarters sit on a rail network; a few refunded or
    voided, with the same sign rules as air."""
    rng, org = desk.rng, desk.org
    home = [r for r in ref.RAIL_ROUTES if org.country in (r.origin_country, r.destination_country)]
    count = desk.ctx.rows // (8 if len(home) >= 3 else 25)
    cum_weights = list(itertools.accumulate(5 if r in home else 1 for r in ref.RAIL_ROUTES))
    rows: list[RailRow] = []
    for _ in range(count):
        ticket = rail_ticket(desk, rng.choices(ref.RAIL_ROUTES, cum_weights=cum_weights)[0])
        rows.append(ticket.row("SALE", ticket.issue, 1))
        draw = rng.random()
        if draw < 0.02:
            rows.append(ticket.row("VOID", ticket.issue, 0))
        elif draw < 0.07:
            rows.append(ticket.row("REFUND", between(rng, ticket.issue, ticket.travel), -1))
    return rows


@dataclass(frozen=True)
class RailTicket:
    booking: Booking
    number: str
    carrier: str
    ends: tuple[str, str, str, str]  # origin and destination station, their countries
    issue: dt.date
    travel: dt.date
    first_class: bool
    km: int | None  # agencies often leave the distance out
    amount: float
    currency: str
    co2: float

    def row(self, kind: str, day: dt.date, sign: int) -> RailRow:
        """A SALE (sign 1), VOID (0: no money, the journey as sold) or REFUND (-1) row."""
        b = self.booking
        distance = sign or 1
        return RailRow(
            day,
            [
                b.account,
                b.person.name,
                b.person.employee_id,
                self.number,
                kind,
                day,
                self.carrier,
                *self.ends,
                self.travel,
                "1st" if self.first_class else "2nd",
                None if self.km is None else distance * self.km,
                sign * self.amount,
                self.currency,
                distance * self.co2,
            ],
        )


def rail_ticket(desk: Desk, route_: ref.RailRoute) -> RailTicket:
    rng = desk.rng
    ends = (route_.origin, route_.destination, route_.origin_country, route_.destination_country)
    if rng.random() < 0.5:
        ends = (ends[1], ends[0], ends[3], ends[2])
    travel = desk.year_start + dt.timedelta(days=rng.randint(1, 364))
    first_class = rng.random() < 0.15
    co2_per_km = RAIL_CO2_PER_KM.get(route_.origin_country, RAIL_DEFAULT_CO2_PER_KM)
    return RailTicket(
        booking=desk.booking(),
        number=str(rng.randrange(10**11, 10**12)),
        carrier=route_.carrier,
        ends=ends,
        issue=issue_day(desk, travel, rng.randint(0, 30)),
        travel=travel,
        first_class=first_class,
        km=None if rng.random() < 0.6 else route_.km,
        amount=desk.money(route_.price_usd * (1.7 if first_class else 1.0) * rng.uniform(0.6, 1.3)),
        currency=desk.org.currency,
        co2=round(route_.km * co2_per_km, 1),
    )


# --- printing ---------------------------------------------------------------------------


def air_rows(txn: AirTransaction, agency: Agency, currency: str, every_segment: bool) -> list:
    """The rows the agency prints for one transaction."""
    t, b = txn.ticket, txn.ticket.booking
    head = [
        b.account,
        b.person.name,
        b.person.employee_id,
        b.cost_centre,
        b.purpose,
        b.locator,
        t.number or None,
        t.original or None,
        txn.kind,
        txn.issue,
        t.validating,
    ]
    money = [txn.fare, txn.taxes, round(txn.fare + txn.taxes, 2)]
    if not txn.segments:
        return [head + [None] * SEGMENT_COLUMNS + money + [currency, None, None, None]]
    sign = -1 if txn.kind == "REFUND" else 1
    rows = []
    for i, n in enumerate(txn.segments):
        leg = t.legs[n - 1]
        (o_code, o_city, o_country), (d_code, d_city, d_country) = leg.printed
        haul = agency_haul(leg)
        co2 = 0.0
        if txn.kind != "VOID":
            co2 = round(
                sign
                * leg.agency_km
                * AGENCY_CO2_PER_KM[haul]
                * AGENCY_CABIN_FACTOR[t.cabin]
                * agency.co2_scale,
                1,
            )
        rows.append(
            [
                *head,
                n,
                leg.marketing,
                leg.operating,
                leg.flight,
                o_code,
                o_city,
                o_country,
                d_code,
                d_city,
                d_country,
                leg.departure.date(),
                f"{leg.departure:%H:%M}",
                leg.arrival.date(),
                leg.booking_class,
                t.cabin_text,
                leg.fare_basis,
                sign * leg.agency_km,
                sign * round(leg.agency_km / KM_PER_MILE),
                haul,
                *(money if i == 0 or every_segment else (None, None, None)),
                currency,
                co2,
                round(co2 * AGENCY_RF_FACTOR, 1),
                agency.methodology,
            ]
        )
    return rows


def agency_haul(leg: Leg) -> str:
    """The agency's own haul bands, which differ from the DESNZ bands the pipeline uses."""
    if ref.country(leg.origin) == ref.country(leg.destination):
        return "Domestic"
    if leg.agency_km < 1500:
        return "Short"
    return "Medium" if leg.agency_km < 4000 else "Long"


def hotel_row(stay: HotelStay, desk: Desk) -> list:
    nights = (stay.check_out - stay.check_in).days
    rate = desk.money(stay.rate_usd)
    charged = {"Confirmed": nights, "No-show": 1, "Cancelled": 0}[stay.status]
    b = stay.booking
    return [
        b.account,
        b.person.name,
        b.person.employee_id,
        b.locator,
        stay.chain or None,
        stay.name,
        stay.city,
        stay.country,
        stay.check_in,
        stay.check_out,
        nights,
        stay.rooms,
        rate,
        desk.org.currency,
        round(rate * charged * stay.rooms, 2),
        stay.status,
        stay.channel,
    ]


def truth_rows(org: Org, tickets: Iterable[Ticket]) -> Iterable[list]:
    """Every sold segment with the airports and cabin the pipeline should find."""
    for t in tickets:
        for n, leg in enumerate(t.legs, 1):
            yield [
                org.code,
                t.number.replace("-", ""),
                n,
                *leg.expected,
                leg.departure.date().isoformat(),
                CABIN_KEYS[t.cabin],
                "true" if n in t.cancelled else "false",
            ]


def write_quarter(
    desk: Desk,
    agency: Agency,
    quarter: int,
    transactions: list[AirTransaction],
    tickets: list[Ticket],
    stays: list[HotelStay],
    rail: list[RailRow],
) -> WrittenFile:
    """One file per quarter, rows placed by issue date (hotels by check-in), as agencies
    report transactions."""
    rng, ctx, org = desk.rng, desk.ctx, desk.org
    start = dt.date(ctx.year, 3 * quarter - 2, 1)
    end = dt.date(ctx.year + quarter // 4, 3 * quarter % 12 + 1, 1) - dt.timedelta(days=1)
    as_csv = ctx.chance(rng, "csv_instead_of_xlsx")
    every_segment = ctx.chance(rng, "amount_on_every_segment")
    numeric_tickets = ctx.chance(rng, "ticket_number_numeric")
    serial_dates = ctx.chance(rng, "date_serial")
    totals = [ctx.chance(rng, "total_row") for _ in range(3)]
    generated = dt.datetime.combine(end, dt.time(5)) + dt.timedelta(
        days=rng.randint(2, 6), seconds=rng.randrange(3 * 3600)
    )

    def inside(day: dt.date) -> bool:
        return start <= day <= end

    air = [
        row
        for txn in sorted((t for t in transactions if inside(t.issue)), key=lambda t: t.issue)
        for row in air_rows(txn, agency, org.currency, every_segment)
    ]
    name = f"{agency.token}_{org.code}_TravelData_{ctx.year}{end.month:02d}"
    folder = ctx.landing_dir(org, "travel")
    sold = sorted((t for t in tickets if inside(t.issue)), key=lambda t: t.issue)
    if as_csv:
        path = folder / f"{name}.csv"
        write_csv(path, air)
        counts = {AIR.title: len(air)}
    else:
        path = folder / f"{name}.xlsx"
        sheets = [
            (AIR, air),
            (
                HOTEL,
                [
                    hotel_row(s, desk)
                    for s in sorted(stays, key=lambda s: s.check_in)
                    if inside(s.check_in)
                ],
            ),
            (RAIL, [r.values for r in sorted(rail, key=lambda r: r.issue) if inside(r.issue)]),
        ]
        preamble = (
            f"Client: {org.name} ({org.code})",
            f"Period: {day_text(start)} to {day_text(end)}",
            f"Generated: {generated:%Y-%m-%d %H:%M:%S}",
        )
        write_workbook(
            path, agency, preamble, sheets, totals, generated, numeric_tickets, serial_dates
        )
        counts = {sheet.title: len(rows) for sheet, rows in sheets}
    relative = path.relative_to(ctx.out)
    ctx.write_truth(relative, TRUTH_HEADER, truth_rows(org, sold))
    return WrittenFile(relative, counts)


def day_text(day: dt.date) -> str:
    """`DD-MMM-YYYY` with English month abbreviations, whatever the locale."""
    return f"{day.day:02d}-{MONTHS[day.month - 1]}-{day.year}"


def write_workbook(
    path: Path,
    agency: Agency,
    preamble: tuple[str, ...],
    sheets: list[tuple[Sheet, list[list]]],
    totals: list[bool],
    stamp: dt.datetime,
    numeric_tickets: bool,
    serial_dates: bool,
) -> None:
    """The clean layout: title, client, period, generation time, a blank row, the header on
    row 6, data from row 7, and on some sheets a closing `Total` row."""
    wb = xlsx.new_workbook(stamp)
    for (sheet, rows), total in zip(sheets, totals, strict=True):
        ws = wb.create_sheet(sheet.title)
        ws.append([f"{agency.name} - {sheet.title} Report"])
        for line in preamble:
            ws.append([line])
        ws.append([])
        ws.append(list(sheet.header))
        dates = sheet.positions(sheet.date_columns)
        tickets = sheet.positions(sheet.ticket_columns)
        for row in rows:
            ws.append(cells(ws, row, dates, tickets, numeric_tickets, serial_dates))
        if total:
            ws.append(total_row(sheet, rows))
    xlsx.save(wb, path, stamp)


def cells(
    ws,
    row: list,
    dates: tuple[int, ...],
    tickets: tuple[int, ...],
    numeric_tickets: bool,
    serial_dates: bool,
) -> list:
    """Dates as formatted date cells (or bare serials), ticket numbers as text (or numbers in
    scientific notation, leading zeros lost)."""
    out = list(row)
    for i in dates:
        if out[i] is not None:
            day = out[i]
            out[i] = (
                xlsx.excel_serial(day)
                if serial_dates
                else xlsx.formatted(ws, day, xlsx.DATE_FORMAT)
            )
    if numeric_tickets:
        for i in tickets:
            if out[i]:
                out[i] = xlsx.formatted(ws, int(out[i].replace("-", "")), "0.00E+00")
    return out


def total_row(sheet: Sheet, rows: list[list]) -> list:
    out: list = [None] * len(sheet.header)
    out[0] = "Total"
    for i in sheet.positions(sheet.sum_columns):
        out[i] = round(sum(r[i] for r in rows if r[i] is not None), 2)
    return out


def write_csv(path: Path, rows: list[list]) -> None:
    """The Air Segments columns alone: `;`, cp1252, CRLF, header on line 1, `.` decimals."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(AIR_HEADER)
    writer.writerows([csv_text(v) for v in row] for row in rows)
    path.write_bytes(buffer.getvalue().encode("cp1252"))


def csv_text(value) -> str:
    kind = type(value)
    if kind is str:
        return value
    if value is None:
        return ""
    if kind is float:
        return f"{value:.2f}"
    if kind is dt.date:
        return day_text(value)
    return str(value)
