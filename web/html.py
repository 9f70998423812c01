"""Small HTML pieces for the application's own pages, on top of the report's `page`,
`table` and sections, so every page shares the report's look.

`table()` escapes every value, names columns in words and prints numbers for reading; a cell
that is already HTML (a link, a file name that may wrap) is a `Raw` value.
"""

import re
from html import escape

from report import site
from report.site import Raw

# The application's additions to the report's style sheet: its navigation and forms.
CSS = """
nav.site{display:flex;flex-wrap:wrap;gap:.2rem .8rem;align-items:center}nav.site a{margin:0}
nav.site .web{margin-left:auto;display:flex;gap:.8rem;align-items:center}
nav.site form{display:inline;margin:0}nav.site button{font:inherit;cursor:pointer}
.cut{cursor:help;overflow-wrap:anywhere}.nowrap{white-space:nowrap}
form.box{background:#f6f8fa;border:1px solid #d5dde2;padding:1rem;max-width:36rem}
form.box label{display:block;margin:.6rem 0 .2rem;font-weight:600}
form.box input[type=text],form.box input[type=password],form.box select{width:100%;
box-sizing:border-box;padding:.35rem;font:inherit}
button.primary{background:#1f6f8b;color:#fff;border:0;padding:.45rem 1rem;font:inherit;
cursor:pointer;margin-top:.8rem}button.plain{margin-top:.8rem;padding:.45rem 1rem}
.error{background:#fdecea;border-left:4px solid #b71c1c;padding:.4rem .8rem}
.good{background:#edf7ed;border-left:4px solid #2e7d32;padding:.4rem .8rem}
.actions{display:flex;gap:.8rem;flex-wrap:wrap}summary{font-weight:600}
"""


def cut(text: object, limit: int = 60) -> Raw:
    """A long text cut to `limit` characters, the whole text shown on hover; file names and
    identifiers may wrap after `_`, `-`, `.` and `/`."""
    full = "" if text is None else str(text)
    if len(full) <= limit:
        return breakable(full)
    shown = breakable(full[: limit - 1].rstrip())
    return Raw(f'<span class="cut" title="{escape(full)}">{shown}…</span>')


def breakable(text: object) -> Raw:
    """Escaped text that may wrap after `_`, `-`, `.` and `/` (`generator_fuel_log_xlsx`)."""
    return Raw(re.sub(r"([_./-])", r"\1<wbr>", escape("" if text is None else str(text))))


def link(href: str, text: str) -> Raw:
    return Raw(f'<a href="{escape(href)}">{escape(text)}</a>')


def web_page(title: str, prov: site.Provenance, body: list[str], nav: str) -> str:
    """The report's `page()` with the application's style sheet added to its head."""
    return with_css(site.page(title, prov, body, nav))


def with_css(html: str) -> str:
    return html.replace("</head>", f"<style>{CSS}</style></head>", 1)


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def note(text: str, kind: str = "note") -> str:
    return f'<p class="{kind}">{escape(text)}</p>'
