"""Management-system indicators: one YAML file per organization, and training completions.

`landing/_system/management/<CODE>.yaml` says, for the organization `<CODE>` of the
registry, how far its environmental management system has come, which policies it has
adopted, which focal-point roles it has filled and which training or seminar events it has
held. It is read like the registry (connectors/organizations.py): YAML 1.2 values, aliases
and repeated keys refused, then the pydantic models below, unknown keys an error. A file
that breaks them is rejected with every problem found: the organization's management
section shows the reason, its emissions publish as usual.

Personal data has no place here: focal points are roles from a fixed list, audiences come
from a fixed list, a key that names a person (`name`, `email`, `phone`, `contact`) is
refused as personal data, and free text (titles, scope, unit) holding an e-mail address or
a phone number is refused.

Example (`landing/_system/management/UNEP.yaml`):

    environmental_management_system:
      - {status: in_progress, since: 2021-03-01}
      - {status: iso14001_certified, since: 2023-06-15, valid_until: 2026-06-14,
         scope: Nairobi headquarters}
    policies:
      - {policy: sustainability, adopted_on: 2020-11-02, title: Environmental policy}
      - {policy: sustainable_procurement, adopted_on: 2022-02-01}
    focal_points:
      - {role: environmental_management, since: 2021-01-01, unit: Corporate Services}
      - {role: sustainable_procurement}
    training_events:
      - {date: 2024-03-12, kind: training, audience: requisitioners, participants: 35}

`landing/_system/training/*.csv` holds what the training module exports (the web
application records completions in its own database and writes counts only): columns
`org_code,year,audience,people_trained`, one row per organization, year and audience. A
row that breaks the rules is left out with its reason and flags that organization; a column
beyond these four rejects the file, so names cannot arrive through it.
"""

import csv
import datetime as dt
import io
import itertools
import re
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Annotated, Any

import yaml
from pydantic import AfterValidator, BeforeValidator, Field, ValidationError, model_validator

from connectors import organizations as registry
from connectors.organizations import Strict, Text, as_list, as_text
from connectors.personal_columns import classify

MAX_BYTES = 1 << 20
EMS_STATUSES = ("none", "in_progress", "iso14001_certified")
POLICIES = ("sustainability", "sustainable_procurement")
ROLES = (
    "environmental_management",
    "sustainability",
    "sustainable_procurement",
    "greenhouse_gas_inventory",
    "facilities",
    "travel",
    "training",
)
AUDIENCES = (
    "requisitioners",
    "procurement_practitioners",
    "managers",
    "focal_points",
    "facilities_staff",
    "all_staff",
)
EVENT_KINDS = ("training", "seminar", "workshop", "awareness")
TRAINING_COLUMNS = ("org_code", "year", "audience", "people_trained")
MAX_PEOPLE = 10_000_000

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE = re.compile(r"\+?\(?\d[\d ().-]{6,}\d")


# --- The shape of a management file ----------------------------------------------------------


def _one_of(values: tuple[str, ...]):
    def check(value: str) -> str:
        if value not in values:
            raise ValueError(f"is not one of {', '.join(values)}")
        return value

    return check


def _iso_date(value: object) -> dt.date:
    """`YYYY-MM-DD` as written (YAML 1.2 reads it as text), between 1990 and 2100."""
    text = as_text(value)
    try:
        day = dt.date.fromisoformat(text) if isinstance(text, str) and len(text) == 10 else None
    except ValueError:
        day = None
    if day is None:
        raise ValueError("is not a date (YYYY-MM-DD)")
    if not 1990 <= day.year <= 2100:
        raise ValueError("is not a year between 1990 and 2100")
    return day


def personal_text(value: str) -> str | None:
    """What in a free text looks like a person's contact: an e-mail address or a phone
    number (at least 9 digits), else None."""
    if EMAIL.search(value):
        return "an e-mail address"
    if any(sum(c.isdigit() for c in m.group()) >= 9 for m in PHONE.finditer(value)):
        return "a phone number"
    return None


def _no_contact(value: str) -> str:
    found = personal_text(value)
    if found:
        raise ValueError(f"holds {found}: personal data is not recorded here")
    return value


def _one_line(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("is empty")
    if len(value) > 200:
        raise ValueError("is longer than 200 characters")
    if not value.isprintable():
        raise ValueError("is not one line of text")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date)]
FreeText = Annotated[Text, AfterValidator(_one_line), AfterValidator(_no_contact)]
Count = Annotated[int, Field(ge=0, le=MAX_PEOPLE), AfterValidator(int)]


