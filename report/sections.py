"""What the report's pages are made of: the read-only warehouse, sections with a contents
list, and the small pieces (rows of charts and tables, key-figure cards, notes) and queries
that the system page (`report.overview`) and the organization pages (`report.organization`)
share. Every text from data is HTML-escaped.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from pathlib import Path

import duckdb

from report.columns import Raw, table


@dataclass
class Provenance:
    run_id: str
    factor_set: str
    finished_at: str


class Warehouse:
    """Read-only queries against the served file, with the tables it holds and their
    columns (read once: a published file never changes)."""

    def __init__(self, path: Path) -> None:
        # a page runs some thirty small queries: one thread each is faster than several
        # taking turns on a busy machine
        self.con = duckdb.connect(str(path), read_only=True, config={"threads": 1})
        self.table_columns: dict[str, list[str]] = {}
        for schema, name, column in self.con.execute(
            "select table_schema, table_name, column_name from information_schema.columns "
            "order by table_schema, table_name, ordinal_position"
        ).fetchall():
            self.table_columns.setdefault(f"{schema}.{name}", []).append(column)
        self.tables = set(self.table_columns)
        self.bodies: dict[tuple, list[str]] = {}  # rendered pages of this file (report.site)

    def has(self, table: str) -> bool:
        return table in self.tables

    def rows(self, sql: str, params: list | None = None) -> tuple[list[str], list[tuple]]:
        cursor = self.con.execute(sql, params or [])
        return [d[0] for d in cursor.description], cursor.fetchall()

    def columns(self, table: str) -> list[str]:
        return list(self.table_columns.get(table, []))

    def close(self) -> None:
        self.con.close()


def provenance(wh: Warehouse) -> Provenance:
    rows = wh.con.execute(
        "select run_id, factor_set, finished_at from ops.runs where status = 'published' "
        "order by finished_at desc nulls last limit 1"
    ).fetchall()
    if not rows:
        raise ValueError("the served warehouse holds no published run: run `greenblue run` first")
    run_id, factor_set, finished = rows[0]
    return Provenance(str(run_id), str(factor_set), str(finished))


def org_filename(code: str) -> str:
    return "org-" + re.sub(r"[^A-Za-z0-9-]", "_", code) + ".html"


class Links:
    """Where pages point: files in the static export; the web application overrides these
    with its routes."""

    index = "index.html"
    methodology: str | None = None

    def org(self, code: str) -> str:
        return org_filename(code)


@dataclass
class Context:
    """What a section is drawn from: the warehouse, the organization (None on the system
    page), where links point, and the published run shown."""

    wh: Warehouse
    org: str | None
    links: Links
    prov: Provenance


@dataclass(frozen=True)
class Section:
    anchor: str  # the id a contents link jumps to
    title: str
    render: Callable[[Context], list[str]]  # HTML parts; none leaves the section out


def sections_html(ctx: Context, sections: Sequence[Section]) -> list[str]:
    """A contents list to jump from, then each section that has something to show."""
    shown = [(s, parts) for s in sections if (parts := s.render(ctx))]
    links = "".join(f'<a href="#{escape(s.anchor)}">{escape(s.title)}</a>' for s, _ in shown)
    return [
        f'<nav class="contents" aria-label="Contents"><strong>On this page:</strong>{links}</nav>',
        *(
            f'<section id="{escape(s.anchor)}"><h2>{escape(s.title)}</h2>{"".join(parts)}</section>'
            for s, parts in shown
        ),
    ]


# --- pieces -----------------------------------------------------------------------------------


def row(*parts: str) -> str:
    """Side by side on a wide screen, one under the other on a narrow one."""
    return '<div class="row">' + "".join(f"<div>{p}</div>" for p in parts if p) + "</div>"


def meta(text: str) -> str:
    """A note under a table; `text` is HTML."""
    return f'<p class="meta">{text}</p>'


def details(summary: str, body: str) -> str:
    """Closed until the reader opens it: detail that would make the page long."""
    return f"<details><summary>{escape(summary)}</summary>{body}</details>"


def without_empty(
    cols: list[str], rows: list[tuple], optional: set[str]
) -> tuple[list[str], list[tuple]]:
    """Leave out the `optional` columns that hold nothing in these rows."""
    keep = [
        i for i, c in enumerate(cols) if c not in optional or any(r[i] is not None for r in rows)
    ]
    return [cols[i] for i in keep], [tuple(r[i] for i in keep) for r in rows]


def figures(items: list[tuple[str, str, str | None]]) -> str:
    """Key figures as cards: (caption, value shown as HTML, exact value or None)."""
    return f'<div class="figures">{"".join(figure(*item) for item in items)}</div>'


def figure(caption: str, shown: str, exact: str | None) -> str:
    value = "" if exact is None else f' data-value="{escape(exact)}"'
    return f'<div class="figure"><span>{escape(caption)}</span><b{value}>{shown}</b></div>'


def org_link(links: Links, code: str) -> Raw:
    return Raw(f'<a href="{escape(links.org(code))}">{escape(code)}</a>')


def linked(links: Links, rows: list[tuple]) -> list[tuple]:
    """Rows whose first value is an organization code, with the code linking to its page."""
    return [(org_link(links, r[0]), *r[1:]) for r in rows]


def yes_no(value: bool | None, hint: str | None = None) -> str:
    """A yes / no cell, with a text on hover (why a year is partial)."""
    if value is None:
        return '<td class="n empty">–</td>'
    title = f' title="{escape(hint)}"' if hint else ""
    return f'<td class="{"ok" if value else "off"}"{title}>{"yes" if value else "no"}</td>'


def grid(head: str, body: list[str]) -> str:
    return (
        f'<div class="table"><table class="grid"><thead>{head}</thead>'
        f"<tbody>{''.join(body)}</tbody></table></div>"
    )


# --- queries both pages use -------------------------------------------------------------------


def headline_year(wh: Warehouse, org: str) -> int | None:
    """The organization's latest complete year (its headline), else None."""
    if not wh.has("marts.org_reporting_years"):
        sql = "select max(reporting_year) from marts.org_emissions_annual where org_code = ?"
    else:
        sql = (
            "select max(reporting_year) from marts.org_reporting_years "
            "where org_code = ? and is_headline_year"
        )
    return wh.rows(sql, [org])[1][0][0]


