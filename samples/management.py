"""Sample management files and the training module's export.

`_system/management/<CODE>.yaml` per organisation, written from the schema documented in
connectors/management.py: an environmental management system on its way to (or holding)
ISO 14001 certification, the policies adopted, focal-point roles (roles only) and the
training and seminar events of each year. `_system/training/completions.csv` stands for what
the training module of the web application exports: people trained per organisation, year
and audience, for the years since the module started. Each organisation has its own random
stream, so the other sample files do not change.
"""

import csv
import datetime as dt
import random
from pathlib import Path

import yaml

from samples.registry import Org

EVENT_TITLES = {
    "training": "Sustainable procurement for {audience}",
    "seminar": "Greening the supply chain",
    "workshop": "Writing sustainability criteria into tenders",
    "awareness": "Greening the office week",
}
AUDIENCE_WORDS = {
    "requisitioners": "requisitioners",
    "procurement_practitioners": "procurement practitioners",
    "managers": "managers",
    "focal_points": "focal points",
    "facilities_staff": "facilities staff",
    "all_staff": "all staff",
}
ROLES = (
    "environmental_management",
    "sustainability",
    "sustainable_procurement",
    "greenhouse_gas_inventory",
    "facilities",
    "travel",
)
UNITS = ("Corporate Services", "Procurement Division", "Office of the Executive Director")


def day(rng: random.Random, year: int) -> dt.date:
    return dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))


def ems_steps(rng: random.Random, first: int, last: int) -> list[dict]:
    """none -> in_progress -> iso14001_certified, stopping at a random step."""
    reached = rng.choices((0, 1, 2), weights=(1, 2, 2))[0]
    steps = [{"status": "none", "since": day(rng, first - 3).isoformat()}]
    if reached >= 1:
        steps.append({"status": "in_progress", "since": day(rng, first - 1).isoformat()})
    if reached == 2:
        since = day(rng, rng.randint(first, last))
        steps.append(
            {
                "status": "iso14001_certified",
                "since": since.isoformat(),
                "valid_until": (
                    since.replace(year=since.year + 3) - dt.timedelta(days=1)
                ).isoformat(),
                "scope": "Headquarters premises and operations",
            }
        )
    return steps


def policies(rng: random.Random, first: int, last: int) -> list[dict]:
    adopted = [
        {
            "policy": "sustainability",
            "adopted_on": day(rng, first - rng.randint(1, 4)).isoformat(),
            "title": "Environmental and social sustainability policy",
        }
    ]
    if rng.random() < 0.7:
        adopted.append(
            {
                "policy": "sustainable_procurement",
                "adopted_on": day(rng, rng.randint(first - 1, last)).isoformat(),
                "title": "Sustainable procurement policy",
            }
        )
    return adopted


def focal_points(rng: random.Random, first: int) -> list[dict]:
    chosen = ["environmental_management", *rng.sample(ROLES[1:], rng.randint(1, 3))]
    return [
        {"role": role, "since": day(rng, first - 1).isoformat(), "unit": rng.choice(UNITS)}
        if rng.random() < 0.7
        else {"role": role}
        for role in chosen
    ]


def events(rng: random.Random, years: list[int]) -> list[dict]:
    held = []
    for year in years:
        for _ in range(rng.randint(1, 4)):
            kind = rng.choice(tuple(EVENT_TITLES))
            audience = rng.choice(tuple(AUDIENCE_WORDS))
            title = EVENT_TITLES[kind].format(audience=AUDIENCE_WORDS[audience])
            held.append(
                {
                    "date": day(rng, year).isoformat(),
                    "kind": kind,
                    "audience": audience,
                    "participants": rng.randint(8, 90),
                    "title": title,
                }
            )
    return sorted(held, key=lambda e: e["date"])


def management_file(org: Org, years: list[int], seed: int) -> dict:
    rng = random.Random(f"{seed}:management:{org.code}")
    first, last = years[0], years[-1]
    return {
        "environmental_management_system": ems_steps(rng, first, last),
        "policies": policies(rng, first, last),
        "focal_points": focal_points(rng, first),
        "training_events": events(rng, years),
    }


def completions(orgs: list[Org], years: list[int], seed: int) -> list[list]:
    """People trained per organisation, year and audience, from the module's second-to-last
    year on (it started recently)."""
    rng = random.Random(f"{seed}:training")
    rows = []
    for org in orgs:
        for year in years[-2:]:
            for audience in ("requisitioners", "procurement_practitioners"):
                scale = org.headcount / 1000 if audience == "requisitioners" else 1
                rows.append([org.code, year, audience, round(rng.uniform(2, 6) * scale)])
    return rows


def write(out: Path, orgs: list[Org], years: list[int], seed: int) -> list[Path]:
    """Write every organisation's management file and the training export; returns their
    paths relative to `out`."""
    folder = out / "_system" / "management"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for org in orgs:
        path = folder / f"{org.code}.yaml"
        text = yaml.safe_dump(
            management_file(org, years, seed), sort_keys=False, allow_unicode=True, width=100
        )
        path.write_text(text, encoding="utf-8", newline="\n")
        written.append(path.relative_to(out))
    training = out / "_system" / "training"
    training.mkdir(parents=True, exist_ok=True)
    path = training / "completions.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["org_code", "year", "audience", "people_trained"])
        writer.writerows(completions(orgs, years, seed))
    written.append(path.relative_to(out))
    return written
