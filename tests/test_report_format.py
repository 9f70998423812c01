"""How the report prints values and draws charts, without a warehouse: human column names
with units, numbers rounded for reading with the exact value kept, years and serials without
separators, long texts cut with the full text on hover; charts on round ticks, never a flat
zero axis, and the same bytes on every render."""

import math
import re

import pytest

from report import charts
from report.columns import COLUMNS, Hint, cell, label, table

SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")


def test_every_listed_column_has_a_human_name():
    assert label("t_co2e") == "t CO2e"
    assert label("reporting_year") == "Year"
    assert label("t_co2e_per_capita") == "t CO2e per person"
    assert not [c for c, spec in COLUMNS.items() if SNAKE.match(spec.label)]


def test_an_unlisted_column_gets_a_readable_name_and_a_human_name_is_kept():
    assert label("files_loaded") == "Files loaded"
    assert label("t_co2e_scope_4") == "t CO2e scope 4"
    assert label("spend_usd_total") == "Spend USD total"
    assert label("File") == "File"


@pytest.mark.parametrize(
    ("value", "column", "shown", "exact"),
    [
        (2022, "reporting_year", "2022", "2022"),
        (2030, "target_year", "2030", "2030"),
        (53589279, "serial_start", "53589279", "53589279"),
        (2024, "Year", "2024", "2024"),  # a human name the web application passes
        (848.2280263389773, "t_co2e", "848.2", "848.2280263389773"),
        (0.0083, "t_co2e_travel_per_capita", "0.0083", "0.0083"),
        (0.679, "share_spend_guideline", "67.9 %", "0.679"),
        (45.0, "reduction_pct", "45 %", "45.0"),
        (-2.83, "pct_change_from_baseline", "-2.8 %", "-2.83"),
        (19762, "headcount", "19,762", "19762"),
    ],
)
def test_numbers_are_rounded_for_reading_with_the_exact_value_kept(value, column, shown, exact):
    html = cell(value, column)
    assert f">{shown}</td>" in html
    assert f'data-value="{exact}"' in html


def test_booleans_read_yes_or_no_even_in_a_column_named_like_a_year():
    assert ">yes</td>" in cell(True, "is_complete_year")
    assert ">no</td>" in cell(False, "on_track")
    assert ">–</td>" in cell(None, "t_co2e")


def test_a_long_text_is_cut_with_the_full_text_on_hover():
    text = "energy: 1 of 12 months; fuel: no data; <b>procurement</b>: no data; travel: none"
    html = cell(text, "partial_domains")
    shown = re.search(r">([^<]*)</td>", html).group(1)
    assert shown.endswith("…") and len(shown) <= 51
    assert 'title="energy: 1 of 12 months; fuel: no data; &lt;b&gt;procurement' in html
    assert "<b>" not in html
    assert 'title="why"' in cell(Hint(False, "why"), "is_complete")


def test_a_table_shows_human_headers_and_keeps_the_column_name():
    html = table(["reporting_year", "t_co2e"], [(2024, 12.345)])
    assert '<th data-column="reporting_year" class="n">Year</th>' in html
    assert '<th data-column="t_co2e" class="n">t CO2e</th>' in html
    assert table(["t_co2e"], [], "Nothing yet.") == '<p class="note">Nothing yet.</p>'


def is_round_step(step: float) -> bool:
    """1, 2, 2.5 or 5 times a power of ten (not 263)."""
    mantissa = step / 10 ** math.floor(math.log10(step))
    return round(mantissa, 6) in {1.0, 2.0, 2.5, 5.0}


@pytest.mark.parametrize("top", [0.004, 0.0101, 0.23, 1.0, 7.3, 12.3, 263.0, 789.0, 1053.0, 8630.3])
def test_ticks_are_round_and_reach_the_largest_value(top):
    ticks = charts.round_ticks(top)
    assert ticks[0] == 0 and ticks[-1] >= top and 3 <= len(ticks) <= 8
    step = ticks[1] - ticks[0]
    assert is_round_step(step), (top, ticks)
    assert all(abs(t / step - round(t / step)) < 1e-6 for t in ticks)
    labels = [charts.tick_format(ticks).format(t) for t in ticks]
    assert len(set(labels)) == len(labels), labels  # no axis reading 0 at every tick


def test_a_chart_of_zeros_or_nothing_is_a_note_not_a_flat_axis():
    flat = charts.stacked_bars("Travel t CO2e per person", ["2023", "2024"], {"t": [0.0, None]})
    assert "<svg" not in flat and "no data to chart" in flat
    assert "<svg" not in charts.lines("Progress", [], {"actual": []})


def test_a_chart_is_inline_svg_with_round_ticks_its_unit_and_the_same_bytes_each_time():
    args = ("Per person <script>", ["2022", "2023"], {"a <b>": [0.0101, 0.0083]})
    first = charts.stacked_bars(*args, unit="t CO2e per person")
    charts.render.cache_clear()
    again = charts.stacked_bars(*args, unit="t CO2e per person")
    assert first == again
    assert first.startswith('<svg class="chart"') and "<?xml" not in first
    assert "<metadata" not in first and "<script" not in first
    assert "&lt;script&gt;" in first and ">t CO2e per person</text>" in first
    ticks = re.search(r'data-ticks="([^"]+)"', first).group(1).split()
    assert ticks[0] == "0" and float(ticks[-1]) >= 0.0101
    for tick in ticks[1:]:
        assert re.search(rf">{float(tick):.4f}</text>", first), tick
    other = charts.lines("Other", ["2022", "2023"], {"actual": [1.0, 2.0]})
    ids = set(re.findall(r'id="([^"]+)"', first))
    assert ids and not ids & set(re.findall(r'id="([^"]+)"', other))
