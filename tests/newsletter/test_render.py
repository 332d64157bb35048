"""The newsletter renderer: content, languages, markers, archive copy, dark mode, hostile input."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from composer.article import Article, Block, Image, Related, Source, Summary
from composer.config import Settings, Theme
from composer.newsletter import merge
from composer.newsletter.lint import lint_html
from composer.newsletter.render import (
    CLIP_BYTES,
    WARN_BYTES,
    Entry,
    Issue,
    format_date,
    format_names,
    issue_context,
    render_newsletter,
    theme_context,
)

SITE = "https://news.example.org"


def article(**changes: object) -> Article:
    base = Article(
        title="Harbour bridge opens to cyclists after three years of works",
        standfirst="The new crossing cuts the ride from the old town to the station to six minutes.",
        body=(Block("paragraph", "The bridge opened on Monday."), Block("paragraph", "It cost 12 million euros.")),
        authors=("Ada Berg", "Ben Cole"),
        published="2025-03-14T08:00:00+01:00",
        url="https://news.example.org/harbour-bridge",
        site_name="Harbour Times",
        language="en",
        image=Image(url="https://cdn.example.org/bridge.jpg", caption="Cyclists on the new bridge", credit="Jo Lin"),
        related=(Related("Night buses every 15 minutes", "https://news.example.org/night-buses"),
                 Related("Old town market returns", None)),
        tags=("transport",),
        source=Source(path="fixture", format="json"),
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def summary(**changes: object) -> Summary:
    base = Summary(
        title=None,
        tldr="The new crossing cuts the ride from the old town to the station to six minutes.",
        summary="A bridge opened.",
        key_points=("The bridge is 240 metres long.", "Trains stop nearby every ten minutes."),
        language="en",
        reading_time_min=3,
    )
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def single(a: Article | None = None, s: Summary | None = None, **issue: object) -> Issue:
    a = a or article()
    s = s or summary(language=a.language)
    kwargs: dict[str, object] = {"subject": a.title or "News", "date": dt.date(2025, 3, 14),
                                 "archive_url": f"{SITE}/2025-03-14-bridge/newsletter.html"}
    kwargs.update(issue)
    return Issue(entries=(Entry(a, s),), **kwargs)  # type: ignore[arg-type]


def digest(n: int = 3, **issue: object) -> Issue:
    entries = tuple(
        Entry(article(title=f"Story number {i + 1} about the harbour", url=f"https://news.example.org/s{i + 1}"), summary())
        for i in range(n)
    )
    kwargs: dict[str, object] = {"subject": "The week in the harbour", "kind": "digest", "date": dt.date(2025, 3, 14),
                                 "archive_url": f"{SITE}/2025-03-14-week/newsletter.html"}
    kwargs.update(issue)
    return Issue(entries=entries, **kwargs)  # type: ignore[arg-type]


SETTINGS = Settings(site_url=SITE, theme=Theme(name="Harbour Times", address="1 Quay St, Harbour"))


class Tags(HTMLParser):
    """Every start tag with its attributes, for structural assertions."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {k: v or "" for k, v in attrs}))

    def all(self, tag: str) -> list[dict[str, str]]:
        return [a for t, a in self.tags if t == tag]


# --- single issue -------------------------------------------------------------------------------


def test_single_issue_has_every_part() -> None:
    r = render_newsletter(single(), SETTINGS)
    html = r.html
    assert r.subject == "Harbour bridge opens to cyclists after three years of works"
    assert r.language == "en"
    assert '<html lang="en" dir="ltr"' in html
    for words in ("Harbour bridge opens to cyclists", "By Ada Berg and Ben Cole", "March 14, 2025", "3 min read",
                  "Key points", "The bridge is 240 metres long.", "Read the full story", "Related",
                  "Night buses every 15 minutes", "Old town market returns", "View in browser", "1 Quay St, Harbour",
                  "Cyclists on the new bridge", "© Jo Lin", "HARBOUR TIMES".title()):
        assert words in html, words
    tags = Tags(html)
    assert any(a.get("href") == "https://news.example.org/harbour-bridge" for a in tags.all("a"))
    assert any(a.get("href") == "https://news.example.org/night-buses" for a in tags.all("a"))
    assert [a["src"] for a in tags.all("img")] == ["https://cdn.example.org/bridge.jpg"]
    # The standfirst is the lead; a key point equal to it is not repeated.
    assert html.count("The new crossing cuts the ride") == 2  # preheader + lead
    assert len(tags.all("h1")) == 1


