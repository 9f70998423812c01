"""The HTML report in headless Chromium on a 1280 px wide screen, as a reader sees it: every
page loads without console errors, has no horizontal scroll, fits a few screens, names its
columns in words, prints years and serials without separators, shows the marts' values,
and draws its charts with a non-zero size on round ticks. Screenshots go to the test's tmp
folder.

Needs Debian's `chromium` and `chromium-driver` (CI installs them with
`apt-get update && apt-get install -y chromium chromium-driver`) and the `selenium` client.
"""

import math
import re
from pathlib import Path

import pytest
from browser import chromium, skip_without_chromium
from progress_warehouse import published

pytestmark = pytest.mark.slow

skip_without_chromium()

WIDTH, SCREEN = 1280, 800  # a laptop screen
MOST_SCREENS = {"index": 5, "org": 7}  # the system page aggregates; detail is per organization
SNAKE = re.compile(r"^[a-z0-9]+(_[a-z0-9]+)+$")
WHOLE_NUMBERS = {"reporting_year", "baseline_year", "target_year", "vintage", "serial_start",
                 "serial_end"}  # fmt: skip

# Every table's rows as {column: [text shown, data-value]}, by the header's data-column.
TABLE_ROWS = """
const out = [];
for (const t of document.querySelectorAll(arguments[0] + ' table')) {
  const cols = [...t.querySelectorAll('thead tr:last-child th')].map(th => th.dataset.column);
  for (const tr of t.querySelectorAll('tbody tr')) {
    const row = {};
    [...tr.children].forEach((td, i) => { row[cols[i]] = [td.textContent, td.dataset.value]; });
    out.push(row);
  }
}
return out;
"""


@pytest.fixture(scope="module")
def browser():
    with chromium(WIDTH, SCREEN, console_log=True) as driver:
        yield driver


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return published(tmp_path_factory.getbasetemp())


@pytest.fixture(scope="module")
def pages(built) -> list[Path]:
    found = sorted(built.report.glob("*.html"))
    assert len(found) == 6  # index + 5 organizations
    return found


def open_page(browser, page: Path) -> None:
    browser.set_window_size(WIDTH, SCREEN)
    browser.get(page.as_uri())
    assert browser.execute_script("return document.readyState") == "complete"


def test_every_page_reads_on_a_1280_px_screen(browser, pages, tmp_path):
    for page in pages:
        open_page(browser, page)
        errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == [], f"{page.name}: {errors}"
        assert "factor set" in browser.find_element("css selector", "p.meta").text.lower()
        wide = browser.execute_script(
            "return [document.documentElement, ...[...document.querySelectorAll('body *')]"
            ".filter(e => ['auto', 'scroll'].includes(getComputedStyle(e).overflowX))]"
            ".filter(e => e.scrollWidth > e.clientWidth).map(e => e.outerHTML.slice(0, 200))"
        )
        assert wide == [], f"{page.name} scrolls sideways: {wide}"
        height = browser.execute_script("return document.documentElement.scrollHeight")
        most = MOST_SCREENS["index" if page.stem == "index" else "org"]
        print(f"{page.name}: {height} px, {height / SCREEN:.1f} screens of {WIDTH} x {SCREEN}")
        assert height <= most * SCREEN, f"{page.name} is {height} px tall"
        headers = browser.execute_script(
            "return [...document.querySelectorAll('th')].map(th => th.textContent)"
        )
        assert headers and not [h for h in headers if SNAKE.match(h)], page.name
        jumps = browser.execute_script(
            "return [...document.querySelectorAll('nav.contents a')].map(a => "
            "[a.getAttribute('href'), !!document.getElementById(a.getAttribute('href').slice(1))])"
        )
        assert len(jumps) >= 5 and all(found for _, found in jumps), jumps
        cut = browser.execute_script(
            "return [...document.querySelectorAll('td[title]')]"
            ".filter(td => td.textContent.endsWith('…')).map(td => [td.textContent, td.title])"
        )
        assert all(full.startswith(shown[:-1]) for shown, full in cut), cut
        for row in browser.execute_script(TABLE_ROWS, "body"):
            for column in WHOLE_NUMBERS & row.keys():
                assert re.fullmatch(r"\d+|–", row[column][0]), (page.name, column, row[column])
        shot = tmp_path / f"{page.stem}.png"
        browser.set_window_size(WIDTH, height + 200)
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")


