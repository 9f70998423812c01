"""`greenblue report`: a static HTML site from the served warehouse, opened read-only.

One system-wide page and one page per organization. Tables list the mart values as stored
(rounded for display, the exact value in `data-value`); charts are inline SVG drawn from
the same rows. Sections whose marts do not exist in this warehouse (procurement,
completeness, success stories) are left out or say so, so the report works whichever
domains are loaded. Every text from data is HTML-escaped.
"""

import datetime as dt
import re
from dataclasses import dataclass
from html import escape
from pathlib import Path

import duckdb

from report import charts
from report.management import management_section

CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;margin:2rem auto;max-width:1000px;
color:#1d2b36;padding:0 1rem}h1{color:#1f6f8b}h2{border-bottom:2px solid #1f6f8b;
padding-bottom:.2rem;margin-top:2.2rem}
table{border-collapse:collapse;margin:.6rem 0;font-size:.9rem}
th,td{border:1px solid #d5dde2;padding:.25rem .5rem}th{background:#eef3f6;text-align:left}
td.n{text-align:right;font-variant-numeric:tabular-nums}.meta{color:#555;font-size:.85rem}
.ok{color:#2e7d32;font-weight:600}.off{color:#b71c1c;font-weight:600}nav a{margin-right:.8rem}
.scroll{overflow-x:auto}.note{background:#f6f8fa;border-left:4px solid #99a8b2;padding:.4rem .8rem}
.held{background:#fff4e5;border-left:4px solid #e65100;padding:.2rem .8rem}
"""


@dataclass
class Provenance:
    run_id: str
    factor_set: str
    finished_at: str


class Warehouse:
    """Read-only queries against the served file, with the list of tables it holds."""

    def __init__(self, path: Path) -> None:
        self.con = duckdb.connect(str(path), read_only=True)
        self.tables = {
            f"{s}.{t}"
            for s, t in self.con.execute(
                "select table_schema, table_name from information_schema.tables"
            ).fetchall()
        }

    def has(self, table: str) -> bool:
        return table in self.tables

    def rows(self, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
        cursor = self.con.execute(sql, params or [])
        return [d[0] for d in cursor.description], cursor.fetchall()

    def columns(self, table: str) -> list[str]:
        schema, name = table.split(".")
        return [
            r[0]
            for r in self.con.execute(
                "select column_name from information_schema.columns "
                "where table_schema = ? and table_name = ? order by ordinal_position",
                [schema, name],
            ).fetchall()
        ]

    def close(self) -> None:
        self.con.close()


def cell(value: object, column: str = "") -> str:
    if isinstance(value, int) and column.endswith(("year", "_rank")):
        return f'<td class="n">{value}</td>'  # a year, not a quantity: no thousands separator
    if value is None:
        return '<td class="n">–</td>'
    if isinstance(value, bool):
        return f'<td class="{"ok" if value else "off"}">{"yes" if value else "no"}</td>'
    if isinstance(value, float):
        return f'<td class="n" data-value="{value!r}">{value:,.2f}</td>'
    if isinstance(value, int) or type(value).__name__ == "Decimal":
        return f'<td class="n">{value:,}</td>'
    return f"<td>{escape(str(value))}</td>"


def table(columns: list[str], rows: list[tuple], empty: str = "No rows.") -> str:
    if not rows:
        return f'<p class="note">{escape(empty)}</p>'
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(cell(v, c) for v, c in zip(row, columns, strict=True)) + "</tr>"
        for row in rows
    )
    return (
        f'<div class="scroll"><table><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
    )


def provenance(wh: Warehouse) -> Provenance:
    rows = wh.con.execute(
        "select run_id, factor_set, finished_at from ops.runs where status = 'published' "
        "order by finished_at desc nulls last limit 1"
    ).fetchall()
    if not rows:
        raise ValueError("the served warehouse holds no published run: run `greenblue run` first")
    run_id, factor_set, finished = rows[0]
    return Provenance(str(run_id), str(factor_set), str(finished))


def page(title: str, prov: Provenance, body: list[str], nav: str) -> str:
    meta = (
        f'<p class="meta">Factor set <strong>{escape(prov.factor_set)}</strong> · run '
        f"<code>{escape(prov.run_id)}</code> published {escape(prov.finished_at)} UTC · "
        f"report built {dt.datetime.now(dt.UTC):%Y-%m-%d %H:%M} UTC</p>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f"<nav>{nav}</nav><h1>{escape(title)}</h1>{meta}{''.join(body)}"
        f"<hr>{meta}</body></html>"
    )


def org_filename(code: str) -> str:
    return "org-" + re.sub(r"[^A-Za-z0-9-]", "_", code) + ".html"


def year_scope_chart(wh: Warehouse, title: str, where: str, params: list) -> str:
    _, rows = wh.rows(
        "select reporting_year, 'scope ' || scope, sum(t_co2e) from marts.org_emissions_annual "
        f"where boundary = 'core' {where} group by 1, 2 order by 1, 2",
        params,
    )
    years = sorted({r[0] for r in rows})
    scopes = sorted({r[1] for r in rows})
    values = {(r[0], r[1]): r[2] for r in rows}
    series = {s: [values.get((y, s), 0.0) for y in years] for s in scopes}
    return charts.stacked_bars(title, [str(y) for y in years], series)


def emissions_section(wh: Warehouse, org: str | None) -> list[str]:
    where, params = ("and org_code = ?", [org]) if org else ("", [])
    out = ["<h2>Emissions by scope and category</h2>"]
    out.append(year_scope_chart(wh, "Core t CO2e by year and scope", where, params))
    # an organization's page shows each group's 95 % range; ranges of groups do not add up,
    # so the system-wide table has none
    ranges = "min(t_co2e_low) as t_co2e_low, max(t_co2e_high) as t_co2e_high, " if org else ""
    cols, rows = wh.rows(
        f"select reporting_year, scope, category, boundary, sum(t_co2e) as t_co2e, {ranges}"
        "sum(t_co2e_market) as t_co2e_market, sum(unmapped_rows) as unmapped_rows "
        f"from marts.org_emissions_annual where true {where} group by all order by 1, 2, 3, 4",
        params,
    )
    out.append(table(cols, rows))
    out.append(
        '<p class="meta">core = the UN headline boundary; optional = reported beside it '
        "(hotel nights, HCFCs, spend-based). Location-based; market-based in its own column.</p>"
    )
    if org:
        cols, rows = wh.rows(
            "select reporting_year, max(headcount) as headcount, sum(t_co2e) as core_t_co2e, "
            "sum(t_co2e) / max(headcount) as core_t_co2e_per_capita, "
            "case when sum(t_co2e) / max(headcount) is null then max(per_capita_note) end "
            "as why_no_per_capita from marts.org_emissions_annual "
            "where boundary = 'core' and org_code = ? group by 1 order by 1",
            [org],
        )
        out.append("<h3>Per capita</h3>" + table(cols, rows))
    return out


def years_section(wh: Warehouse, org: str | None) -> list[str]:
    """Complete and partial reporting years: only a complete year is a headline."""
    if not wh.has("marts.org_reporting_years"):
        return []
    where, params = ("where org_code = ?", [org]) if org else ("where not is_complete", [])
    cols, rows = wh.rows(
        "select org_code, reporting_year, is_complete, completeness_basis, partial_domains "
        f"from marts.org_reporting_years {where} order by 1, 2",
        params,
    )
    title = "Reporting years" if org else "Partial years (not in the headline figures)"
    note = (
        '<p class="meta">A year is complete when the organization declares it closed, or when '
        "each domain it reports meets its rule: energy bills cover all twelve months, travel "
        "and fuel data reach December, refrigerants and procurement have any data.</p>"
    )
    return [f"<h2>{title}</h2>", table(cols, rows, "Every year is complete."), note]


def progress_section(wh: Warehouse, org: str | None) -> list[str]:
    if not wh.has("marts.reduction_progress"):
        return []
    out = ["<h2>Progress against targets</h2>"]
    if org is None:
        cols, rows = wh.rows(
            "select org_code, reporting_year, target_scope, target_year, reduction_pct, "
            "baseline_t_co2e, actual_t_co2e, target_t_co2e, pct_change_from_baseline, on_track "
            "from marts.reduction_progress where (org_code, reporting_year) in "
            "(select org_code, max(reporting_year) from marts.reduction_progress "
            "where is_complete_year group by 1) order by 1, 3, 4"
        )
        out.append('<p class="meta">Each organization\'s latest complete year.</p>')
        return [*out, table(cols, rows, "No organization has a complete year after its baseline.")]
    cols, rows = wh.rows(
        "select reporting_year, is_complete_year, target_scope, target_year, reduction_pct, "
        "baseline_year, baseline_t_co2e, actual_t_co2e, target_t_co2e, "
        "pct_change_from_baseline, on_track, unmapped_rows, factor_set "
        "from marts.reduction_progress where org_code = ? "
        "order by target_scope, target_year, reporting_year",
        [org],
    )
    # the chart follows complete years only: a partial year would read as a steep cut
    path = [r for r in rows if r[2] == "all" and r[3] is not None and r[1]]
    if path:
        out.append(
            charts.lines(
                f"Core t CO2e against the straight-line path to the {path[0][3]} target "
                "(complete years)",
                [str(r[0]) for r in path],
                {"actual": [r[7] for r in path], "target path": [r[8] for r in path]},
            )
        )
    out.append(table(cols, rows, "No baseline year in the registry: no progress to show."))
    return out


def restatement_section(wh: Warehouse, org: str | None) -> list[str]:
    if not wh.has("ops.published_figures"):
        return []
    from pipelines.history import RESTATEMENTS

    where, params = ("where org_code = ?", [org]) if org else ("", [])
    cols, rows = wh.rows(f"select * from ({RESTATEMENTS}) {where} order by 1, 2, 3", params)
    return [
        "<h3>Restated figures</h3>",
        '<p class="meta">Figures that differ from what was first published (new factor '
        "edition or corrected source): originally reported and restated, each with its factor "
        "set and run.</p>",
        table(cols, rows, "No published figure has been restated."),
    ]


def travel_section(wh: Warehouse, org: str | None) -> list[str]:
    if not wh.has("marts.travel_indicators"):
        return []
    out = ["<h2>Travel</h2>"]
    if org is None:
        cols, rows = wh.rows(
            "select reporting_year, sum(trips) as trips, sum(t_co2e_travel) as t_co2e_travel, "
            "sum(t_co2e_travel) / sum(headcount) as t_co2e_travel_per_capita, "
            "sum(short_flights) as short_flights, sum(t_co2e_short_flights) as "
            "t_co2e_short_flights, sum(t_co2e_rail_alternative) as t_co2e_rail_alternative "
            "from marts.travel_indicators group by 1 order by 1"
        )
        return [*out, table(cols, rows)]
    cols, rows = wh.rows(
        "select reporting_year, headcount, trips, trips_per_capita, t_co2e_travel, "
        "t_co2e_travel_per_capita, premium_cabin_share, flights, rail_viable_km, short_flights, "
        "t_co2e_short_flights, t_co2e_rail_alternative, top_city_pair "
        "from marts.travel_indicators where org_code = ? order by 1",
        [org],
    )
    out.append(table(cols, rows))
    if rows:
        out.append(
            charts.stacked_bars(
                "Travel t CO2e per capita",
                [str(r[0]) for r in rows],
                {"t CO2e per capita": [r[5] or 0.0 for r in rows]},
                unit="t CO2e / person",
            )
        )
    if wh.has("marts.travel_city_pairs"):
        cols, rows = wh.rows(
            "select reporting_year, pair_rank, city_pair, flights, avg_distance_km, t_co2e "
            "from marts.travel_city_pairs where org_code = ? and pair_rank <= 5 "
            "and reporting_year = (select max(reporting_year) from marts.travel_city_pairs "
            "where org_code = ?) order by 2",
            [org, org],
        )
        out.append("<h3>Top city pairs (latest year)</h3>" + table(cols, rows))
    return out


def quality_section(wh: Warehouse, org: str | None) -> list[str]:
    out = ["<h2>Completeness and data quality</h2>"]
    where, params = ("where org_code = ?", [org]) if org else ("", [])
    cols, rows = wh.rows(
        "select domain, status, count(*) as files, sum(rows_in) as rows_in, "
        "sum(rows_loaded) as rows_loaded, sum(rows_quarantined) as rows_quarantined "
        f"from ops.file_manifest {where} group by all order by 1, 2",
        params,
    )
    out.append("<h3>Files</h3>" + table(cols, rows))
    cols, rows = wh.rows(
        f"select column_name, reason, count(*) as rows from ops.quarantine {where} "
        "group by all order by 3 desc, 1, 2 limit 15",
        params,
    )
    out.append("<h3>Quarantine: most frequent reasons</h3>" + table(cols, rows, "Nothing."))
    cols, rows = wh.rows(
        "select reporting_year, domain, unmapped_reason, count(*) as activities "
        f"from marts.fct_emissions where factor_status = 'unmapped' "
        f"{'and org_code = ?' if org else ''} group by all order by 1, 4 desc limit 20",
        params,
    )
    out.append("<h3>Activities without a factor (not in the totals)</h3>" + table(cols, rows))
    cols, rows = wh.rows(
        "select reporting_year, data_quality, count(*) as activities, "
        "sum(kg_co2e) / 1000 as t_co2e from marts.fct_emissions "
        f"{where} group by all order by 1, 2",
        params,
    )
    out.append("<h3>Data quality (1 best .. 5 worst)</h3>" + table(cols, rows))
    if wh.has("marts.org_completeness"):
        out.append("<h3>Completeness by domain</h3>" + generic(wh, "marts.org_completeness", org))
    return out


def generic(wh: Warehouse, name: str, org: str | None) -> str:
    """A mart another domain owns, shown as it is (filtered to the organization if it can)."""
    columns = wh.columns(name)
    where, params = ("", [])
    if org and "org_code" in columns:
        where, params = "where org_code = ?", [org]
    order = ", ".join(c for c in ("org_code", "reporting_year") if c in columns) or "1"
    cols, rows = wh.rows(f"select * from {name} {where} order by {order} limit 200", params)
    return table(cols, rows)


def procurement_section(wh: Warehouse, org: str | None) -> list[str]:
    """Procurement marts (annual per organization, system-wide rollup) when they exist."""
    shown = sorted(
        t
        for t in wh.tables
        if t.startswith("marts.") and "procurement" in t and not t.startswith("marts.fct_")
    )
    if org:
        shown = [t for t in shown if "org_code" in wh.columns(t)]
    if not shown:
        return []
    out = ["<h2>Procurement and sustainable procurement</h2>"]
    for name in shown:
        out.append(f"<h3>{escape(name)}</h3>" + generic(wh, name, org))
    return out


def offsets_section(wh: Warehouse, org: str | None) -> list[str]:
    if not wh.has("marts.offset_requirements"):
        return []
    out = ["<h2>Offsets (pooled purchases)</h2>"]
    where, params = ("where org_code = ?", [org]) if org else ("", [])
    cols, rows = wh.rows(
        "select reporting_year, " + ("" if org else "org_code, ") + "t_to_offset, "
        "credits_required, credits_allocated, t_uncovered, cost_usd, pool_covers_demand "
        f"from marts.offset_requirements {where} order by 1, 2",
        params,
    )
    out.append(table(cols, rows))
    cols, rows = wh.rows(
        "select reporting_year, allocation_status, project, standard, vintage, serial_prefix, "
        "serial_start, serial_end, tonnes, cost_usd "
        f"from marts.offset_allocations {where} order by 1, 2, 6, 7",
        params,
    )
    if org is None:
        cols, rows = wh.rows(
            "select reporting_year, allocation_status, sum(tonnes) as tonnes, "
            "sum(cost_usd) as cost_usd, count(*) as serial_runs from marts.offset_allocations "
            "group by all order by 1, 2"
        )
    out.append("<h3>Credits and serial ranges</h3>" + table(cols, rows, "No credits."))
    return out


def stories_table(wh: Warehouse) -> str | None:
    found = sorted(t for t in wh.tables if "stories" in t.split(".")[1])
    return found[0] if found else None


def stories_section(wh: Warehouse, org: str | None) -> list[str]:
    out = ["<h2>Success stories</h2>"]
    name = stories_table(wh)
    if name is None:
        return [*out, '<p class="note">No success stories yet.</p>']
    columns = wh.columns(name)
    if org and "org_code" in columns:
        _, rows = wh.rows(f"select * from {name} where org_code = ?", [org])
    else:
        _, rows = wh.rows(f"select * from {name}")
    if not rows:
        return [*out, '<p class="note">No success stories yet.</p>']
    items = []
    for row in rows:
        record = dict(zip(columns, row, strict=True))
        title = record.get("title") or record.get("name") or ""
        text = " · ".join(
            f"{escape(k)}: {escape(str(v))}"
            for k, v in record.items()
            if v is not None and k != "title"
        )
        items.append(f"<li><strong>{escape(str(title))}</strong> {text}</li>")
    return [*out, f"<ul>{''.join(items)}</ul>"]


def held_section(wh: Warehouse, prov: Provenance, org: str | None) -> list[str]:
    """Organizations the last run held: their figures are those of an earlier publication."""
    if not wh.has("ops.org_publication"):
        return []
    where = "and org_code = ?" if org else ""
    _, rows = wh.rows(
        "select org_code, reason from ops.org_publication where run_id = ? "
        f"and status = 'held' and org_code <> '_system' {where} order by 1",
        [prov.run_id, org] if org else [prov.run_id],
    )
    if not rows:
        return []
    items = "".join(
        f"<li><strong>{escape(code)}</strong>: {escape(str(reason))}</li>" for code, reason in rows
    )
    return [
        '<div class="held"><h2>Held in the latest run</h2><p>A blocking check failed on '
        "these organizations' new data: the figures shown for them are those of their last "
        f"publication, until the data is corrected.</p><ul>{items}</ul></div>"
    ]


class Links:
    """Where pages point: files in the static export; the web application overrides these
    with its routes."""

    index = "index.html"
    methodology: str | None = None

    def org(self, code: str) -> str:
        return org_filename(code)


def index_body(wh: Warehouse, orgs: list[tuple], links: Links) -> list[str]:
    cols, rows = wh.rows(
        "select t.org_code, o.name, t.reporting_year, t.t_co2e as core_t_co2e, "
        "t.t_co2e_low, t.t_co2e_high, h.headcount, t.t_co2e / h.headcount as t_co2e_per_capita, "
        "t.unmapped_rows from marts.org_totals_annual as t "
        "left join (select org_code, reporting_year, max(headcount) as headcount "
        "from marts.org_emissions_annual group by all) as h using (org_code, reporting_year) "
        "left join ops.organizations as o using (org_code) "
        "where t.boundary = 'core' and t.is_headline_year order by 1"
    )
    links = "".join(
        f'<li><a href="{escape(links.org(code))}">{escape(code)}</a> {escape(name)}</li>'
        for code, name in orgs
    )
    return [
        *held_section(wh, provenance(wh), None),
        "<h2>Organizations (latest complete year, core boundary)</h2>",
        table(cols, rows, "No organization has a complete year yet."),
        '<p class="meta">t_co2e_low .. t_co2e_high: the 95 % range of the total, from each '
        "row's activity and factor uncertainty for its data quality (methodology, section 13)."
        "</p>",
        f"<ul>{links}</ul>",
        *years_section(wh, None),
        *emissions_section(wh, None),
        *progress_section(wh, None),
        *restatement_section(wh, None),
        *travel_section(wh, None),
        *procurement_section(wh, None),
        *offsets_section(wh, None),
        *quality_section(wh, None),
        *stories_section(wh, None),
    ]


def organizations(wh: Warehouse) -> list[tuple[str, str]]:
    return wh.rows("select org_code, name from ops.organizations order by org_code")[1]


def nav_html(links: Links, orgs: list[tuple[str, str]]) -> str:
    return f'<a href="{escape(links.index)}">System-wide</a>' + "".join(
        f'<a href="{escape(links.org(c))}">{escape(c)}</a>' for c, _ in orgs
    )


def overview_html(wh: Warehouse, links: Links, nav: str | None = None) -> str:
    """The system-wide page as a whole HTML document."""
    orgs = organizations(wh)
    return page(
        "UN system greenhouse-gas progress report",
        provenance(wh),
        index_body(wh, orgs, links),
        nav_html(links, orgs) if nav is None else nav,
    )


def org_html(wh: Warehouse, code: str, links: Links, nav: str | None = None) -> str:
    """One organization's page as a whole HTML document; LookupError for an unknown code."""
    orgs = organizations(wh)
    names = dict(orgs)
    if code not in names:
        raise LookupError(f"no organization {code!r} in the served warehouse")
    prov = provenance(wh)
    body = [
        *held_section(wh, prov, code),
        *years_section(wh, code),
        *emissions_section(wh, code),
        *progress_section(wh, code),
        *restatement_section(wh, code),
        *travel_section(wh, code),
        *procurement_section(wh, code),
        *offsets_section(wh, code),
        *quality_section(wh, code),
        *stories_section(wh, code),
        *management_section(wh, code),
    ]
    nav = nav_html(links, orgs) if nav is None else nav
    return page(f"{names[code]} ({code})", prov, body, nav)


def build(served: Path, out: Path) -> list[Path]:
    """Write index.html and one page per organization into `out`; returns the pages."""
    wh = Warehouse(served)
    try:
        links = Links()
        out.mkdir(parents=True, exist_ok=True)
        pages = [out / "index.html"]
        pages[0].write_text(overview_html(wh, links), encoding="utf-8")
        for code, _ in organizations(wh):
            path = out / org_filename(code)
            path.write_text(org_html(wh, code, links), encoding="utf-8")
            pages.append(path)
        return pages
    finally:
        wh.close()