class EmsStep(Strict):
    """A status of the environmental management system, from `since` until the next step."""

    status: Annotated[Text, AfterValidator(_one_of(EMS_STATUSES))]
    since: IsoDate
    valid_until: IsoDate | None = None
    scope: FreeText | None = None

    @model_validator(mode="after")
    def certificate_dates(self) -> "EmsStep":
        if self.valid_until is not None and self.status != "iso14001_certified":
            raise ValueError("valid_until belongs to an iso14001_certified step only")
        if self.valid_until is not None and self.valid_until <= self.since:
            raise ValueError(f"valid_until {self.valid_until} is not after since {self.since}")
        return self


class Policy(Strict):
    policy: Annotated[Text, AfterValidator(_one_of(POLICIES))]
    adopted_on: IsoDate
    title: FreeText | None = None


class FocalPoint(Strict):
    """A role someone holds; never who holds it."""

    role: Annotated[Text, AfterValidator(_one_of(ROLES))]
    since: IsoDate | None = None
    unit: FreeText | None = None


class Event(Strict):
    date: IsoDate
    kind: Annotated[Text, AfterValidator(_one_of(EVENT_KINDS))]
    audience: Annotated[Text, AfterValidator(_one_of(AUDIENCES))]
    participants: Count
    title: FreeText | None = None


def _steps_in_order(steps: list[EmsStep]) -> list[EmsStep]:
    for earlier, later in itertools.pairwise(steps):
        if later.since <= earlier.since:
            raise ValueError(f"steps are not in date order: {later.since} follows {earlier.since}")
    return steps


def _policies_once(policies: list[Policy]) -> list[Policy]:
    kinds = [p.policy for p in policies]
    twice = sorted({k for k in kinds if kinds.count(k) > 1})
    if twice:
        raise ValueError(f"policy {', '.join(twice)} is listed twice: give its adoption once")
    return policies


EmsSteps = Annotated[list[EmsStep], BeforeValidator(as_list), AfterValidator(_steps_in_order)]
Policies = Annotated[list[Policy], BeforeValidator(as_list), AfterValidator(_policies_once)]


class Management(Strict):
    """A management file: every section may be left out (an empty list)."""

    environmental_management_system: EmsSteps = Field(default_factory=list)
    policies: Policies = Field(default_factory=list)
    focal_points: Annotated[list[FocalPoint], BeforeValidator(as_list)] = Field(
        default_factory=list
    )
    training_events: Annotated[list[Event], BeforeValidator(as_list)] = Field(default_factory=list)


# --- Reading ----------------------------------------------------------------------------------


@dataclass
class ManagementFile:
    """One management file as read: its organization, and its content or its problems."""

    file: str
    org_code: str | None
    management: Management | None = None
    problems: list[str] = field(default_factory=list)


def problem(error: dict) -> str:
    """A pydantic error as a sentence; a key that names a person says so."""
    loc = tuple(error["loc"])
    if error["type"] == "extra_forbidden" and loc and isinstance(loc[-1], str):
        rule = classify(loc[-1])
        if rule is not None:
            parent = registry.where(loc[:-1])
            return (f"{parent}: " if parent else "") + (
                f"{loc[-1]!r} is personal data ({rule.kind}): record roles and counts only, "
                "never names, e-mail addresses or phone numbers"
            )
    if error["type"] == "value_error" and isinstance(error["input"], dict | list):  # a rule
        return f"{registry.where(loc)}: {error['msg'].removeprefix('Value error, ')}"
    return registry.problem(error)


def parse_yaml(data: bytes) -> tuple[Any, list[str]]:
    """The YAML document (YAML 1.2 values), or the reasons it cannot be read."""
    if len(data) > MAX_BYTES:
        return None, [f"is {len(data):,} bytes (at most {MAX_BYTES:,})"]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        return None, [f"is not UTF-8 text: {exc}"]
    loader = registry.Yaml12Loader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None, ["is empty"]
        registry.expanded_size(node, {}, set())
        repeated = list(registry.duplicate_keys(node))
        if repeated:
            return None, repeated
        return loader.construct_object(node, deep=True), []
    except registry.RegistryError as exc:
        return None, [str(exc)]
    except yaml.YAMLError as exc:
        return None, ["is not readable as YAML: " + " ".join(str(exc).split())]
    except RecursionError:
        return None, ["is nested too deeply"]
    finally:
        loader.dispose()


