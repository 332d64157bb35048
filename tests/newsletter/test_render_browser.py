"""The newsletter in a real browser engine: no sideways scrolling on a phone, dark mode recolours.

Skipped when Chromium and chromedriver are not installed. Pages are loaded from files and
every request leaving the machine is blocked, so the test needs no network.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.article import Article, Block, Image, Related, Summary
from composer.config import Settings, Theme
from composer.newsletter import merge
from composer.newsletter.render import Entry, Issue, render_newsletter
from tests.browser import chromium

SETTINGS = Settings(site_url="https://news.example.org", theme=Theme(name="Harbour Times", greeting=True,
                                                                     address="1 Quay St"))


def _article(i: int) -> tuple[Article, Summary]:
    a = Article(
        title=f"Story {i}: Harbour bridge opens to cyclists after a very long period of construction works",
        body=(Block("paragraph", "x"),),
        authors=("Ada Berg", "Ben Cole"),
        published="2025-03-14",
        url=f"https://news.example.org/a-very-long-path/with/many/segments/{'x' * 80}/{i}",
        image=Image(url="https://cdn.example.invalid/bridge.jpg", caption="Cyclists on the bridge", credit="Jo Lin"),
        related=(Related("Averyveryveryveryverylongwordwithoutanyspacesthatmustwrapsomehowonaphone" * 2,
                         "https://news.example.org/r"),),
    )
    s = Summary(title=None, tldr="The new crossing cuts the ride to six minutes.", summary="",
                key_points=("It is 240 metres long.", "https://news.example.org/" + "long-url-" * 12), reading_time_min=3)
    return a, s


def _html(kind: str, settings: Settings = SETTINGS) -> str:
    pairs = [_article(i) for i in range(1, 4 if kind == "digest" else 2)]
    issue = Issue(entries=tuple(Entry(a, s) for a, s in pairs), subject="The week in the harbour", kind=kind,
                  date=dt.date(2025, 3, 14), archive_url="https://news.example.org/x/newsletter.html")
    r = render_newsletter(issue, settings)
    return merge.fill(r.html, {"name": "Ana", "unsubscribe_url": "https://news.example.org/u/t"}, escape_html=True)


@pytest.fixture(scope="module")
def driver() -> Iterator[object]:
    with chromium("1280,1000", console_log=False) as drv:
        drv.execute_cdp_cmd("Network.enable", {})
        drv.execute_cdp_cmd("Network.setBlockedURLs", {"urls": ["http://*", "https://*"]})
        yield drv


def _load(driver, tmp_path: Path, kind: str, width: int, dark: bool,  # type: ignore[no-untyped-def]
          settings: Settings = SETTINGS) -> None:
    path = tmp_path / f"{kind}.html"
    path.write_text(_html(kind, settings), encoding="utf-8")
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 500})
    driver.execute_cdp_cmd("Emulation.setEmulatedMedia",
                           {"features": [{"name": "prefers-color-scheme", "value": "dark" if dark else "light"}]})
    driver.get(path.as_uri())


@pytest.mark.parametrize("kind", ["single", "digest"])
@pytest.mark.parametrize("width", [375, 600])
def test_nothing_overflows_the_screen(driver, tmp_path: Path, kind: str, width: int) -> None:  # type: ignore[no-untyped-def]
    _load(driver, tmp_path, kind, width, dark=False)
    scroll_width = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll_width <= width
    too_wide = driver.execute_script(
        "return Array.from(document.querySelectorAll('body *')).filter(e => {"
        " const r = e.getBoundingClientRect(); return r.width > 0 && r.right > window.innerWidth + 1; }).length")
    assert too_wide == 0


def _rgb(css: str) -> tuple[int, ...]:
    return tuple(int(float(x)) for x in css[css.index("(") + 1:css.index(")")].split(",")[:3])


def _luminance(rgb: tuple[int, ...]) -> float:
    def lin(c: float) -> float:
        c /= 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4
    r, g, b = (lin(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: tuple[int, ...], b: tuple[int, ...]) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


@pytest.mark.parametrize("kind", ["single", "digest"])
def test_dark_mode_recolours_cards_and_keeps_text_readable(driver, tmp_path: Path, kind: str) -> None:  # type: ignore[no-untyped-def]
    _load(driver, tmp_path, kind, 375, dark=True)
    card_bg = _rgb(driver.execute_script(
        "return getComputedStyle(document.querySelector('div.card > table')).backgroundColor"))
    assert _luminance(card_bg) < 0.05  # the inner table, which carries MJML's inline white, is dark
    colours = driver.execute_script(
        "return Array.from(document.querySelectorAll('td.t > div, td.t li, td.t a, td.t h1, td.t h2'))"
        ".map(e => getComputedStyle(e).color)")
    assert colours
    worst = min(_contrast(_rgb(c), card_bg) for c in colours)
    assert worst >= 4.5  # WCAG AA for body text
    button = driver.execute_script(
        "const a = Array.from(document.querySelectorAll('a')).find(x => x.style.display == 'inline-block');"
        "const s = getComputedStyle(a); return [s.color, s.backgroundColor]")
    assert _contrast(_rgb(button[0]), _rgb(button[1])) >= 4.5


def test_light_mode_text_is_readable(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    _load(driver, tmp_path, "single", 600, dark=False)
    card_bg = _rgb(driver.execute_script(
        "return getComputedStyle(document.querySelector('div.card > table')).backgroundColor"))
    colours = driver.execute_script(
        "return Array.from(document.querySelectorAll('td.t > div, td.t li, td.t a')).map(e => getComputedStyle(e).color)")
    assert min(_contrast(_rgb(c), card_bg) for c in colours) >= 4.5


def test_theme_dark_palette_is_used(driver, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    settings = SETTINGS.replace(theme=dataclasses.replace(SETTINGS.theme, dark_background="#202a20"))
    _load(driver, tmp_path, "single", 375, dark=True, settings=settings)
    bg = driver.execute_script("return getComputedStyle(document.querySelector('div.card > table')).backgroundColor")
    assert _rgb(bg) == (0x20, 0x2A, 0x20)
