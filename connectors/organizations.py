"""The organization registry (docs/contract.md section 1): who may drop files, with headcounts and
targets.

Read in two stages, so that one bad entry never stops the others:

1. The file as a whole: YAML 1.2 values (`NO`, `ON`, `yes` and `0700` stay as written where
   text is expected), at most `MAX_BYTES`, and aliases (`*name`) that would expand to more
   than `MAX_VALUES` values refused before anything is expanded (a "billion laughs" of a few
   hundred bytes would otherwise take gigabytes). A file that fails here raises
   `RegistryError`: the run stops before it touches the warehouse.
2. Each entry on its own, against the pydantic models below (exactly the registry shape
   of docs/contract.md section 1.2: unknown keys are an error). An invalid entry is listed
   in `Registry.invalid` with a message naming
   the key and the value; the run holds that organization (its files wait, its last
   published figures stay served) and the others go on.
"""

import re
import reprlib
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Annotated, Any, ClassVar

import yaml
from babel import Locale
from babel.numbers import list_currencies
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

CODE = re.compile(r"^[A-Z0-9]+(-[A-Z0-9]+)*$")
DOMAINS = ("travel", "fuel", "energy", "refrigerants", "procurement")
TARGET_SCOPES = ("all", "1", "2", "3", *DOMAINS)
MAX_BYTES = 4 << 20
# A registry of a hundred organizations holds a few thousand values; ten million from a
# page of aliases is an attack or an accident, refused before expansion.
MAX_VALUES = 200_000
MAX_HEADCOUNT = 10_000_000
# Two-letter territories CLDR knows that ISO 3166-1 has not assigned to a country
# (exceptionally reserved or user-assigned: Ascension, the EU, the UN, Kosovo, unknown).
NOT_ISO_3166 = frozenset(
    {"AC", "CP", "CQ", "DG", "EA", "EU", "EZ", "IC", "QO", "TA", "UN", "XA", "XB", "XK", "ZZ"}
)


class RegistryError(Exception):
    """The registry file as a whole is unreadable: nothing may run."""


# --- YAML 1.2 values ------------------------------------------------------------------------


class YamlInt(int):
    """A plain YAML integer that remembers how it was written (`0700`, `7000`)."""

    text: str


class YamlFloat(float):
    """A plain YAML float that remembers how it was written (`1e3`, `4.50`)."""

    text: str


class Yaml12Loader(yaml.SafeLoader):
    """PyYAML with the YAML 1.2 core schema: only `true`/`false` are booleans (`NO`, `ON`,
    `yes` are text), numbers are decimal, `0o` octal or `0x` hexadecimal (`0700` is 700, not
    octal), no sexagesimal numbers or timestamps. Merge keys (`<<: *base`) are kept."""

    # PyYAML's class-level table, started empty (SafeLoader's is YAML 1.1) and filled below.
    yaml_implicit_resolvers: ClassVar[dict] = {}


for _tag, _pattern, _first in (
    ("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF"),
    ("int", r"^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$", "-+0123456789"),
    (
        "float",
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
        "-+0123456789.",
    ),
    ("null", r"^(?:~|null|Null|NULL|)$", ["~", "n", "N", ""]),
    ("merge", r"^(?:<<)$", "<"),
):
    Yaml12Loader.add_implicit_resolver(
        f"tag:yaml.org,2002:{_tag}", re.compile(_pattern), list(_first)
    )


def _construct_bool(loader: Yaml12Loader, node: yaml.ScalarNode) -> bool:
    text = loader.construct_scalar(node)
    if text.lower() not in ("true", "false"):
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a YAML 1.2 boolean (true or false)", node.start_mark
        )
    return text.lower() == "true"


def _construct_int(loader: Yaml12Loader, node: yaml.ScalarNode) -> YamlInt:
    text = loader.construct_scalar(node)
    try:
        if text.startswith(("0o", "0x")):
            value = YamlInt(text[2:], 8 if text[1] == "o" else 16)
        else:
            value = YamlInt(text, 10)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a whole number", node.start_mark
        ) from None
    value.text = text
    return value


def _construct_float(loader: Yaml12Loader, node: yaml.ScalarNode) -> YamlFloat:
    text = loader.construct_scalar(node)
    plain = text.lower().replace(".inf", "inf").replace(".nan", "nan")
    try:
        value = YamlFloat(plain)
    except ValueError:
        raise yaml.constructor.ConstructorError(
            None, None, f"{text!r} is not a number", node.start_mark
        ) from None
    value.text = text
    return value


