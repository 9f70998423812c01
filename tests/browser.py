"""Headless Chromium for the browser tests: Debian's `chromium` and `chromium-driver`
(`scripts/dev test` installs them as root), driven through selenium.

The flags are those that work on a machine without a network: without the background
networking ones, Chromium keeps trying to reach its update and sync services."""

import contextlib
import shutil
import tempfile
from collections.abc import Iterator

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--hide-scrollbars",
)


def skip_without_chromium() -> None:
    pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    if not (CHROMIUM and DRIVER):
        pytest.skip(
            "Debian chromium and chromium-driver are not installed "
            "(apt-get install -y chromium chromium-driver)"
        )


@contextlib.contextmanager
def chromium(width: int, height: int, console_log: bool = False) -> Iterator:
    """A fresh browser with its own empty profile, removed afterwards."""
    from selenium import webdriver

    profile = tempfile.mkdtemp(prefix="greenblue-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in (*FLAGS, f"--user-data-dir={profile}", f"--window-size={width},{height}"):
        options.add_argument(flag)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
