"""Inline SVG charts drawn in Python: the report works offline, with no script and no CDN.

Every text that comes from data is escaped; numbers are drawn from the values given, so a
chart shows exactly what the table beside it lists.
"""

from html import escape

PALETTE = ("#1f6f8b", "#99a8b2", "#e6a34a", "#5b8c5a", "#b5525c", "#6c5b7b", "#3c6e71")
WIDTH, HEIGHT = 640, 280
LEFT, RIGHT, TOP, BOTTOM = 64, 150, 24, 40


def _scale(top: float) -> float:
    return top if top > 0 else 1.0


def _ticks(top: float) -> list[float]:
    return [top * i / 4 for i in range(5)]


def _frame(title: str, body: list[str], top: float, unit: str) -> str:
    plot_h = HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f"<title>{escape(title)}</title>",
    ]
    for tick in _ticks(top):
        y = TOP + plot_h - plot_h * tick / _scale(top)
        parts.append(
            f'<line x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
        )
        parts.append(
            f'<text x="{LEFT - 6}" y="{y + 4:.1f}" text-anchor="end" font-size="11">'
            f"{tick:,.0f}</text>"
        )
    parts.append(f'<text x="12" y="{TOP - 8}" font-size="11" fill="#555">{escape(unit)}</text>')
    parts.extend(body)
    parts.append("</svg>")
    return "".join(parts)


def _legend(series: list[str]) -> list[str]:
    out = []
    for i, name in enumerate(series):
        y = TOP + 14 + 18 * i
        x = WIDTH - RIGHT + 12
        colour = PALETTE[i % len(PALETTE)]
        out.append(f'<rect x="{x}" y="{y - 10}" width="12" height="12" fill="{colour}"/>')
        out.append(f'<text x="{x + 18}" y="{y}" font-size="11">{escape(name)}</text>')
    return out


def stacked_bars(
    title: str, categories: list[str], series: dict[str, list[float]], unit: str = "t CO2e"
) -> str:
    """One bar per category (e.g. year), stacked by series (e.g. scope)."""
    names = list(series)
    totals = [sum(series[n][i] or 0 for n in names) for i in range(len(categories))]
    top = max(totals, default=0) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    slot = plot_w / max(len(categories), 1)
    bar = slot * 0.6
    body = []
    for i, category in enumerate(categories):
        x = LEFT + slot * i + (slot - bar) / 2
        base = 0.0
        for k, name in enumerate(names):
            value = series[name][i] or 0
            h = plot_h * value / _scale(top)
            y = TOP + plot_h - plot_h * base / _scale(top) - h
            body.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="{PALETTE[k % len(PALETTE)]}"><title>{escape(str(category))} '
                f"{escape(name)}: {value:,.2f}</title></rect>"
            )
            base += value
        body.append(
            f'<text x="{x + bar / 2:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11">{escape(str(category))}</text>'
        )
    return _frame(title, body + _legend(names), top, unit)


def lines(
    title: str, categories: list[str], series: dict[str, list[float | None]], unit: str = "t CO2e"
) -> str:
    """One line per series over the categories; None leaves a gap."""
    values = [v for s in series.values() for v in s if v is not None]
    top = max(values, default=0) * 1.1
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    step = plot_w / max(len(categories) - 1, 1)
    body = []
    for k, points in enumerate(series.values()):
        colour = PALETTE[k % len(PALETTE)]
        xy = [
            (LEFT + step * i, TOP + plot_h - plot_h * v / _scale(top))
            for i, v in enumerate(points)
            if v is not None
        ]
        if len(xy) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in xy)
            dash = ' stroke-dasharray="6 4"' if k % 2 else ""
            body.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"{dash}/>'
            )
        for x, y in xy:
            body.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>')
    for i, category in enumerate(categories):
        body.append(
            f'<text x="{LEFT + step * i:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" '
            f'font-size="11">{escape(str(category))}</text>'
        )
    return _frame(title, body + _legend(list(series)), top, unit)