Yaml12Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
Yaml12Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
Yaml12Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)


def expanded_size(node: yaml.Node, memo: dict[int, int], open_: set[int]) -> int:
    """How many values `node` becomes once its aliases are expanded, counted on the composed
    graph (an alias is the node it names, so each node is counted once: linear time)."""
    key = id(node)
    if key in memo:
        return memo[key]
    if key in open_:
        raise RegistryError("an alias refers to the value that contains it (a cycle)")
    open_.add(key)
    size = 1
    if isinstance(node, yaml.SequenceNode):
        size += sum(expanded_size(child, memo, open_) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        for k, v in node.value:
            size += expanded_size(k, memo, open_) + expanded_size(v, memo, open_)
    open_.discard(key)
    if size > MAX_VALUES:
        raise RegistryError(
            f"its aliases (*name) would expand to more than {MAX_VALUES:,} values: refused "
            "unexpanded (a registry needs a few thousand)"
        )
    memo[key] = size
    return size


def duplicate_keys(node: yaml.Node, seen: set[int] | None = None) -> Iterator[str]:
    """Keys written twice in one mapping (YAML forbids it; PyYAML would keep the last)."""
    seen = set() if seen is None else seen
    if id(node) in seen:
        return
    seen.add(id(node))
    if isinstance(node, yaml.MappingNode):
        keys = [k.value for k, _ in node.value if isinstance(k, yaml.ScalarNode)]
        for k in sorted({k for k in keys if keys.count(k) > 1 and k != "<<"}):
            yield f"key {k!r} is written twice in one mapping (line {node.start_mark.line + 1})"
        for k, v in node.value:
            yield from duplicate_keys(k, seen)
            yield from duplicate_keys(v, seen)
    elif isinstance(node, yaml.SequenceNode):
        for child in node.value:
            yield from duplicate_keys(child, seen)


# --- The shape of one entry -----------------------------------------------------------------


@cache
def iso_countries() -> frozenset[str]:
    """ISO 3166-1 alpha-2 codes, from CLDR (babel) less the codes ISO has not assigned."""
    territories = Locale("en").territories
    return frozenset(
        t for t in territories if len(t) == 2 and t.isalpha() and t not in NOT_ISO_3166
    )


@cache
def iso_currencies() -> frozenset[str]:
    """ISO 4217 alphabetic codes, from CLDR (babel)."""
    return frozenset(c for c in list_currencies() if re.fullmatch(r"[A-Z]{3}", c))


def as_text(value: object) -> object:
    """Where text is expected, a number keeps the characters it was written with."""
    return value.text if isinstance(value, YamlInt | YamlFloat) else value


def as_list(value: object) -> object:
    """An optional list left empty (`targets:`) is no list."""
    return [] if value is None else value


def _matching(pattern: str, what: str):
    compiled = re.compile(pattern)

    def check(value: str) -> str:
        if not compiled.fullmatch(value):
            raise ValueError(f"is not {what}")
        return value

    return check


def _one_line(longest: int):
    def check(value: str) -> str:
        value = value.strip()
        if not value:
            raise ValueError("is empty")
        if len(value) > longest:
            raise ValueError(f"is longer than {longest} characters")
        if not value.isprintable():
            raise ValueError("is not one line of text")
        return value

    return check


def _member(known, what: str):
    def check(value: str) -> str:
        if value not in known():
            raise ValueError(f"is not {what}")
        return value

    return check


def _scope(value: str) -> str:
    if value not in TARGET_SCOPES:
        raise ValueError(f"is not one of {', '.join(TARGET_SCOPES)}")
    return value


Text = Annotated[str, BeforeValidator(as_text)]
Code = Annotated[
    Text,
    AfterValidator(_matching(CODE.pattern, "upper-case letters, digits and hyphens (UN-HABITAT)")),
    AfterValidator(_one_line(40)),
]
Name = Annotated[Text, AfterValidator(_one_line(300))]
Country = Annotated[
    Text, AfterValidator(_member(iso_countries, "an ISO 3166-1 alpha-2 country code (KE)"))
]
Currency = Annotated[
    Text, AfterValidator(_member(iso_currencies, "an ISO 4217 currency code (USD)"))
]
Identifier = Annotated[Text, AfterValidator(_one_line(64))]
SapCompanyCode = Annotated[
    Text,
    AfterValidator(_matching(r"[A-Za-z0-9]{1,4}", "an SAP company code (1-4 letters or digits)")),
]
Year = Annotated[int, Field(ge=1990, le=2100), AfterValidator(int)]
Headcount = Annotated[int, Field(gt=0, le=MAX_HEADCOUNT), AfterValidator(int)]
Percent = Annotated[float, Field(gt=0, le=100, allow_inf_nan=False), AfterValidator(float)]


class Strict(BaseModel):
    """No coercion: `"45%"` is not a number, `[a, b]` is not a name; unknown keys are errors."""

    model_config = ConfigDict(strict=True, extra="forbid", frozen=True)


class Target(Strict):
    scope: Annotated[Text, AfterValidator(_scope)]
    year: Year
    reduction_pct: Percent


class ErpIds(Strict):
    """Identifiers this organization's exports carry (docs/contract.md section 1), to tell its
    files from
    another organization's."""

    sap_company_codes: Annotated[list[SapCompanyCode], BeforeValidator(as_list)] = []
    agency_client_ids: Annotated[list[Identifier], BeforeValidator(as_list)] = []


class Organization(Strict):
    code: Code
    name: Name
    country: Country
    currency: Currency
    headcount: dict[Year, Headcount]
    baseline_year: Year | None = None
    targets: Annotated[list[Target], BeforeValidator(as_list)] = []
    erp_ids: Annotated[ErpIds, BeforeValidator(lambda v: {} if v is None else v)] = ErpIds()
    closed_years: Annotated[list[Year], BeforeValidator(as_list)] = []

    @model_validator(mode="after")
    def targets_need_a_baseline(self) -> "Organization":
        if self.targets and self.baseline_year is None:
            raise ValueError("targets need a baseline_year")
        problems = []
        seen = set()
        for i, t in enumerate(self.targets):
            if t.year <= self.baseline_year:
                problems.append(
                    f"targets[{i}].year {t.year} is not after baseline_year {self.baseline_year}"
                )
            if (t.scope, t.year) in seen:
                problems.append(f"targets[{i}]: scope {t.scope} for {t.year} is listed twice")
            seen.add((t.scope, t.year))
        if problems:
            raise ValueError("; ".join(problems))
        return self


# --- Messages -------------------------------------------------------------------------------

_shown = reprlib.Repr()
_shown.maxstring = _shown.maxother = 60
_shown.maxlist = _shown.maxdict = 4
_shown.maxlevel = 2


def shown(value: object) -> str:
    """A value as the author wrote it, shortened: `'45%'`, `0700`, `['a', 'b']`."""
    if isinstance(value, YamlInt | YamlFloat):
        return value.text
    return _shown.repr(value)


def where(loc: tuple) -> str:
    """`('targets', 0, 'reduction_pct')` -> `targets[0].reduction_pct`."""
    out = ""
    for i, part in enumerate(loc):
        if part == "[key]":
            out += " (key)"
        elif isinstance(part, int):
            out += f"[{part}]"
        elif i + 1 < len(loc) and loc[i + 1] == "[key]":  # a mapping's key written as text
            out += f"[{part!r}]"
        else:
            out += f".{part}" if out else str(part)
    return out


EXPECTED = {
    "string_type": "is not text",
    "int_type": "is not a whole number",
    "float_type": "is not a number",
    "list_type": "is not a list",
    "dict_type": "is not a mapping (key: value)",
    "model_type": "is not a mapping (key: value)",
    "model_attributes_type": "is not a mapping (key: value)",
}


def problem(error: dict) -> str:
    """One pydantic error as a sentence naming the key and the value."""
    loc, kind = tuple(error["loc"]), error["type"]
    if kind == "missing":
        return f"missing {where(loc)!r}"
    if kind == "extra_forbidden":
        parent = where(loc[:-1])
        return (f"{parent}: " if parent else "") + f"unknown key {loc[-1]!r}"
    message = EXPECTED.get(kind) or error["msg"].removeprefix("Value error, ")
    message = message.removeprefix("Input ")
    if not loc:  # a rule of the whole entry (targets need a baseline_year)
        return message
    return f"{where(loc)}: {shown(error['input'])} {message}"


# --- Reading --------------------------------------------------------------------------------


@dataclass
class Registry:
    organizations: dict[str, Organization]
    invalid: dict[str, str]  # org code (or "entry N") -> why it is held

    @property
    def held(self) -> dict[str, str]:
        """Invalid entries that name an organization by a well-formed code."""
        return {c: m for c, m in self.invalid.items() if CODE.match(c)}

    @property
    def known(self) -> set[str]:
        """Every organization code the registry names: valid ones and held ones."""
        return set(self.organizations) | set(self.held)


def entry_label(entry: object, position: int) -> str:
    code = as_text(entry.get("code")) if isinstance(entry, dict) else None
    if isinstance(code, str) and code.strip() and len(code) <= 40 and code.isprintable():
        return code
    return f"entry {position}"


def parse(path: Path) -> list[tuple[object, int, list[str]]]:
    """Each entry of the registry file with its line and the problems found before
    validation; raises RegistryError when the file as a whole cannot be read."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise RegistryError(
                f"organization registry {path} is {size:,} bytes (at most {MAX_BYTES:,})"
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise RegistryError(f"organization registry {path} cannot be read: {exc}") from exc
    loader = Yaml12Loader(text)
    try:
        document = loader.get_single_node()
        if document is not None:
            expanded_size(document, {}, set())
        if (
            not isinstance(document, yaml.MappingNode)
            or len(document.value) != 1
            or loader.construct_object(document.value[0][0]) != "organizations"
            or not isinstance(document.value[0][1], yaml.SequenceNode)
        ):
            raise RegistryError(
                f"organization registry {path} must hold exactly one key, 'organizations', "
                "with a list"
            )
        entries = []
        for node in document.value[0][1].value:
            problems = list(duplicate_keys(node))
            try:
                entry = loader.construct_object(node, deep=True)
            except yaml.YAMLError as exc:  # a tag no loader reads (`!!python/object`)
                entry, problems = None, [*problems, str(exc).replace("\n", " ")]
            entries.append((entry, node.start_mark.line + 1, problems))
        return entries
    except RegistryError as exc:
        if str(path) in str(exc):
            raise
        raise RegistryError(f"organization registry {path} cannot be read: {exc}") from None
    except yaml.YAMLError as exc:
        raise RegistryError(f"organization registry {path} cannot be read: {exc}") from exc
    except RecursionError:
        raise RegistryError(
            f"organization registry {path} cannot be read: nested too deeply"
        ) from None
    finally:
        loader.dispose()


def validate(entry: Any) -> tuple[Organization | None, list[str]]:
    """One entry against the registry shape of docs/contract.md section 1.2: the organization, or
    the problems found."""
    if not isinstance(entry, dict):
        return None, [f"is not a mapping of keys (got {shown(entry)})"]
    try:
        return Organization.model_validate(entry), []
    except ValidationError as exc:
        return None, [problem(e) for e in exc.errors(include_url=False)]


def load_registry(path: Path) -> Registry:
    """The valid organizations and, for each invalid entry, why it is held."""
    entries = parse(path)
    organizations: dict[str, Organization] = {}
    invalid: dict[str, str] = {}
    lines: dict[str, int] = {}
    for position, (entry, line, found) in enumerate(entries, start=1):
        label = entry_label(entry, position)
        organization, problems = validate(entry) if not found else (None, found)
        if label in organizations or label in invalid:
            problems = [*problems, f"is listed twice (lines {lines[label]} and {line})"]
            organizations.pop(label, None)
        lines.setdefault(label, line)
        if problems:
            name = label if label.startswith("entry ") else f"entry {label}"
            message = f"registry {name} (line {line}): " + "; ".join(problems)
            invalid[label] = f"{invalid[label]}; {message}" if label in invalid else message
        else:
            organizations[label] = organization
    return Registry(organizations, invalid)


def registered_identifiers(registry: "Registry") -> dict[tuple[str, str], str]:
    """(kind, value) -> organization code, for every identifier the registry's `erp_ids`
    assign: how a file carrying another organization's identifiers is recognised."""
    owners: dict[tuple[str, str], str] = {}
    for code, org in registry.organizations.items():
        for value in org.erp_ids.sap_company_codes:
            owners[("SAP company code", str(value))] = code
        for value in org.erp_ids.agency_client_ids:
            owners[("agency client id", str(value))] = code
    return owners
