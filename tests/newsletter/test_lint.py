"""The preview's lint list: what a sender must fix before sending."""

from __future__ import annotations

import pytest

from composer.newsletter import merge
from composer.newsletter.lint import LintFinding, lint_html

UNSUB = '<a href="https://news.example.org/u/t">Unsubscribe</a>'


def page(body: str, lang: str = "en") -> str:
    return f'<!doctype html><html lang="{lang}"><head><title>t</title></head><body>{body}</body></html>'


def codes(html: str) -> list[str]:
    return [f.code for f in lint_html(html)]


def test_a_clean_page_has_no_findings() -> None:
    html = page(f'<img src="https://cdn.example.org/a.png" alt="A bridge"><a href="https://x.example">x</a>{UNSUB}')
    assert lint_html(html) == []


def test_images_without_alt() -> None:
    html = page(f'<img src="https://cdn.example.org/a.png"><img src="https://cdn.example.org/b.png" alt=" ">{UNSUB}')
    found = [f for f in lint_html(html) if f.code == "image-alt"]
    assert [f.detail for f in found] == ["https://cdn.example.org/a.png", "https://cdn.example.org/b.png"]
    assert all(f.severity == "warning" for f in found)


def test_plain_http_links_and_images() -> None:
    html = page(f'<a href="http://x.example/a">x</a><img alt="i" src="http://x.example/i.png">{UNSUB}')
    assert codes(html) == ["link-http", "image-http"]


def test_repeated_problems_are_reported_once() -> None:
    html = page('<a href="http://x.example/a">x</a>' * 5 + UNSUB)
    assert codes(html) == ["link-http"]


@pytest.mark.parametrize("body", [
    "<script>alert(1)</script>",
    '<img src="https://x.example/a.png" alt="a" onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  JaVa\tScRiPt:alert(1)">x</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD4=">x</a>',
    '<iframe src="https://x.example"></iframe>',
    '<form action="https://x.example"><input></form>',
])
def test_anything_executable_is_an_error_listed_first(body: str) -> None:
    findings = lint_html(page(body + UNSUB))
    assert findings and findings[0].severity == "error"


def test_missing_unsubscribe_is_reported() -> None:
    assert "unsubscribe" in codes(page('<a href="https://x.example">x</a>'))


@pytest.mark.parametrize("link", [
    '<a href="https://news.example.org/u/t">Abmelden</a>',
    '<a href="https://news.example.org/u/t">Se désabonner</a>',
    '<a href="mailto:leave@example.org?subject=unsubscribe">Leave</a>',
    f'<a href="{merge.marker("unsubscribe_url")}">Stop</a>',
])
def test_unsubscribe_links_are_recognised_in_any_form(link: str) -> None:
    assert "unsubscribe" not in codes(page(link))


def test_size_warning_and_clip_error() -> None:
    filler = "<p>" + "x" * 1000 + "</p>"
    near = page(filler * 92 + UNSUB)
    over = page(filler * 104 + UNSUB)
    assert [f.severity for f in lint_html(near) if f.code == "size"] == ["warning"]
    assert [f.severity for f in lint_html(over) if f.code == "size"] == ["error"]


def test_external_css_and_missing_lang() -> None:
    html = ('<html><head><link rel="stylesheet" href="https://fonts.example/css"></head><body>'
            f"{UNSUB}</body></html>")
    assert codes(html) == ["external-css", "lang"]


def test_findings_serialise() -> None:
    f = LintFinding("image-alt", "warning", "msg", "detail")
    assert f.to_dict() == {"code": "image-alt", "severity": "warning", "message": "msg", "detail": "detail"}
