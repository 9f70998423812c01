"""Success stories as readable sentences: "Solar-hybrid power for UNDP field offices (UNDP,
2022). Diesel generators … Outcome: … Spend USD 809,000; 191.1 t CO2e avoided per year."

On the system page each story is one line a reader opens for the rest; on an organization's
page its stories are shown whole. A story file that could not be published is listed on the
system page with its problem, so a focal point sees why it is missing.
"""

from html import escape

from report.sections import Context, details, meta

TABLE = "ops.success_stories"


def stories_section(ctx: Context) -> list[str]:
    wh, org = ctx.wh, ctx.org
    if not wh.has(TABLE):
        return [meta("No success stories yet.")]
    where, params = "", []
    if org and "organizations" in wh.columns(TABLE):
        where, params = "where list_contains(organizations, ?)", [org]
    cols, found = wh.rows(f"select * from {TABLE} {where} order by 1", params)
    records = [dict(zip(cols, r, strict=True)) for r in found]
    published = [r for r in records if r.get("status", "loaded") == "loaded"]
    if not published:
        parts = [meta("No success stories yet.")]
    elif org:
        parts = [f'<ul class="stories">{"".join(f"<li>{story(r)}</li>" for r in published)}</ul>']
    else:
        parts = [
            '<ul class="stories folded">'
            + "".join(f"<li>{folded(r)}</li>" for r in published)
            + "</ul>"
        ]
    rejected = [r for r in records if r.get("status") == "rejected"]
    if rejected and org is None:
        lines = "".join(
            f"<li><code>{escape(str(r.get('file')))}</code>: {escape(str(r.get('message')))}</li>"
            for r in rejected
        )
        parts.append(details(f"Story files not published: {len(rejected)}", f"<ul>{lines}</ul>"))
    return parts


def heading(record: dict) -> str:
    """'<strong>Title</strong> (UNDP, 2022).'"""
    who = ", ".join(str(o) for o in record.get("organizations") or [])
    when = str(record["year"]) if record.get("year") else ""
    context = ", ".join(x for x in (who, when) if x)
    title = escape(str(record.get("title") or record.get("story_id") or "Untitled"))
    return f"<strong>{title}</strong>" + (f" ({escape(context)})." if context else ".")


def body(record: dict) -> list[str]:
    """The rest of the story, sentence by sentence, escaped."""
    sentences = []
    for key, prefix in (("summary", ""), ("outcome", "Outcome: ")):
        if record.get(key):
            sentences.append(prefix + sentence(str(record[key])))
    amounts = []
    if record.get("spend_usd") is not None:
        amounts.append(f"spend USD {record['spend_usd']:,.0f}")
    if record.get("t_co2e_avoided_per_year") is not None:
        amounts.append(f"{record['t_co2e_avoided_per_year']:,.1f} t CO2e avoided per year")
    if amounts:
        text = "; ".join(amounts)
        sentences.append(text[:1].upper() + text[1:] + ".")
    for key, caption in (
        ("ecolabels", "Ecolabels"),
        ("unspsc_families", "Product families (UNSPSC)"),
        ("references", "References"),
    ):
        values = [str(v) for v in record.get(key) or []]
        if values:
            sentences.append(f"{caption}: {', '.join(values)}.")
    return [escape(s) for s in sentences]


def story(record: dict) -> str:
    return " ".join([heading(record), *body(record)])


def folded(record: dict) -> str:
    """One line (title, who, when, and what it avoided); the rest when opened."""
    avoided = record.get("t_co2e_avoided_per_year")
    gist = f" {avoided:,.1f} t CO2e avoided per year." if avoided is not None else ""
    return (
        f"<details><summary>{heading(record)}{escape(gist)}</summary>"
        f"{' '.join(body(record))}</details>"
    )


def sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."
