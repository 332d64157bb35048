"""Browser tests: the real preview app driven in headless Chromium (Debian's chromium + driver).

Each test opens pages the way a reviewer would, switches views and checks what each one shows,
and asserts the browser console logged no error (a CSP violation or a JavaScript exception
shows up there). Screenshots of every view go to ``$PREVIEW_SCREENSHOTS`` when it is set.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from preview_helpers import HOSTILE, compose_item, hostile_item, make_settings, write_article

from tests.browser import chromium

pytest.importorskip("selenium.webdriver", reason="selenium is not installed")
from selenium.common.exceptions import NoAlertPresentException  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    with chromium("1280,1000", console_log=True) as drv:
        yield drv


def shot(drv: Any, name: str) -> None:
    folder = os.environ.get("PREVIEW_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        drv.save_screenshot(str(Path(folder) / f"{name}.png"))


def console_errors(drv: Any) -> list[dict[str, Any]]:
    return [e for e in drv.get_log("browser") if e.get("level") == "SEVERE"]


def visible_panel(drv: Any) -> str:
    panels = [p for p in drv.find_elements(By.CSS_SELECTOR, "[data-panel]") if p.is_displayed()]
    assert len(panels) == 1, [p.get_attribute("data-panel") for p in panels]
    return panels[0].get_attribute("data-panel")


def tab(drv: Any, view: str) -> None:
    drv.find_element(By.CSS_SELECTOR, f'[data-view="{view}"]').click()
    WebDriverWait(drv, 5).until(lambda d: visible_panel(d) == view)


@pytest.fixture
def outbox_app(tmp_path: Path, serve: Any) -> tuple[Any, Any, Path, Any]:
    outbox = tmp_path / "outbox"
    templates = tmp_path / "templates"
    templates.mkdir()
    settings = make_settings(outbox, templates_dir=templates)
    source = write_article(tmp_path / "src")
    item = compose_item(source, settings)
    server = serve(settings, watch=True)
    return server, item, source, templates


def add_scheduled_digest(settings: Any, tmp_path: Path) -> Any:
    """A digest of two articles with a scheduled campaign, so the index has more to show."""
    from composer.delivery.state import DeliveryState
    from composer.ingest import load_article
    from composer.pipeline import compose_to_outbox

    other = write_article(tmp_path / "src", "ferry.md", "# Night ferry returns\n\nThe night ferry to the islands "
                          "runs again from June, the operator said, after two years without a crossing.\n")
    articles = [load_article(str(p)) for p in (tmp_path / "src" / "cranes.md", other)]
    digest, _ = compose_to_outbox(articles, settings, digest=True, subject="Harbour news this week")
    state = DeliveryState.in_outbox(settings.outbox_dir)
    state.create_campaign(item=digest.name, item_path=str(digest.path), via="smtp", audience="list:readers",
                          state="scheduled", due=1_900_000_000.0, due_text="2030-03-17 09:00 Europe/Berlin")
    state.close()
    return digest


def test_index_item_and_every_view(driver: Any, outbox_app: Any) -> None:
    server, item, source, _templates = outbox_app
    digest = add_scheduled_digest(server.app.settings, source.parent.parent)
    driver.get_log("browser")  # drop entries from earlier tests
    driver.get(server.url)
    rows = {r.get_attribute("data-item"): r for r in driver.find_elements(By.CSS_SELECTOR, "table.items tbody tr")}
    assert set(rows) == {item.name, digest.name}
    assert "Harbour cranes get a second life" in rows[item.name].text
    assert "single" in rows[item.name].text and "composed" in rows[item.name].text
    assert "digest" in rows[digest.name].text and "Harbour news this week" in rows[digest.name].text
    assert "#1 scheduled via smtp" in rows[digest.name].text and "2030-03-17 09:00" in rows[digest.name].text
    shot(driver, "01-index")

    rows[item.name].find_element(By.TAG_NAME, "a").click()
    WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "newsletter-frame"))
    assert visible_panel(driver) == "newsletter"
    frame = driver.find_element(By.ID, "newsletter-frame")
    assert "allow-scripts" not in (frame.get_attribute("sandbox") or "")
    assert frame.get_attribute("sandbox") is not None
    desktop_width = frame.size["width"]
    assert desktop_width > 800
    shot(driver, "02-newsletter-desktop")

    driver.find_element(By.ID, "btn-mobile").click()
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "newsletter-frame").size["width"] == 375)
    assert driver.find_element(By.ID, "btn-mobile").get_attribute("aria-pressed") == "true"
    time.sleep(0.5)
    shot(driver, "03-newsletter-mobile")

    driver.find_element(By.ID, "btn-dark").click()
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "newsletter-frame").get_attribute("src").endswith("?dark=1"))
    time.sleep(0.8)
    shot(driver, "04-newsletter-mobile-dark")
    driver.switch_to.frame(driver.find_element(By.ID, "newsletter-frame"))
    body_bg = driver.find_element(By.TAG_NAME, "body").value_of_css_property("background-color")
    text_in_frame = driver.find_element(By.TAG_NAME, "body").text
    driver.switch_to.default_content()
    assert "Harbour cranes get a second life" in text_in_frame
    r, g, b = (int(float(x)) for x in body_bg[body_bg.index("(") + 1:].split(",")[:3])
    assert r + g + b < 100, f"dark view body background is {body_bg}"

    driver.find_element(By.ID, "btn-desktop").click()
    driver.find_element(By.ID, "btn-dark").click()
    WebDriverWait(driver, 5).until(lambda d: d.find_element(By.ID, "newsletter-frame").size["width"] == desktop_width)
    assert not driver.find_element(By.ID, "newsletter-frame").get_attribute("src").endswith("?dark=1")

    tab(driver, "text")
    text = driver.find_element(By.ID, "text-part").text
    assert "The old harbour cranes will be turned into a public viewing platform" in text
    assert not driver.find_element(By.ID, "newsletter-frame").is_displayed()
    shot(driver, "05-text")

    tab(driver, "headers")
    headers = driver.find_element(By.ID, "headers").text
    assert "Subject" in headers and "Harbour cranes get a second life" in headers and "Message-ID" in headers
    assert driver.find_element(By.ID, "eml-download").get_attribute("download") == f"{item.name}.eml"
    shot(driver, "06-headers")

    tab(driver, "posts")
    from composer.social.networks import count

    posts = driver.find_elements(By.CSS_SELECTOR, "article.post")
    networks = [p.get_attribute("data-network") for p in posts]
    assert networks[:2] == ["x", "bluesky"] and "mastodon" in networks
    x_text = driver.find_element(By.ID, "post-x").text
    expected = count(x_text, "x")
    assert driver.find_element(By.CSS_SELECTOR, '[data-count="x"]').text == f"{expected.length}/280"
    assert driver.find_elements(By.CSS_SELECTOR, '[data-network="x"] .thread li')
    shot(driver, "07-posts")

    tab(driver, "embed")
    embed = driver.find_element(By.ID, "embed-frame")
    assert embed.is_displayed() and embed.get_attribute("sandbox") == ""
    assert "<" in driver.find_element(By.ID, "embed-code").text
    driver.switch_to.frame(embed)
    assert "Harbour cranes" in driver.find_element(By.TAG_NAME, "body").text
    driver.switch_to.default_content()
    shot(driver, "08-embed")

    tab(driver, "meta")
    assert driver.find_element(By.ID, "oembed").text.strip().startswith("{")
    assert "og:title" in driver.find_element(By.ID, "meta-code").text
    shot(driver, "09-meta")

    tab(driver, "lint")
    lint = driver.find_element(By.ID, "lint").text
    assert "unsubscribe" in lint.lower()
    shot(driver, "10-lint")

    # the view survives a reload (it lives in the URL fragment)
    driver.refresh()
    WebDriverWait(driver, 5).until(lambda d: visible_panel(d) == "lint")
    assert console_errors(driver) == []


def test_send_test_shows_result(driver: Any, outbox_app: Any) -> None:
    server, item, _source, _templates = outbox_app
    driver.get_log("browser")
    driver.get(server.item_url(item))
    driver.find_element(By.ID, "send-test").click()
    result = WebDriverWait(driver, 10).until(lambda d: d.find_elements(By.ID, "send-result"))[0]
    assert "reviewer@example.org" in result.text and "Send test" in result.text
    shot(driver, "11-send-test")
    sent = list((server.app.root / ".test-sends" / item.name).glob("*.eml"))
    assert len(sent) == 1
    assert console_errors(driver) == []


def test_live_reload_after_template_edit(driver: Any, outbox_app: Any) -> None:
    from composer.templating import builtin_templates_dir

    server, item, source, templates = outbox_app
    driver.get_log("browser")
    driver.get(server.item_url(item) + "#view=text")
    WebDriverWait(driver, 5).until(lambda d: visible_panel(d) == "text")
    assert server.app.watcher is not None and server.app.watcher.ready.wait(10)
    time.sleep(0.5)
    footer = (builtin_templates_dir() / "newsletter.txt.j2").read_text(encoding="utf-8")
    (templates / "newsletter.txt.j2").write_text(footer + "\nEDITED-TEMPLATE-MARKER\n", encoding="utf-8")
    WebDriverWait(driver, 20).until(lambda d: "EDITED-TEMPLATE-MARKER" in d.find_element(By.ID, "text-part").text)
    assert visible_panel(driver) == "text"

    source.write_text(source.read_text(encoding="utf-8").replace("Harbour cranes get", "Old cranes get"), encoding="utf-8")
    WebDriverWait(driver, 20).until(lambda d: "Old cranes get a second life" in d.find_element(By.ID, "text-part").text)
    shot(driver, "12-live-reloaded")
    assert console_errors(driver) == []


def test_hostile_item_stays_inert(driver: Any, tmp_path: Path, serve: Any) -> None:
    outbox = tmp_path / "outbox"
    item = hostile_item(outbox)
    server = serve(make_settings(outbox))
    driver.get_log("browser")
    driver.get(server.url)
    assert HOSTILE in driver.find_element(By.CSS_SELECTOR, "table.items").text
    driver.get(server.item_url(item))
    assert driver.find_element(By.ID, "item-title").text == HOSTILE
    for view in ("text", "embed", "meta", "newsletter", "posts"):
        tab(driver, view)
    time.sleep(0.5)
    with pytest.raises(NoAlertPresentException):
        driver.switch_to.alert.text  # noqa: B018 - raises when no script managed to open one
    assert driver.find_element(By.ID, "post-x").text == HOSTILE
    shot(driver, "13-hostile")
    assert console_errors(driver) == []