def complete_years(wh: Warehouse) -> str:
    """SQL for the (org_code, reporting_year) pairs that are complete."""
    if wh.has("marts.org_reporting_years"):
        return "select org_code, reporting_year from marts.org_reporting_years where is_complete"
    return "select distinct org_code, reporting_year from marts.org_emissions_annual"


def reporting_years_join(wh: Warehouse) -> str:
    """A join giving `y.is_complete` and `y.partial_domains` (null without the mart)."""
    if wh.has("marts.org_reporting_years"):
        return "left join marts.org_reporting_years as y using (org_code, reporting_year)"
    return (
        "left join (select null::varchar as org_code, null::integer as reporting_year, "
        "null::boolean as is_complete, null::varchar as partial_domains) as y "
        "using (org_code, reporting_year)"
    )


def scope_trend(wh: Warehouse, org: str | None) -> tuple[list[int], dict[str, list], dict]:
    """Core t CO2e by complete year and scope: (years, series by scope, organizations per
    year). A partial year would read as a steep cut, so the charts leave it out."""
    where, params = ("and org_code = ?", [org]) if org else ("", [])
    _, found = wh.rows(
        "select reporting_year, scope, sum(t_co2e), count(distinct org_code) "
        "from marts.org_emissions_annual where boundary = 'core' "
        f"and (org_code, reporting_year) in ({complete_years(wh)}) {where} "
        "group by 1, 2 order by 1, 2",
        params,
    )
    years = sorted({r[0] for r in found})
    scopes = sorted({r[1] for r in found})
    values = {(r[0], r[1]): r[2] or 0.0 for r in found}
    series = {f"scope {s}": [values.get((y, s), 0.0) for y in years] for s in scopes}
    orgs: dict[int, int] = {}
    for year, _, _, count in found:
        orgs[year] = max(orgs.get(year, 0), count)
    return years, series, orgs


