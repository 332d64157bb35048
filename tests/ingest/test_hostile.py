"""Hostile input: every reader must give a clean Article or a clear InputError, never a crash.

"Clean" is checked the same way for every case (:func:`assert_clean`): no string in the
Article looks like markup, every URL is http(s), one-line fields have no line breaks, and no
invisible characters survive.
"""

from __future__ import annotations

import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from composer.article import Article
from composer.errors import InputError
from composer.ingest import load_article, parse_text

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
_MARKUP = re.compile(r"<\s*/?\s*[A-Za-z!?]")
_INVISIBLE = re.compile("[\u200b\u200c\u200e\u200f\u2060\ufeff\u202a-\u202e]")
_URL_KEYS = {"url"}
_ONE_LINE = {"title", "standfirst", "site_name", "published", "updated", "caption", "credit", "alt", "authors", "tags"}


def _strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _strings(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in _strings(v, key)]
    return []


def assert_clean(article: Article) -> None:
    data = article.to_dict()
    for key, text in _strings(data):
        if key == "path":
            continue
        assert not _MARKUP.search(text), (key, text)
        assert not _INVISIBLE.search(text), (key, text)
        if key in _URL_KEYS:
            assert re.match(r"https?://[^\s]+$", text), (key, text)
        if key in _ONE_LINE:
            assert "\n" not in text and "\r" not in text, (key, text)
        assert "javascript:" not in text.lower() and "alert(" not in text, (key, text)
    for block in article.body:
        for span in block.spans:
            assert 0 <= span.start < span.end <= len(block.text)
            if span.kind == "link":
                assert span.url and span.url.startswith(("http://", "https://"))
    json.loads(article.to_json())


PROSE = " ".join(["The harbour board met on Tuesday to discuss the new ferry timetable and the fares."] * 4)


def test_hostile_html_fixture() -> None:
    art = parse_text((FIXTURES / "html" / "hostile.html").read_text(encoding="utf-8"), path="hostile.html")
    assert_clean(art)
    assert art.title == "Council approves new park plan"
    assert art.authors == ("Rosa Lind",)
    assert art.image is None and art.url is None and art.published is None
    assert "Injected paragraph" not in art.text
    assert "Read the full plan or the summary, or see the map and the budget" in art.text
    assert "stretch of woodland" in art.text  # the &#8203; is gone, the words are joined properly


def test_hostile_html_from_a_url_keeps_only_http_links() -> None:
    from composer.article import Source
    from composer.ingest.html import parse

    html = (FIXTURES / "html" / "hostile.html").read_text(encoding="utf-8")
    art = parse(html, Source(path="https://city.example/news/park", format="url"))
    assert_clean(art)
    links = [s.url for b in art.body for s in b.spans if s.kind == "link"]
    assert links == ["https://city.example/docs/park-budget.pdf"]


@pytest.mark.parametrize(
    "head",
    [
        "<title>Line one&#13;&#10;line two</title>",
        '<meta property="og:title" content="Line one\r\nline two">',
        '<script type="application/ld+json">{"@type":"NewsArticle","headline":"Line one\\r\\nline two"}</script>',
        '<meta property="og:title" content="Line one&#x2028;line two">',
    ],
)
def test_titles_with_line_breaks_become_single_line(head: str) -> None:
    art = parse_text(f"<html><head>{head}</head><body><p>{PROSE}</p></body></html>")
    assert art.title == "Line one line two"
    assert_clean(art)


def test_markup_in_metadata_is_removed() -> None:
    head = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "\\u003cscript\\u003ealert(1)\\u003c/script\\u003eReal <b>title</b>",'
        ' "author": {"name": "\\u003cimg src=x onerror=alert(1)\\u003eAnn Lee"}, "image": "javascript:alert(1)",'
        ' "keywords": ["<i>tag</i>", "ok"]}</script>'
        '<meta name="description" content="&lt;script&gt;alert(1)&lt;/script&gt;A summary">'
        '<link rel="canonical" href="  java\tscript:alert(1)">'
    )
    art = parse_text(f"<html><head>{head}</head><body><p>{PROSE}</p></body></html>")
    assert_clean(art)
    assert art.title == "Real title"
    assert art.authors == ("Ann Lee",)
    assert art.tags == ("tag", "ok")
    assert art.standfirst == "A summary"
    assert art.url is None and art.image is None


