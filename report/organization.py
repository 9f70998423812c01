"""An organization's page: its dashboard.

Key figures of the latest complete year, totals by scope and category with their 95 % range
and data quality, totals and per person by year, progress against each of its targets,
travel indicators, procurement and sustainable-procurement shares, offsets, success stories,
restated figures, and the quality and completeness of its data (a domain x month grid).
`SECTIONS` lists them in page order: add a `Section` there (or pass a longer list to
`report.site.org_html`) to extend the page.
"""

from html import escape
from itertools import groupby

from report import charts, management
from report.columns import Hint, table
from report.sections import (
    PROCUREMENT_COLUMNS,
    Context,
    Section,
    Warehouse,
    complete_years,
    details,
    figures,
    files_by_domain,
    grid,
    headline_year,
    meta,
    procurement_parts,
    reporting_years_join,
    row,
    scope_trend,
    select_present,
    without_empty,
)
from report.stories import stories_section


def glance_section(ctx: Context) -> list[str]:
    """Key figures of the headline year."""
    wh, org = ctx.wh, ctx.org
    year = headline_year(wh, org)
    if year is None:
        return [meta("No complete year yet: the figures below are partial.")]
    _, found = wh.rows(
        "select t.t_co2e, t.t_co2e_low, t.t_co2e_high, t.t_co2e / h.headcount, t.unmapped_rows "
        "from marts.org_totals_annual as t left join (select reporting_year, max(headcount) "
        "as headcount from marts.org_emissions_annual where org_code = ? group by 1) as h "
        "using (reporting_year) where t.org_code = ? and t.reporting_year = ? "
        "and t.boundary = 'core'",
        [org, org, year],
    )
    if not found:
        return []
    total, low, high, per_person, unmapped = found[0]
    items = [("Latest complete year", str(year), str(year))]
    if total is not None:
        items.append(("Core t CO2e", f"{total:,.1f}", repr(total)))
    if low is not None and high is not None:
        both = f'<span data-value="{low!r}">{low:,.1f}</span> – <span data-value="{high!r}">'
        items.append(("95 % range, t CO2e", f"{both}{high:,.1f}</span>", None))
    if per_person is not None:
        items.append(("t CO2e per person", f"{per_person:,.2f}", repr(per_person)))
    items += progress_figure(wh, org, year)
    items.append(("Rows without a factor", f"{unmapped or 0:,}", str(unmapped or 0)))
    return [figures(items)]


def progress_figure(wh: Warehouse, org: str, year: int) -> list[tuple[str, str, str]]:
    if not wh.has("marts.reduction_progress"):
        return []
    _, found = wh.rows(
        "select pct_change_from_baseline, on_track, baseline_year from marts.reduction_progress "
        "where org_code = ? and reporting_year = ? and target_scope = 'all'",
        [org, year],
    )
    if not found or found[0][0] is None:
        return []
    change, on_track, baseline = found[0]
    verdict = '<i class="ok">on track</i>' if on_track else '<i class="off">off track</i>'
    return [(f"Change from {baseline}", f"{change:+.1f} % {verdict}", repr(change))]


def emissions_section(ctx: Context) -> list[str]:
    wh, org = ctx.wh, ctx.org
    years, series, _ = scope_trend(wh, org)
    chart = charts.stacked_bars(
        "Core t CO2e by year and scope (complete years)", [str(y) for y in years], series
    )
    parts = [row(chart, year_totals(wh, org))]
    year = headline_year(wh, org)
    if year is not None:
        parts.append(f"<h3>{year} by scope and category</h3>" + categories_of_year(wh, org, year))
    parts.append(details("Every year by category", categories_by_year(wh, org)))
    parts.append(
        meta(
            "core = the UN headline boundary; optional = reported beside it (hotel nights, "
            "HCFCs, spend-based). Location-based; market-based in its own column. Low .. high: "
            "the 95 % range (methodology, section 13). Data quality: the mean of the rows' "
            "scores weighted by their t CO2e. Hover “no” for why a year is partial."
        )
    )
    return parts


