"""Charts as inline SVG drawn by matplotlib: the pages work offline, with no script and no CDN.

Axes start at zero and end on a round tick (steps of 1, 2, 2.5 or 5 times a power of ten),
tick labels carry as many decimals as their step needs, and the y axis names its unit. A
chart whose values are all zero or missing is not drawn: the caller gets a note instead, so
no page shows a flat axis. Output is deterministic (fixed hash salt, no date, ids derived from
the chart's content), so rebuilding a page from the same warehouse gives the same bytes, and
an identical chart is rendered once per process (a published warehouse never changes).
Every text from data is escaped by matplotlib's SVG writer.
"""

import hashlib
import io
import re
import threading
from functools import lru_cache
from html import escape

PALETTE = ("#1f6f8b", "#99a8b2", "#e6a34a", "#5b8c5a", "#b5525c", "#6c5b7b", "#3c6e71")
SIZE = (5.6, 2.4)  # inches of 72 pt: about 540 x 230 px before the page scales it
STEPS = (1, 2, 2.5, 5, 10)
RC = {
    "svg.hashsalt": "greenblue",  # clip-path ids from content, not from a random salt
    "svg.fonttype": "none",  # text stays text: smaller, searchable, drawn in the page's font
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.edgecolor": "#99a8b2",
    "axes.spines.top": False,
    "axes.spines.right": False,
    "xtick.color": "#1d2b36",
    "ytick.color": "#1d2b36",
}
_LOCK = threading.Lock()  # matplotlib's settings are global: one chart at a time

Series = tuple[tuple[str, tuple[float | None, ...]], ...]


def round_ticks(top: float) -> list[float]:
    """0 .. a round value at or above `top`, about five steps of 1, 2, 2.5 or 5 x 10^k."""
    from matplotlib.ticker import MaxNLocator

    ticks = MaxNLocator(nbins=5, steps=list(STEPS), min_n_ticks=3).tick_values(0, top)
    ticks = [t for t in ticks if t >= 0]
    while ticks[-1] < top:  # the locator may stop one step short of the top
        ticks.append(ticks[-1] + (ticks[1] - ticks[0]))
    end = next(i for i, t in enumerate(ticks) if t >= top)
    return [float(t) for t in ticks[: end + 1]]


def tick_format(ticks: list[float]) -> str:
    """Thousands separators, and as many decimals as the ticks need (0.25 needs two)."""
    return f"{{:,.{needed_decimals(ticks)}f}}"


def needed_decimals(ticks: list[float]) -> int:
    for decimals in range(7):
        if all(abs(round(t, decimals) - t) < 1e-9 * max(1.0, abs(t)) for t in ticks):
            return decimals
    return 6


def no_data(title: str) -> str:
    return f'<p class="note">{escape(title)}: no data to chart.</p>'


def stacked_bars(
    title: str, categories: list[str], series: dict[str, list[float | None]], unit: str = "t CO2e"
) -> str:
    """One bar per category (e.g. year), stacked by series (e.g. scope)."""
    return _chart("bars", title, categories, series, unit)


def lines(
    title: str, categories: list[str], series: dict[str, list[float | None]], unit: str = "t CO2e"
) -> str:
    """One line per series over the categories; None leaves a gap."""
    return _chart("lines", title, categories, series, unit)


def _chart(
    shape: str, title: str, categories: list[str], series: dict[str, list[float | None]], unit: str
) -> str:
    frozen = tuple((name, tuple(values)) for name, values in series.items())
    if not categories or not any(v for _, values in frozen for v in values):
        return no_data(title)
    return render(shape, title, tuple(str(c) for c in categories), frozen, unit)


@lru_cache(maxsize=1024)
def render(shape: str, title: str, categories: tuple[str, ...], series: Series, unit: str) -> str:
    """The SVG of one chart; cached by its content, which is all it depends on."""
    import matplotlib
    from matplotlib.figure import Figure

    with _LOCK, matplotlib.rc_context(RC):
        fig = Figure(figsize=SIZE)
        ax = fig.add_subplot()
        top = draw_bars(ax, categories, series) if shape == "bars" else draw_lines(ax, series)
        ticks = round_ticks(top)
        ax.set_ylim(0, ticks[-1])
        ax.set_yticks(ticks, [tick_format(ticks).format(t) for t in ticks])
        ax.set_xticks(range(len(categories)), categories)
        ax.set_xlim(-0.6, len(categories) - 0.4)
        ax.set_ylabel(unit)
        ax.grid(axis="y", color="#e3e8ec", linewidth=0.8)
        ax.set_axisbelow(True)
        ax.tick_params(length=0, pad=4)
        if len(series) > 1 or shape == "lines":
            ax.legend(
                loc="lower left",
                bbox_to_anchor=(0, 1.0),
                ncols=min(len(series), 5),
                frameon=False,
                fontsize=8.5,
                handlelength=1.4,
                borderaxespad=0.3,
            )
        fig.tight_layout(pad=0.4)
        out = io.StringIO()
        fig.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    return inline(out.getvalue(), title, ticks)


def draw_bars(ax, categories: tuple[str, ...], series: Series) -> float:
    base = [0.0] * len(categories)
    for k, (name, values) in enumerate(series):
        heights = [v or 0.0 for v in values]
        bars = ax.bar(
            range(len(categories)),
            heights,
            0.6,
            bottom=base,
            label=name,
            color=PALETTE[k % len(PALETTE)],
        )
        for i, patch in enumerate(bars):
            patch.set_gid(f"mark-{k}-{i}")
        base = [b + h for b, h in zip(base, heights, strict=True)]
    return max(base)


def draw_lines(ax, series: Series) -> float:
    top = 0.0
    for k, (name, values) in enumerate(series):
        xy = [(i, v) for i, v in enumerate(values) if v is not None]
        (line,) = ax.plot(
            [x for x, _ in xy],
            [y for _, y in xy],
            marker="o",
            markersize=4,
            linewidth=2,
            linestyle="--" if k % 2 else "-",
            color=PALETTE[k % len(PALETTE)],
            label=name,
        )
        line.set_gid(f"mark-{k}")
        top = max([top, *(y for _, y in xy)])
    return top


def inline(svg: str, title: str, ticks: list[float]) -> str:
    """matplotlib's SVG document as an element to place in a page: no XML prologue, ids
    unique to this chart, a title for screen readers, sized by the page's CSS."""
    svg = svg[svg.index("<svg") :]
    svg = re.sub(r"<metadata>.*?</metadata>\s*", "", svg, flags=re.S)
    prefix = "c" + hashlib.sha256(svg.encode()).hexdigest()[:8] + "-"
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    svg = re.sub(r"url\(#", f"url(#{prefix}", svg)
    svg = re.sub(r'href="#', f'href="#{prefix}', svg)
    head = (
        f'<svg class="chart" role="img" aria-label="{escape(title)}" '
        f'data-ticks="{" ".join(f"{t:g}" for t in ticks)}" '
    )
    svg = head + svg[len("<svg ") :]
    end = svg.index(">") + 1
    return svg[:end] + f"<title>{escape(title)}</title>" + svg[end:]
