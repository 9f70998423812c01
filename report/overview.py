"""The system-wide page: aggregates, with each organization's detail on its own page.

Latest complete year per organization, trend by scope, progress against targets,
completeness of every organization and year, then travel, procurement and offsets summed
over organizations, success stories and data quality. Held organizations are flagged above
the contents by `report.site`.
"""

from html import escape

from report import charts
from report.columns import table
from report.sections import (
    PROCUREMENT_COLUMNS,
    Context,
    Section,
    Warehouse,
    complete_years,
    files_by_domain,
    grid,
    linked,
    meta,
    org_link,
    procurement_parts,
    reporting_years_join,
    row,
    scope_trend,
    yes_no,
)
from report.stories import stories_section


def organizations_section(ctx: Context) -> list[str]:
    """Every registered organization, with its latest complete year (empty if none yet)."""
    cols, found = ctx.wh.rows(
        "with t as (select * from marts.org_totals_annual "
        "where boundary = 'core' and is_headline_year) "
        "select o.org_code, o.name, t.reporting_year, t.t_co2e as core_t_co2e, t.t_co2e_low, "
        "t.t_co2e_high, h.headcount, t.t_co2e / h.headcount as t_co2e_per_capita, "
        "t.unmapped_rows, p.pct_change_from_baseline, p.on_track "
        "from ops.organizations as o left join t using (org_code) "
        "left join (select org_code, reporting_year, max(headcount) as headcount "
        "from marts.org_emissions_annual group by all) as h using (org_code, reporting_year) "
        f"{progress_join(ctx.wh)} order by 1"
    )
    return [
        table(cols, linked(ctx.links, found), "No organization is registered."),
        meta(
            "Core boundary, each organization's latest complete year (none yet: empty). "
            "Low .. high: the 95 % range of the total, from each row's activity and factor "
            "uncertainty for its data quality (methodology, section 13). Change from "
            "baseline: against the organization's all-scope target."
        ),
    ]


def progress_join(wh: Warehouse) -> str:
    """`p.pct_change_from_baseline` and `p.on_track` against the all-scope target."""
    if wh.has("marts.reduction_progress"):
        return (
            "left join (select org_code, reporting_year, pct_change_from_baseline, on_track "
            "from marts.reduction_progress where target_scope = 'all') as p "
            "using (org_code, reporting_year)"
        )
    return (
        "left join (select null::varchar as org_code, null::integer as reporting_year, "
        "null::double as pct_change_from_baseline, null::boolean as on_track) as p "
        "using (org_code, reporting_year)"
    )


def trend_section(ctx: Context) -> list[str]:
    years, series, orgs = scope_trend(ctx.wh, None)
    if not years:
        return []
    names = list(series)
    cols = [
        "reporting_year",
        "organizations",
        *(f"{n.replace(' ', '_')}_t_co2e" for n in names),
        "core_t_co2e",
    ]
    rows = []
    for i, year in enumerate(years):
        values = [series[n][i] for n in names]
        rows.append((year, orgs[year], *values, sum(values)))
    return [
        row(
            charts.stacked_bars(
                "System-wide core t CO2e by year and scope (complete years)",
                [str(y) for y in years],
                series,
            ),
            org_trend(ctx, years),
        ),
        table(cols, rows),
        meta(
            "Complete years only: an organization's partial year is left out of the sum, so "
            "a year's total covers the organizations counted beside it."
        ),
    ]


def org_trend(ctx: Context, years: list[int]) -> str:
    _, found = ctx.wh.rows(
        "select org_code, reporting_year, sum(t_co2e) from marts.org_emissions_annual "
        f"where boundary = 'core' and (org_code, reporting_year) in ({complete_years(ctx.wh)}) "
        "group by 1, 2 order by 1, 2"
    )
    values = {(o, y): t for o, y, t in found}
    orgs = sorted({r[0] for r in found})
    return charts.lines(
        "Core t CO2e by organization (complete years)",
        [str(y) for y in years],
        {o: [values.get((o, y)) for y in years] for o in orgs},
    )


