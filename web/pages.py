"""The application's own pages: sign-in, upload, methodology, errors (submissions are in
`web.submissions`).

Each function returns body parts for `html.web_page`; every text from data goes through
`escape`, `cut` or the report's `table`.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from markdown_it import MarkdownIt

from connectors.dialects import DOMAINS
from pipelines.settings import FACTORS_DIR
from report import site
from report.sections import Context, Section, sections_html
from web.fixes import what_to_fix
from web.html import cut, hidden, link, note
from web.submissions import in_folder
from web.uploads import SHOWN_QUARANTINE, Preview, Staged

METHODOLOGY = FACTORS_DIR / "METHODOLOGY.md"


@dataclass
class Form:
    """What a form needs: the session's CSRF token, and an error to show."""

    csrf: str
    error: str | None = None


def upload_link(code: str) -> str:
    return f'<p class="actions">{link(f"/org/{code}/upload", "Upload a file")}</p>'


# sign-in, upload


def login_body(form: Form, next_url: str, username: str = "") -> list[str]:
    error = note(form.error, "error") if form.error else ""
    return [
        error,
        '<form class="box" method="post" action="/login">',
        hidden("csrf_token", form.csrf),
        hidden("next", next_url),
        '<label for="username">Username</label>',
        f'<input type="text" id="username" name="username" value="{escape(username)}" '
        'autocomplete="username" required autofocus>',
        '<label for="password">Password</label>',
        '<input type="password" id="password" name="password" autocomplete="current-password" '
        "required>",
        '<button class="primary" type="submit">Sign in</button></form>',
        '<p class="meta">Accounts are made by the secretariat (<code>greenblue users add</code>).'
        "</p>",
    ]


def logout_body(csrf: str) -> list[str]:
    return [
        f'<form class="box" method="post" action="/logout">{hidden("csrf_token", csrf)}'
        '<button class="primary" type="submit">Sign out</button></form>'
    ]


def upload_body(code: str, form: Form, current: list[str], max_mb: int) -> list[str]:
    domains = "".join(f'<option value="{d}">{d}</option>' for d in DOMAINS)
    replace = '<option value="">No: a new file</option>' + "".join(
        f'<option value="{escape(f)}">{escape(f)}</option>' for f in current
    )
    return [
        note(form.error, "error") if form.error else "",
        "<p>Send an export as your system produced it. It is read at once, and you see what "
        "the next run would load and which rows it would quarantine, with the reasons, "
        "<strong>before</strong> anything is kept. Only when you confirm is it written to "
        f"the landing folder (<code>{escape(code)}/&lt;domain&gt;/</code>), where the next run "
        "reads it.</p>",
        f'<form class="box" method="post" action="/org/{escape(code)}/upload" '
        'enctype="multipart/form-data">',
        hidden("csrf_token", form.csrf),
        f'<label for="file">File (.csv, .txt, .xlsx or .json, at most {max_mb} MB)</label>',
        '<input type="file" id="file" name="file" required>',
        '<label for="domain">Domain</label>',
        f'<select id="domain" name="domain">{domains}</select>',
        '<label for="replace">Does it correct a file sent before?</label>',
        f'<select id="replace" name="replace">{replace}</select>',
        '<p class="meta">A correction replaces that file (same name and domain): its old rows '
        "leave every figure. A new file gets a name of its own.</p>",
        '<button class="primary" type="submit">Check the file</button></form>',
    ]


def preview_body(staged: Staged, pv: Preview, csrf: str, duplicate_of: str | None) -> list[str]:
    code = escape(staged.org_code)
    target = staged.replace or f"{staged.domain}/{staged.name}"
    verdict = (
        f"{pv.rows_loaded:,} rows would load and {pv.quarantined_rows:,} would be quarantined."
    )
    warnings = list(pv.warnings)
    if duplicate_of:
        warnings.append(
            f"The same content is already loaded as {in_folder(duplicate_of, staged.org_code)}:"
            " it would count once (duplicate)."
        )
    tables = [
        (
            t.name,
            t.rows_in,
            t.rows_loaded,
            t.rows_quarantined,
            t.rows_skipped,
            cut(", ".join(t.personal) or "none", 60),
        )
        for t in pv.tables
    ]
    out = [
        f'<p class="{"error" if pv.quarantined_rows else "good"}">{escape(verdict)} Nothing is '
        "kept until you confirm.</p>",
        *(note(w, "error") for w in warnings),
        f"<p>File <strong>{escape(staged.name)}</strong> ({staged.size:,} bytes) read as "
        f"<strong>{escape(pv.dialect)}</strong>: {escape(pv.description)}</p>",
        f'<p class="meta">It would be written as <code>{escape(staged.org_code)}/'
        f"{escape(target)}</code>"
        + (" (replacing that file)" if staged.replace else "")
        + ". Structural rows (titles, headers, totals, blank lines) are skipped, never "
        "quarantined.</p>",
        site.table(
            [
                "Table",
                "Rows in file",
                "Rows that would load",
                "Rows that would be quarantined",
                "Structural rows skipped",
                "Personal columns",
            ],
            tables,
        ),
        "<h2>Rows that would be quarantined</h2>",
        quarantine_preview(pv),
        "<h2>First rows that would load</h2>",
        '<p class="meta">Personal columns are masked (***): the warehouse keeps only keyed '
        "pseudonyms of them, or drops them.</p>",
        *(
            f"<h3>{escape(t.name)}</h3>"
            + site.table(t.columns, [tuple(cut(v, 30) for v in r) for r in t.sample])
            for t in pv.tables
        ),
        '<div class="actions">',
        f'<form method="post" action="/org/{code}/upload/{escape(staged.token)}/confirm">'
        f'{hidden("csrf_token", csrf)}<button class="primary" type="submit">'
        "Confirm: put it in the landing folder</button></form>",
        f'<form method="post" action="/org/{code}/upload/{escape(staged.token)}/cancel">'
        f'{hidden("csrf_token", csrf)}<button class="plain" type="submit">Cancel</button>'
        "</form></div>",
        '<p class="meta">Not confirmed within an hour, the upload is discarded.</p>',
    ]
    return out


