"""The Markdown reader: front matter, typed blocks, spans, and markup that must not pass."""

from __future__ import annotations

from pathlib import Path

import pytest

from composer.article import Article, Source
from composer.errors import InputError
from composer.ingest.markdown import parse, split_front_matter

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "markdown" / "night-market.md"


def md(text: str) -> Article:
    return parse(text, Source(path="post.md", format="markdown"))


@pytest.fixture(scope="module")
def market() -> Article:
    return parse(FIXTURE.read_text(encoding="utf-8"), Source(path=str(FIXTURE), format="markdown"))


def test_front_matter_becomes_metadata(market: Article) -> None:
    assert market.title == "Night market moves to the river"
    assert market.authors == ("Lena Okafor", "Paul Dumas")
    assert market.published == "2025-06-02"
    assert market.updated == "2025-06-03T09:15:00+02:00"
    assert market.url == "https://riverside.example/blog/night-market"
    assert market.image is not None
    assert market.image.url == "https://riverside.example/img/market-lanterns.jpg"
    assert market.image.alt == "Lanterns above the market stalls"
    assert market.tags == ("Markets", "Riverside", "Food")
    assert market.language == "en"
    assert market.standfirst and market.standfirst.startswith("After six years in the car park")


def test_body_blocks_are_typed_and_the_duplicate_h1_is_dropped(market: Article) -> None:
    assert [b.type for b in market.body] == [
        "paragraph", "heading", "quote", "list_item", "list_item", "list_item", "paragraph", "paragraph",
    ]
    assert market.body[0].text.startswith("The Friday night market will move to the river embankment from July,")
    assert "\n" not in market.body[0].text  # a soft line break is a space


def test_inline_markup_is_kept_as_spans(market: Article) -> None:
    def spans(block_index: int) -> list[tuple[str, str, str | None]]:
        b = market.body[block_index]
        return [(s.kind, b.text[s.start:s.end], s.url) for s in b.spans]

    assert spans(0) == [("strong", "river embankment", None)]
    assert spans(3) == [("em", "six", None)]
    assert spans(4) == [("link", "footbridge", "https://riverside.example/footbridge")]
    assert spans(5) == [("code", "market-pay", None)]


def test_images_and_raw_html_do_not_become_text_or_markup(market: Article) -> None:
    text = market.text
    assert "embankment at dusk" not in text and "![" not in text
    assert "Parking is free after six." in [b.text for b in market.body]
    for bad in ("<", "alert", "steal", "onclick", "javascript"):
        assert bad not in text, bad
    last = market.body[-1]
    assert last.text == "Read the organisers' notice for the full list of stalls."
    assert last.spans == ()  # the javascript: link is gone, its words stay


def test_first_h1_is_the_title_without_front_matter() -> None:
    art = md("# Bridge reopens\n\nThe old bridge reopened to cyclists on Saturday morning.\n\n# Second H1\n\nMore.")
    assert art.title == "Bridge reopens"
    assert [b.type for b in art.body] == ["paragraph", "heading", "paragraph"]


def test_no_title_at_all_is_none() -> None:
    art = md("Just a paragraph of text with **bold** words.\n")
    assert art.title is None
    assert art.body[0].spans[0].kind == "strong"


def test_front_matter_title_wins_and_is_single_line() -> None:
    art = md('---\ntitle: "Line one\\r\\nline two"\nauthor: Ann Lee and Bo Ek\n---\n# Body heading\n\nText here.\n')
    assert art.title == "Line one line two"
    assert art.authors == ("Ann Lee", "Bo Ek")
    assert art.body[0].type == "heading"


def test_nested_lists_tables_code_and_hard_breaks() -> None:
    art = md("- a\n  - b\n\n| x | y |\n|---|---|\n| 1 | 2 |\n\n```\nprint(1)\n```\n\nline one  \nline two\n")
    assert [(b.type, b.text) for b in art.body] == [
        ("list_item", "a"), ("list_item", "b"), ("paragraph", "x | y"), ("paragraph", "1 | 2"),
        ("paragraph", "print(1)"), ("paragraph", "line one\nline two"),
    ]
    assert art.body[4].spans[0].kind == "code"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("---\ntitle: [unclosed\n---\nBody.\n", "not valid YAML"),
        ("---\n- a\n- b\n---\nBody.\n", "key: value"),
        ("---\ntitle: Only metadata\n---\n\n", "no body text"),
        ("---\ntitle: x\n---\n![just a picture](https://example.org/a.png)\n", "no body text"),
    ],
)
def test_bad_documents_raise_input_error(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        md(text)


def test_yaml_python_tags_are_refused() -> None:
    with pytest.raises(InputError):
        md("---\ntitle: !!python/object/apply:os.system ['echo hi']\n---\nBody.\n")


def test_split_front_matter_without_header_returns_the_text() -> None:
    assert split_front_matter("# Hi\n") == ({}, "# Hi\n")
    # Thematic breaks around a line of prose are not a YAML header.
    text = "---\nA line of prose between two rules.\n---\n\nMore text.\n"
    assert split_front_matter(text) == ({}, text)
    assert md(text).body[0].text == "A line of prose between two rules."


def test_language_and_dates_in_other_shapes() -> None:
    art = md("---\nlang: fr_FR\ndate: 12 mars 2025\nimage:\n  url: https://ex.org/i.jpg\n  alt: Un vélo\n---\nUn texte.\n")
    assert art.language == "fr"
    assert art.published == "2025-03-12"
    assert art.image is not None and art.image.alt == "Un vélo"
