"""The organization registry of a sample landing folder (docs/contract.md section 1).

Real UN system organisations, in a fixed order, so `--orgs 3` always means UNEP, UNDP and
UNICEF and a test can name the organisation it expects.
"""

import random
from dataclasses import dataclass
from pathlib import Path

import yaml


@dataclass(frozen=True)
class Org:
    """One organisation as the sample writer needs it; `headcount` is the reporting-year figure."""

    code: str
    name: str
    country: str  # ISO 3166-1 alpha-2 of headquarters
    currency: str  # ISO 4217 reporting currency
    headcount: int
    hq_airport: str  # IATA code of the airport serving headquarters


ORGANIZATIONS: tuple[Org, ...] = (
    Org("UNEP", "United Nations Environment Programme", "KE", "USD", 1302, "NBO"),
    Org("UNDP", "United Nations Development Programme", "US", "USD", 22143, "JFK"),
    Org("UNICEF", "United Nations Children's Fund", "US", "USD", 19012, "JFK"),
    Org("WFP", "World Food Programme", "IT", "USD", 22870, "FCO"),
    Org(
        "UNHCR",
        "Office of the United Nations High Commissioner for Refugees",
        "CH",
        "USD",
        20391,
        "GVA",
    ),
    Org("WHO", "World Health Organization", "CH", "USD", 9498, "GVA"),
    Org(
        "FAO", "Food and Agriculture Organization of the United Nations", "IT", "USD", 11206, "FCO"
    ),
    Org(
        "UNESCO",
        "United Nations Educational, Scientific and Cultural Organization",
        "FR",
        "USD",
        2417,
        "CDG",
    ),
    Org("ILO", "International Labour Organization", "CH", "USD", 3712, "GVA"),
    Org("UN-HABITAT", "United Nations Human Settlements Programme", "KE", "USD", 2318, "NBO"),
    Org("UNFPA", "United Nations Population Fund", "US", "USD", 5196, "JFK"),
    Org("UNOPS", "United Nations Office for Project Services", "DK", "USD", 4327, "CPH"),
    Org("IOM", "International Organization for Migration", "CH", "USD", 21045, "GVA"),
    Org("ITU", "International Telecommunication Union", "CH", "CHF", 762, "GVA"),
    Org("WMO", "World Meteorological Organization", "CH", "CHF", 331, "GVA"),
    Org("IAEA", "International Atomic Energy Agency", "AT", "EUR", 2604, "VIE"),
    Org("UNIDO", "United Nations Industrial Development Organization", "AT", "EUR", 1588, "VIE"),
    Org("UNFCCC", "United Nations Framework Convention on Climate Change", "DE", "EUR", 652, "CGN"),
    Org("WIPO", "World Intellectual Property Organization", "CH", "CHF", 1251, "GVA"),
    Org("IFAD", "International Fund for Agricultural Development", "IT", "USD", 748, "FCO"),
    Org("ICAO", "International Civil Aviation Organization", "CA", "CAD", 781, "YUL"),
    Org("IMO", "International Maritime Organization", "GB", "GBP", 297, "LHR"),
    Org("UNAIDS", "Joint United Nations Programme on HIV/AIDS", "CH", "USD", 702, "GVA"),
    Org(
        "UN-WOMEN",
        "United Nations Entity for Gender Equality and the Empowerment of Women",
        "US",
        "USD",
        3604,
        "JFK",
    ),
    Org("UNU", "United Nations University", "JP", "USD", 648, "HND"),
    Org("UPU", "Universal Postal Union", "CH", "CHF", 249, "ZRH"),
)

BASELINE_YEAR = 2019


def select(count: int) -> list[Org]:
    """The first `count` organisations; asking for more than exist is an error, not a wrap."""
    if not 1 <= count <= len(ORGANIZATIONS):
        raise ValueError(f"orgs must be between 1 and {len(ORGANIZATIONS)}, got {count}")
    return list(ORGANIZATIONS[:count])


def entry(org: Org, year: int, rng: random.Random, baseline: int | None = None) -> dict:
    """The registry entry of one organisation, keys in the order of docs/contract.md section 1.2.

    Headcount is given for the reporting year and the year before, so per-capita figures and
    their year-on-year change both exist. Every organisation carries the UN system-wide 2030
    target; some add a travel target, as several entities' strategies do. With `baseline`
    (several years generated), it is the baseline year and every year since has a headcount.
    """
    previous = round(org.headcount * (1 - rng.uniform(-0.03, 0.06)))
    targets = [{"scope": "all", "year": 2030, "reduction_pct": 45}]
    if rng.random() < 0.4:
        targets.append({"scope": "travel", "year": 2027, "reduction_pct": rng.choice((20, 25))})
    return {
        "code": org.code,
        "name": org.name,
        "country": org.country,
        "currency": org.currency,
        "headcount": {
            **{
                y: round(previous * (1 - 0.01 * (year - 1 - y)))
                for y in range(baseline or year, year - 1)
            },
            year - 1: previous,
            year: org.headcount,
        },
        "baseline_year": baseline or BASELINE_YEAR,
        "targets": targets,
    }


def write_registry(
    path: Path, orgs: list[Org], year: int, seed: int, baseline: int | None = None
) -> None:
    """Write `organizations.yaml`; each organisation's figures depend on the seed and its code
    only, so adding organisations never changes the others."""
    entries = [
        entry(org, year, random.Random(f"{seed}:{org.code}:registry"), baseline) for org in orgs
    ]
    text = yaml.safe_dump(
        {"organizations": entries},
        sort_keys=False,
        default_flow_style=None,
        allow_unicode=True,
        width=100,
    )
    path.write_text(text, encoding="utf-8", newline="\n")