def test_every_image_has_alt_text_even_without_one_in_the_article() -> None:
    a = article(image=Image(url="https://cdn.example.org/x.jpg", caption=None, credit=None, alt=None))
    theme = Theme(name="Harbour Times", logo_url="https://cdn.example.org/logo.png")
    r = render_newsletter(single(a), SETTINGS.replace(theme=theme))
    imgs = Tags(r.html).all("img")
    assert len(imgs) == 2
    assert all(i.get("alt", "").strip() for i in imgs)
    assert {i["alt"] for i in imgs} == {"Harbour Times", a.title}
    assert not [f for f in lint_html(r.html) if f.code == "image-alt"]


def test_preheader_is_short_and_padded_with_filler() -> None:
    long_lead = "Word " * 80
    r = render_newsletter(single(article(standfirst=long_lead)), SETTINGS)
    assert len(r.preheader) <= 150 and r.preheader.endswith("…")
    body = r.html[r.html.index("<body"):]
    hidden = re.search(r'<div style="display:none[^>]*>(.*?)</div>', body, re.S)
    assert hidden and hidden.group(1).startswith(r.preheader)
    # Invisible filler after the preheader keeps body text out of the inbox preview line.
    assert hidden.group(1).count("\u034f") >= 50


def test_meta_line_without_authors_or_date_still_shows_reading_time() -> None:
    r = render_newsletter(single(article(authors=(), published=None)), SETTINGS)
    assert "3 min read" in r.html and " · 3 min read" not in r.html


def test_text_part_lists_links_as_numbered_references() -> None:
    r = render_newsletter(single(), SETTINGS)
    text = r.text
    assert "Read the full story: [1]" in text
    assert "- Night buses every 15 minutes [2]" in text
    assert "[1] https://news.example.org/harbour-bridge" in text
    assert "[2] https://news.example.org/night-buses" in text
    assert "<" not in text.replace("<https", "")  # no markup in the text part
    body = text.split("\nLinks:\n")[0]
    assert max(len(line) for line in body.splitlines() if merge.OPEN not in line and "://" not in line) <= 72


# --- digest -----------------------------------------------------------------------------------


def test_digest_has_a_table_of_contents_with_working_anchors() -> None:
    r = render_newsletter(digest(3), SETTINGS)
    tags = Tags(r.html)
    toc = [a["href"] for a in tags.all("a") if a.get("href", "").startswith("#")]
    assert toc == ["#story-1", "#story-2", "#story-3"]
    ids = {a["id"] for t, a in tags.tags if "id" in a}
    assert {"story-1", "story-2", "story-3"} <= ids
    assert "In this issue" in r.html
    assert len(tags.all("h1")) == 1 and len(tags.all("h2")) >= 3  # one title; a heading per card
    assert r.html.count("Read the full story") == 3
    assert "Story number 1 about the harbour · Story number 2" in r.preheader
    assert "1. Story number 1 about the harbour" in r.text and "3. Story number 3" in r.text


def test_digest_uses_the_digest_template() -> None:
    r = render_newsletter(digest(2), SETTINGS)
    assert "The week in the harbour" in r.html
    assert "The week in the harbour" in r.text


# --- languages ----------------------------------------------------------------------------------


def test_a_german_article_gets_a_german_newsletter() -> None:
    a = article(language="de", title="Hafenbrücke für Radfahrer geöffnet")
    r = render_newsletter(single(a), SETTINGS)
    assert '<html lang="de" dir="ltr"' in r.html
    for words in ("Ganzen Artikel lesen", "Das Wichtigste", "Mehr zum Thema", "Im Browser ansehen", "Abmelden",
                  "Von Ada Berg und Ben Cole", "14. März 2025", "3 Min. Lesezeit",
                  "Sie erhalten diesen Newsletter von Harbour Times."):
        assert words in r.html, words
    for english in ("Read the full story", "Key points", "View in browser", "Unsubscribe", "min read", "March"):
        assert english not in r.html, english
    assert "Ganzen Artikel lesen: [1]" in r.text and "Abmelden:" in r.text


@pytest.mark.parametrize(("lang", "button", "month"), [
    ("fr", "Lire l’article complet", "mars"),
    ("es", "Leer la noticia completa", "marzo"),
    ("it", "Leggi l’articolo completo", "marzo"),
    ("nl", "Lees het hele artikel", "maart"),
    ("pt", "Ler a notícia completa", "março"),
    ("pt-BR", "Ler a notícia completa", "março"),
])
def test_every_supported_language_translates_the_template(lang: str, button: str, month: str) -> None:
    r = render_newsletter(single(article(language=lang)), SETTINGS)
    assert button in r.html and month in r.html
    assert "Read the full story" not in r.html


