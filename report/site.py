"""`greenblue report`: a static HTML site from the served warehouse, opened read-only.

One system-wide page (`report.overview`) and one page per organization
(`report.organization`); the web application serves the same pages live through
`overview_html` and `org_html`, and renders its own pages with `page()` and `table()`.
Each page is a list of sections under a contents list a reader can jump from; a section
whose marts do not exist in this warehouse is left out, so the report works whichever
domains are loaded. Tables show mart values rounded for reading, the exact value in
`data-value` (`report.columns`); charts are inline SVG (`report.charts`). Every text from
data is HTML-escaped. A page depends on the published run only, so rebuilding it gives the
same bytes.
"""

from collections.abc import Sequence
from html import escape
from pathlib import Path

from report import lessons, organization, overview
from report.columns import Hint, Raw, cell, label, table
from report.sections import (
    Context,
    Links,
    Provenance,
    Section,
    Warehouse,
    held_banner,
    org_filename,
    provenance,
    sections_html,
)

__all__ = [
    "Hint",
    "Links",
    "Provenance",
    "Raw",
    "Section",
    "Warehouse",
    "build",
    "cell",
    "label",
    "nav_html",
    "org_filename",
    "org_html",
    "organizations",
    "overview_html",
    "page",
    "provenance",
    "table",
]

CSS = """
body{font-family:system-ui,Segoe UI,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1180px;
color:#1d2b36;padding:.8rem 1.5rem 2rem;line-height:1.4}
h1{color:#1f6f8b;font-size:1.6rem;margin:.6rem 0 .2rem}
h2{border-bottom:2px solid #1f6f8b;padding-bottom:.15rem;margin:1.6rem 0 .5rem;font-size:1.25rem}
h3{font-size:1rem;margin:.9rem 0 .3rem}section{scroll-margin-top:.5rem}
nav.site a{margin-right:.8rem}
nav.contents{display:flex;flex-wrap:wrap;gap:.2rem 1.1rem;background:#f6f8fa;
padding:.4rem .8rem;border-radius:4px;font-size:.9rem;margin:.6rem 0}
.table{max-width:100%;overflow-x:auto}
table{border-collapse:collapse;margin:.3rem 0;font-size:.85rem}
th,td{border:1px solid #d5dde2;padding:.2rem .45rem;vertical-align:top}
th{background:#eef3f6;text-align:left;font-weight:600}th.n,td.n{text-align:right}
td.n{font-variant-numeric:tabular-nums;white-space:nowrap}td.empty{color:#99a8b2}
td[title]{cursor:help;text-decoration:underline dotted #99a8b2}
.meta{color:#555;font-size:.85rem;margin:.3rem 0}
.ok{color:#2e7d32;font-weight:600}.off{color:#b71c1c;font-weight:600}
.note{background:#f6f8fa;border-left:4px solid #99a8b2;padding:.4rem .8rem}
.held{background:#fff4e5;border-left:4px solid #e65100;padding:.2rem .8rem;margin-top:1rem}
.row{display:grid;grid-template-columns:repeat(auto-fit,minmax(440px,1fr));gap:.4rem 1.5rem;
align-items:start}
svg.chart{display:block;width:100%;max-width:560px;height:auto}
.figures{display:flex;flex-wrap:wrap;gap:.6rem;margin:.4rem 0}
.figure{border:1px solid #d5dde2;border-radius:4px;padding:.35rem .8rem;min-width:8rem}
.figure b{display:block;font-size:1.25rem;white-space:nowrap}.figure>span{font-size:.8rem;
color:#555}.figure i{font-size:.85rem;font-style:normal}
details{margin:.4rem 0}summary{cursor:pointer}
table.grid td{text-align:center;padding:.15rem .3rem;min-width:1.6rem}
td.full{background:#dcefe0}td.some{background:#fff1cc}td.none{background:#f8dcdc}
ul.stories{padding-left:1.2rem}ul.stories li{margin:.3rem 0}
ul.folded{list-style:none;padding-left:0}ul.folded li{margin:.15rem 0}
"""


def page(title: str, prov: Provenance, body: list[str], nav: str) -> str:
    """A whole HTML document: navigation, title, provenance, then the body parts."""
    meta = (
        f'<p class="meta">Factor set <strong>{escape(prov.factor_set)}</strong> · run '
        f"<code>{escape(prov.run_id)}</code> published {escape(prov.finished_at[:16])} UTC</p>"
    )
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{CSS}</style></head><body>"
        f'<nav class="site">{nav}</nav><h1>{escape(title)}</h1>{meta}{"".join(body)}'
        f"<hr>{meta}</body></html>"
    )


def organizations(wh: Warehouse) -> list[tuple[str, str]]:
    return wh.rows("select org_code, name from ops.organizations order by org_code")[1]


def nav_html(links: Links, orgs: list[tuple[str, str]]) -> str:
    method = f'<a href="{escape(links.methodology)}">Methodology</a>' if links.methodology else ""
    return (
        f'<a href="{escape(links.index)}">System-wide</a>'
        + "".join(f'<a href="{escape(links.org(c))}">{escape(c)}</a>' for c, _ in orgs)
        + method
    )


def overview_html(
    wh: Warehouse,
    links: Links,
    nav: str | None = None,
    sections: Sequence[Section] = overview.SECTIONS,
) -> str:
    """The system-wide page as a whole HTML document."""
    orgs = organizations(wh)
    prov = provenance(wh)
    return page(
        "UN system greenhouse-gas progress report",
        prov,
        body(Context(wh, None, links, prov), sections, orgs),
        nav_html(links, orgs) if nav is None else nav,
    )


def org_html(
    wh: Warehouse,
    code: str,
    links: Links,
    nav: str | None = None,
    sections: Sequence[Section] = organization.SECTIONS,
) -> str:
    """One organization's page as a whole HTML document; LookupError for an unknown code.
    `sections` lists what the page shows, in order: pass a longer list to extend it."""
    orgs = organizations(wh)
    names = dict(orgs)
    if code not in names:
        raise LookupError(f"no organization {code!r} in the served warehouse")
    prov = provenance(wh)
    return page(
        f"{names[code]} ({code})",
        prov,
        body(Context(wh, code, links, prov), sections, orgs),
        nav_html(links, orgs) if nav is None else nav,
    )


def body(ctx: Context, sections: Sequence[Section], orgs: list[tuple[str, str]]) -> list[str]:
    """The held banner and the sections, rendered once per open warehouse: a published file
    never changes, so a page's body depends only on the page, its sections and where its
    links to organizations point."""
    key = (ctx.org, tuple(sections), tuple(ctx.links.org(code) for code, _ in orgs))
    if key not in ctx.wh.bodies:
        ctx.wh.bodies[key] = [*held_banner(ctx), *sections_html(ctx, sections)]
    return ctx.wh.bodies[key]


def warm(wh: Warehouse, links: Links | None = None) -> None:
    """Render every page once, so its charts and body are cached: a web application calls
    this when it opens the served file (at start, and when a new run is served), and no
    reader waits for a first rendering."""
    links = links or Links()
    overview_html(wh, links)
    for code, _ in organizations(wh):
        org_html(wh, code, links)


def build(served: Path, out: Path) -> list[Path]:
    """Write index.html, one page per organization and the training lessons
    (`training/`) into `out`; returns the system and organization pages."""
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
        lessons.write_pages(out / "training", CSS)
        return pages
    finally:
        wh.close()
