"""How a column reads on a page: one human name with its unit, and one way to print its values.

Every table of the report (and of the web application, which renders its pages with the same
`table()`) goes through `label()` and `cell()`: `t_co2e` reads "t CO2e" and prints with one
decimal, a share prints as a percentage, years and serial numbers print without thousands
separators, and a long text is cut with the full text on hover. The exact stored value of a
number stays in the cell's `data-value`, so a reader (or a test) can compare it with the mart.

A column not listed in COLUMNS still gets a readable name (`rows_loaded` -> "Rows loaded")
and a format guessed from its name and value; a name that is already human ("File") is kept.
"""

import datetime as dt
import math
import re
from dataclasses import dataclass
from decimal import Decimal
from html import escape

TEXT_MAX = 50  # characters of a text cell before it is cut (the full text is on hover)


class Raw(str):
    """A cell value that is already HTML (escaped by whoever built it), e.g. a link."""


@dataclass(frozen=True)
class Hint:
    """A cell value with a text shown on hover (why a year is partial, why a figure is
    missing)."""

    value: object
    hint: str | None


@dataclass(frozen=True)
class Column:
    label: str
    kind: str  # a key of FORMATS, or "text", "bool", "code"


C = Column
COLUMNS: dict[str, Column] = {
    # who and when
    "org_code": C("Org", "code"),
    "name": C("Organization", "text"),
    "reporting_year": C("Year", "year"),
    "year": C("Year", "year"),
    "domain": C("Domain", "text"),
    "status": C("Status", "text"),
    "scope": C("Scope", "code"),
    "category": C("Category", "text"),
    "boundary": C("Boundary", "text"),
    # emissions
    "t_co2e": C("t CO2e", "t"),
    "core_t_co2e": C("Core t CO2e", "t"),
    "t_co2e_low": C("Low t CO2e (95\u00a0%)", "t"),
    "t_co2e_high": C("High t CO2e (95\u00a0%)", "t"),
    "t_co2e_market": C("Market-based t CO2e", "t"),
    "headcount": C("Headcount", "count"),
    "t_co2e_per_capita": C("t CO2e per person", "t2"),
    "per_capita_note": C("Why no per-person figure", "text"),
    "unmapped_rows": C("Rows without a factor", "count"),
    "data_quality": C("Data quality (1 best, 5 worst)", "dq"),
    "kg_co2e": C("kg CO2e", "t"),
    **{
        f"dq_{n}_share": C(f"DQ {n}{hint}", "share")
        for n, hint in enumerate((" (best)", "", "", "", " (worst)"), start=1)
    },
    # reporting years
    "is_complete": C("Complete", "bool"),
    "is_complete_year": C("Complete year", "bool"),
    "is_headline_year": C("Headline year", "bool"),
    "completeness_basis": C("Complete by", "text"),
    "partial_domains": C("Why partial", "text"),
    "months_with_data_in_year": C("Months with data", "count"),
    # targets and progress
    "target_scope": C("Target scope", "text"),
    "target_year": C("Target year", "year"),
    "reduction_pct": C("Reduction target", "pct0"),
    "baseline_year": C("Baseline year", "year"),
    "baseline_t_co2e": C("Baseline t CO2e", "t"),
    "actual_t_co2e": C("Actual t CO2e", "t"),
    "target_t_co2e": C("Target path t CO2e", "t"),
    "pct_change_from_baseline": C("Change from baseline", "pct_signed"),
    "on_track": C("On track", "bool"),
    "factor_set": C("Factor set", "text"),
    # travel
    "trips": C("Trips", "count"),
    "trips_per_capita": C("Trips per person", "ratio"),
    "t_co2e_travel": C("Travel t CO2e", "t"),
    "t_co2e_travel_per_capita": C("Travel t CO2e per person", "t2"),
    "t_co2e_air": C("Air t CO2e", "t"),
    "premium_cabin_share": C("Premium cabin share", "share"),
    "flights": C("Flights", "count"),
    "rail_viable_km": C("Rail-viable km", "count"),
    "short_flights": C("Short flights", "count"),
    "t_co2e_short_flights": C("Short flights t CO2e", "t"),
    "t_co2e_rail_alternative": C("Same trips by rail, t CO2e", "t"),
    "top_city_pair": C("Top city pair", "text"),
    "pair_rank": C("Rank", "code"),
    "city_pair": C("City pair", "text"),
    "avg_distance_km": C("Average distance km", "count"),
    # procurement
    "organizations": C("Organizations", "count"),
    "spend_usd": C("Spend USD", "usd"),
    "lines": C("PO lines", "count"),
    "suppliers": C("Suppliers", "count"),
    "share_spend_guideline": C("Spend under a guideline", "share"),
    "share_spend_criteria": C("Spend with sustainability criteria", "share"),
    "t_co2e_spend_based": C("Spend-based t CO2e", "t"),
    "top_categories": C("Top categories", "text"),
    "supplier_country_mix": C("Supplier countries", "text"),
    "lines_unconverted": C("Lines not converted to USD", "count"),
    "spend_usd_unmapped": C("Spend without a factor, USD", "usd"),
    "crosswalk_coverage": C("Spend with a category factor", "share"),
    # offsets
    "t_to_offset": C("t CO2e to offset", "t"),
    "credits_required": C("Credits required", "count"),
    "credits_allocated": C("Credits allocated", "count"),
    "t_uncovered": C("t CO2e not covered", "t"),
    "cost_usd": C("Cost USD", "usd"),
    "pool_covers_demand": C("Pool covers demand", "bool"),
    "allocation_status": C("Allocation", "text"),
    "project": C("Project", "text"),
    "standard": C("Standard", "text"),
    "vintage": C("Vintage", "year"),
    "serial_prefix": C("Serial prefix", "code"),
    "serial_start": C("First serial", "id"),
    "serial_end": C("Last serial", "id"),
    "tonnes": C("Credits (t CO2e)", "count"),
    "serial_runs": C("Serial ranges", "count"),
    # files and data quality
    "files": C("Files", "count"),
    "rows_in": C("Rows received", "count"),
    "rows_loaded": C("Rows loaded", "count"),
    "rows_quarantined": C("Rows quarantined", "count"),
    "rows_skipped": C("Rows skipped", "count"),
    "column_name": C("Column", "text"),
    "reason": C("Reason", "text"),
    "rows": C("Rows", "count"),
    "activities": C("Activities", "count"),
    "unmapped_reason": C("Why no factor", "text"),
    "source_row": C("Row", "id"),
    "sheet": C("Sheet", "text"),
    # restatements
    "figure": C("Figure", "text"),
    "originally_reported_t_co2e": C("First published t CO2e", "t"),
    "original_factor_set": C("First factor set", "text"),
    "original_run_id": C("First run", "text"),
    "restated_t_co2e": C("Restated t CO2e", "t"),
    "restated_factor_set": C("Restated factor set", "text"),
    "restated_run_id": C("Restating run", "text"),
}