def test_right_to_left_languages_set_dir_and_alignment() -> None:
    r = render_newsletter(single(article(language="ar")), SETTINGS)
    assert '<html lang="ar" dir="rtl"' in r.html
    assert "text-align:right" in r.html
    assert "direction:rtl" in r.html and "direction:ltr" not in r.html  # MJML's sections and columns too
    assert "Read the full story" in r.html  # no Arabic catalog: English words, but RTL layout


@pytest.mark.parametrize(("lang", "date", "names"), [
    ("ru", "March 14, 2025", "By Ada Berg and Ben Cole"),  # no Russian catalog: English words and dates
    ("sw", "March 14, 2025", "By Ada Berg and Ben Cole"),
    ("de", "14. März 2025", "Von Ada Berg und Ben Cole"),
])
def test_dates_and_names_are_written_in_the_language_of_the_template_words(lang: str, date: str, names: str) -> None:
    r = render_newsletter(single(article(language=lang)), SETTINGS)
    assert f'<html lang="{lang}"' in r.html  # the article's language stays the document's
    assert date in r.text and names in r.text
    if lang in ("ru", "sw"):
        assert "марта" not in r.text and "Machi" not in r.text and " и " not in r.text


def test_upper_cased_headings_carry_the_language_of_their_words() -> None:
    # "Key points" is upper-cased by CSS, which follows ``lang``: under a Turkish document's
    # lang the English words would read "KEY POİNTS", so the heading says it is English.
    r = render_newsletter(single(article(language="tr")), SETTINGS)
    assert '<html lang="tr"' in r.html
    assert re.search(r'<h\d lang="en"[^>]*>Key points<', r.html)
    r = render_newsletter(single(article(language="de")), SETTINGS)
    assert re.search(r'<h\d lang="de"[^>]*>Das Wichtigste<', r.html)


def test_unknown_locale_dates_fall_back_to_iso() -> None:
    assert format_date("2025-03-14", "zz") == "2025-03-14"
    assert format_date("not a date", "en") is None


# --- markers, unsubscribe and the archive copy --------------------------------------------------


def test_unsubscribe_link_is_a_marker_when_a_route_exists() -> None:
    r = render_newsletter(single(), SETTINGS)
    unsub = [a for a in Tags(r.html).all("a") if merge.fields_in(a.get("href", "")) == {"unsubscribe_url"}]
    assert len(unsub) == 1
    assert "Unsubscribe: " + merge.marker("unsubscribe_url") in r.text
    filled = merge.fill(r.html, {"unsubscribe_url": "https://news.example.org/u/t0k"}, escape_html=True)
    assert 'href="https://news.example.org/u/t0k"' in filled


@pytest.mark.parametrize("settings", [Settings(), Settings(theme=Theme(name="X"))])
def test_no_unsubscribe_link_without_a_route(settings: Settings) -> None:
    r = render_newsletter(single(archive_url=None), settings)
    assert not merge.fields_in(r.html) and not merge.fields_in(r.text)
    assert "Unsubscribe" not in r.html and "Unsubscribe" not in r.text
    assert issue_context(single(), settings.theme, settings)["unsubscribe_available"] is False


def test_mailto_alone_is_an_unsubscribe_route() -> None:
    settings = Settings(unsubscribe_mailto="leave@example.org")
    r = render_newsletter(single(archive_url=None), settings)
    assert merge.fields_in(r.html) == {"unsubscribe_url"}


def test_greeting_is_off_by_default_and_personalised_when_on() -> None:
    assert "name" not in merge.fields_in(render_newsletter(single(), SETTINGS).html)
    settings = SETTINGS.replace(theme=dataclasses.replace(SETTINGS.theme, greeting=True))
    r = render_newsletter(single(), settings)
    assert merge.fields_in(r.html) == {"name", "unsubscribe_url"}
    assert "Hello Ana," in merge.fill(r.html, {"name": "Ana"}, escape_html=True)
    assert "Hello there," in merge.fill(r.html, {}, escape_html=True)
    assert "Hello <b>," not in merge.fill(r.html, {"name": "<b>"}, escape_html=True)
    assert "Hello Zoë & co," in merge.fill(r.text, {"name": "Zoë & co"}, escape_html=False)
    de = render_newsletter(single(article(language="de")), settings)
    assert "Hallo zusammen," in merge.fill(de.html, {}, escape_html=True)
    assert "Hallo zusammen," in merge.fill(de.text, {}, escape_html=False)


