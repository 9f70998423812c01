"""What every dialect writer receives and returns, so a new dialect plugs in as one module."""

import csv
import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from samples.registry import Org


@dataclass(frozen=True)
class Context:
    """The run's parameters shared by every writer.

    `rows` is the size of each dialect's main table per organisation and year; `quirks` holds
    the probability of every quirk switch, defaults already merged in.
    """

    out: Path
    truth: Path | None
    year: int
    rows: int
    quirks: Mapping[str, float]
    shared: dict = field(default_factory=dict, compare=False, repr=False)

    def publish(self, org: Org, kind: str, items: Iterable) -> None:
        """Offer what this writer issued to the writers after it (`WRITERS` order): an expense
        report can then claim a ticket the same organisation's agency sold, without anyone
        re-reading written files."""
        self.shared.setdefault((org.code, kind), []).extend(items)

    def published(self, org: Org, kind: str) -> list:
        """What earlier writers published for `org` under `kind` (empty when none did)."""
        return list(self.shared.get((org.code, kind), ()))

    def chance(self, rng: random.Random, quirk: str) -> bool:
        """Whether a quirk fires. One draw whatever the probability, so forcing a quirk on or
        off leaves every other random choice of the run where it was."""
        return rng.random() < self.quirks[quirk]

    def landing_dir(self, org: Org, domain: str) -> Path:
        folder = self.out / org.code / domain
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def write_truth(self, relative: Path, header: Iterable[str], rows: Iterable[Iterable]) -> None:
        """Write the expected records of landing file `relative` to `<truth>/<relative>.csv`."""
        if self.truth is None:
            return
        path = self.truth / relative.with_name(f"{relative.name}.csv")
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)


@dataclass(frozen=True)
class WrittenFile:
    """A landing file and its data-row count per sheet (or per table, for flat files)."""

    path: Path  # relative to the landing folder
    rows: Mapping[str, int]


@dataclass(frozen=True)
class DialectWriter:
    """A dialect's sample writer: its quirk switches with default probabilities, and the function
    writing one organisation's files for the reporting year."""

    dialect: str
    quirks: Mapping[str, float]
    write: Callable[[Org, random.Random, Context], list[WrittenFile]]
