"""The HTML report in headless Chromium: every page loads without console errors and its
SVG charts render with a non-zero size. Screenshots go to the test's tmp folder.

Needs Debian's `chromium` and `chromium-driver` (CI installs them with
`apt-get update && apt-get install -y chromium chromium-driver`) and the `selenium` client.
"""

import shutil
import tempfile
from pathlib import Path

import pytest
from progress_warehouse import published

pytestmark = pytest.mark.slow

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
if not (CHROMIUM and DRIVER):
    pytest.skip(
        "Debian chromium and chromium-driver are not installed "
        "(apt-get install -y chromium chromium-driver)",
        allow_module_level=True,
    )


@pytest.fixture(scope="module")
def browser():
    profile = tempfile.mkdtemp(prefix="greenblue-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--window-size=1200,1600",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    service = webdriver.ChromeService(executable_path=DRIVER)
    driver = webdriver.Chrome(options=options, service=service)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def pages(tmp_path_factory) -> list[Path]:
    built = published(tmp_path_factory.getbasetemp())
    found = sorted(built.report.glob("*.html"))
    assert len(found) == 6  # index + 5 organizations
    return found


def test_every_page_loads_without_console_errors_and_charts_render(browser, pages, tmp_path):
    from selenium.webdriver.common.by import By

    for page in pages:
        browser.get(page.as_uri())
        assert browser.execute_script("return document.readyState") == "complete"
        errors = [e for e in browser.get_log("browser") if e["level"] in ("SEVERE", "ERROR")]
        assert errors == [], f"{page.name}: {errors}"
        charts = browser.find_elements(By.CSS_SELECTOR, "svg.chart")
        assert charts, f"{page.name} has no chart"
        for chart in charts:
            box = browser.execute_script(
                "const r = arguments[0].getBoundingClientRect(); return [r.width, r.height];",
                chart,
            )
            assert box[0] > 0 and box[1] > 0, f"{page.name}: chart of size {box}"
            marks = chart.find_elements(By.CSS_SELECTOR, "rect, polyline, circle")
            assert marks, f"{page.name}: chart without marks"
        assert "factor set" in browser.find_element(By.CSS_SELECTOR, "p.meta").text.lower()
        shot = tmp_path / f"{page.stem}.png"
        browser.set_window_size(1200, browser.execute_script("return document.body.scrollHeight"))
        assert browser.save_screenshot(str(shot)) and shot.stat().st_size > 10_000
        print(f"screenshot: {shot}")