def test_article_text_cannot_forge_a_merge_field() -> None:
    forged = f"{merge.OPEN}unsubscribe_url|https://evil.example{merge.CLOSE}"
    a = article(title=f"Title {forged}", standfirst=f"Lead {merge.OPEN}name{merge.CLOSE}",
                related=(Related(f"Rel {forged}", "https://news.example.org/r"),),
                authors=(f"Eve {forged}",), site_name=forged)
    s = summary(key_points=(f"Point {forged}",), tldr=f"Tl {forged}")
    r = render_newsletter(single(a, s, subject=f"Subject {forged}"), Settings())
    for out in (r.html, r.text, r.archive_html, r.subject, r.preheader):
        assert merge.OPEN not in out and merge.CLOSE not in out


def test_archive_copy_has_no_markers_and_no_personal_links() -> None:
    settings = SETTINGS.replace(theme=dataclasses.replace(SETTINGS.theme, greeting=True))
    r = render_newsletter(single(), settings)
    assert merge.OPEN not in r.archive_html
    assert "Unsubscribe" not in r.archive_html and "View in browser" not in r.archive_html
    assert "Hello" not in r.archive_html
    assert "Harbour bridge opens to cyclists" in r.archive_html
    assert "View in browser" in r.html


# --- theme, styles and dark mode ----------------------------------------------------------------


def test_theme_colours_and_fonts_are_applied() -> None:
    theme = Theme(name="Green News", accent="#116644", font="Verdana, sans-serif")
    r = render_newsletter(single(), SETTINGS.replace(theme=theme))
    assert "background:#116644" in r.html and "Verdana, sans-serif" in r.html
    assert "Green News" in r.html and "Green News" in r.text


def test_malformed_theme_values_cannot_break_out_of_css() -> None:
    theme = Theme(accent="red;}</style><script>alert(1)</script>", font="x;}body{display:none",
                  heading_font="Georgia\n}", logo_url="javascript:alert(1)", name="A <b>Brand</b>")
    ctx = theme_context(theme)
    assert ctx["accent"] == Theme().accent and ctx["font"] == Theme().font and ctx["heading_font"] == Theme().heading_font
    assert ctx["logo_url"] is None
    r = render_newsletter(single(), SETTINGS.replace(theme=theme))
    assert "<script" not in r.html and "display:none}" not in r.html
    assert "A &lt;b&gt;Brand&lt;/b&gt;" in r.html


def test_dark_mode_rules_target_the_elements_mjml_actually_produces() -> None:
    """mjml-python puts ``css-class`` on a wrapper; the colours sit on the table/div inside it."""
    from lxml import html as lxml_html

    r = render_newsletter(digest(2), SETTINGS)
    assert "@media (prefers-color-scheme: dark)" in r.html
    assert '<meta name="color-scheme" content="light dark">' in r.html
    doc = lxml_html.fromstring(r.html)
    cards = doc.cssselect("div.card")
    assert cards and len(doc.cssselect("div.card > table")) == len(cards)
    # Every card's inner table carries its own white background inline: the rule must reach it.
    assert all("#ffffff" in t.get("style", "") for t in doc.cssselect("div.card > table"))
    texts = doc.cssselect("td.t")
    assert texts and len(doc.cssselect("td.t > div")) == len(texts)
    assert all("color:" in d.get("style", "") for d in doc.cssselect("td.t > div"))
    # The button's link is not a text link, so the dark link colour never lands on it.
    button_links = [a for a in doc.cssselect("a") if "display:inline-block" in a.get("style", "")]
    assert button_links and not any(a.xpath("ancestor::td[contains(concat(' ', @class, ' '), ' t ')]")
                                    for a in button_links)
    assert "!important" in r.html.split("prefers-color-scheme: dark", 1)[1].split("</style>", 1)[0]


def test_link_colours_are_inlined_and_nothing_is_fetched() -> None:
    r = render_newsletter(single(), SETTINGS)
    related = [a for a in Tags(r.html).all("a") if a.get("href") == "https://news.example.org/night-buses"]
    assert related and Theme().accent in related[0].get("style", "")
    assert "<link" not in r.html and "@import" not in r.html