def test_event_attributes_and_scripts_leave_no_trace() -> None:
    body = (
        f'<div onclick="alert(1)"><p onmouseover="alert(2)">{PROSE}</p>'
        '<script>alert(3)</script><style>p{}</style><noscript>enable js alert(4)</noscript>'
        '<p>Second <a href="javascript:alert(5)" onclick="alert(6)">paragraph</a> of real words here.</p></div>'
    )
    art = parse_text(f"<html><body>{body}</body></html>")
    assert_clean(art)


def test_hostile_markdown() -> None:
    text = (
        '---\ntitle: "A\\r\\nB <script>alert(1)</script>"\nurl: javascript:alert(1)\nimage: data:image/png;base64,AA\n---\n'
        "Hello [click](javascript:alert(1)) and [ok](https://ok.example) ![x](javascript:alert(2))\n\n"
        '<script>alert(3)</script>\n\n<img src=x onerror="alert(4)">\n\n<p onclick="alert(5)">Para &lt;b&gt;</p>\n\n'
        "Zero\u200bwidth\u2060 words\n"
    )
    art = parse_text(text, path="x.md")
    assert_clean(art)
    assert art.title == "A B"
    assert art.url is None and art.image is None
    assert art.body[0].text == "Hello click and ok"
    assert [s.url for s in art.body[0].spans] == ["https://ok.example"]
    assert "Zerowidth words" in art.text


def test_hostile_json() -> None:
    data = {
        "title": "T\r\nU\u200b", "standfirst": "<b>s</b>", "url": "javascript:alert(1)",
        "body": [{"type": "paragraph", "text": "<script>alert(1)</script>Body\u200b text"}],
        "image": {"url": "javascript:alert(1)", "alt": "a\nb"}, "tags": ["<x>"],
    }
    art = parse_text(json.dumps(data))
    assert_clean(art)
    assert art.title == "T U"
    assert art.body[0].text == "Body text"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        # cp1252 bytes and no declaration at all
        ("<html><body><p>Caf\u00e9 \u201cquoted\u201d \u2013 na\u00efve</p></body></html>".encode("cp1252"), "Café “quoted” – naïve"),
        # <meta charset> claims UTF-8, the bytes are cp1252
        ('<html><head><meta charset="utf-8"></head><body><p>Caf\u00e9 cr\u00e8me</p></body></html>'.encode("cp1252"), "Café crème"),
        # <meta charset> claims Latin-1, the bytes are UTF-8
        ('<html><head><meta charset="iso-8859-1"></head><body><p>Caf\u00e9 cr\u00e8me \u2014 ok</p></body></html>'.encode(), "Café crème — ok"),
        # UTF-8 with a BOM
        (b"\xef\xbb\xbf<html><body><p>Stra\xc3\x9fe</p></body></html>", "Straße"),
    ],
)
def test_wrong_or_lying_encodings(tmp_path: Path, data: bytes, expected: str) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(data)
    art = load_article(str(path))
    assert art.body[0].text == expected
    assert_clean(art)


def test_undecodable_bytes_do_not_crash(tmp_path: Path) -> None:
    path = tmp_path / "page.html"
    path.write_bytes(b"<html><body><p>bad \x81\x8d\x90 bytes \xff\xfe here</p></body></html>")
    art = load_article(str(path))
    assert "bytes" in art.text
    assert_clean(art)