# word by word, for columns not listed above
WORDS = {"t": "t", "co2e": "CO2e", "usd": "USD", "pct": "%", "km": "km", "id": "id"}

NUMERIC = {
    "t": "{:,.1f}",  # tonnes of CO2e: one decimal
    "t2": "{:,.2f}",  # tonnes per person: small numbers, two significant digits at least
    "ratio": "{:,.2f}",
    "dq": "{:.1f}",
    "count": "{:,.0f}",
    "usd": "{:,.0f}",
    "year": "{}",  # a year or a serial number is a name, not a quantity
    "id": "{}",
    "share": "{:.1f} %",  # a fraction 0..1, shown as a percentage
    "pct0": "{:.0f} %",  # already a percentage
    "pct_signed": "{:+.1f} %",
    "float": "{:,.2f}",
}


SMALL = {"t2", "ratio"}  # per-person figures, which may be well below 0.1


def is_identifier(column: str) -> bool:
    return re.fullmatch(r"[a-z][a-z0-9_]*", column) is not None


def label(column: str) -> str:
    """The human name of a column, with its unit."""
    if column in COLUMNS:
        return COLUMNS[column].label
    if not is_identifier(column):
        return column  # already a human name
    text = " ".join(WORDS.get(w, w) for w in column.split("_")).replace("per capita", "per person")
    return text if text.startswith("t CO2e") else text[:1].upper() + text[1:]