def year_totals(wh: Warehouse, org: str) -> str:
    """Per year: complete or not (why on hover), core total with its range, per person."""
    _, found = wh.rows(
        "select t.reporting_year, y.is_complete, y.partial_domains, t.t_co2e, t.t_co2e_low, "
        "t.t_co2e_high, h.headcount, t.t_co2e / h.headcount, h.per_capita_note "
        f"from marts.org_totals_annual as t {reporting_years_join(wh)} "
        "left join (select org_code, reporting_year, max(headcount) as headcount, "
        "max(per_capita_note) as per_capita_note from marts.org_emissions_annual "
        "group by all) as h using (org_code, reporting_year) "
        "where t.org_code = ? and t.boundary = 'core' order by 1",
        [org],
    )
    cols = [
        "reporting_year",
        "is_complete",
        "core_t_co2e",
        "t_co2e_low",
        "t_co2e_high",
        "headcount",
        "t_co2e_per_capita",
    ]
    rows = [
        (year, Hint(done, why), total, low, high, heads, Hint(per_person, note))
        for year, done, why, total, low, high, heads, per_person, note in found
    ]
    return table(cols, rows, "No emissions yet.")


def categories_of_year(wh: Warehouse, org: str, year: int) -> str:
    cols, found = wh.rows(
        "select a.scope, a.category, a.boundary, a.t_co2e, a.t_co2e_low, a.t_co2e_high, "
        "a.t_co2e_market, q.data_quality, a.unmapped_rows "
        "from marts.org_emissions_annual as a left join ("
        "select scope, category, boundary, "
        "sum(kg_co2e * data_quality) / nullif(sum(kg_co2e), 0) as data_quality "
        "from marts.fct_emissions where org_code = ? and reporting_year = ? "
        "and factor_status = 'mapped' group by all) as q using (scope, category, boundary) "
        "where a.org_code = ? and a.reporting_year = ? order by 1, 2, 3",
        [org, year, org, year],
    )
    return table(*without_empty(cols, found, {"t_co2e_market"}))


def categories_by_year(wh: Warehouse, org: str) -> str:
    _, found = wh.rows(
        "select scope, category, boundary, reporting_year, t_co2e "
        "from marts.org_emissions_annual where org_code = ? order by 1, 2, 3, 4",
        [org],
    )
    years = sorted({r[3] for r in found})
    pivot: dict[tuple, dict] = {}
    for scope, category, boundary, year, tonnes in found:
        pivot.setdefault((scope, category, boundary), {})[year] = tonnes
    cols = ["scope", "category", "boundary", *(f"t_co2e_{y}" for y in years)]
    rows = [(*key, *(by_year.get(y) for y in years)) for key, by_year in pivot.items()]
    return table(cols, rows)


def progress_section(ctx: Context) -> list[str]:
    """Per target: the path from the baseline, in a chart (complete years) and a table."""
    if not ctx.wh.has("marts.reduction_progress"):
        return []
    _, found = ctx.wh.rows(
        "select target_scope, target_year, reduction_pct, baseline_year, baseline_t_co2e, "
        "reporting_year, is_complete_year, actual_t_co2e, target_t_co2e, "
        "pct_change_from_baseline, on_track "
        "from marts.reduction_progress where org_code = ? order by 1, 2, 6",
        [ctx.org],
    )
    if not found:
        return [meta("No baseline year in the registry: no progress to show.")]
    parts = []
    for target, rows in groupby(found, key=lambda r: r[:5]):
        rows = list(rows)
        parts.append(f"<h3>{escape(target_text(*target))}</h3>")
        # complete years only: a partial year would read as a steep cut
        path = [r for r in rows if r[6]]
        chart = charts.lines(
            f"{scope_name(target[0])}: t CO2e against the straight-line path (complete years)",
            [str(r[5]) for r in path],
            {"actual": [r[7] for r in path], "target path": [r[8] for r in path]},
        )
        cols = [
            "reporting_year",
            "is_complete_year",
            "actual_t_co2e",
            "target_t_co2e",
            "pct_change_from_baseline",
            "on_track",
        ]
        parts.append(row(chart, table(cols, [r[5:] for r in rows])))
    return parts


def scope_name(scope: str) -> str:
    return {"all": "All scopes"}.get(scope, f"Scope {scope}" if scope.isdigit() else scope)


def target_text(scope, target_year, pct, baseline_year, baseline_t) -> str:
    """'All scopes: 45 % less by 2030 than in 2022 (848.2 t CO2e)'."""
    base = f"{baseline_year}" + (f" ({baseline_t:,.1f} t CO2e)" if baseline_t is not None else "")
    if target_year is None or pct is None:
        return f"{scope_name(scope)}: no target registered; baseline {base}"
    return f"{scope_name(scope).capitalize()}: {pct:g} % less by {target_year} than in {base}"


