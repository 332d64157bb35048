"""Debian's Chromium driven by Selenium, started the same way by every browser test.

Headless, sandbox off (the tests run as root), a fresh profile, and no background networking:
this machine's network is closed, and Chromium's own update and sync calls would only fail. A
test module that needs a browser makes a module-scoped fixture from :func:`chromium`; where the
browser or its driver is missing, or cannot start, the tests skip with the reason.
"""

from __future__ import annotations

import contextlib
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")


@contextlib.contextmanager
def chromium(window: str = "1280,1000", *, console_log: bool = False) -> Iterator[Any]:
    if not (CHROMIUM.exists() and CHROMEDRIVER.exists()):
        pytest.skip("browser tests need Debian's chromium and chromium-driver (/usr/bin/chromium, "
                    "/usr/bin/chromedriver): apt-get install -y chromium chromium-driver")
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="composer-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for arg in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", f"--user-data-dir={profile}",
                f"--window-size={window}", "--disable-dev-shm-usage"):
        options.add_argument(arg)
    if console_log:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    try:
        drv = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    except Exception as exc:  # a broken browser install is an environment problem, not a failure
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"chromium could not start: {exc}")
    drv.set_page_load_timeout(30)
    try:
        yield drv
    finally:
        drv.quit()
        shutil.rmtree(profile, ignore_errors=True)
