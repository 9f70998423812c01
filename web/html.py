"""Small HTML pieces for the application's own pages, on top of the report's `page` and
`table` so every page shares the report's look.

`table()` escapes every value. A cell that is already HTML (a link, a text cut short with its
full text on hover, a coloured grid cell) is an `Html` value: it goes through `table()` as an
opaque token and is put back afterwards, so the report's table keeps its markup and
formatting whatever it becomes.
"""

import re
import secrets
from html import escape

from report import site

# The application's additions to the report's style sheet.
CSS = """
.cut{cursor:help;overflow-wrap:anywhere}.nowrap{white-space:nowrap}
nav{display:flex;flex-wrap:wrap;gap:.2rem .8rem;align-items:center}nav a{margin-right:0}
nav .web{margin-left:auto;display:flex;gap:.8rem;align-items:center}
nav form{display:inline;margin:0}nav button{font:inherit;cursor:pointer}
form.box{background:#f6f8fa;border:1px solid #d5dde2;padding:1rem;max-width:36rem}
form.box label{display:block;margin:.6rem 0 .2rem;font-weight:600}
form.box input[type=text],form.box input[type=password],form.box select{width:100%;
box-sizing:border-box;padding:.35rem;font:inherit}
button.primary{background:#1f6f8b;color:#fff;border:0;padding:.45rem 1rem;font:inherit;
cursor:pointer;margin-top:.8rem}button.plain{margin-top:.8rem;padding:.45rem 1rem}
.error{background:#fdecea;border-left:4px solid #b71c1c;padding:.4rem .8rem}
.good{background:#edf7ed;border-left:4px solid #2e7d32;padding:.4rem .8rem}
span.have{color:#2e7d32}span.gap{color:#b71c1c;font-weight:600}span.warn{color:#e65100}
.actions{display:flex;gap:.8rem;flex-wrap:wrap}
details{margin:.4rem 0}summary{cursor:pointer;font-weight:600;padding:.2rem 0}
"""


class Html(str):
    """Text that is already HTML: `table_html` puts it in its cell as it is."""

    def __html__(self) -> str:
        return str(self)


def cut(text: object, limit: int = 60) -> Html:
    """A long text cut to `limit` characters, the whole text shown on hover; file names and
    identifiers may wrap after `_`, `-`, `.` and `/`."""
    full = "" if text is None else str(text)
    if len(full) <= limit:
        return breakable(full)
    shown = breakable(full[: limit - 1].rstrip())
    return Html(f'<span class="cut" title="{escape(full)}">{shown}…</span>')


def breakable(text: object) -> Html:
    """Escaped text that may wrap after `_`, `-`, `.` and `/` (`generator_fuel_log_xlsx`)."""
    return Html(re.sub(r"([_./-])", r"\1<wbr>", escape("" if text is None else str(text))))


def link(href: str, text: str) -> Html:
    return Html(f'<a href="{escape(href)}">{escape(text)}</a>')


def table_html(columns: list[str], rows: list[tuple], empty: str = "No rows.") -> str:
    """The report's `table()`, with `Html` cells kept as markup."""
    fragments: dict[str, str] = {}
    nonce = secrets.token_hex(6)

    def token(value: object) -> object:
        if not isinstance(value, Html):
            return value
        key = f"gbcell{nonce}n{len(fragments)}z"
        fragments[key] = str(value)
        return key

    out = site.table(columns, [tuple(token(v) for v in row) for row in rows], empty)
    for key, fragment in fragments.items():
        out = out.replace(key, fragment)
    return out


def web_page(title: str, prov: site.Provenance, body: list[str], nav: str) -> str:
    """The report's `page()` with the application's style sheet added to its head."""
    return site.page(title, prov, body, nav).replace("</head>", f"<style>{CSS}</style></head>", 1)


def hidden(name: str, value: str) -> str:
    return f'<input type="hidden" name="{escape(name)}" value="{escape(value)}">'


def note(text: str, kind: str = "note") -> str:
    return f'<p class="{kind}">{escape(text)}</p>'
