"""D6 `generator_fuel_log_xlsx`: the generator fuel log a field office keeps by hand.

One workbook per field site and year, in the office's template language (EN, FR or ES),
with one sheet per month or, with `log_sheet`, one `Log` sheet. Deliveries are simulated
first, then typed the way people type them. Quirk scopes: per file (`log_sheet`,
`month_total_rows`, `gallons`, `decimal_comma`, `date_as_text`), per sheet
(`merged_cells`, `blank_rows`) and per delivery (`text_in_numeric`, `unit_missing`).
"""

import datetime as dt
import random
from dataclasses import dataclass

from openpyxl import Workbook

from samples import field_sites, xlsx
from samples.common import Context, DialectWriter, WrittenFile
from samples.registry import Org

QUIRKS: dict[str, float] = {
    "log_sheet": 0.3,
    "month_total_rows": 0.5,
    "gallons": 0.1,
    "decimal_comma": 0.2,
    "date_as_text": 0.3,
    "merged_cells": 0.2,
    "blank_rows": 0.2,
    "text_in_numeric": 0.05,
    "unit_missing": 0.05,
}

HEADERS = {
    "EN": (
        "Date", "Delivery Note No", "Supplier", "Fuel Type", "Quantity Delivered", "Unit",
        "Tank Level Before (%)", "Tank Level After (%)", "Run Hours Start", "Run Hours End",
        "Unit Cost", "Currency", "Total Cost", "Remarks",
    ),
    "FR": (
        "Date", "N° bon de livraison", "Fournisseur", "Type de carburant", "Quantité livrée",
        "Unité", "Niveau cuve avant (%)", "Niveau cuve après (%)", "Compteur horaire début",
        "Compteur horaire fin", "Coût unitaire", "Devise", "Coût total", "Remarques",
    ),
    "ES": (
        "Fecha", "N° de remito", "Proveedor", "Tipo de combustible", "Cantidad entregada",
        "Unidad", "Nivel del tanque antes (%)", "Nivel del tanque después (%)",
        "Horómetro inicio", "Horómetro fin", "Costo unitario", "Moneda", "Costo total",
        "Observaciones",
    ),
}  # fmt: skip
MONTHS = {
    "EN": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
    "FR": ("Janvier", "Février", "Mars", "Avril", "Mai", "Juin", "Juillet", "Août",
           "Septembre", "Octobre", "Novembre", "Décembre"),
    "ES": ("Enero", "Febrero", "Marzo", "Abril", "Mayo", "Junio", "Julio", "Agosto",
           "Septiembre", "Octubre", "Noviembre", "Diciembre"),
}  # fmt: skip
TITLES = {
    "EN": ("Generator ID: {id}", "Capacity: {kva} kVA", "TOTAL", "Total {month}"),
    "FR": ("Groupe électrogène : {id}", "Puissance : {kva} kVA", "TOTAL", "Total {month}"),
    "ES": ("Generador: {id}", "Capacidad: {kva} kVA", "TOTAL", "Total {month}"),
}
FUEL_TYPES = {"EN": ("Diesel", "AGO", "Gasoil"), "FR": ("Gasoil", "Gazole"), "ES": ("Diesel",)}
UNITS = {"EN": ("L", "litres"), "FR": ("L", "litres"), "ES": ("L", "litros")}
SUPPLIERS = ("Total Energies", "Hass Petroleum", "Vivo Energy", "Oryx Energies", "Rubis")
UNREADABLE = ("approx {q}", "{d} drums", "~{q}", "{q}?")
US_GALLON_L = 3.785411784  # only to print litres as the gallons a log keeper writes


@dataclass(frozen=True)
class Delivery:
    day: dt.date
    note: str
    supplier: str
    fuel: str
    litres: float
    before: int
    after: int
    hours_start: int
    hours_end: int
    unit_cost: float


def write(org: Org, rng: random.Random, ctx: Context) -> list[WrittenFile]:
    written = []
    for site in field_sites.sites(org):
        if site.headquarters:
            continue
        deliveries = simulate(rng, ctx, site)
        written.append(write_workbook(ctx, org, site, deliveries, rng))
    return written


WRITER = DialectWriter("generator_fuel_log_xlsx", QUIRKS, write)


def simulate(rng: random.Random, ctx: Context, site: field_sites.Site) -> list[Delivery]:
    """Deliveries through the year; sites off the grid burn several times more."""
    per_month = (4, 8) if not site.place.grid else (1, 4)
    hours, deliveries = rng.randrange(2000, 20000), []
    language = site.place.language
    for month in range(1, 13):
        days = sorted(rng.sample(range(1, 29), rng.randint(*per_month)))
        for d in days:
            litres = rng.choice((rng.randrange(200, 2000, 50), rng.randrange(200, 2000) + 0.5))
            before = rng.randint(10, 45)
            run = rng.randint(40, 200)
            deliveries.append(
                Delivery(
                    dt.date(ctx.year, month, d),
                    f"DN-{rng.randrange(10000, 99999)}",
                    rng.choice(SUPPLIERS),
                    rng.choice(FUEL_TYPES[language]),
                    litres,
                    before,
                    min(100, before + rng.randint(30, 55)),
                    hours,
                    hours + run,
                    round(rng.uniform(0.9, 1.8), 2),
                )
            )
            hours += run
    return deliveries


