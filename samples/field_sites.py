"""Offices and field sites where an organisation burns fuel, buys energy and cools rooms.

Shared by the fuel-card, generator-log, utility-bill and refrigerant-log writers, so the
same site codes and countries appear across an organisation's scope 1 and 2 files. The
sites of an organisation depend on the seed and its code only.
"""

import random
from dataclasses import dataclass

from samples import reference as ref
from samples.registry import Org


@dataclass(frozen=True)
class Place:
    city: str
    country: str  # ISO 3166-1 alpha-2
    currency: str
    language: str  # of the field office's manual templates: EN, FR or ES
    grid: bool  # on a public grid (field sites without one run on generators only)
    heating: str | None  # NATURAL_GAS, DISTRICT_HEAT or None


HEADQUARTERS = {
    "KE": Place("Nairobi", "KE", "KES", "EN", True, None),
    "US": Place("New York", "US", "USD", "EN", True, "NATURAL_GAS"),
    "IT": Place("Rome", "IT", "EUR", "EN", True, "NATURAL_GAS"),
    "CH": Place("Geneva", "CH", "CHF", "FR", True, "DISTRICT_HEAT"),
    "FR": Place("Paris", "FR", "EUR", "FR", True, "NATURAL_GAS"),
    "DK": Place("Copenhagen", "DK", "DKK", "EN", True, "DISTRICT_HEAT"),
    "AT": Place("Vienna", "AT", "EUR", "EN", True, "NATURAL_GAS"),
    "DE": Place("Bonn", "DE", "EUR", "EN", True, "NATURAL_GAS"),
    "GB": Place("London", "GB", "GBP", "EN", True, "DISTRICT_HEAT"),
    "CA": Place("Montreal", "CA", "CAD", "FR", True, "NATURAL_GAS"),
    "JP": Place("Tokyo", "JP", "JPY", "EN", True, None),
}
FIELD = (
    Place("Mogadishu", "SO", "USD", "EN", False, None),
    Place("Juba", "SS", "SSP", "EN", True, None),
    Place("Goma", "CD", "CDF", "FR", True, None),
    Place("Kabul", "AF", "AFN", "EN", True, None),
    Place("Bamako", "ML", "XOF", "FR", True, None),
    Place("N'Djamena", "TD", "XAF", "FR", False, None),
    Place("Port-au-Prince", "HT", "HTG", "FR", True, None),
    Place("Beirut", "LB", "USD", "EN", True, None),
    Place("Addis Ababa", "ET", "ETB", "EN", True, None),
    Place("Kampala", "UG", "UGX", "EN", True, None),
    Place("Pristina", "XK", "EUR", "EN", True, None),  # no grid factor: unmapped electricity
    Place("Bogotá", "CO", "COP", "ES", True, None),
    Place("Tegucigalpa", "HN", "HNL", "ES", True, None),
    Place("Niamey", "NE", "XOF", "FR", False, None),
)


@dataclass(frozen=True)
class Site:
    code: str  # e.g. UNEP-NBO-HQ
    name: str
    place: Place
    headquarters: bool


def sites(org: Org) -> list[Site]:
    """Headquarters plus three field sites; they depend on the organisation's code only, so
    every writer and every seed sees the same sites (they are reference data, not a draw)."""
    rng = random.Random(f"{org.code}:sites")
    hq_place = HEADQUARTERS.get(
        org.country, Place(org.country, org.country, "USD", "EN", True, None)
    )
    chosen = [Site(f"{org.code}-HQ", f"{org.name} headquarters", hq_place, True)]
    for place in rng.sample(FIELD, 3):
        token = "".join(ch for ch in place.city.upper() if ch.isalpha())[:3]
        chosen.append(Site(f"{org.code}-{token}", f"{org.code} office {place.city}", place, False))
    return chosen


def person_name(rng: random.Random) -> str:
    """`J. OTIENO`: how fuel-card providers and service logs print a person."""
    first = rng.choice(ref.FIRST_NAMES_FEMALE + ref.FIRST_NAMES_MALE)
    return f"{first[0]}. {rng.choice(ref.SURNAMES)}"
