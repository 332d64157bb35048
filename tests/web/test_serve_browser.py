"""The reader service's forms in a real browser (Debian's chromium + chromedriver, headless).

Subscribe → confirmation mail in the outbox → confirm page → subscribed; then the unsubscribe
page's button. The pages must work under their CSP: the browser console must log no error.
"""

from __future__ import annotations

import email
import email.policy
import re
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.audience import open_store
from composer.newsletter.unsubscribe import unsubscribe_url
from tests.browser import chromium
from tests.web.conftest import Server, start_server, stop_server

pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import StaleElementReferenceException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium("1000,900", console_log=True) as drv:
        yield drv


@pytest.fixture
def slow_server(tmp_path: Path) -> Iterator[Server]:
    srv = start_server(tmp_path, SUBSCRIBE_MIN_SECONDS="1")
    try:
        yield srv
    finally:
        stop_server(srv)


def console_errors(drv: Any) -> list[dict[str, Any]]:
    return [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]


def heading(drv: Any) -> str:
    """The page's h1; "" while a form post replaces the page (the h1 found may be gone by the
    time its text is read, which is what the waits below wait through)."""
    try:
        return drv.find_element(By.TAG_NAME, "h1").text
    except StaleElementReferenceException:
        return ""


def test_subscribe_confirm_and_unsubscribe_in_the_browser(driver: Any, slow_server: Server) -> None:
    server = slow_server
    driver.get(server.url + "/subscribe")
    assert heading(driver) == "Subscribe"
    assert not driver.find_element(By.ID, "website").is_displayed()  # the honeypot is off-screen for people
    driver.find_element(By.ID, "email").send_keys("ann@example.com")
    driver.find_element(By.ID, "name").send_keys("Ann <b>Smith</b>")
    time.sleep(1.2)  # a person takes longer than the time trap
    driver.find_element(By.ID, "subscribe").click()
    WebDriverWait(driver, 30).until(lambda d: heading(d) == "Check your inbox")

    [eml] = sorted((server.outbox / ".confirmations").glob("*.eml"))
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "ann@example.com"
    link = re.search(r"(http://\S+/subscribe/confirm\?\S+)", msg.get_body(("plain",)).get_content()).group(1)  # type: ignore[union-attr]
    driver.get(link)
    assert heading(driver) == "Confirm your subscription"
    with open_store(server.outbox) as store:
        assert store.get("ann@example.com").status == "pending"  # opening the link changed nothing
    driver.find_element(By.ID, "confirm").click()
    WebDriverWait(driver, 30).until(lambda d: heading(d) == "You are subscribed")
    with open_store(server.outbox) as store:
        ann = store.get("ann@example.com")
        assert ann.status == "subscribed" and ann.lists == ("newsletter",) and ann.name == "Ann <b>Smith</b>"

    from composer.config import load_settings

    settings = load_settings(environ=server.env, env_file=None)
    driver.get(unsubscribe_url(settings, "ann@example.com"))
    assert heading(driver) == "Unsubscribe"
    with open_store(server.outbox) as store:
        assert store.suppression("ann@example.com") is None
    driver.find_element(By.ID, "unsubscribe").click()
    WebDriverWait(driver, 30).until(lambda d: heading(d) == "You are unsubscribed")
    with open_store(server.outbox) as store:
        found = store.suppression("ann@example.com")
        assert found is not None and found.reason == "unsubscribed" and found.source == "one-click"
    assert console_errors(driver) == []