def progress_section(ctx: Context) -> list[str]:
    if not ctx.wh.has("marts.reduction_progress"):
        return []
    cols, found = ctx.wh.rows(
        "select org_code, target_scope, target_year, reduction_pct, baseline_year, "
        "baseline_t_co2e, reporting_year, actual_t_co2e, target_t_co2e, "
        "pct_change_from_baseline, on_track "
        "from marts.reduction_progress where (org_code, reporting_year) in "
        "(select org_code, max(reporting_year) from marts.reduction_progress "
        "where is_complete_year group by 1) order by 1, 2, 3"
    )
    return [
        table(
            cols,
            linked(ctx.links, found),
            "No organization has a complete year after its baseline.",
        ),
        meta(
            "Each organization's latest complete year against the straight line from its "
            "baseline to its target."
        ),
    ]


def completeness_section(ctx: Context) -> list[str]:
    """Months with data per organization, year and domain: every organization, every year."""
    wh = ctx.wh
    if not wh.has("marts.org_completeness"):
        return []
    _, found = wh.rows(
        "select c.org_code, c.reporting_year, any_value(y.is_complete), "
        "any_value(y.partial_domains), c.domain, count(*) filter (where c.has_data) "
        f"from marts.org_completeness as c {reporting_years_join(wh)} "
        "group by c.org_code, c.reporting_year, c.domain order by 1, 2, 5"
    )
    years = sorted({r[1] for r in found})
    domains = sorted({r[4] for r in found})
    by_org: dict[str, dict] = {}
    for code, year, is_complete, why, domain, months in found:
        entry = by_org.setdefault(code, {})
        entry[(year, None)] = (is_complete, why)
        entry[(year, domain)] = months
    short = abbreviations(domains)
    head = (
        '<tr><th rowspan="2">Org</th>'
        + "".join(f'<th colspan="{len(domains) + 1}">{y}</th>' for y in years)
        + "</tr><tr>"
        + (
            '<th title="complete year">✓</th>'
            + "".join(f'<th title="{escape(d)}">{escape(short[d])}</th>' for d in domains)
        )
        * len(years)
        + "</tr>"
    )
    body = []
    for code, entry in by_org.items():
        cells = []
        for year in years:
            cells.append(yes_no(*entry.get((year, None), (None, None))))
            cells += [month_count(entry.get((year, d))) for d in domains]
        body.append(f"<tr><td>{org_link(ctx.links, code)}</td>{''.join(cells)}</tr>")
    legend = ", ".join(f"{escape(short[d])} {escape(d)}" for d in domains)
    return [
        grid(head, body),
        meta(
            f"Months with data (of 12) per domain: {legend}. ✓: the year is complete (hover "
            "“no” for why). A year is complete when the organization declares it closed, or "
            "when each domain it reports meets its rule: energy bills cover all twelve "
            "months, travel and fuel data reach December, refrigerants and procurement have "
            "any data. Only complete years are headline figures. Each organization's page has "
            "the month-by-month grid."
        ),
    ]


def abbreviations(domains: list[str]) -> dict[str, str]:
    """A domain's initial, or its first three letters where initials would clash."""
    initials = [d[:1].upper() for d in domains]
    unique = len(set(initials)) == len(initials)
    return {d: (d[:1].upper() if unique else d[:3]) for d in domains}


def month_count(months: int | None) -> str:
    if months is None:
        return '<td class="n empty">–</td>'
    shade = "full" if months >= 12 else "some" if months else "none"
    return f'<td class="n {shade}" data-value="{months}">{months}</td>'


