"""The application's own pages: sign-in, submissions, upload, methodology, errors.

Each function returns body parts for `html.web_page`; every text from data goes through
`escape`, `cut` or the report's `table`. Years and row numbers are given as text, so no
thousands separator ever splits them.
"""

import re
from dataclasses import dataclass
from functools import lru_cache
from html import escape
from pathlib import Path

from markdown_it import MarkdownIt

from connectors.registry import DOMAINS
from pipelines.settings import FACTORS_DIR
from report import site
from web.fixes import what_to_fix
from web.html import Html, breakable, cut, hidden, link, note, table_html
from web.uploads import SHOWN_QUARANTINE, Preview, Staged

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
SHOWN_QUARANTINED_ROWS = 500
METHODOLOGY = FACTORS_DIR / "METHODOLOGY.md"

ATTENTION = ("waiting", "rejected", "pending")
DOMAIN_COLUMNS = [
    "Domain",
    "Files",
    "Loaded",
    "Duplicate",
    "Superseded",
    "Waiting or rejected",
    "Rows loaded",
    "Rows quarantined",
    "Last received (UTC)",
]
FILE_COLUMNS = [
    "Received (UTC)",
    "File",
    "Format (dialect)",
    "Status",
    "Rows loaded",
    "Rows quarantined",
    "Rows skipped",
    "Message",
]
FILE_DOWNLOAD_COLUMNS = [
    "Received (UTC)",
    "Domain",
    "File (path in landing)",
    "Format (dialect)",
    "Status",
    "Rows in file",
    "Rows loaded",
    "Rows quarantined",
    "Rows skipped (structural)",
    "Loaded (UTC)",
    "Size (bytes)",
    "SHA-256",
    "Message",
]
QUARANTINE_COLUMNS = ["File", "Sheet", "Row", "Column", "Value", "Reason", "What to fix"]
STATUS_NOTE = (
    "loaded: read, its rows count · duplicate: the same content as an earlier file, counted "
    "once · superseded: replaced by a newer version under the same name · waiting: not read "
    "yet for a reason that may pass (the message says which) · rejected: not readable, the "
    "message says why · pending: read by the run in progress. Open a domain for its files; "
    "hover a loaded file's status for how it was read. Rows skipped are structural rows "
    "(titles, headers, totals, blank lines), never data."
)


@dataclass
class Form:
    """What a form needs: the session's CSRF token, and an error to show."""

    csrf: str
    error: str | None = None


def when(value: object) -> str:
    return "" if value is None else str(value)[:16]


def files(wh: site.Warehouse, code: str) -> list[tuple]:
    """Every file received for the organization, newest first (download columns)."""
    _, rows = wh.rows(
        "select first_seen_at, domain, relative_path, dialect, status, rows_in, rows_loaded, "
        "rows_quarantined, rows_skipped, loaded_at, size_bytes, sha256, message "
        "from ops.file_manifest where org_code = ? order by first_seen_at desc, relative_path",
        [code],
    )
    return rows


def quarantined(wh: site.Warehouse, code: str) -> list[tuple]:
    """Quarantined rows of the organization's current files, with what to fix."""
    _, rows = wh.rows(
        "select m.relative_path, q.sheet, q.source_row, q.column_name, q.value, q.reason "
        "from ops.quarantine as q join ops.file_manifest as m on m.file_id = q.file_id "
        "where m.org_code = ? and m.status = 'loaded' "
        "order by m.relative_path, q.sheet, q.source_row, q.column_name",
        [code],
    )
    return [(*r, what_to_fix(r[5], r[3])) for r in rows]


def in_folder(relative_path: str, code: str) -> str:
    """`UNEP/travel/x.csv` as the focal point knows it: `travel/x.csv`."""
    prefix = f"{code}/"
    return relative_path[len(prefix) :] if relative_path.startswith(prefix) else relative_path


def upload_link(code: str) -> str:
    return f'<p class="actions">{link(f"/org/{code}/upload", "Upload a file")}</p>'


