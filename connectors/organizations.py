"""The organization registry (SPEC 1): who may drop files, with headcounts and targets.

A registry that cannot be parsed stops the run; one bad entry only excludes that
organization, whose files are then rejected with the message below.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

CODE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
KEYS = {"code", "name", "country", "currency", "headcount", "baseline_year", "targets"}
REQUIRED = ("code", "name", "country", "currency", "headcount")
TARGET_KEYS = {"scope", "year", "reduction_pct"}
TARGET_SCOPES = {"all", "1", "2", "3", "travel", "fuel", "energy", "refrigerants", "procurement"}


class RegistryError(Exception):
    """The registry file as a whole is unreadable: nothing may run."""


@dataclass
class Organization:
    code: str
    name: str
    country: str
    currency: str
    headcount: dict[int, int]
    baseline_year: int | None = None
    targets: list[dict] = field(default_factory=list)


@dataclass
class Registry:
    organizations: dict[str, Organization]
    invalid: dict[str, str]  # org code (or entry position) -> why it is excluded


def whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def is_year(value: object) -> bool:
    return whole(value) and 1990 <= value <= 2100


def entry_problems(entry: dict) -> list[str]:
    problems = [f"unknown key {k!r}" for k in entry if k not in KEYS]
    problems += [f"missing {k!r}" for k in REQUIRED if entry.get(k) in (None, "")]
    code = str(entry.get("code", ""))
    if code and not CODE.match(code):
        problems.append(f"code {code!r} is not upper-case letters/digits/hyphens")
    if entry.get("country") and not re.fullmatch(r"[A-Z]{2}", str(entry["country"])):
        problems.append(f"country {entry['country']!r} is not ISO 3166-1 alpha-2")
    if entry.get("currency") and not re.fullmatch(r"[A-Z]{3}", str(entry["currency"])):
        problems.append(f"currency {entry['currency']!r} is not ISO 4217")
    headcount = entry.get("headcount")
    if headcount is not None and (
        not isinstance(headcount, dict)
        or not all(is_year(y) and whole(n) and n > 0 for y, n in headcount.items())
    ):
        problems.append("headcount must map years to positive whole numbers")
    if entry.get("baseline_year") is not None and not is_year(entry["baseline_year"]):
        problems.append(f"baseline_year {entry['baseline_year']!r} is not a year")
    targets = entry.get("targets") or []
    if targets and entry.get("baseline_year") is None:
        problems.append("targets need a baseline_year")
    for target in targets if isinstance(targets, list) else [None]:
        if (
            not isinstance(target, dict)
            or set(target) - TARGET_KEYS
            or not set(target) >= TARGET_KEYS
        ):
            problems.append(f"target {target!r} must have exactly scope, year, reduction_pct")
        elif not is_year(target["year"]):
            problems.append(f"target year {target['year']!r} is not a year")
        elif str(target["scope"]) not in TARGET_SCOPES:
            problems.append(
                f"target scope {target['scope']!r} is not one of {sorted(TARGET_SCOPES)}"
            )
    return problems


def load_registry(path: Path) -> Registry:
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
        raise RegistryError(f"organization registry {path} cannot be read: {exc}") from exc
    if (
        not isinstance(doc, dict)
        or set(doc) != {"organizations"}
        or not isinstance(doc["organizations"], list)
    ):
        raise RegistryError(
            f"organization registry {path} must hold exactly one key, 'organizations', with a list"
        )
    organizations, invalid = {}, {}
    for position, entry in enumerate(doc["organizations"], start=1):
        if not isinstance(entry, dict):
            invalid[f"entry {position}"] = "is not a mapping"
            continue
        code = str(entry.get("code") or f"entry {position}")
        problems = entry_problems(entry)
        if code in organizations or code in invalid:
            problems.append("is listed twice")
        if problems:
            invalid[code] = f"registry entry {code}: " + "; ".join(problems)
            organizations.pop(code, None)
            continue
        organizations[code] = Organization(
            code=code,
            name=str(entry["name"]),
            country=str(entry["country"]),
            currency=str(entry["currency"]),
            headcount=dict(entry["headcount"]),
            baseline_year=entry.get("baseline_year"),
            targets=list(entry.get("targets") or []),
        )
    return Registry(organizations, invalid)