def test_charts_render_with_marks_and_round_ticks(browser, pages):
    from selenium.webdriver.common.by import By

    for page in pages:
        open_page(browser, page)
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert charts, f"{page.name} has no chart"
        for chart in charts:
            box = browser.execute_script(
                "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];",
                chart,
            )
            assert box[0] > 200 and box[1] > 100, f"{page.name}: chart of size {box}"
            assert chart.find_elements(By.CSS_SELECTOR, "[id*='-mark-'] path"), page.name
            ticks = [float(t) for t in chart.get_attribute("data-ticks").split()]
            step = ticks[1] - ticks[0]
            mantissa = round(step / 10 ** math.floor(math.log10(step)), 6)
            assert ticks[0] == 0 and ticks[-1] > 0 and mantissa in {1, 2, 2.5, 5}, ticks
            labels = [
                float(t.text.replace(",", ""))
                for t in chart.find_elements(By.CSS_SELECTOR, "[id*='-ytick_'] text")
            ]
            assert labels == pytest.approx(ticks), (page.name, labels, ticks)


def test_numbers_on_the_pages_equal_the_marts(browser, built):
    open_page(browser, built.report / "index.html")
    shown = {r["org_code"][0]: r for r in browser.execute_script(TABLE_ROWS, "#organizations")}
    headline = built.query(
        "select org_code, reporting_year, t_co2e from marts.org_totals_annual "
        "where boundary = 'core' and is_headline_year order by 1",
    )
    assert headline and set(shown) == {code for code, _, _ in headline}
    for code, year, tonnes in headline:
        assert shown[code]["reporting_year"][0] == str(year)
        assert float(shown[code]["core_t_co2e"][1]) == tonnes
        assert shown[code]["core_t_co2e"][0] == f"{tonnes:,.1f}"

    open_page(browser, built.report / "org-UNEP.html")
    (year,) = {y for code, y, _ in headline if code == "UNEP"}
    categories = {
        (r["scope"][0], r["category"][0], r["boundary"][0]): r["t_co2e"]
        for r in browser.execute_script(TABLE_ROWS, "#emissions")
        if "category" in r and "t_co2e" in r
    }
    expected = built.query(
        "select scope, category, boundary, t_co2e from marts.org_emissions_annual "
        "where org_code = 'UNEP' and reporting_year = ? and t_co2e is not null",
        [year],
    )
    assert expected
    for scope, category, boundary, tonnes in expected:
        text, exact = categories[(str(scope), category, boundary)]
        assert float(exact) == tonnes and text == f"{tonnes:,.1f}"
    travel = {
        r["reporting_year"][0]: r
        for r in browser.execute_script(TABLE_ROWS, "#travel")
        if "t_co2e_travel" in r
    }
    assert travel
    for year, tonnes, share in built.query(
        "select reporting_year, t_co2e_travel, premium_cabin_share "
        "from marts.travel_indicators where org_code = 'UNEP'",
    ):
        assert float(travel[str(year)]["t_co2e_travel"][1]) == tonnes
        assert travel[str(year)]["premium_cabin_share"][0] == f"{share * 100:.1f} %"


def test_success_stories_read_as_sentences(browser, built):
    from selenium.webdriver.common.by import By

    stories = built.query(
        "select title, year from ops.success_stories "
        "where status = 'loaded' and list_contains(organizations, 'UNEP')",
    )
    open_page(browser, built.report / "org-UNEP.html")
    items = [li.text for li in browser.find_elements(By.CSS_SELECTOR, "#stories li")]
    assert len(items) == len(stories)
    for title, year in stories:
        (item,) = [i for i in items if i.startswith(f"{title} (UNEP, {year}).")]
        assert "[" not in item and "organizations:" not in item and ": ." not in item