def submissions_body(wh: site.Warehouse, code: str) -> list[str]:
    rows = files(wh, code)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[4]] = counts.get(r[4], 0) + 1
    summary = ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items()))
    downloads = " · ".join(
        link(f"/org/{code}/download/{what}.{fmt}", f"{label} ({fmt.upper()})")
        for what, label in (("files", "files"), ("quarantine", "quarantined rows"))
        for fmt in ("csv", "xlsx")
    )
    attention = [r for r in rows if r[4] in ATTENTION]
    return [
        '<nav aria-label="sections"><a href="#files">Files</a><a href="#completeness">'
        'Completeness</a><a href="#quarantine">Quarantined rows</a></nav>',
        f'<p class="meta">Download: {downloads}</p>',
        '<h2 id="files">Files received</h2>',
        f'<p class="meta">{len(rows):,} files{": " + escape(summary) if rows else ""}. '
        f"{escape(STATUS_NOTE)}</p>",
        table_html(DOMAIN_COLUMNS, domain_summary(rows), "No file received yet."),
        "<h3>Not loaded yet: waiting or rejected</h3>",
        table_html(
            ["Received (UTC)", "Domain", "File", "Status", "Message"],
            [
                (received(r[0]), r[1], cut(Path(r[2]).name, 40), r[4], cut(r[12], 90))
                for r in attention
            ],
            "None: every file was read.",
        ),
        *(domain_files(domain, listed) for domain, listed in by_domain(rows).items()),
        '<h2 id="completeness">Completeness by domain and month</h2>',
        *completeness(wh, code),
        '<h2 id="quarantine">Quarantined rows</h2>',
        *quarantine_section(wh, code),
    ]


def received(moment: object) -> Html:
    return Html(f'<span class="nowrap" title="{escape(when(moment))}">{when(moment)[:10]}</span>')


def by_domain(rows: list[tuple]) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for r in rows:
        grouped.setdefault(r[1] or "(no domain)", []).append(r)
    return dict(
        sorted(
            grouped.items(), key=lambda d: (DOMAINS.index(d[0]) if d[0] in DOMAINS else 99, d[0])
        )
    )


def domain_summary(rows: list[tuple]) -> list[tuple]:
    out = []
    for domain, listed in by_domain(rows).items():
        statuses = [r[4] for r in listed]
        out.append(
            (
                link(f"#files-{domain}", domain),
                len(listed),
                *(statuses.count(s) for s in ("loaded", "duplicate", "superseded")),
                sum(statuses.count(s) for s in ATTENTION),
                sum(r[6] or 0 for r in listed),
                sum(r[7] or 0 for r in listed),
                received(max(r[0] for r in listed)),
            )
        )
    return out


def domain_files(domain: str, listed: list[tuple]) -> str:
    """A domain's files, newest first, folded: the summary above counts them."""
    shown = [
        (
            received(r[0]),
            cut(Path(r[2]).name, 44),
            breakable(r[3]),
            status_cell(r[4], r[12]),
            *r[6:9],
            cut(r[12], 60) if r[4] != "loaded" else "",
        )
        for r in listed
    ]
    return (
        f'<details id="files-{escape(domain)}"><summary>{escape(domain)}: {len(listed):,} '
        f"file{'' if len(listed) == 1 else 's'}</summary>{table_html(FILE_COLUMNS, shown)}"
        "</details>"
    )


def status_cell(status: str, message: str | None) -> Html:
    """A loaded file's message says how it was read: on hover; other messages are shown."""
    if status == "loaded" and message:
        return Html(f'<span class="cut" title="{escape(message)}">{escape(status)}</span>')
    return Html(escape(status))


def completeness(wh: site.Warehouse, code: str) -> list[str]:
    """One grid per reporting year, newest first: rows with data per domain and month."""
    if not wh.has("marts.org_completeness"):
        return [note("This warehouse has no completeness figures.")]
    _, rows = wh.rows(
        "select reporting_year, domain, month_number, rows_with_data, has_data, unmapped_rows, "
        "implausible_readings, months_with_data_in_year from marts.org_completeness "
        "where org_code = ? order by reporting_year desc, domain, month_number",
        [code],
    )
    years: dict[int, dict[str, dict]] = {}
    for year, domain, month, n, has, unmapped, implausible, months in rows:
        grid = years.setdefault(year, {}).setdefault(domain, {"months": months})
        grid[month] = grid_cell(n, has, unmapped, implausible)
    out = [
        '<p class="meta">Rows with data per month (– none). * some rows have no factor or a '
        "reading looks implausible: hover the number for details.</p>"
    ]
    for year, domains in years.items():
        ordered = sorted(domains, key=lambda d: (DOMAINS.index(d) if d in DOMAINS else 99, d))
        table_rows = [
            (
                d,
                *(domains[d].get(m, Html('<span class="gap">–</span>')) for m in range(1, 13)),
                f"{domains[d]['months'] or 0} of 12",
            )
            for d in ordered
        ]
        out.append(f"<h3>{year}</h3>")
        out.append(table_html(["Domain", *MONTHS, "Months with data"], table_rows))
    if not years:
        out.append(note("No completeness figures for this organization yet."))
    return out


