"""Benchmark landing folders at scale: the sample generator's rows, multiplied.

`greenblue generate` writes realistic files row by row, which is right for tests and far too
slow for ten million rows. Here it writes a small template (5 organisations, clean format
variants: travel in the agency's CSV variant, fuel cards as plain CSV, Oracle PO lines in the
base export), the connectors keep the template rows they load without quarantine, and polars
tiles those rows to the requested size. Each copy gets new ticket, transaction and PO numbers
(references such as an exchange's original ticket follow their copy), so no row duplicates
another and refunds still net against their own sale. Files are UTF-8 so that a plain DuckDB
script reads them without extensions.
"""

import shutil
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from connectors import dialects
from connectors.tabular import read_csv_text
from samples import generate

TEMPLATE_ROWS = 2000  # air segment rows per organisation in the template
TEMPLATE_QUIRKS = {
    "duplicate_file_redelivery": 0,
    "csv_instead_of_xlsx": 1,
    "lcc_no_ticket_number": 0,
    "total_row": 0,
    "preamble_until_sentinel": 0,
    "bracketed_card_number": 0,
    "card_number_precision_loss": 0,
    "fuelcard_cp1252": 0,
    "fuelcard_semicolon_decimal_comma": 0,
    "fuelcard_tab_delimited": 0,
    "fuelcard_compact_dates": 0,
    "fuelcard_reissued_file": 0,
    "oracle_ebs": 0,
    "oracle_otbi_display": 0,
    "semicolon_delimiter": 0,
    "multiline_description": 0,
}
FILES_PER_ORG = 12  # one file a month per organisation and source


@dataclass(frozen=True)
class Source:
    """One benchmark source: its dialect, landing domain, file layout and the keys to renumber."""

    dialect: str
    domain: str
    stem: str
    separator: str
    bom: bool
    group_key: str  # rows sharing it are copied together (a ticket, a transaction, a PO)
    rekeyed: tuple[str, ...]  # columns holding that key or a reference to it


TRAVEL = Source(
    "tmc_travel_xlsx",
    "travel",
    "BENCH_{org}_TravelData_2024{part:02d}",
    ";",
    False,
    "Ticket Number",
    ("Ticket Number", "Original Ticket Number"),
)
FUEL = Source(
    "fuelcard_csv",
    "fuel",
    "BenchCard_{org}_2024{part:02d}",
    ",",
    False,
    "Transaction ID",
    ("Transaction ID", "Original Transaction ID"),
)
PO = Source(
    "oracle_po_lines_csv",
    "procurement",
    "PO_Lines_{org}_2024{part:02d}",
    ",",
    True,
    "SEGMENT1",
    ("SEGMENT1",),
)
SOURCES = (TRAVEL, FUEL, PO)


Templates = dict[Source, dict[str, pl.DataFrame]]


def template(folder: Path, seed: int) -> Templates:
    """Write the template landing folder there; return each source's clean rows per org."""
    generate(folder, orgs=5, rows=TEMPLATE_ROWS, seed=seed, quirks=TEMPLATE_QUIRKS)
    rows: dict[Source, dict[str, list[pl.DataFrame]]] = {s: {} for s in SOURCES}
    key = b"template"
    for path in sorted(folder.glob("*/*/*.csv")):
        data = path.read_bytes()
        org, domain = path.parts[-3], path.parts[-2]
        try:
            dialect = dialects.detect(data, ".csv", domain).name
        except dialects.RejectedFile:
            continue
        source = next((s for s in SOURCES if s.dialect == dialect), None)
        if source is None:
            continue
        result = dialects.read(data, ".csv", domain, key).tables[0]
        loaded = result.rows.get_column("_source_row").implode()
        text = read_csv_text(data, result.table).frame
        clean = text.filter(pl.col("_source_row").is_in(loaded)).drop("_source_row")
        rows[source].setdefault(org, []).append(clean)
    return {
        s: {o: pl.concat(f, how="diagonal") for o, f in by_org.items()}
        for s, by_org in rows.items()
    }


def tiled(rows: pl.DataFrame, source: Source, n: int, first_copy: int) -> pl.DataFrame:
    """`n` rows made of whole copies of the template, keys renumbered per copy."""
    groups = rows.get_column(source.group_key).drop_nulls().unique(maintain_order=True)
    copies = -(-n // rows.height)
    frame = pl.concat(
        [rows.with_columns(pl.lit(c, pl.Int64).alias("_copy")) for c in range(copies)]
    ).head(n)
    frame = frame.with_columns(pl.col("_copy") + first_copy)
    return frame.with_columns(rekey(source, column, groups) for column in source.rekeyed).drop(
        "_copy"
    )


def rekey(source: Source, column: str, groups: pl.Series) -> pl.Expr:
    """The copy's own value of a key column; empty stays empty, unknown references stay."""
    gid = pl.col(column).replace_strict(
        groups, pl.int_range(0, len(groups), eager=True), default=None, return_dtype=pl.Int64
    )
    number = (pl.col("_copy") * len(groups) + gid).cast(pl.String)
    original = pl.col(column)
    if source is TRAVEL:
        new = original.str.slice(0, 4) + number.str.zfill(10)
    elif source is FUEL:
        new = pl.lit("B") + number.str.zfill(13)
    else:
        new = pl.lit("BENCH-") + number.str.zfill(12)
    return pl.when(gid.is_not_null()).then(new).otherwise(original).alias(column)


def write(frame: pl.DataFrame, path: Path, source: Source) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        if source.bom:
            handle.write(b"\xef\xbb\xbf")
        frame.write_csv(handle, separator=source.separator, line_terminator="\r\n")


def build(
    out: Path, rows: int, po_rows: int, fuel_rows: int, seed: int = 11
) -> tuple[dict[str, int], Templates]:
    """A landing folder with `rows` air segments, `po_rows` PO lines and `fuel_rows` fuel
    transactions over 5 organisations and 12 monthly files each; the counts and templates."""
    if out.exists():
        shutil.rmtree(out)
    work = out.parent / f".{out.name}-template"
    if work.exists():
        shutil.rmtree(work)
    templates = template(work, seed)
    out.mkdir(parents=True)
    shutil.copy(work / "organizations.yaml", out / "organizations.yaml")
    shutil.rmtree(work)
    counts = {}
    for source, total in ((TRAVEL, rows), (FUEL, fuel_rows), (PO, po_rows)):
        orgs = sorted(templates[source])
        written = 0
        for i, org in enumerate(orgs):
            share = total // len(orgs) + (1 if i < total % len(orgs) else 0)
            frame = tiled(templates[source][org], source, share, first_copy=0)
            per_file = -(-frame.height // FILES_PER_ORG)
            for part in range(FILES_PER_ORG):
                chunk = frame.slice(part * per_file, per_file)
                if chunk.height:
                    name = source.stem.format(org=org, part=part + 1) + ".csv"
                    write(chunk, out / org / source.domain / name, source)
            written += frame.height
        counts[source.dialect] = written
    return counts, templates


def add_delta(landing: Path, templates: Templates, rows: int, number: int) -> Path:
    """New travel file `number` (1, 2, ...) of `rows` segments whose tickets no other holds."""
    org = sorted(templates[TRAVEL])[0]
    first_copy = 10**5 * number  # beyond any copy `build` made for up to 10^9 rows
    frame = tiled(templates[TRAVEL][org], TRAVEL, rows, first_copy=first_copy)
    path = landing / org / TRAVEL.domain / f"BENCH_{org}_TravelData_delta{number:03d}.csv"
    write(frame, path, TRAVEL)
    return path