@dataclass(frozen=True)
class Style:
    language: str
    log_sheet: bool
    month_totals: bool
    gallons: bool
    decimal_comma: bool
    date_as_text: bool


def quantity_cell(delivery: Delivery, style: Style, rng: random.Random, ctx: Context):
    """The quantity as typed, and the unit written beside it."""
    value = delivery.litres / US_GALLON_L if style.gallons else delivery.litres
    value = round(value, 1)
    unit = "gal" if style.gallons else rng.choice(UNITS[style.language])
    if ctx.chance(rng, "unit_missing") and not style.gallons:
        unit = None  # left out when it is the template's litres
    if ctx.chance(rng, "text_in_numeric"):
        pattern = rng.choice((*UNREADABLE, "{q} L"))
        whole = int(value)
        return pattern.format(q=whole, d=max(1, whole // 200)), (None if "L" in pattern else unit)
    if style.decimal_comma:
        return f"{value:.1f}".replace(".", ","), unit
    return (int(value) if value == int(value) else value), unit


def row_cells(delivery: Delivery, style: Style, currency: str, rng, ctx) -> list:
    quantity, unit = quantity_cell(delivery, style, rng, ctx)
    day = delivery.day.strftime("%d/%m/%Y") if style.date_as_text else delivery.day
    total = round(delivery.litres * delivery.unit_cost, 2)
    return [
        day, delivery.note, delivery.supplier, delivery.fuel, quantity, unit,
        delivery.before, delivery.after, delivery.hours_start, delivery.hours_end,
        delivery.unit_cost, currency, total, None,
    ]  # fmt: skip


def write_workbook(
    ctx: Context, org: Org, site: field_sites.Site, deliveries: list[Delivery], rng
) -> WrittenFile:
    language = site.place.language
    style = Style(
        language,
        ctx.chance(rng, "log_sheet"),
        ctx.chance(rng, "month_total_rows"),
        ctx.chance(rng, "gallons"),
        ctx.chance(rng, "decimal_comma"),
        ctx.chance(rng, "date_as_text"),
    )
    stamp = dt.datetime(ctx.year + 1, 1, 10, 9, 0)
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.created = stamp
    generator = f"GEN-{rng.randrange(1, 20):02d}"
    titles = TITLES[language]
    preamble = [
        site.name,
        titles[0].format(id=generator),
        titles[1].format(kva=rng.choice((60, 100, 150, 250))),
    ]
    groups = (
        [("Log", deliveries)]
        if style.log_sheet
        else [
            (MONTHS[language][m], [d for d in deliveries if d.day.month == m + 1])
            for m in range(12)
        ]
    )
    counts = {}
    for title, rows in groups:
        ws = wb.create_sheet(title)
        for r, text in enumerate(preamble, start=1):
            ws.cell(r, 1, text)
        header_row = 5
        for c, text in enumerate(HEADERS[language], start=1):
            ws.cell(header_row, c, text)
        merged = ctx.chance(rng, "merged_cells")
        blanks = ctx.chance(rng, "blank_rows")
        r = header_row + 1
        first_data = r
        month_start, month, previous = r, None, None
        for delivery in rows:
            if style.log_sheet and style.month_totals and month and delivery.day.month != month:
                r = month_total(ws, r, month_start, titles, language, month)
                month_start = r
            month = delivery.day.month
            cells = row_cells(delivery, style, site.place.currency, rng, ctx)
            for c, value in enumerate(cells, start=1):
                cell = ws.cell(r, c, value)
                if isinstance(value, dt.date):
                    cell.number_format = "DD/MM/YYYY"
            if merged and previous == (r - 1, delivery.day):
                ws.cell(r, 1).value = None
                ws.merge_cells(start_row=r - 1, start_column=1, end_row=r, end_column=1)
                previous = None  # merged pairs only, never overlapping ranges
            else:
                previous = (r, delivery.day)
            r += 1
            if blanks and rng.random() < 0.15:
                r += 1
        if style.log_sheet and style.month_totals and month:
            r = month_total(ws, r, month_start, titles, language, month)
        ws.cell(r, 1, titles[2])
        ws.cell(r, 5, f"=SUM(E{first_data}:E{r - 1})")
        if merged:
            ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=6)
        counts[title] = len(rows)
    folder = ctx.landing_dir(org, "fuel")
    token = site.code.split("-", 1)[1]
    path = folder / f"Generator_Fuel_Log_{token}_{ctx.year}.xlsx"
    xlsx.save(wb, path, stamp)
    return WrittenFile(path.relative_to(ctx.out), counts)


def month_total(ws, r: int, start: int, titles, language: str, month: int) -> int:
    ws.cell(r, 1, titles[3].format(month=MONTHS[language][month - 1]))
    ws.cell(r, 5, f"=SUM(E{start}:E{r - 1})")
    return r + 1
