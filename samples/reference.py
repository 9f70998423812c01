"""Reference tables the sample data is drawn from: duty-station airports, carriers, people.

Kept apart from the writers so every generated dialect (travel, expenses, fuel) draws from the
same places and people: a traveller flying to Nairobi in the agency file can also expense a
taxi there. Coordinates and countries come from `airportsdata`, the same package the pipeline
measures distances with, so generated kilometres agree with the pipeline's own.
"""

import datetime as dt
import itertools
import math
import random
from dataclasses import dataclass
from functools import cache

import airportsdata

EARTH_RADIUS_KM = 6371.0

# Duty-station airports with the city name a travel agency prints. Every one of them is the
# main airport of its city, so a city name or metropolitan code written instead of it resolves
# back to it (factors/METHODOLOGY.md section 3.6).
AIRPORT_CITIES: dict[str, str] = {
    "GVA": "Geneva",
    "ZRH": "Zürich",
    "JFK": "New York",
    "NBO": "Nairobi",
    "FCO": "Rome",
    "VIE": "Vienna",
    "BKK": "Bangkok",
    "ADD": "Addis Ababa",
    "CPH": "Copenhagen",
    "CGN": "Cologne",
    "AMM": "Amman",
    "BEY": "Beirut",
    "CAI": "Cairo",
    "DSS": "Dakar",
    "PTY": "Panama City",
    "SCL": "Santiago",
    "DEL": "New Delhi",
    "JNB": "Johannesburg",
    "LHR": "London",
    "CDG": "Paris",
    "FRA": "Frankfurt",
    "DXB": "Dubai",
    "DOH": "Doha",
    "IST": "Istanbul",
    "KBL": "Kabul",
    "ISB": "Islamabad",
    "FIH": "Kinshasa",
    "JUB": "Juba",
    "MGQ": "Mogadishu",
    "EBB": "Entebbe",
    "DAR": "Dar es Salaam",
    "ABJ": "Abidjan",
    "ACC": "Accra",
    "LOS": "Lagos",
    "MNL": "Manila",
    "CGK": "Jakarta",
    "PEK": "Beijing",
    "GRU": "São Paulo",
    "EZE": "Buenos Aires",
    "MEX": "Mexico City",
    "BOG": "Bogotá",
    "LIM": "Lima",
    "AMS": "Amsterdam",
    "EDI": "Edinburgh",
    "MAN": "Manchester",
    "GLA": "Glasgow",
    "BRU": "Brussels",
    "MAD": "Madrid",
    "LIS": "Lisbon",
    "YUL": "Montréal",
    "HND": "Tokyo",
    "KTM": "Kathmandu",
    "DAC": "Dhaka",
}

# Relative weight of each airport as a trip destination (headquarters and regional hubs of
# the UN system are visited far more often than the rest).
DESTINATION_WEIGHTS: dict[str, int] = {
    "GVA": 8,
    "JFK": 8,
    "NBO": 6,
    "FCO": 4,
    "VIE": 4,
    "BKK": 4,
    "ADD": 5,
    "CPH": 2,
    "CGN": 2,
    "AMM": 3,
    "BEY": 2,
    "CAI": 2,
    "DSS": 3,
    "PTY": 3,
    "SCL": 2,
    "DEL": 2,
    "JNB": 2,
    "LHR": 4,
    "CDG": 4,
    "FRA": 2,
    "DXB": 2,
    "IST": 2,
    "KBL": 2,
    "ISB": 2,
    "FIH": 2,
    "JUB": 2,
    "MGQ": 1,
    "EBB": 2,
    "DAR": 1,
    "ABJ": 1,
    "ACC": 1,
    "LOS": 1,
    "MNL": 1,
    "CGK": 1,
    "PEK": 1,
    "GRU": 1,
    "EZE": 1,
    "MEX": 1,
    "BOG": 2,
    "LIM": 1,
    "ZRH": 1,
    "AMS": 1,
    "EDI": 1,
    "MAN": 1,
    "GLA": 1,
    "BRU": 2,
    "MAD": 1,
    "LIS": 1,
    "YUL": 1,
    "HND": 1,
    "KTM": 1,
    "DAC": 1,
    "DOH": 1,
}

