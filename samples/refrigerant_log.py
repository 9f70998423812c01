"""D8 `refrigerant_log_csv`: the refrigerant service log a facilities unit keeps.

Equipment is simulated per site (split units, chillers, cold rooms, ...), then its services
through the year: installation, top-ups, leak repairs, recoveries with recharge, disposals
and leak checks. One CSV per organisation and year. Quirk scopes: per file
(`refrigerant_cp1252`, `refrigerant_dmy_dates`) and per service row (`gas_name_variants`,
`lb_units`, `grams`, `unit_missing`, `full_recharge_text`, `negative_added_for_recovery`).
"""

import csv
import datetime as dt
import io
import random
from dataclasses import dataclass

from samples import field_sites
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "gas_name_variants": 0.3,
    "lb_units": 0.1,
    "unit_missing": 0.05,
    "full_recharge_text": 0.05,
    "grams": 0.05,
    "negative_added_for_recovery": 0.03,
    "refrigerant_cp1252": 0.2,
    "refrigerant_dmy_dates": 0.3,
}

HEADER = (
    "Site Code", "Site Name", "Country", "Equipment ID", "Equipment Type", "Refrigerant",
    "Nameplate Charge", "Charge Unit", "Service Date", "Service Type", "Quantity Added",
    "Quantity Recovered", "Quantity Unit", "Leak Check Result", "Technician", "Certificate No",
    "Contractor", "Notes",
)  # fmt: skip
# (type, gases, nameplate kg range, how many per site)
EQUIPMENT = (
    ("Split AC", ("R-410A", "R-32", "R-22"), (0.8, 3.0), (3, 8)),
    ("Window AC", ("R-22", "R-410A"), (0.5, 1.2), (0, 3)),
    ("Chiller", ("R-134a", "R-407C"), (60.0, 250.0), (0, 1)),
    ("VRF", ("R-410A",), (10.0, 40.0), (0, 2)),
    ("Refrigerator", ("R-600a", "R-134a"), (0.05, 0.3), (1, 3)),
    ("Cold Room", ("R-404A",), (4.0, 15.0), (0, 1)),
    ("Vehicle AC", ("R-134a",), (0.5, 1.0), (0, 3)),
)
VARIANTS = {
    "R-410A": ("R410a", "410A", "HFC-410A", "Puron"),
    "R-22": ("Freon 22", "R22", "HCFC-22"),
    "R-134a": ("R134a", "HFC-134a"),
    "R-407C": ("R407C",),
    "R-404A": ("R404A", "404A"),
    "R-32": ("R32", "HFC-32"),
    "R-600a": ("R600a",),
}
CONTRACTORS = ("CoolTech Services", "Frigo Maintenance", "Arctic Air Ltd", "ClimaServ")
LB_PER_KG = 1 / 0.45359237  # only to print kilograms as the pounds a technician writes


@dataclass(frozen=True)
class Equipment:
    site: field_sites.Site
    equipment_id: str
    kind: str
    gas: str
    charge_kg: float


@dataclass(frozen=True)
class Service:
    equipment: Equipment
    day: dt.date
    kind: str
    added_kg: float | None
    recovered_kg: float | None
    leak_check: str = ""


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    equipment = inventory(org, rng)
    services = sorted(
        (s for e in equipment for s in history(rng, ctx, e)),
        key=lambda s: (s.day, s.equipment.equipment_id),
    )
    technicians = [
        (field_sites.person_name(rng), f"F-GAS-{rng.randrange(10**5, 10**6)}") for _ in range(4)
    ]
    cp1252 = ctx.chance(rng, "refrigerant_cp1252")
    dmy = ctx.chance(rng, "refrigerant_dmy_dates")
    rows = [row(rng, ctx, s, rng.choice(technicians), dmy) for s in services]
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    folder = ctx.landing_dir(org, "refrigerants")
    path = folder / f"Refrigerant_Log_{org.code}_{ctx.year}.csv"
    path.write_bytes(buffer.getvalue().encode("cp1252" if cp1252 else "utf-8", errors="replace"))
    return [WrittenFile(path.relative_to(ctx.out), {"refrigerant_log": len(rows)})]


