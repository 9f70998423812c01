"""An organization's submissions: every file received, completeness, quarantined rows.

The page is built from the report's sections (a contents list, then each section), its grid
is the report's completeness grid, and its downloads hold the same rows in full.
"""

from html import escape
from pathlib import Path

from connectors.dialects import DOMAINS
from report import site
from report.organization import completeness_grid
from report.sections import Context, Section, sections_html
from report.site import Raw
from web.fixes import what_to_fix
from web.html import breakable, cut, link, note

SHOWN_QUARANTINED_ROWS = 500
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


def when(value: object) -> str:
    return "" if value is None else str(value)[:16]


def files(wh: site.Warehouse, code: str) -> list[tuple]:
    """Every file received for the organization, newest first."""
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


def file_download_rows(wh: site.Warehouse, code: str) -> list[tuple]:
    return [
        (when(r[0]), r[1], r[2], r[3], r[4], *r[5:9], when(r[9]), r[10], r[11], r[12])
        for r in files(wh, code)
    ]


def in_folder(relative_path: str, code: str) -> str:
    """`UNEP/travel/x.csv` as the focal point knows it: `travel/x.csv`."""
    prefix = f"{code}/"
    return relative_path[len(prefix) :] if relative_path.startswith(prefix) else relative_path


def body(wh: site.Warehouse, code: str, links: site.Links) -> list[str]:
    downloads = " · ".join(
        link(f"/org/{code}/download/{what}.{fmt}", f"{label} ({fmt.upper()})")
        for what, label in (("files", "files"), ("quarantine", "quarantined rows"))
        for fmt in ("csv", "xlsx")
    )
    ctx = Context(wh, code, links, site.provenance(wh))
    return [f'<p class="meta">Download: {downloads}</p>', *sections_html(ctx, SECTIONS)]


def files_section(ctx: Context) -> list[str]:
    rows = files(ctx.wh, ctx.org)
    counts: dict[str, int] = {}
    for r in rows:
        counts[r[4]] = counts.get(r[4], 0) + 1
    summary = ", ".join(f"{n:,} {status}" for status, n in sorted(counts.items()))
    attention = [
        (received(r[0]), r[1], cut(Path(r[2]).name, 40), r[4], r[12])
        for r in rows
        if r[4] in ATTENTION
    ]
    return [
        f'<p class="meta">{len(rows):,} files{": " + escape(summary) if rows else ""}. '
        f"{escape(STATUS_NOTE)}</p>",
        site.table(DOMAIN_COLUMNS, domain_summary(rows), "No file received yet."),
        "<h3>Not loaded yet: waiting or rejected</h3>",
        site.table(
            ["Received (UTC)", "Domain", "File", "Status", "Message"],
            attention,
            "None: every file was read.",
        ),
        *(domain_files(domain, listed) for domain, listed in by_domain(rows).items()),
    ]


def received(moment: object) -> Raw:
    return Raw(f'<span class="nowrap" title="{escape(when(moment))}">{when(moment)[:10]}</span>')


def by_domain(rows: list[tuple]) -> dict[str, list[tuple]]:
    grouped: dict[str, list[tuple]] = {}
    for r in rows:
        grouped.setdefault(r[1] or "(no domain)", []).append(r)
    order = {d: i for i, d in enumerate(DOMAINS)}
    return dict(sorted(grouped.items(), key=lambda d: (order.get(d[0], len(order)), d[0])))


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
            r[12] if r[4] != "loaded" else "",
        )
        for r in listed
    ]
    files_ = f"{len(listed):,} file{'' if len(listed) == 1 else 's'}"
    return (
        f'<details id="files-{escape(domain)}"><summary>{escape(domain)}: {files_}</summary>'
        f"{site.table(FILE_COLUMNS, shown)}</details>"
    )


def status_cell(status: str, message: str | None) -> Raw:
    """A loaded file's message says how it was read: on hover; other messages are shown."""
    if status == "loaded" and message:
        return Raw(f'<span class="cut" title="{escape(message)}">{escape(status)}</span>')
    return Raw(escape(status))


def completeness_section(ctx: Context) -> list[str]:
    return completeness_grid(ctx.wh, ctx.org) or [
        note("No completeness figures for this organization yet.")
    ]


def file_cell(relative_path: str, code: str) -> Raw:
    """The file's name, its folder in landing on hover."""
    shown = cut(Path(relative_path).name, 34)
    return Raw(f'<span title="{escape(in_folder(relative_path, code))}">{shown}</span>')


def quarantine_section(ctx: Context) -> list[str]:
    rows = quarantined(ctx.wh, ctx.org)
    shown = [
        (
            file_cell(r[0], ctx.org),
            r[1] or "",
            str(r[2]),
            r[3],
            cut(r[4], 24),
            r[5],
            r[6],
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
        "personal values are masked). Fix them in the source system or export, then send the "
        f"corrected file again under the same name: it replaces the earlier one.{escape(more)}"
        "</p>",
        site.table(QUARANTINE_COLUMNS, shown, "No quarantined row: every row was read."),
    ]


SECTIONS = (
    Section("files", "Files received", files_section),
    Section("completeness", "Completeness by domain and month", completeness_section),
    Section("quarantine", "Quarantined rows", quarantine_section),
)