def kind(column: str, value: object) -> str:
    """How to print the column's values: listed, else guessed from its name, else its type."""
    if column in COLUMNS:
        return COLUMNS[column].kind
    name = column.lower().replace(" ", "_")
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float | Decimal):
        for test, guess in (
            (name.endswith(("year", "vintage")), "year"),
            (name.endswith(("_id", "row", "line", "serial", "rank")) or name == "id", "id"),
            ("share" in name or "coverage" in name, "share"),
            (name.endswith("pct") or name.endswith("%"), "pct_signed"),
            ("co2e" in name and ("per_capita" in name or "per_person" in name), "t2"),
            ("co2e" in name, "t"),
            ("usd" in name, "usd"),
        ):
            if test:
                return guess
        return "count" if isinstance(value, int) else "float"
    return "text"


def text(value: object) -> str:
    """A non-numeric value as plain text (lists joined, dates in ISO form)."""
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def short(value: str, limit: int = TEXT_MAX) -> tuple[str, str]:
    """(shown, title): a long text cut at a word with an ellipsis, its full text as title."""
    if len(value) <= limit:
        return escape(value), ""
    cut = value[: limit - 1].rsplit(" ", 1)[0] if " " in value[: limit - 1] else value[:limit]
    return escape(cut) + "…", f' title="{escape(value)}"'


def number(value: float | int | Decimal, how: str) -> str:
    if how == "share":
        return NUMERIC[how].format(float(value) * 100)
    if how in SMALL and 0 < abs(value) < 0.1:
        # 0.0083 t per person reads 0.0083, not 0.01
        return f"{value:.{1 - math.floor(math.log10(abs(value)))}f}"
    return NUMERIC[how].format(value)


def cell(value: object, column: str = "") -> str:
    """One `<td>`: numbers right-aligned and rounded for reading, the exact value kept."""
    if isinstance(value, Raw):
        return f"<td>{value}</td>"
    if isinstance(value, Hint):
        plain = cell(value.value, column)
        if not value.hint or " title=" in plain.split(">", 1)[0]:
            return plain
        return plain.replace("<td", f'<td title="{escape(value.hint)}"', 1)
    if value is None:
        return '<td class="n empty">–</td>'
    how = kind(column, value)
    if how == "bool" or isinstance(value, bool):
        return f'<td class="{"ok" if value else "off"}">{"yes" if value else "no"}</td>'
    if isinstance(value, int | float | Decimal) and how in NUMERIC:
        return f'<td class="n" data-value="{escape(repr_number(value))}">{number(value, how)}</td>'
    if how == "code":
        return f"<td>{escape(text(value))}</td>"
    shown, title = short(text(value))
    return f"<td{title}>{shown}</td>"


def repr_number(value: float | int | Decimal) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def table(columns: list[str], rows: list[tuple], empty: str = "No rows.") -> str:
    """A table with human column names; the stored column name is in each header's
    `data-column`. With no rows, a note saying `empty`."""
    if not rows:
        return f'<p class="note">{escape(empty)}</p>'
    head = "".join(
        f'<th data-column="{escape(c)}"{numeric_class(c, [r[i] for r in rows])}>'
        f"{escape(label(c))}</th>"
        for i, c in enumerate(columns)
    )
    body = "".join(
        "<tr>" + "".join(cell(v, c) for v, c in zip(row, columns, strict=True)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="table"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def numeric_class(column: str, values: list) -> str:
    """A numeric column's header is aligned with its numbers."""
    values = [v.value if isinstance(v, Hint) else v for v in values]
    first = next((v for v in values if v is not None), None)
    numeric = isinstance(first, int | float | Decimal) and not isinstance(first, bool)
    return ' class="n"' if numeric and kind(column, first) in NUMERIC else ""