# Metropolitan (multi-airport city) codes an agency may print instead of the airport.
METRO_CODES: dict[str, str] = {
    "LHR": "LON",
    "JFK": "NYC",
    "CDG": "PAR",
    "FCO": "ROM",
    "PEK": "BJS",
    "GRU": "SAO",
    "EZE": "BUE",
    "CGK": "JKT",
    "YUL": "YMQ",
    "HND": "TYO",
}

# Cities whose name does not identify one airport (Tokyo: Haneda and Narita).
AMBIGUOUS_CITY_NAMES = frozenset({"HND"})

# Codes that are no airport at all (typing errors, retired codes) for the unknown-airport quirk.
UNKNOWN_AIRPORT_CODES = ("XQZ", "QQA", "XZQ", "QZX")


@dataclass(frozen=True)
class Carrier:
    """A network airline: its IATA code, ticketing prefix and the airports it flies from."""

    code: str
    prefix: str  # 3-digit accounting code, the first part of every ticket number
    bases: tuple[str, ...]


CARRIERS: tuple[Carrier, ...] = (
    Carrier("LX", "724", ("ZRH",)),
    Carrier("LH", "220", ("FRA",)),
    Carrier("OS", "257", ("VIE",)),
    Carrier("SN", "082", ("BRU",)),
    Carrier("AF", "057", ("CDG",)),
    Carrier("KL", "074", ("AMS",)),
    Carrier("BA", "125", ("LHR",)),
    Carrier("IB", "075", ("MAD",)),
    Carrier("TP", "047", ("LIS",)),
    Carrier("AZ", "055", ("FCO",)),
    Carrier("SK", "117", ("CPH",)),
    Carrier("TK", "235", ("IST",)),
    Carrier("EK", "176", ("DXB",)),
    Carrier("QR", "157", ("DOH",)),
    Carrier("ET", "071", ("ADD",)),
    Carrier("KQ", "706", ("NBO",)),
    Carrier("MS", "077", ("CAI",)),
    Carrier("RJ", "512", ("AMM",)),
    Carrier("ME", "076", ("BEY",)),
    Carrier("SA", "083", ("JNB",)),
    Carrier("DL", "006", ("JFK",)),
    Carrier("AC", "014", ("YUL",)),
    Carrier("CM", "230", ("PTY",)),
    Carrier("AV", "134", ("BOG",)),
    Carrier("LA", "045", ("SCL", "GRU", "LIM")),
    Carrier("AR", "044", ("EZE",)),
    Carrier("AM", "139", ("MEX",)),
    Carrier("AI", "098", ("DEL",)),
    Carrier("PK", "214", ("ISB",)),
    Carrier("TG", "217", ("BKK",)),
    Carrier("GA", "126", ("CGK",)),
    Carrier("PR", "079", ("MNL",)),
    Carrier("CA", "999", ("PEK",)),
    Carrier("NH", "205", ("HND",)),
    Carrier("HF", "483", ("ABJ",)),
)

# Low-cost carriers by the airport they fly from; they issue no IATA ticket number.
LOW_COST_CARRIERS: dict[str, str] = {
    "GVA": "U2",
    "LHR": "U2",
    "CDG": "U2",
    "AMS": "U2",
    "MAN": "U2",
    "EDI": "U2",
    "GLA": "U2",
    "LIS": "U2",
    "ZRH": "U2",
    "CGN": "EW",
    "FRA": "EW",
    "VIE": "W6",
    "FCO": "FR",
    "MAD": "FR",
    "BRU": "FR",
    "CPH": "FR",
    "DXB": "FZ",
    "NBO": "JM",
    "DEL": "6E",
    "BKK": "FD",
    "CGK": "QZ",
    "MNL": "5J",
    "MEX": "Y4",
    "SCL": "JA",
    "JNB": "FA",
    "GRU": "G3",
}