def travel_section(ctx: Context) -> list[str]:
    wh, org = ctx.wh, ctx.org
    if not wh.has("marts.travel_indicators"):
        return []
    wanted = [
        "reporting_year",
        "trips",
        "trips_per_capita",
        "t_co2e_travel",
        "t_co2e_travel_per_capita",
        "premium_cabin_share",
        "flights",
        "short_flights",
        "t_co2e_short_flights",
        "t_co2e_rail_alternative",
        "top_city_pair",
    ]
    cols, found = select_present(wh, "marts.travel_indicators", wanted, "where org_code = ?", [org])
    chart = ""
    if "t_co2e_travel_per_capita" in cols:
        index = cols.index("t_co2e_travel_per_capita")
        complete = {r[1] for r in wh.rows(complete_years(wh))[1] if r[0] == org}
        shown = [r for r in found if r[0] in complete]
        chart = charts.stacked_bars(
            "Travel t CO2e per person (complete years)",
            [str(r[0]) for r in shown],
            {"t CO2e per person": [r[index] for r in shown]},
            unit="t CO2e per person",
        )
    return [table(cols, found, "No travel data."), row(chart, city_pairs(wh, org))]


def city_pairs(wh: Warehouse, org: str) -> str:
    if not wh.has("marts.travel_city_pairs"):
        return ""
    (year,) = wh.rows(
        "select max(reporting_year) from marts.travel_city_pairs where org_code = ?", [org]
    )[1][0]
    if year is None:
        return ""
    cols, found = wh.rows(
        "select pair_rank, city_pair, flights, avg_distance_km, t_co2e "
        "from marts.travel_city_pairs where org_code = ? and reporting_year = ? "
        "and pair_rank <= 5 order by 1",
        [org, year],
    )
    return f"<h3>Top five city pairs, {year}</h3>" + table(cols, found, "No flights.")


def procurement_section(ctx: Context) -> list[str]:
    wanted = ["reporting_year", *PROCUREMENT_COLUMNS, "crosswalk_coverage", "top_categories"]
    name = "marts.org_procurement_annual"
    return procurement_parts(ctx.wh, name, wanted, "where org_code = ?", [ctx.org])


def offsets_section(ctx: Context) -> list[str]:
    wh, org = ctx.wh, ctx.org
    if not wh.has("marts.offset_requirements"):
        return []
    cols, found = wh.rows(
        "select reporting_year, t_to_offset, credits_required, credits_allocated, t_uncovered, "
        "cost_usd, pool_covers_demand from marts.offset_requirements where org_code = ? "
        "order by 1",
        [org],
    )
    parts = [table(cols, found, "Nothing to offset.")]
    if wh.has("marts.offset_allocations"):
        cols, found = wh.rows(
            "select reporting_year, project, standard, vintage, serial_prefix, serial_start, "
            "serial_end, tonnes, cost_usd from marts.offset_allocations where org_code = ? "
            "order by 1, 5, 6",
            [org],
        )
        parts.append("<h3>Credits allocated (serial ranges)</h3>" + table(cols, found, "None."))
    return parts


def restatements_section(ctx: Context) -> list[str]:
    if not ctx.wh.has("ops.restatements"):
        return []
    cols, found = ctx.wh.rows(
        "select reporting_year, figure, originally_reported_t_co2e, original_factor_set, "
        "restated_t_co2e, restated_factor_set from ops.restatements where org_code = ? "
        "order by 1, 2",
        [ctx.org],
    )
    if not found:
        return [meta("No published figure has been restated.")]
    return [
        table(cols, found),
        meta(
            "Figures that differ from what was first published (new factor edition or "
            "corrected source): as first reported and as restated, each with its factor set."
        ),
    ]


TOP = 10  # quarantine reasons and unmapped causes listed; the heading says of how many


def quality_section(ctx: Context) -> list[str]:
    wh, org = ctx.wh, ctx.org
    cols, reasons = wh.rows(
        "select column_name, reason, count(*) as rows "
        "from ops.quarantine where org_code = ? group by all order by 3 desc, 1, 2",
        [org],
    )
    quarantine = f"<h3>Rows set aside: {top_of(reasons, 'reason')}</h3>" + table(
        cols, reasons[:TOP], "No row was quarantined."
    )
    cols, unmapped = wh.rows(
        "select reporting_year, domain, unmapped_reason, count(*) as activities "
        "from marts.fct_emissions where factor_status = 'unmapped' and org_code = ? "
        "group by all order by 4 desc, 1, 2, 3",
        [org],
    )
    no_factor = (
        f"<h3>Activities without a factor (not in the totals): {top_of(unmapped, 'cause')}</h3>"
        + table(cols, unmapped[:TOP], "Every activity has a factor.")
    )
    return [
        row(
            "<h3>Files received</h3>" + files_by_domain(wh, org),
            "<h3>Data quality, share of t CO2e</h3>" + quality_shares(wh, org),
        ),
        row(quarantine, no_factor),
        *completeness_grid(wh, org),
    ]