def grid_cell(rows: int | None, has: bool, unmapped: int | None, implausible: int | None) -> Html:
    if not has:
        return Html('<span class="gap" title="no data">–</span>')
    detail = [f"{rows or 0:,} rows with data"]
    if unmapped:
        detail.append(f"{unmapped:,} without a factor")
    if implausible:
        detail.append(f"{implausible:,} implausible readings")
    mark = "*" if len(detail) > 1 else ""
    kind = "warn" if mark else "have"
    return Html(
        f'<span class="{kind}" title="{escape("; ".join(detail))}">{rows or 0:,}{mark}</span>'
    )


def quarantine_section(wh: site.Warehouse, code: str) -> list[str]:
    rows = quarantined(wh, code)
    shown = [
        (
            Html(
                f'<span title="{escape(in_folder(r[0], code))}">{cut(Path(r[0]).name, 34)}</span>'
            ),
            cut(r[1] or "", 14),
            str(r[2]),
            cut(r[3], 20),
            cut(r[4], 20),
            cut(r[5], 60),
            cut(r[6], 60),
        )
        for r in rows[:SHOWN_QUARANTINED_ROWS]
    ]
    more = (
        f" The first {SHOWN_QUARANTINED_ROWS:,} are shown; the downloads hold all {len(rows):,}."
        if len(rows) > SHOWN_QUARANTINED_ROWS
        else ""
    )
    return [
        f'<p class="meta">{len(rows):,} quarantined values in the current files (row: the '
        "row number in the file or sheet as a spreadsheet shows it, the header row included; "
        "personal values are masked). Fix them "
        "in the source system or export, then send the corrected file again under the same "
        f"name: it replaces the earlier one.{escape(more)}</p>",
        table_html(QUARANTINE_COLUMNS, shown, "No quarantined row: every row was read."),
    ]


def file_download_rows(wh: site.Warehouse, code: str) -> list[tuple]:
    return [
        (when(r[0]), r[1], r[2], r[3], r[4], *r[5:9], when(r[9]), r[10], r[11], r[12])
        for r in files(wh, code)
    ]


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
        table_html(
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
            + table_html(t.columns, [tuple(cut(v, 30) for v in r) for r in t.sample])
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
        table_html(
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


def methodology_body(wh: site.Warehouse, in_use: str) -> list[str]:
    _, sets = wh.rows(
        "select factor_set, published_on, description from factors.factor_sets order by 2, 1"
    )
    set_rows = [
        (name, str(published), "yes" if name == in_use else "", cut(description, 150))
        for name, published, description in sets
    ]
    _, sources = wh.rows(
        "select source, source_edition, count(*) from factors.emission_factors "
        "group by all order by 3 desc, 1, 2"
    )
    source_rows = [(cut(s, 150), e, n) for s, e, n in sources]
    out = [
        '<nav aria-label="sections"><a href="#factor-sets">Factor sets</a>'
        '<a href="#sources">Sources</a><a href="#method">Methodology</a></nav>',
        '<h2 id="factor-sets">Factor sets</h2>',
        f"<p>The published figures are computed with <strong>{escape(in_use)}</strong>.</p>",
        table_html(["Factor set", "Published", "In use", "Description"], set_rows),
        '<h2 id="sources">Sources of the factors in use</h2>',
        table_html(["Source", "Edition", "Factors"], source_rows),
    ]
    if wh.has("reference.sources"):
        _, refs = wh.rows("select dataset, source from reference.sources order by 1")
        out.append("<h3>Reference data</h3>")
        out.append(table_html(["Data set", "Source"], [(d, cut(s, 150)) for d, s in refs]))
    contents, text = methodology_html(METHODOLOGY, METHODOLOGY.stat().st_mtime_ns)
    out += ['<h2 id="method">Methodology</h2>', contents, text]
    return out


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
    return f"<ul>{items}</ul>", body


def error_body(message: str) -> list[str]:
    return [note(message, "error"), f"<p>{link('/', 'Back to the overview')}</p>"]
