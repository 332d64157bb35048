"""Code listings in pasted text (``composer/ingest/paste/code.py``) and the body around them.

A programming post copied from a browser alternates paragraphs and listings; the listings must
neither cut the body short nor be taken for menus, and menus must not be taken for listings.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.article import Article, Source
from composer.ingest.paste.body import find_body
from composer.ingest.paste.code import code_lines
from composer.ingest.paste.lines import make_line, split_lines
from composer.ingest.text import parse

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "paste" / "devblog-index.txt"

PARAGRAPH = (
    "The cache kept every response for an hour, which was fine until the pricing page started showing "
    "yesterday's numbers to customers who had just been told about a discount."
)
CLOSING = (
    "With the key including the currency, the stale prices disappeared the same afternoon and the support "
    "queue went quiet again by the end of the week."
)


def _parse(text: str) -> Article:
    return parse(text, Source(path="paste.txt", format="text"))


@pytest.mark.parametrize(
    "line",
    [
        "SELECT id, issued_on, total",
        "FROM invoices",
        "db = sqlite3.connect(\"billing.db\")",
        "console.log(data.entries);",
        "} else {",
        "list: [",
        "import sqlite3, time",
        "def handler(event, context):",
        "$ pip install composer",
        "sqlite> EXPLAIN QUERY PLAN SELECT * FROM t;",
        ">>> len(rows)",
        "│ before      │ 11.84    │",
        "avg(n) - stddev(n) AS lower_bound,",
        "SELECT",  # a button as much as a keyword: alone it makes no listing (below)
        # An HTML example: whole tags on the line, no address.
        "<!DOCTYPE html>",
        '<meta charset="utf-8">',
        '<div id="messages"></div>',
        "</body>",
    ],
)
def test_statements(line: str) -> None:
    assert make_line(0, line).code


@pytest.mark.parametrize(
    "line",
    [
        "Blog (2)",
        "►WordPress(53)",
        "MacBook Pro,",
        "Lakers vs Nets: NBA make final decision on game amid China turmoil [VIDEO]",
        "Comments (12)",
        "JOIN NOW",
        "FROM AROUND THE SITE",
        '<div><a href="http://ad.example.net/jump;sz=728x90">',  # markup a page leaked
        '<img src="https://pixel.example.com/p?c1=2&c2=7241469" style="display:none">',  # a tracking pixel
        "<span class=firstTabBranding>Sponsored by </span>TrackR Bravo",  # a label run into the text
        "The function (as the docs call it) returns a list of rows that match the filter you gave it.",
        "Home",
    ],
)
def test_not_statements(line: str) -> None:
    assert not make_line(0, line).code


def test_a_listing_needs_two_statements_or_a_prompt_with_output() -> None:
    alone = split_lines("Intro paragraph here.\nx = 1\nAnother paragraph of prose follows the lonely line.")
    assert code_lines(alone) == set()
    pair = split_lines("Prose.\nCREATE INDEX by_day\nON events (day);\nMore prose follows.")
    assert code_lines(pair) == {1, 2}
    prompt = split_lines("Prose.\n$ wc -l data.csv\n41230 data.csv\n\nMore prose.")
    assert code_lines(prompt) == {1, 2}


def test_an_html_example_is_one_listing() -> None:
    page = split_lines(
        "Add the adapter to the test page:\n<!DOCTYPE html>\n<html>\n<head>\n  <title>Test</title>\n</head>\n"
        "<body>\n  <div id=\"mocha\"></div>\n  <script src=\"cow.js\" data-cover></script>\n</body>\n</html>\n\n"
        "Then open the page in a browser and watch the report."
    )
    assert code_lines(page) == set(range(1, 11))


def test_menus_with_counts_are_not_listings() -> None:
    menu = split_lines("Archive\nBlog (2)\nEvents (56)\nePaper (308)\nNews (1914)\nSport (12)\nSELECT\nJOIN NOW")
    assert code_lines(menu) == set()


def _post(listing_lines: int) -> str:
    listing = "\n".join(
        f"cache.set(key_{n}, value_{n}, ttl=3600)" if n % 3 else f"key_{n} = make_key(user, '{n}')"
        for n in range(listing_lines)
    )
    return f"Home\nBlog\n\nHow a cache key cost us a week\n\n{PARAGRAPH}\n\n{listing}\n\n{CLOSING}\n"


def test_a_long_listing_does_not_cut_the_body() -> None:
    text = _post(40)
    lines = split_lines(text)
    start, end = find_body(lines)
    texts = [line.text for line in lines[start:end]]
    assert PARAGRAPH in texts and CLOSING in texts
    article = _parse(text)
    assert article.body[0].text == PARAGRAPH and article.body[-1].text == CLOSING
    (listing,) = [b for b in article.body if b.is_listing]
    assert listing.text.count("\n") == 39


def test_the_fixture_post_keeps_its_listings_as_copied() -> None:
    article = _parse(FIXTURE.read_text(encoding="utf-8"))
    assert article.title == "Why our slowest query needed one index, not a bigger server"
    listings = [b.text for b in article.body if b.is_listing]
    assert listings[0].splitlines()[0] == "SELECT id, issued_on, total"
    assert "sqlite> EXPLAIN QUERY PLAN" in listings[1] and listings[1].endswith("`--SCAN invoices")
    assert "│ run         │ seconds  │" in listings[-1]  # columns as copied, not squeezed
    assert article.body[-1].text.startswith("If you have a slow report of your own")
