"""The sample offsets register: `_system/offsets/offsets_register.csv`.

Written from the column list in `connectors/offsets_register.py`'s documentation
(docs/contract.md section 1, `landing/_system/offsets/*.csv`). Each reporting year gets two
to four purchases from
well-known project types; the pool is sized around the travel emissions of the sample
organisations so that some years leave credits unallocated and others fall short, which is
what the allocation has to show.
"""

import csv
import datetime as dt
import random
from pathlib import Path

from samples.common import WrittenFile

HEADER = (
    "project",
    "project_id",
    "standard",
    "registry",
    "vintage",
    "serial_prefix",
    "serial_start",
    "serial_end",
    "tonnes",
    "price_usd",
    "purchase_date",
    "reporting_year",
    "retirement_date",
    "note",
)

PROJECTS = (
    ("Kenya Cookstoves Programme", "GS-1247", "Gold Standard", "Gold Standard Registry", 6.5),
    ("Rimba Raya Biodiversity Reserve", "VCS-674", "VCS", "Verra", 11.0),
    ("Bhadla Solar Park", "CDM-9731", "CDM", "UN CDM Registry", 3.2),
    ("Kariba REDD+", "VCS-902", "VCS", "Verra", 8.4),
    ("Rwanda Safe Water", "GS-3012", "Gold Standard", "Gold Standard Registry", 9.8),
)

# Mean t CO2e per air-segment row of the sample travel files, to size the pool.
T_PER_ROW = 0.45


def write(out: Path, org_count: int, rows: int, years: list[int], seed: int) -> WrittenFile:
    rng = random.Random(f"{seed}:offsets_register")
    folder = out / "_system" / "offsets"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "offsets_register.csv"
    serials = {code: rng.randint(10_000, 90_000) * 1000 for _, code, *_ in PROJECTS}
    records = []
    for year in years:
        pool = round(org_count * rows * T_PER_ROW * rng.uniform(0.7, 1.25))
        parts = rng.randint(2, 4)
        cuts = sorted(rng.sample(range(1, pool), parts - 1))
        for tonnes in (b - a for a, b in zip([0, *cuts], [*cuts, pool], strict=True)):
            name, code, standard, registry, price = rng.choice(PROJECTS)
            start = serials[code]
            serials[code] += tonnes + rng.randint(0, 500)
            bought = dt.date(year + 1, rng.randint(1, 5), rng.randint(1, 28))
            records.append(
                (
                    name,
                    code,
                    standard,
                    registry,
                    year - rng.randint(0, 2),
                    f"{code}-{year}",
                    start,
                    start + tonnes - 1,
                    tonnes,
                    f"{tonnes * price * rng.uniform(0.9, 1.1):.2f}",
                    bought.isoformat(),
                    year,
                    (bought + dt.timedelta(days=rng.randint(5, 40))).isoformat(),
                    "",
                )
            )
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        writer.writerows(records)
    return WrittenFile(path.relative_to(out), {"offsets_register": len(records)})