# --- size ---------------------------------------------------------------------------------------


def test_size_guard_warns_before_gmail_clips() -> None:
    assert WARN_BYTES < CLIP_BYTES == 102_000
    small = render_newsletter(single(), SETTINGS)
    assert small.warnings == () and small.html_bytes < WARN_BYTES
    big = render_newsletter(digest(45), SETTINGS)
    assert big.html_bytes > WARN_BYTES
    assert any("KB" in w and "Gmail" in w for w in big.warnings)
    assert any(f.code == "size" for f in lint_html(big.html))


# --- hostile content ----------------------------------------------------------------------------


def test_hostile_article_produces_nothing_executable() -> None:
    a = article(
        title='<script>alert("t")</script>Title\r\nBcc: x@y',
        standfirst='<img src=x onerror="alert(1)">Lead',
        url="javascript:alert(1)",
        authors=('<a href="javascript:alert(2)">Mallory</a>',),
        site_name="<style>body{display:none}</style>",
        image=Image(url="javascript:alert(3)", alt='" onerror="alert(4)'),
        related=(Related("<svg onload=alert(5)>", "javascript:alert(6)"),
                 Related("data link", "data:text/html;base64,PHNjcmlwdD4=")),
    )
    s = summary(key_points=("<iframe src=https://evil.example></iframe>",), tldr="<b onmouseover=alert(7)>x</b>")
    r = render_newsletter(single(a, s, subject=a.title), SETTINGS)
    for html in (r.html, r.archive_html):
        tags = Tags(html)
        names = {t for t, _ in tags.tags}
        assert not names & {"script", "iframe", "svg", "object", "embed", "form"}
        assert not [k for _, attrs in tags.tags for k in attrs if k.startswith("on")]
        assert not [v for _, attrs in tags.tags for k, v in attrs.items()
                    if k in ("href", "src") and re.match(r"\s*(javascript|data|vbscript):", v, re.I)]
        assert not [f for f in lint_html(html) if f.severity == "error"]
        assert "&lt;script&gt;" in html
        assert "\r" not in html.split("<body", 1)[1].split("</title>")[0]
    assert "\n" not in r.subject and "\r" not in r.subject
    assert "Bcc: x@y" in r.subject  # kept as text on the same line, never a header


# --- the real seed ----------------------------------------------------------------------------


def test_seed_article_renders_cleanly(seed_path: Path) -> None:
    from composer.ingest import load_article
    from composer.summarize import summarise

    a = load_article(str(seed_path))
    r = render_newsletter(single(a, summarise(a), subject=a.title or "News"), SETTINGS)
    assert a.title and a.title.replace("'", "&#x27;") in r.html or (a.title or "") in r.html.replace("&#39;", "'")
    findings = lint_html(merge.fill(r.html, {"unsubscribe_url": "https://news.example.org/u/x"}, escape_html=True))
    assert [f for f in findings if f.severity != "info"] == []
    assert r.warnings == ()


def test_attribute_text_in_any_script_survives_mjml() -> None:
    """mjml-python escapes combining marks in attributes as ``\\u{94d}``; the renderer prevents it."""
    alt = "हिन्दी में समाचार — مُحَمَّد — Zürich"
    a = article(language="hi", image=Image(url="https://cdn.example.org/x.jpg", alt=alt),
                url="https://news.example.org/ü-straße")
    r = render_newsletter(single(a), SETTINGS)
    assert [i["alt"] for i in Tags(r.html).all("img")] == [alt]
    assert "\\u{" not in r.html
    assert any(x.get("href") == "https://news.example.org/ü-straße" for x in Tags(r.html).all("a"))


def test_text_part_never_breaks_a_url_inside_a_line() -> None:
    url = "https://news.example.org/" + "segment-" * 15 + "end"
    r = render_newsletter(single(s=summary(key_points=(f"See {url} for the timetable.",))), SETTINGS)
    assert url in r.text


def test_subject_keeps_the_authors_spacing_but_not_line_breaks() -> None:
    r = render_newsletter(single(subject="Weekly  digest:  \u201cquotes\u201d\r\nBcc: x@y\u2028end"), SETTINGS)
    assert r.subject == "Weekly  digest:  \u201cquotes\u201d Bcc: x@y end"