def read_management(data: bytes, file: str, organizations: set[str]) -> ManagementFile:
    """Check one `<CODE>.yaml`; `organizations` are the registered codes."""
    code = PurePath(file).stem
    if code not in organizations:
        return ManagementFile(
            file, None, problems=[f"{code!r} is not a registered organization code"]
        )
    document, problems = parse_yaml(data)
    if problems:
        return ManagementFile(file, code, problems=problems)
    if not isinstance(document, dict):
        return ManagementFile(file, code, problems=["expected a mapping of sections"])
    try:
        return ManagementFile(file, code, Management.model_validate(document))
    except ValidationError as exc:
        return ManagementFile(
            file, code, problems=[problem(e) for e in exc.errors(include_url=False)]
        )


@dataclass
class TrainingFile:
    """A training export as read: its valid rows, and problems by organization (None for
    problems of the file itself or of a row naming no registered organization)."""

    file: str
    rows: list[dict] = field(default_factory=list)
    problems: dict[str | None, list[str]] = field(default_factory=dict)

    def flag(self, org: str | None, message: str) -> None:
        self.problems.setdefault(org, []).append(message)


def whole_number(text: str, lowest: int, highest: int) -> int | None:
    value = text.strip()
    if not re.fullmatch(r"[0-9]+", value) or not lowest <= int(value) <= highest:
        return None
    return int(value)


def header_problems(header: list[str]) -> list[str]:
    missing = [c for c in TRAINING_COLUMNS if c not in header]
    problems = [f"missing column {c!r}" for c in missing]
    for column in header:
        if column in TRAINING_COLUMNS:
            continue
        rule = classify(column)
        why = f"is personal data ({rule.kind})" if rule else "is not one of the four"
        problems.append(
            f"column {column!r} {why}: the training export carries counts only "
            f"({', '.join(TRAINING_COLUMNS)})"
        )
    if len(set(header)) != len(header):
        problems.append("a column is named twice")
    return problems


def read_row(row: dict, line: int, organizations: set[str]) -> tuple[dict | None, list[str]]:
    """One data row: its values, or what is wrong with it."""
    problems = []
    org = row["org_code"].strip()
    if org not in organizations:
        problems.append(f"org_code {org!r} is not a registered organization")
    year = whole_number(row["year"], 1990, 2100)
    if year is None:
        problems.append(f"year {row['year']!r} is not a year between 1990 and 2100")
    audience = row["audience"].strip()
    if audience not in AUDIENCES:
        problems.append(f"audience {audience!r} is not one of {', '.join(AUDIENCES)}")
    people = whole_number(row["people_trained"], 0, MAX_PEOPLE)
    if people is None:
        problems.append(f"people_trained {row['people_trained']!r} is not a whole number >= 0")
    if problems:
        return None, [f"line {line}: " + "; ".join(problems)]
    values = {"org_code": org, "year": year, "audience": audience, "people_trained": people}
    return values, []


def read_training(data: bytes, file: str, organizations: set[str]) -> TrainingFile:
    """Check one training export; `organizations` are the registered codes."""
    result = TrainingFile(file)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        result.flag(None, f"is not UTF-8 text: {exc}")
        return result
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [c.strip() for c in next(reader, [])]
    problems = header_problems(header)
    if problems:
        result.flag(None, "; ".join(problems))
        return result
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            result.flag(None, f"line {line}: {len(cells)} values for {len(header)} columns")
            continue
        row = dict(zip(header, cells, strict=True))
        values, problems = read_row(row, line, organizations)
        if values is None:
            org = row["org_code"].strip()
            result.flag(org if org in organizations else None, problems[0])
        else:
            result.rows.append({**values, "line": line})
    return result


def duplicate_completions(files: list[TrainingFile]) -> None:
    """The same organization, year and audience given twice (in one file or several):
    every such row is left out and flagged, so neither count silently wins."""
    seen: dict[tuple, list[tuple[TrainingFile, dict]]] = {}
    for training in files:
        for row in training.rows:
            key = (row["org_code"], row["year"], row["audience"])
            seen.setdefault(key, []).append((training, row))
    for (org, year, audience), found in seen.items():
        if len(found) < 2:
            continue
        where = ", ".join(f"{t.file} line {r['line']}" for t, r in found)
        message = f"{org} {year} {audience} is given more than once ({where})"
        for training, row in found:
            training.rows.remove(row)
            if message not in training.problems.get(org, []):
                training.flag(org, message)