def top_of(found: list[tuple], what: str) -> str:
    """'the 10 most frequent of 23 reasons', or 'every reason' when all are listed."""
    if len(found) <= TOP:
        return f"every {what}" if found else f"no {what}"
    return f"the {TOP} most frequent of {len(found)} {what}s"


def quality_shares(wh: Warehouse, org: str) -> str:
    """Per year, the share of t CO2e by data-quality score (1 best .. 5 worst)."""
    _, found = wh.rows(
        "select reporting_year, data_quality, sum(kg_co2e) from marts.fct_emissions "
        "where org_code = ? and factor_status = 'mapped' group by all order by 1, 2",
        [org],
    )
    totals: dict[int, float] = {}
    kg: dict[tuple, float] = {}
    for year, score, amount in found:
        totals[year] = totals.get(year, 0.0) + (amount or 0.0)
        kg[(year, score)] = amount or 0.0
    scores = sorted({r[1] for r in found if r[1] is not None})
    cols = ["reporting_year", *(f"dq_{s}_share" for s in scores)]
    rows = [
        (year, *(kg.get((year, s), 0.0) / total if total else None for s in scores))
        for year, total in totals.items()
    ]
    return table(cols, rows, "No emissions yet.")


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def completeness_grid(wh: Warehouse, org: str) -> list[str]:
    """Domain x month, every year and domain: the rows with data in each month. Years
    before the headline year are folded."""
    if not wh.has("marts.org_completeness"):
        return []
    _, found = wh.rows(
        "select reporting_year, domain, month_number, rows_with_data, has_data, "
        "unmapped_rows, implausible_readings from marts.org_completeness "
        "where org_code = ? order by 1, 2, 3",
        [org],
    )
    cells: dict[int, dict[str, dict]] = {}
    for year, domain, month, rows_, has_data, unmapped, implausible in found:
        months = cells.setdefault(year, {}).setdefault(domain, {})
        months[month] = (rows_, has_data, unmapped, implausible)
    headline = headline_year(wh, org)
    recent = [y for y in cells if headline is None or y >= headline]
    earlier = [y for y in cells if y not in recent]
    parts = ["<h3>Completeness: rows with data per month</h3>", month_grid(cells, recent)]
    if earlier:
        parts.append(
            details(f"Earlier years: {earlier[0]}–{earlier[-1]}", month_grid(cells, earlier))
        )
    parts.append(
        meta(
            "Green: the month has data; red: none. Hover a month for its rows without a "
            "factor and implausible meter readings."
        )
    )
    return parts


def month_grid(cells: dict[int, dict[str, dict]], years: list[int]) -> str:
    head = "<tr><th>Year</th><th>Domain</th>" + "".join(f"<th>{m}</th>" for m in MONTHS) + "</tr>"
    body = []
    for year in years:
        for domain, months in cells[year].items():
            marks = "".join(month_cell(months.get(m)) for m in range(1, 13))
            body.append(f'<tr><td class="n">{year}</td><td>{escape(domain)}</td>{marks}</tr>')
    return grid(head, body)


def month_cell(found: tuple | None) -> str:
    if found is None:
        return '<td class="none" data-value="0">–</td>'
    rows_, has_data, unmapped, implausible = found
    hint = f"{rows_} rows; {unmapped or 0} without a factor; {implausible or 0} implausible"
    shade = "full" if has_data else "none"
    return f'<td class="n {shade}" data-value="{rows_}" title="{hint}">{rows_}</td>'


SECTIONS: tuple[Section, ...] = (
    Section("glance", "At a glance", glance_section),
    Section("emissions", "Emissions by scope and category", emissions_section),
    Section("progress", "Progress against targets", progress_section),
    Section("travel", "Travel", travel_section),
    Section("procurement", "Procurement", procurement_section),
    Section("offsets", "Offsets", offsets_section),
    Section("stories", "Success stories", stories_section),
    Section("management", "Sustainable management", management.section),
    Section("restatements", "Restated figures", restatements_section),
    Section("quality", "Data quality and completeness", quality_section),
)
