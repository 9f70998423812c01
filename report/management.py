"""The management-system section of an organization's report page.

From `marts.org_management_indicators` (environmental management system, policies,
focal-point roles, events, people trained) and `ops.management_events`. An organization
whose management file was rejected, or whose training rows were left out, is flagged here
with the reason; its emissions sections are not affected. A warehouse without the mart
(built before it existed) shows no section.
"""

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from report.site import Warehouse

INDICATORS = (
    "reporting_year",
    "ems_status",
    "is_iso14001_certified",
    "iso14001_valid_until",
    "has_sustainability_policy",
    "has_procurement_policy",
    "focal_points",
    "focal_point_roles",
    "training_events",
    "event_participants",
    "people_trained",
    "people_trained_by_audience",
)
RECENT_EVENTS = 10


def management_section(wh: "Warehouse", code: str) -> list[str]:
    """The section for organization `code`: the flag if any, the yearly indicators, the
    latest events."""
    from report.site import table  # report.site lists this section: imported when pages are built

    if not wh.has("marts.org_management_indicators"):
        return []
    out = ["<h2>Sustainable management</h2>"]
    _, states = wh.rows(
        "select distinct management_status, management_issue "
        "from marts.org_management_indicators where org_code = ?",
        [code],
    )
    out += [status_note(code, status, issue) for status, issue in states]
    cols, rows = wh.rows(
        f"select {', '.join(INDICATORS)} from marts.org_management_indicators "
        "where org_code = ? order by reporting_year",
        [code],
    )
    out.append(table(cols, rows, "No year to show."))
    out.append(
        '<p class="meta">States on 31 December of each year: environmental management system '
        "(none, in_progress, iso14001_certified), policies adopted, focal-point roles filled "
        "(roles only). Events and their participants from the management file; people trained "
        "from the training module's export.</p>"
    )
    if wh.has("ops.management_events"):
        cols, rows = wh.rows(
            "select event_date, kind, audience, participants, title from ops.management_events "
            f"where org_code = ? order by event_date desc limit {RECENT_EVENTS}",
            [code],
        )
        out.append("<h3>Latest training and seminar events</h3>" + table(cols, rows, "None."))
    return out


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
