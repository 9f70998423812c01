"""The sustainable-management section of an organization's page.

From `marts.org_management_indicators` (environmental management system, policies,
focal-point roles, events, people trained) and `ops.management_events`. An organization
whose management file was rejected, or whose training rows were left out, is flagged here
with the reason; its emissions sections are not affected. A warehouse without the mart
(built before it existed) shows no section.
"""

from html import escape

from report.columns import table
from report.sections import Context, Warehouse, details, meta

# The mart's columns with the words they read as on the page (short: the table fits a
# laptop screen).
INDICATORS = (
    ("reporting_year", "reporting_year"),
    ("ems_status", "Management system"),
    ("is_iso14001_certified", "ISO 14001"),
    ("has_sustainability_policy", "Sustainability policy"),
    ("has_procurement_policy", "Procurement policy"),
    ("focal_points", "Focal points"),
    ("training_events", "Events"),
    ("event_participants", "Participants"),
    ("people_trained", "Trained"),
)
RECENT_EVENTS = 10


def management_section(wh: Warehouse, code: str) -> list[str]:
    """Organization `code`'s section: the flag if any, the yearly indicators, the roles and
    audiences of the latest year, and the latest events (folded)."""
    if not wh.has("marts.org_management_indicators"):
        return []
    _, states = wh.rows(
        "select distinct management_status, management_issue "
        "from marts.org_management_indicators where org_code = ?",
        [code],
    )
    out = [status_note(code, status, issue) for status, issue in states]
    columns = ", ".join(f'{column} as "{words}"' for column, words in INDICATORS)
    cols, rows = wh.rows(
        f"select {columns} from marts.org_management_indicators "
        "where org_code = ? order by reporting_year",
        [code],
    )
    out.append(table(cols, rows, "No year to show."))
    out.append(meta(latest_details(wh, code)))
    if wh.has("ops.management_events"):
        cols, rows = wh.rows(
            'select event_date as "Date", kind as "Kind", audience as "Audience", '
            'participants as "Participants", title as "Title" from ops.management_events '
            f"where org_code = ? order by event_date desc limit {RECENT_EVENTS}",
            [code],
        )
        if rows:
            out.append(details("Latest training and seminar events", table(cols, rows)))
    return [part for part in out if part]


def latest_details(wh: Warehouse, code: str) -> str:
    """The note under the table: what each state means, and the latest year's roles,
    certificate and trained audiences in words."""
    _, found = wh.rows(
        "select reporting_year, focal_point_roles, iso14001_valid_until, "
        "people_trained_by_audience from marts.org_management_indicators "
        "where org_code = ? order by reporting_year desc limit 1",
        [code],
    )
    words = [
        "States on 31 December of each year: management system none, in_progress or "
        "iso14001_certified; policies adopted; focal-point roles filled (roles only). Events "
        "and participants from the management file; people trained from the training "
        "module's export."
    ]
    if found:
        year, roles, valid_until, audiences = found[0]
        if roles:
            words.append(f"Roles in {year}: {escape(roles)}.")
        if valid_until:
            words.append(f"ISO 14001 certificate valid until {escape(str(valid_until))}.")
        if audiences:
            words.append(f"Trained in {year}: {escape(audiences)}.")
    return " ".join(words)


def section(ctx: Context) -> list[str]:
    """The page section (report.organization.SECTIONS); none on the system page."""
    return management_section(ctx.wh, ctx.org) if ctx.org else []


def status_note(code: str, status: str, issue: str | None) -> str:
    if status == "flagged":
        return (
            '<div class="held"><p><strong>Management data flagged</strong>: '
            f"{escape(issue or '')}</p><p>What the files named here hold is left out until "
            "they are corrected; the emissions figures are not affected.</p></div>"
        )
    if status == "not_reported":
        return (
            f'<p class="note">No management file: landing/_system/management/{escape(code)}.yaml '
            "(see docs/guide.md).</p>"
        )
    return ""