_DATES_PROBE = """
import datetime, json, sys
if sys.argv[1] == "babel-with-pytz":
    import pytz  # noqa: F401  # babel's own way when pytz is there
from composer.newsletter.render import format_date
langs = ["en", "en-GB", "de", "fr", "es", "it", "nl", "pt", "pt-BR", "ru", "ja", "ar", "fi"]
days = [datetime.date(2025, m, d) for m, d in ((1, 1), (3, 14), (9, 30), (12, 31))] + [datetime.date(1999, 2, 28)]
dates = [format_date(d, lang) for lang in langs for d in days]
pytz_loaded = "pytz" in sys.modules
import babel.dates
print(json.dumps({"dates": dates, "pytz": pytz_loaded, "babel_pytz": babel.dates.pytz is not None}))
"""


def test_dates_are_formatted_without_loading_pytz_and_read_the_same() -> None:
    import json
    import os
    import subprocess
    import sys

    pytest.importorskip("pytz", reason="pytz is not installed: babel uses zoneinfo anyway")

    def probe(mode: str) -> dict[str, object]:
        env = {**os.environ, "COMPOSER_CACHE": "off"}  # babel itself formats every date (no stored recipes)
        out = subprocess.run([sys.executable, "-c", _DATES_PROBE, mode], capture_output=True, text=True, check=True,
                             env=env)
        return json.loads(out.stdout)

    ours, theirs = probe("composer"), probe("babel-with-pytz")
    assert ours["pytz"] is False and ours["babel_pytz"] is False
    assert theirs["babel_pytz"] is True  # the reference really is babel with pytz
    assert ours["dates"] == theirs["dates"] and "14. März 2025" in ours["dates"]


def test_stored_long_date_recipes_write_what_babel_writes(tmp_path: Path) -> None:
    """The second process formats from the stored recipes, without babel's locale data, and
    every language reads as babel writes it; unknown languages stay ISO."""
    import json
    import os
    import subprocess
    import sys

    probe = _DATES_PROBE.replace('langs = ["en"', 'langs = ["zz", "de-AT", "th", "en"')
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("COMPOSER_CACHE", None)
    runs = [json.loads(subprocess.run([sys.executable, "-c", probe + _LOADED, "composer"], capture_output=True,
                                      text=True, check=True, env=env).stdout.splitlines()[-1]) for _ in range(2)]
    reference = json.loads(subprocess.run([sys.executable, "-c", probe, "babel-with-pytz"], capture_output=True,
                                          text=True, check=True, env={**env, "COMPOSER_CACHE": "off"}).stdout)
    assert runs[0]["dates"] == runs[1]["dates"] == reference["dates"]
    assert "2025-03-14" in runs[1]["dates"]  # "zz": not a language babel knows
    # stored after the first run: the second loads locale data only for Thai, whose long date has an era
    assert set(runs[0]["locale_data"]) > {"root", "th", "en", "de"} and set(runs[1]["locale_data"]) == {"root", "th"}
    stored = json.loads(next((tmp_path / "cache" / "composer" / "babel").glob("cldr-*.json")).read_text("utf-8"))
    assert stored["zz"] == "iso" and stored["th"] == "babel" and stored["de"]["tokens"][0] == ["field", ["d", 1]]


_LOADED = """
import babel.localedata
print(json.dumps({"dates": dates, "locale_data": sorted(babel.localedata._cache)}))
"""


def test_stored_list_recipes_join_names_as_babel_does(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from babel import Locale
    from babel.lists import format_list

    from composer import cldr

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPOSER_CACHE", raising=False)
    monkeypatch.setattr(cldr, "_recipes", None)
    langs = ["en", "de", "fr", "es", "it", "nl", "pt-BR", "ru", "ja", "ar", "zz"]
    lists = [["Ana"], ["Ana", "Bo"], ["Ana", "Bo", "Cy"], ["Ana", "Bo", "Cy", "{0} Dee"], list("ABCDEFG")]
    for attempt in ("made", "stored"):
        if attempt == "stored":
            monkeypatch.setattr(cldr, "_recipes", None)  # a new process: read back from the file
        for lang in langs:
            for names in lists:
                expected = (", ".join(names) if lang == "zz" or len(names) < 2
                            else format_list(names, locale=Locale.parse(lang.replace("-", "_"))))
                assert format_names(names, lang) == expected, (attempt, lang, names)
    stored = json.loads(next((tmp_path / "cache" / "composer" / "babel").glob("cldr-*.json")).read_text("utf-8"))
    assert stored["list:de"]["end"] == "{0} und {1}" and stored["list:zz"] == "iso"