def quarantine_preview(pv: Preview) -> str:
    rows = [
        (
            cut(sheet or "", 14),
            str(row),
            cut(column, 20),
            cut(value, 24),
            cut(reason, 60),
            cut(what_to_fix(reason, column), 60),
        )
        for sheet, row, column, value, reason in pv.quarantine[:SHOWN_QUARANTINE]
    ]
    more = len(pv.quarantine) - len(rows)
    extra = f'<p class="meta">and {more:,} more.</p>' if more > 0 else ""
    return (
        site.table(
            ["Sheet", "Row", "Column", "Value", "Reason", "What to fix"],
            rows,
            "None: every data row would load.",
        )
        + extra
    )


def rejected_body(code: str, name: str, message: str) -> list[str]:
    return [
        f'<p class="error">{escape(name)} cannot be read, so it was not kept: '
        f"{escape(message)}</p>",
        f"<p>{link(f'/org/{code}/upload', 'Upload another file')}</p>",
    ]


def written_body(code: str, written: str, replaced: bool) -> list[str]:
    what = "It replaces the earlier file of that name. " if replaced else ""
    return [
        f'<p class="good">Written to the landing folder as <code>{escape(written)}</code>. '
        f"{what}The next run reads it (a run starts when new files land, or at the nightly "
        "schedule); its rows and any quarantined ones then appear under submissions.</p>",
        f"<p>{link(f'/org/{code}/submissions', 'Submissions')} · "
        f"{link(f'/org/{code}/upload', 'Upload another file')}</p>",
    ]


# methodology


def methodology_body(wh: site.Warehouse, links: site.Links) -> list[str]:
    ctx = Context(wh, None, links, site.provenance(wh))
    return sections_html(ctx, METHODOLOGY_SECTIONS)


def factor_sets_section(ctx: Context) -> list[str]:
    in_use = ctx.prov.factor_set
    _, sets = ctx.wh.rows(
        "select factor_set, published_on, description from factors.factor_sets order by 2, 1"
    )
    rows = [
        (name, str(published), "yes" if name == in_use else "", description)
        for name, published, description in sets
    ]
    return [
        f"<p>The published figures are computed with <strong>{escape(in_use)}</strong>.</p>",
        site.table(["Factor set", "Published", "In use", "Description"], rows),
    ]


def sources_section(ctx: Context) -> list[str]:
    _, sources = ctx.wh.rows(
        "select source, source_edition, count(*) from factors.emission_factors "
        "group by all order by 3 desc, 1, 2"
    )
    out = [site.table(["Source", "Edition", "Factors"], sources)]
    if ctx.wh.has("reference.sources"):
        _, refs = ctx.wh.rows("select dataset, source from reference.sources order by 1")
        out += ["<h3>Reference data</h3>", site.table(["Data set", "Source"], refs)]
    return out


def method_section(ctx: Context) -> list[str]:
    contents, text = methodology_html(METHODOLOGY, METHODOLOGY.stat().st_mtime_ns)
    return [contents, text]


METHODOLOGY_SECTIONS = (
    Section("factor-sets", "Factor sets", factor_sets_section),
    Section("sources", "Sources of the factors in use", sources_section),
    Section("method", "Methodology", method_section),
)


@lru_cache(maxsize=2)
def methodology_html(path: Path, mtime_ns: int) -> tuple[str, str]:
    """The methodology text as HTML (raw HTML in it is escaped) with a list of its sections."""
    md = MarkdownIt("commonmark", {"html": False}).enable("table")
    body = md.render(path.read_text(encoding="utf-8"))
    # one level down: the page's title is the only h1
    body = re.sub(r"<(/?)h([1-5])>", lambda m: f"<{m[1]}h{int(m[2]) + 1}>", body)
    sections = []

    def anchor(match: re.Match) -> str:
        slug = f"m-{len(sections) + 1}"
        sections.append((slug, re.sub(r"<[^>]+>", "", match[1])))
        return f'<h3 id="{slug}">{match[1]}</h3>'

    body = re.sub(r"<h3>(.*?)</h3>", anchor, body)
    items = "".join(f'<li><a href="#{slug}">{title}</a></li>' for slug, title in sections)
    return f'<ul class="folded">{items}</ul>', body


def error_body(message: str) -> list[str]:
    return [note(message, "error"), f"<p>{link('/', 'Back to the overview')}</p>"]
