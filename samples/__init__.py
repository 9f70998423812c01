"""Sample landing folders for `greenblue generate`: realistic, quirky, reproducible.

Written from `docs/dialects.md` and `factors/METHODOLOGY.md`, not from the connectors, so that the
connectors
are tested against the documents. The same seed gives byte-identical files.

A dialect plugs in by adding its `DialectWriter` to `WRITERS`: its quirk switches join
`QUIRKS`, and its `write(org, rng, ctx)` is called once per organisation with a random number
generator of its own, so a new dialect never changes the files of the others.
"""

import csv
import random
import shutil
from collections.abc import Mapping
from pathlib import Path

from samples import (
    concur_sae,
    fuelcard,
    generator_fuel_log,
    management,
    offsets_register,
    oracle_po,
    refrigerant_log,
    sap_me2n,
    tmc_travel,
    utility_bill,
)
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import select, write_registry

WRITERS: tuple[DialectWriter, ...] = (
    tmc_travel.WRITER,
    concur_sae.WRITER,
    fuelcard.WRITER,
    generator_fuel_log.WRITER,
    utility_bill.WRITER,
    refrigerant_log.WRITER,
    sap_me2n.WRITER,
    oracle_po.WRITER,
)

# Quirks that apply to files of any dialect.
FILE_QUIRKS: dict[str, float] = {"duplicate_file_redelivery": 0.05}

QUIRKS: dict[str, float] = {
    **FILE_QUIRKS,
    **{name: p for writer in WRITERS for name, p in writer.quirks.items()},
}

REDELIVERY_SUFFIX = "_resent"


def generate(
    out: Path,
    orgs: int = 5,
    rows: int = 2000,
    seed: int = 7,
    year: int = 2024,
    truth: Path | None = None,
    quirks: Mapping[str, float] | None = None,
    years: int = 1,
) -> dict:
    """Write `out/organizations.yaml` and every organisation's files for `year`.

    `rows` is the size of each dialect's main table per organisation (air segment rows for the
    travel agency). `quirks` overrides the default probability of named quirk switches (0
    never, 1 always); an unknown name is an error, so a typo cannot silently test nothing.
    With `truth`, the records each landing file should produce are written there.
    `years` > 1 also writes the years before `year` (with their own random streams, travel
    somewhat higher the further back) and makes the first of them the baseline year, so
    progress against a target can be followed; `year`'s own files do not change.
    Returns the organisations, the files written per organisation with their data rows per
    sheet, the re-delivered duplicates, the offsets register and the management files.
    """
    context = Context(out, truth, year, rows, merged_quirks(quirks))
    check_folders(out, truth)
    if rows < 1:
        raise ValueError(f"rows must be at least 1, got {rows}")
    if years < 1:
        raise ValueError(f"years must be at least 1, got {years}")
    chosen = select(orgs)
    out.mkdir(parents=True, exist_ok=True)
    history = list(range(year - years + 1, year + 1))
    baseline = history[0] if years > 1 else None
    write_registry(out / "organizations.yaml", chosen, year, seed, baseline)
    written: dict[str, list[WrittenFile]] = {}
    for past in history:
        ctx = context if past == year else past_context(context, past, year)
        for org in chosen:
            for writer in WRITERS:
                stream = f"{seed}:{org.code}:{writer.dialect}"
                rng = random.Random(stream if past == year else f"{stream}:{past}")
                written.setdefault(org.code, []).extend(writer.write(org, rng, ctx))
    duplicates = redeliver(context, written, random.Random(f"{seed}:redelivery"))
    register = offsets_register.write(out, len(chosen), rows, history, seed)
    management_files = management.write(out, chosen, history, seed)
    return {
        "organizations": [org.code for org in chosen],
        "files": {
            code: {f.path.as_posix(): dict(f.rows) for f in files}
            for code, files in written.items()
        },
        "duplicates": {copy.as_posix(): original.as_posix() for copy, original in duplicates},
        "system": {register.path.as_posix(): dict(register.rows)},
        "management": [path.as_posix() for path in management_files],
    }


def past_context(context: Context, past: int, year: int) -> Context:
    """An earlier year: 8 % more travel per year back, as a reduction strategy would show."""
    rows = max(1, round(context.rows * (1 + 0.08 * (year - past))))
    return Context(context.out, context.truth, past, rows, context.quirks)


def merged_quirks(overrides: Mapping[str, float] | None) -> dict[str, float]:
    unknown = sorted(set(overrides or {}) - set(QUIRKS))
    if unknown:
        raise ValueError(f"unknown quirk(s): {', '.join(unknown)}; known: {', '.join(QUIRKS)}")
    return {**QUIRKS, **(overrides or {})}


def check_folders(out: Path, truth: Path | None) -> None:
    """The truth folder must not be read as landing data."""
    if truth is not None and truth.resolve().is_relative_to(out.resolve()):
        raise ValueError(f"truth folder {truth} must not be inside the landing folder {out}")


def redeliver(
    ctx: Context, written: dict[str, list[WrittenFile]], rng: random.Random
) -> list[tuple[Path, Path]]:
    """Copy some files byte for byte under a second name, as senders re-send an export.

    When the probability is above zero and chance picked none, one file is re-sent anyway, so
    every sample landing folder exercises duplicate detection.
    """
    files = [f.path for code in written for f in written[code]]
    chosen = [p for p in files if ctx.chance(rng, "duplicate_file_redelivery")]
    if not chosen and files and ctx.quirks["duplicate_file_redelivery"] > 0:
        chosen = [rng.choice(files)]
    pairs = []
    for original in chosen:
        copy = original.with_name(f"{original.stem}{REDELIVERY_SUFFIX}{original.suffix}")
        shutil.copyfile(ctx.out / original, ctx.out / copy)
        pairs.append((copy, original))
    if ctx.truth is not None:
        ctx.truth.mkdir(parents=True, exist_ok=True)
        with (ctx.truth / "duplicates.csv").open("w", encoding="utf-8", newline="") as f:
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(["path", "same_as"])
            writer.writerows([c.as_posix(), o.as_posix()] for c, o in pairs)
    return pairs