SURNAMES = (
    "MÜLLER",
    "SCHNEIDER",
    "GARCÍA",
    "MARTÍNEZ",
    "DUBOIS",
    "LEFÈVRE",
    "ROSSI",
    "BIANCHI",
    "OTIENO",
    "KAMAU",
    "WANJIRU",
    "ODHIAMBO",
    "MWANGI",
    "DIALLO",
    "TRAORÉ",
    "NDIAYE",
    "OKAFOR",
    "ADEYEMI",
    "MENSAH",
    "BEKELE",
    "TESFAYE",
    "HAILE",
    "MOHAMED",
    "HASSAN",
    "AL-SAYED",
    "HADDAD",
    "KHOURY",
    "KHAN",
    "SHARMA",
    "PATEL",
    "SINGH",
    "RAHMAN",
    "NGUYEN",
    "TRAN",
    "SANTOS",
    "REYES",
    "WANG",
    "LI",
    "ZHANG",
    "TANAKA",
    "SATO",
    "SMITH",
    "JOHNSON",
    "BROWN",
    "O'BRIEN",
    "WILLIAMS",
    "ANDERSEN",
    "SØRENSEN",
    "JOHANSSON",
    "BJÖRK",
    "HÄMÄLÄINEN",
    "NOWAK",
    "KOWALSKI",
    "IVANOVA",
    "PETROV",
    "GONÇALVES",
    "SILVA",
    "FERREIRA",
    "RODRÍGUEZ",
    "LÓPEZ",
    "HERNÁNDEZ",
    "MORALES",
    "ÖZTÜRK",
    "YILMAZ",
    "MUKHERJEE",
    "BANDA",
    "PHIRI",
    "MOYO",
    "NKOSI",
    "DLAMINI",
)
FIRST_NAMES_FEMALE = (
    "ANNA",
    "MARIA",
    "SOPHIE",
    "CLAIRE",
    "ELENA",
    "GIULIA",
    "GRACE",
    "AMINA",
    "FATIMA",
    "AISHA",
    "WANJIKU",
    "AKOSUA",
    "MERON",
    "LEILA",
    "PRIYA",
    "ANJALI",
    "MEI",
    "YUKI",
    "SARAH",
    "EMMA",
    "INGRID",
    "ASTRID",
    "KATARZYNA",
    "OLGA",
    "ANA",
    "LUCÍA",
    "CARMEN",
    "HÉLÈNE",
    "ZEYNEP",
    "NOMVULA",
    "THANDIWE",
    "LINH",
)
FIRST_NAMES_MALE = (
    "THOMAS",
    "JÜRGEN",
    "JOSÉ",
    "FRANÇOIS",
    "MARCO",
    "LUCA",
    "JAMES",
    "PETER",
    "DAVID",
    "JOSEPH",
    "BRIAN",
    "KWAME",
    "CHINEDU",
    "MAMADOU",
    "IBRAHIMA",
    "YONAS",
    "DAWIT",
    "AHMED",
    "OMAR",
    "KARIM",
    "RAJESH",
    "ARJUN",
    "WEI",
    "HIROSHI",
    "MICHAEL",
    "LARS",
    "ERIK",
    "PIOTR",
    "SERGEI",
    "JOÃO",
    "CARLOS",
    "MEHMET",
    "SIPHO",
    "MINH",
)


@cache
def _airports() -> dict[str, dict]:
    """The `airportsdata` IATA table, loaded once (it takes a noticeable fraction of a second)."""
    return airportsdata.load("IATA")


def country(code: str) -> str:
    """ISO 3166-1 alpha-2 country of an airport."""
    return _airports()[code]["country"]