def select_present(
    wh: Warehouse, name: str, wanted: list[str], where: str = "", params: list | None = None
) -> tuple[list[str], list[tuple]]:
    """The wanted columns that the mart has, in the wanted order, by year."""
    present = set(wh.columns(name))
    cols = [c for c in wanted if c in present]
    order = "reporting_year" if "reporting_year" in present else "1"
    return wh.rows(f"select {', '.join(cols)} from {name} {where} order by {order}", params)


# Columns both procurement tables show, between the year (and, system-wide, the count of
# organizations) and what only one of them has.
PROCUREMENT_COLUMNS = [
    "spend_usd",
    "lines",
    "suppliers",
    "share_spend_guideline",
    "share_spend_criteria",
    "t_co2e_spend_based",
]


def procurement_parts(
    wh: Warehouse, name: str, wanted: list[str], where: str = "", params: list | None = None
) -> list[str]:
    """A procurement mart's table with the note on how spend and shares are computed."""
    if not wh.has(name):
        return []
    cols, found = select_present(wh, name, wanted, where, params)
    return [table(cols, found, "No procurement data."), PROCUREMENT_NOTE]


def held_banner(ctx: Context) -> list[str]:
    """Organizations the last run held: their figures are those of an earlier publication."""
    wh, org = ctx.wh, ctx.org
    if not wh.has("ops.org_publication"):
        return []
    where = "and org_code = ?" if org else ""
    _, found = wh.rows(
        "select org_code, reason from ops.org_publication where run_id = ? "
        f"and status = 'held' and org_code <> '_system' {where} order by 1",
        [ctx.prov.run_id, org] if org else [ctx.prov.run_id],
    )
    if not found:
        return []
    items = "".join(
        f"<li><strong>{escape(code)}</strong>: {escape(str(reason))}</li>" for code, reason in found
    )
    return [
        '<div class="held"><h2>Held in the latest run</h2><p>A blocking check failed on '
        "these organizations' new data: the figures shown for them are those of their last "
        f"publication, until the data is corrected.</p><ul>{items}</ul></div>"
    ]


def files_by_domain(wh: Warehouse, org: str | None) -> str:
    """Files per domain and status, with the rows they held."""
    where, params = ("where org_code = ?", [org]) if org else ("", [])
    _, found = wh.rows(
        "select domain, status, count(*), sum(rows_loaded), sum(rows_quarantined) "
        f"from ops.file_manifest {where} group by all order by 1, 2",
        params,
    )
    statuses = sorted({r[1] for r in found})
    pivot: dict[str, dict] = {}
    for domain, status, files, loaded, quarantined in found:
        entry = pivot.setdefault(domain, {"rows_loaded": 0, "rows_quarantined": 0})
        entry[status] = files
        entry["rows_loaded"] += loaded or 0
        entry["rows_quarantined"] += quarantined or 0
    cols = ["domain", *(f"files_{s}" for s in statuses), "rows_loaded", "rows_quarantined"]
    rows = [
        (d, *(e.get(s, 0) for s in statuses), e["rows_loaded"], e["rows_quarantined"])
        for d, e in pivot.items()
    ]
    return table(cols, rows, "No file received yet.")


PROCUREMENT_NOTE = meta(
    "Spend in USD at the ECB rate of the order date. Shares are of the year's spend: under a "
    "sustainable-procurement guideline, and with sustainability criteria in the order. "
    "Spend-based t CO2e is reported beside the core boundary, not in it."
)
