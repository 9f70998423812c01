"""The procurement sources a buyer is taught from, read where the pipeline keeps them.

The product-guideline catalogue (factors/procurement_guidelines.csv) and the procurement
rules of the methodology (factors/METHODOLOGY.md, "Procurement"). The procurement handbook
(pipelines/handbook.py) and the training lessons (report/lessons.py) both read them here,
so neither can drift from the files nor from each other.
"""

import csv
import re
from dataclasses import dataclass
from pathlib import Path

FACTORS_DIR = Path(__file__).resolve().parents[1] / "factors"
GUIDELINES = FACTORS_DIR / "procurement_guidelines.csv"
METHODOLOGY = FACTORS_DIR / "METHODOLOGY.md"
PROCUREMENT_SECTION = "## Procurement (spend, spend-based emissions, sustainable procurement)"


@dataclass(frozen=True)
class Guideline:
    """One product group of the catalogue, its criteria and ecolabels as lists."""

    family: str
    group: str
    criteria: tuple[str, ...]
    ecolabels: tuple[str, ...]
    reference: str


def rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def split_list(text: str) -> tuple[str, ...]:
    """`a; b; c` as its items, blanks left out."""
    return tuple(item.strip() for item in text.split(";") if item.strip())


def guidelines(path: Path = GUIDELINES) -> list[Guideline]:
    """Every product group of the catalogue, by UNSPSC family."""
    found = [
        Guideline(
            row["unspsc_family"],
            row["product_group"],
            split_list(row["criteria"]),
            split_list(row["ecolabels"]),
            row["reference"],
        )
        for row in rows(path)
    ]
    return sorted(found, key=lambda g: g.family)


def methodology_rules(path: Path = METHODOLOGY) -> dict[str, str]:
    """The bullets of the methodology's procurement section, by their bold opening words."""
    text = path.read_text(encoding="utf-8")
    section = text.split(PROCUREMENT_SECTION, 1)[1].split("\n## ", 1)[0]
    bullets = re.findall(r"^- \*\*(.+?)\*\*(.*?)(?=^- |\Z)", section, re.S | re.M)
    # "next section" points inside the methodology; outside it needs the section's name
    return {
        title.rstrip("."): " ".join(f"**{title}**{body}".split()).replace(
            "(next section)", '(factors/METHODOLOGY.md, "Imported factor editions")'
        )
        for title, body in bullets
    }
