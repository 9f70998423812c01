"""Sustainable-procurement success stories: one YAML file per story (docs/contract.md section 1,
`_system/stories`).

Focal points write a story the way they would tell it in the annual report: what was bought
differently, by whom, in which product categories, and what it achieved. The schema below is
the contract; a story that breaks it is recorded with every problem found and is not shown,
and the other stories go on. Stories name organizations and product categories (UNSPSC
families), never people: unknown keys are an error, so a contact name cannot slip in.

Example (`landing/_system/stories/unep-2024-led-retrofit.yaml`):

    id: unep-2024-led-retrofit
    title: LED retrofit of the Gigiri offices
    year: 2024
    organizations: [UNEP, UN-HABITAT]
    unspsc_families: ["3910", "3911"]
    summary: >
      Fluorescent tubes replaced by LED luminaires with presence sensors under a joint
      tender with lifecycle-cost evaluation.
    outcome: Lighting electricity down by about half in the first year.
    ecolabels: [EU energy label]
    spend_usd: 182000
    t_co2e_avoided_per_year: 41.5
    references: ["Joint tender UNON/2024/017"]
"""

from dataclasses import dataclass, field

import jsonschema
import yaml

SCHEMA: dict = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "greenblue sustainable-procurement success story",
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "title", "year", "organizations", "unspsc_families", "summary"],
    "properties": {
        "id": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$", "maxLength": 80},
        "title": {"type": "string", "minLength": 3, "maxLength": 200},
        "year": {"type": "integer", "minimum": 2000, "maximum": 2100},
        "organizations": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": "^[A-Z0-9]+(-[A-Z0-9]+)*$"},
        },
        "unspsc_families": {
            "type": "array",
            "minItems": 1,
            "uniqueItems": True,
            "items": {"type": "string", "pattern": "^[1-9][0-9]{3}$"},
        },
        "summary": {"type": "string", "minLength": 10, "maxLength": 4000},
        "outcome": {"type": "string", "maxLength": 4000},
        "ecolabels": {"type": "array", "items": {"type": "string", "maxLength": 100}},
        "spend_usd": {"type": "number", "minimum": 0},
        "t_co2e_avoided_per_year": {"type": "number", "minimum": 0},
        "references": {"type": "array", "items": {"type": "string", "maxLength": 500}},
    },
}
_VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)


@dataclass
class Story:
    """A story as read from one file: its fields when valid, else the problems found."""

    file: str
    fields: dict = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.problems


def read_story(data: bytes, file: str, organizations: set[str]) -> Story:
    """Parse and check one story file; `organizations` are the registered org codes."""
    try:
        text = data.decode("utf-8")
        if any(isinstance(event, yaml.AliasEvent) for event in yaml.parse(text)):
            # `*name` repeats a value by reference: ten nested aliases of ten make 10^10
            # values for the checks below to walk (a "billion laughs"); a story needs none.
            return Story(file, problems=["YAML aliases (*name) are not allowed in a story"])
        document = yaml.safe_load(text)
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        return Story(file, problems=[f"not readable as UTF-8 YAML: {exc}"])
    if not isinstance(document, dict):
        return Story(file, problems=["expected a mapping of story fields at the top level"])
    families = document.get("unspsc_families")
    if isinstance(families, list):  # YAML reads 3910 as a number: a family code is text
        document["unspsc_families"] = [str(f) for f in families]
    problems = [
        f"{'/'.join(str(p) for p in error.absolute_path) or 'story'}: {error.message}"
        for error in sorted(_VALIDATOR.iter_errors(document), key=lambda e: list(e.path))
    ]
    unknown = sorted(set(document.get("organizations") or []) - organizations)
    if isinstance(document.get("organizations"), list) and unknown:
        problems.append(f"organizations: not in the registry: {', '.join(map(str, unknown))}")
    return Story(file, document if not problems else {}, problems)


def duplicate_ids(stories: list[Story]) -> None:
    """A story id used by several files marks all of them, so none silently wins."""
    files_by_id: dict[str, list[Story]] = {}
    for story in stories:
        if story.valid:
            files_by_id.setdefault(story.fields["id"], []).append(story)
    for story_id, same in files_by_id.items():
        if len(same) > 1:
            names = ", ".join(s.file for s in same)
            for story in same:
                story.problems.append(f"id {story_id!r} is used by several files: {names}")
                story.fields = {}