@cache
def great_circle_km(origin: str, destination: str) -> float:
    """Haversine distance on the airports' coordinates, as factors/METHODOLOGY.md section 3.1
    measures it."""
    a, b = _airports()[origin], _airports()[destination]
    lat1, lon1, lat2, lon2 = map(math.radians, (a["lat"], a["lon"], b["lat"], b["lon"]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


@dataclass(frozen=True)
class Person:
    """A traveller as the agency knows them; both fields are personal data downstream."""

    name: str  # SURNAME/FIRSTNAME MR
    employee_id: str


def people(rng: random.Random, count: int) -> list[Person]:
    """Distinct travellers with realistic names and employee ids.

    The first person always carries a name with a non-ASCII letter, so every file that
    features frequent travellers exercises the encoding of names.
    """
    result: list[Person] = []
    names: set[str] = set()
    ids: set[str] = set()
    while len(result) < count:
        female = rng.random() < 0.5
        first = rng.choice(FIRST_NAMES_FEMALE if female else FIRST_NAMES_MALE)
        surname = "MÜLLER" if not result else rng.choice(SURNAMES)
        name = f"{surname}/{first} {'MS' if female else 'MR'}"
        employee_id = f"E{rng.randrange(10**6, 10**7):07d}"
        if name in names or employee_id in ids:
            continue
        names.add(name)
        ids.add(employee_id)
        result.append(Person(name, employee_id))
    return result


# What the agency writer publishes (`Context.publish`) for the expense writer to claim.
AGENCY_TICKETS = "agency_air_tickets"
TRAVELLERS = "travellers"


@dataclass(frozen=True)
class IssuedTicket:
    """An air ticket the travel agency sold and that was flown: what an expense report
    claiming the same ticket would show."""

    number: str  # `220-1234567890`
    route: tuple[str, ...]  # airports in flown order: GVA, FRA, JFK, FRA, GVA
    cabin: str  # Economy, Premium Economy, Business, First
    issue: dt.date
    person: Person


# Units of each reporting currency per US dollar (2024 averages, rounded): prices are set in
# dollars and printed in the organisation's currency.
USD_RATES = {"USD": 1.0, "EUR": 0.92, "CHF": 0.88, "GBP": 0.79, "CAD": 1.36}

HOTEL_BRANDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("Marriott", ("Marriott", "Courtyard by Marriott", "Sheraton")),
    ("Hilton", ("Hilton", "Hilton Garden Inn")),
    ("Accor", ("Novotel", "ibis", "Pullman", "Mercure", "Sofitel")),
    ("IHG", ("InterContinental", "Holiday Inn", "Crowne Plaza")),
    ("Hyatt", ("Hyatt Regency",)),
    ("Radisson", ("Radisson Blu",)),
    ("", ("Hotel Central", "City Lodge", "Résidence des Nations", "Grand Hotel")),
)
HOTEL_RATE_USD = {
    "GVA": 290,
    "ZRH": 260,
    "JFK": 340,
    "LHR": 270,
    "CDG": 250,
    "NBO": 190,
    "FCO": 210,
    "VIE": 190,
    "CPH": 230,
    "CGN": 160,
    "BKK": 120,
    "ADD": 170,
    "AMS": 220,
    "BRU": 180,
    "DXB": 200,
    "DOH": 190,
    "JUB": 230,
    "MGQ": 250,
    "KBL": 210,
    "HND": 210,
}


@dataclass(frozen=True)
class RailRoute:
    """A rail connection as an agency prints it: station names, countries, operator."""

    origin: str
    origin_country: str
    destination: str
    destination_country: str
    carrier: str
    km: int
    price_usd: float  # second class, one way


RAIL_ROUTES = (
    RailRoute("Geneve Cornavin", "CH", "Zürich HB", "CH", "SBB", 277, 98),
    RailRoute("Geneve Cornavin", "CH", "Bern", "CH", "SBB", 159, 56),
    RailRoute("Geneve Cornavin", "CH", "Lausanne", "CH", "SBB", 62, 24),
    RailRoute("Geneve Cornavin", "CH", "Paris Gare de Lyon", "FR", "TGV Lyria", 542, 120),
    RailRoute("Zürich HB", "CH", "Milano Centrale", "IT", "SBB", 289, 85),
    RailRoute("Zürich HB", "CH", "Wien Hbf", "AT", "ÖBB", 760, 140),
    RailRoute("London St Pancras", "GB", "Paris Gare du Nord", "FR", "Eurostar", 492, 190),
    RailRoute("London St Pancras", "GB", "Bruxelles-Midi", "BE", "Eurostar", 373, 170),
    RailRoute("London Euston", "GB", "Manchester Piccadilly", "GB", "Avanti West Coast", 296, 110),
    RailRoute("London King's Cross", "GB", "Edinburgh Waverley", "GB", "LNER", 632, 150),
    RailRoute("Paris Gare de Lyon", "FR", "Lyon Part-Dieu", "FR", "SNCF", 465, 95),
    RailRoute("Wien Hbf", "AT", "Salzburg Hbf", "AT", "ÖBB", 316, 65),
    RailRoute("Wien Hbf", "AT", "Budapest-Keleti", "HU", "ÖBB", 270, 45),
    RailRoute("Wien Hbf", "AT", "Praha hl.n.", "CZ", "ÖBB", 410, 60),
    RailRoute("Roma Termini", "IT", "Milano Centrale", "IT", "Trenitalia", 570, 105),
    RailRoute("Roma Termini", "IT", "Firenze S.M.N.", "IT", "Trenitalia", 261, 55),
    RailRoute("Roma Termini", "IT", "Napoli Centrale", "IT", "Italo", 222, 45),
    RailRoute("Köln Hbf", "DE", "Bonn Hbf", "DE", "DB", 34, 9),
    RailRoute("Bonn Hbf", "DE", "Frankfurt(Main) Hbf", "DE", "DB", 175, 70),
    RailRoute("Köln Hbf", "DE", "Bruxelles-Midi", "BE", "DB", 225, 60),
    RailRoute("Köln Hbf", "DE", "Amsterdam Centraal", "NL", "DB", 260, 65),
    RailRoute("København H", "DK", "Stockholm C", "SE", "SJ", 620, 110),
    RailRoute("København H", "DK", "Hamburg Hbf", "DE", "DSB", 360, 80),
    RailRoute("København H", "DK", "Aarhus H", "DK", "DSB", 187, 60),
    RailRoute("Amsterdam Centraal", "NL", "Bruxelles-Midi", "BE", "NS", 210, 55),
    RailRoute("Nairobi Terminus", "KE", "Mombasa Terminus", "KE", "Kenya Railways", 472, 25),
    RailRoute("New York Penn Station", "US", "Washington Union Station", "US", "Amtrak", 362, 130),
    RailRoute("New York Penn Station", "US", "Boston South Station", "US", "Amtrak", 370, 120),
    RailRoute("New Delhi", "IN", "Agra Cantt", "IN", "Indian Railways", 195, 15),
)


# Airports a network carrier is based at: linked to each other at any distance.
HUBS = frozenset(h for c in CARRIERS for h in c.bases)
MAX_SPOKE_KM = 7000


def destination(rng: random.Random, home: str | None, max_km: float | None) -> str:
    """A weighted duty station other than `home`; within `max_km` where a low-cost carrier
    must fly it (the nearest few when nothing is that close)."""
    codes, cum_weights = destinations(home, max_km)
    return rng.choices(codes, cum_weights=cum_weights)[0]


@cache
def destinations(home: str | None, max_km: float | None) -> tuple[list[str], list[int]]:
    codes = [c for c in DESTINATION_WEIGHTS if c != home]
    if home is not None and max_km is not None:
        near = [c for c in codes if great_circle_km(home, c) <= max_km]
        codes = near or sorted(codes, key=lambda c: great_circle_km(home, c))[:5]
    return codes, list(itertools.accumulate(DESTINATION_WEIGHTS[c] for c in codes))


def route(origin: str, destination_: str, rng: random.Random) -> tuple[list[str], str]:
    """Nonstop when a carrier based at either end can fly it, else one stop at a hub with a
    small detour; returns the airports in order and the operating carrier."""
    nonstop, connections = routes(origin, destination_)
    if nonstop and rng.random() < 0.75:
        return [origin, destination_], rng.choice(nonstop)
    hub, carrier = rng.choice(connections)
    return [origin, hub, destination_], carrier


@cache
def routes(origin: str, destination_: str) -> tuple[list[str], list[tuple[str, str]]]:
    """The carriers that could fly a pair nonstop, and the three best one-stop connections
    (hub, carrier) by detour."""
    nonstop = [c.code for c in CARRIERS if origin in c.bases or destination_ in c.bases]
    if not flyable(origin, destination_):
        nonstop = []
    distance = great_circle_km(origin, destination_)
    hubs = sorted(
        (
            (great_circle_km(origin, h) + great_circle_km(h, destination_)) / distance,
            h,
            c.code,
        )
        for c in CARRIERS
        for h in c.bases
        if h not in (origin, destination_)
    )
    plausible = [h for h in hubs if flyable(origin, h[1]) and flyable(h[1], destination_)]
    return nonstop, [(hub, carrier) for _, hub, carrier in (plausible or hubs)[:3]]


def flyable(a: str, b: str) -> bool:
    """Hubs are linked whatever the distance; other airports only within medium haul."""
    return (a in HUBS and b in HUBS) or great_circle_km(a, b) < MAX_SPOKE_KM