def test_binary_and_empty_files_are_clear_errors(tmp_path: Path) -> None:
    png = tmp_path / "x.html"
    png.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    with pytest.raises(InputError, match="binary"):
        load_article(str(png))
    empty = tmp_path / "e.html"
    empty.write_bytes(b"   \n")
    with pytest.raises(InputError, match="empty"):
        load_article(str(empty))


def test_files_over_the_size_cap_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.html"
    path.write_bytes(b"<p>" + b"word " * 300_000 + b"</p>")
    with pytest.raises(InputError, match="larger than"):
        load_article(str(path), max_bytes=1_000_000)


def test_a_large_page_under_the_cap_parses_in_reasonable_time() -> None:
    paragraphs = "".join(f"<p>{PROSE} Paragraph {i}.</p><div class='ad'>ad {i}</div>" for i in range(3000))
    html = f"<html><body><article>{paragraphs}</article></body></html>"  # about 1 MB
    start = time.perf_counter()
    art = parse_text(html)
    assert time.perf_counter() - start < 30
    assert len(art.body) > 1000
    assert_clean(art)


@pytest.mark.parametrize(
    "text",
    [
        "<html><body>" + "<div>" * 20000 + "<p>deep words here</p>" + "</div>" * 20000 + "</body></html>",
        "<html><body>" + "<b>" * 5000 + "bold words" + "</b>" * 5000 + "</body></html>",
    ],
)
def test_deeply_nested_html(text: str) -> None:
    try:
        art = parse_text(text)
    except InputError:
        return
    assert_clean(art)


@pytest.mark.parametrize(
    ("text", "path"),
    [("[" * 100_000 + "]" * 100_000, "x.json"), ('{"a":' * 50_000 + "1" + "}" * 50_000, "x.json"),
     ("> " * 5000 + "quoted", "x.md"), ("- " * 5000 + "item", "x.md"), ("*" * 50_000 + "x", "x.md")],
)
def test_deeply_nested_json_and_markdown(text: str, path: str) -> None:
    try:
        art = parse_text(text, path=path)
    except InputError:
        return
    assert_clean(art)


def test_zero_width_characters_from_entities_are_removed() -> None:
    html = f"<html><head><title>Ze&#8203;ro&#xFEFF; width&#8206;</title></head><body><p>{PROSE}&#8203;</p><p>Wo&#8203;rd&#173;s</p></body></html>"
    art = parse_text(html)
    assert art.title == "Zero width"
    assert_clean(art)


@pytest.mark.parametrize(
    ("value", "base", "expected"),
    [
        ("https://ex.org/a?b=1#c", None, "https://ex.org/a?b=1#c"),
        ("HTTP://Ex.org/a", None, "http://Ex.org/a"),
        ("/rel/x", "https://ex.org/dir/page", "https://ex.org/rel/x"),
        ("x.jpg", "https://ex.org/dir/page", "https://ex.org/dir/x.jpg"),
        ("//cdn.ex.org/i.png", None, "https://cdn.ex.org/i.png"),
        ("//cdn.ex.org/i.png", "http://ex.org/", "http://cdn.ex.org/i.png"),
        ("/rel/x", None, None),
        ("/rel/x", "javascript:alert(1)", None),
        ("javascript:alert(1)", "https://ex.org/", None),
        (" JaVaScRiPt:alert(1)", None, None),
        ("java\tscript:alert(1)", "https://ex.org/", None),
        ("java\u200bscript:alert(1)", "https://ex.org/", None),
        ("data:text/html;base64,PHNjcmlwdD4=", None, None),
        ("vbscript:msgbox", None, None),
        ("file:///etc/passwd", None, None),
        ("mailto:a@b.org", None, None),
        ("https://", None, None),
        ("http://[::1", None, None),
        (None, None, None),
        ("https://ex.org/" + "a" * 5000, None, None),
    ],
)
def test_resolve_url_allows_only_http(value: str | None, base: str | None, expected: str | None) -> None:
    from composer.ingest.sanitize import resolve_url

    assert resolve_url(value, base) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("<scr<script>ipt>alert(1)</script>Title", "‹scr Title"),  # the leftover fragment is defused
        ("3 < 4 and 5 > 2", "3 < 4 and 5 > 2"),
        ("Unclosed <script src=x", "Unclosed ‹script src=x"),
        ("a\r\nb\u2028c\u200bd", "a b cd"),
        ("<!-- hidden -->Shown", "Shown"),
        ("   ", None),
    ],
)
def test_clean_value(value: str, expected: str | None) -> None:
    from composer.ingest.sanitize import clean_value

    assert clean_value(value) == expected