def travel_section(ctx: Context) -> list[str]:
    if not ctx.wh.has("marts.travel_indicators"):
        return []
    cols, found = ctx.wh.rows(
        "select reporting_year, count(*) as organizations, sum(trips) as trips, "
        "sum(t_co2e_travel) as t_co2e_travel, "
        "sum(t_co2e_travel) / sum(headcount) as t_co2e_travel_per_capita, "
        "sum(flights) as flights, sum(short_flights) as short_flights, "
        "sum(t_co2e_short_flights) as t_co2e_short_flights, "
        "sum(t_co2e_rail_alternative) as t_co2e_rail_alternative "
        "from marts.travel_indicators group by 1 order by 1"
    )
    return [
        table(cols, found),
        meta(
            "Short flights: those a train could replace; by rail, the same trips would emit "
            "what the last column says. Each organization's page has its own indicators."
        ),
    ]


def procurement_section(ctx: Context) -> list[str]:
    wanted = ["reporting_year", "organizations", *PROCUREMENT_COLUMNS, "top_categories"]
    return procurement_parts(ctx.wh, "marts.system_procurement_annual", wanted)


def offsets_section(ctx: Context) -> list[str]:
    wh = ctx.wh
    if not wh.has("marts.offset_requirements"):
        return []
    cols, found = wh.rows(
        "select reporting_year, count(*) as organizations, sum(t_to_offset) as t_to_offset, "
        "sum(credits_required) as credits_required, sum(credits_allocated) as "
        "credits_allocated, sum(t_uncovered) as t_uncovered, sum(cost_usd) as cost_usd, "
        "bool_and(pool_covers_demand) as pool_covers_demand "
        "from marts.offset_requirements group by 1 order by 1"
    )
    parts = [table(cols, found)]
    if wh.has("marts.offset_allocations"):
        cols, found = wh.rows(
            "select reporting_year, allocation_status, sum(tonnes) as tonnes, "
            "sum(cost_usd) as cost_usd, count(*) as serial_runs "
            "from marts.offset_allocations group by all order by 1, 2"
        )
        parts.append("<h3>Credits by allocation</h3>" + table(cols, found, "No credits."))
    parts.append(
        meta(
            "Credits of the pooled purchases, allocated to organizations; each organization's "
            "page lists its serial ranges."
        )
    )
    return parts


def quality_section(ctx: Context) -> list[str]:
    cols, found = ctx.wh.rows(
        "select m.org_code, count(distinct q.file_id) as files, count(*) as rows_quarantined, "
        "mode(q.reason) as reason from ops.quarantine as q "
        "join ops.file_manifest as m using (file_id) group by 1 order by 1"
    )
    quarantine = table(cols, linked(ctx.links, found), "No row was quarantined.")
    parts = [
        row(
            "<h3>Files received</h3>" + files_by_domain(ctx.wh, None),
            "<h3>Rows set aside (quarantine)</h3>"
            + quarantine
            + meta("Reason: the most frequent one. Each organization's page lists its reasons."),
        )
    ]
    return [*parts, restatement_counts(ctx)]


def restatement_counts(ctx: Context) -> str:
    if not ctx.wh.has("ops.restatements"):
        return ""
    cols, found = ctx.wh.rows(
        "select org_code, count(*) as figures from ops.restatements group by 1 order by 1"
    )
    if not found:
        return meta("No published figure has been restated.")
    return (
        "<h3>Restated figures</h3>"
        + table(cols, linked(ctx.links, found))
        + meta(
            "Figures that differ from what was first published (new factor edition or "
            "corrected source); each organization's page lists them."
        )
    )


SECTIONS: tuple[Section, ...] = (
    Section("organizations", "Organizations", organizations_section),
    Section("trend", "Trend by scope", trend_section),
    Section("progress", "Progress against targets", progress_section),
    Section("completeness", "Completeness", completeness_section),
    Section("travel", "Travel", travel_section),
    Section("procurement", "Procurement", procurement_section),
    Section("offsets", "Offsets", offsets_section),
    Section("stories", "Success stories", stories_section),
    Section("quality", "Data quality", quality_section),
)