WRITER = DialectWriter("refrigerant_log_csv", QUIRKS, write)


def inventory(org: Org, rng: random.Random) -> list[Equipment]:
    items = []
    for site in field_sites.sites(org):
        for kind, gases, (low, high), (fewest, most) in EQUIPMENT:
            for _ in range(rng.randint(fewest, most + (2 if site.headquarters else 0))):
                number = len(items) + 1
                items.append(
                    Equipment(site, f"{site.code}-AC{number:03d}", kind, rng.choice(gases),
                              round(rng.uniform(low, high), 2))
                )  # fmt: skip
    return items


def history(rng: random.Random, ctx: Context, e: Equipment) -> list[Service]:
    """What a year of maintenance looks like for one unit."""

    def day() -> dt.date:
        return dt.date(ctx.year, 1, 1) + dt.timedelta(days=rng.randrange(0, 365))

    roll = rng.random()
    if roll < 0.08:
        return [Service(e, day(), "Installation", e.charge_kg, None)]
    if roll < 0.14:
        recovered = round(e.charge_kg * rng.uniform(0.5, 0.95), 2)
        return [Service(e, day(), "Disposal", None, recovered)]
    services = [Service(e, day(), "Leak check", None, None, rng.choice(("Pass", "Pass", "Fail")))]
    if roll < 0.55:
        services.append(
            Service(e, day(), "Top-up", round(e.charge_kg * rng.uniform(0.02, 0.15), 2), None)
        )
    elif roll < 0.7:
        added = round(e.charge_kg * rng.uniform(0.1, 0.4), 2)
        services.append(
            Service(e, day(), "Leak repair", added, round(added * rng.uniform(0, 0.3), 2))
        )
    elif roll < 0.8:
        services.append(Service(e, day(), "Recovery", e.charge_kg, e.charge_kg))
    return services


def quantity(kg: float | None, unit: str) -> str:
    if kg is None:
        return ""
    if unit == "lb":
        return f"{kg * LB_PER_KG:.2f}"
    if unit == "g":
        return f"{kg * 1000:.0f}"
    return f"{kg:.2f}"


def row(rng: random.Random, ctx: Context, s: Service, technician, dmy: bool) -> list[str]:
    e = s.equipment
    gas = e.gas
    if gas in VARIANTS and ctx.chance(rng, "gas_name_variants"):
        gas = rng.choice(VARIANTS[gas])
    unit = "kg"
    if ctx.chance(rng, "lb_units"):
        unit = "lb"
    elif ctx.chance(rng, "grams") and e.charge_kg < 5:
        unit = "g"
    added = quantity(s.added_kg, unit)
    recovered = quantity(s.recovered_kg, unit)
    if s.kind == "Recovery" and ctx.chance(rng, "negative_added_for_recovery"):
        added, recovered = f"-{recovered}", ""  # gas taken out, written as negative added
    if s.kind == "Top-up" and ctx.chance(rng, "full_recharge_text"):
        added = "full"
    # A technician leaves the unit out when it is the template's kg, never for lb or g.
    unit_printed = "" if ctx.chance(rng, "unit_missing") and unit == "kg" else unit
    charge_unit = "lb" if unit == "lb" else "kg"
    charge = f"{e.charge_kg * LB_PER_KG:.2f}" if charge_unit == "lb" else f"{e.charge_kg:.2f}"
    return [
        e.site.code, e.site.name, e.site.place.country, e.equipment_id, e.kind, gas, charge,
        charge_unit, s.day.strftime("%d/%m/%Y" if dmy else "%Y-%m-%d"), s.kind, added, recovered,
        unit_printed, s.leak_check, technician[0], technician[1], rng.choice(CONTRACTORS), "",
    ]  # fmt: skip