_ACTIVE = re.compile(r"<\s*/?\s*script|<[^<>]*(?:\bon[a-z]+\s*=|javascript\s*:)", re.I)


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        (f"<html><body><p>{PROSE}</p><p>Never print &lt;script&gt;alert(1)&lt;/script&gt; or "
         "&lt;img src=x onerror=alert(2)&gt; into a page, says the guide, nor &lt;a href=\"javascript:alert(3)\"&gt;, "
         "and <b>escape</b> it.</p>"
         f"<p>{PROSE}</p></body></html>", "html"),
        (f"Escaping, a guide\n\n{PROSE}\n\nNever print <script>alert(1)</script> or <img src=x onerror=alert(2)> "
         f'into a page, says the guide, nor <a href="javascript:alert(3)">, and escape it.\n\n{PROSE}\n', "text"),
    ],
)
def test_text_shaped_like_an_active_tag_reaches_no_output(text: str, fmt: str) -> None:
    """A page may print "&lt;script&gt;" as text (the parser decodes it into a tag's shape), and a
    paste holds what the page showed: the brackets become ‹ ›, in the article and so in the posts
    and the summary; a span over the words keeps its place."""
    from composer.social.posts import write_posts
    from composer.summarize import summarize

    art = parse_text(text, fmt=fmt)
    said = next(b for b in art.body if "alert(1)" in b.text)
    assert "‹script›alert(1)‹/script›" in said.text and "‹img src=x onerror=alert(2)›" in said.text
    assert [said.text[s.start : s.end] for s in said.spans] == (["escape"] if fmt == "html" else [])
    outputs = json.dumps([art.to_dict(), write_posts(art, summarize(art))], ensure_ascii=False)
    assert not _ACTIVE.search(outputs)


def test_a_programming_post_keeps_its_inert_tags_and_its_listings() -> None:
    """Only tags that run or load something are defanged: "the <img> tag" stays as written, and
    a code listing is shown as written (escaped where it is HTML)."""
    page = (f"<html><body><p>{PROSE}</p><p>Give every &lt;img&gt; tag an alt text, and wrap the list "
            "in a &lt;ul&gt; element, the guide says to every reader.</p>"
            "<pre><code>&lt;script src=\"app.js\"&gt;&lt;/script&gt;\n&lt;div id=\"app\"&gt;&lt;/div&gt;</code></pre>"
            f"<p>{PROSE}</p></body></html>")
    art = parse_text(page, fmt="html")
    assert any("<img> tag" in b.text and "<ul> element" in b.text for b in art.body)
    listing = [b for b in art.body if b.is_listing]
    assert listing and '<script src="app.js"></script>' in listing[0].text


@pytest.mark.parametrize(
    "page",
    ['<svg <div>onlo<time datetime="99<html lang="zz-ZZ">99-', "<svg><text>Some words of a broken page</text></svg>",
     '<div hidden>Words of a page whose root is hidden, and more of them</div>'],
)
def test_a_page_whose_root_would_be_dropped_is_read_or_refused_cleanly(page: str) -> None:
    """A broken page's root may be an element the readers drop (an <svg>, a hidden <div>); lxml
    refuses to drop a root, with an assertion (found by fuzzing, in our fallback and in htmldate)."""
    try:
        art = parse_text(page, fmt="html")
    except InputError:
        return
    assert_clean(art)
