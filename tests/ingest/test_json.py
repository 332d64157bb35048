"""The JSON reader: the Article shape, the simple shapes, validation and clean-up."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.article import Article, Source
from composer.errors import InputError
from composer.ingest.json import parse

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "json"


def js(data: object) -> Article:
    return parse(json.dumps(data), Source(path="in.json", format="json"))


def test_article_shape_is_read_exactly() -> None:
    text = (FIXTURES / "article.json").read_text(encoding="utf-8")
    art = parse(text, Source(path="x.json", format="json"))
    assert art.title == "Tram line extension approved"
    assert art.source == Source(path="tram.html", format="html")  # the recorded origin is kept
    assert art.body[0].spans[0].url == "https://assembly.example"
    assert [b.type for b in art.body] == ["paragraph", "heading", "list_item", "quote"]
    assert art.related[0].url == "https://news.example/bus-lanes"
    # Canonical output parses back to the same Article.
    assert parse(art.to_json(), Source(path="x.json", format="json")) == art


def test_title_may_be_null() -> None:
    art = js({"title": None, "body": [{"type": "paragraph", "text": "Words of the article."}]})
    assert art.title is None
    assert art.source == Source(path="in.json", format="json")


def test_simple_title_and_text_shape() -> None:
    art = parse((FIXTURES / "simple.json").read_text(encoding="utf-8"), Source(path="s.json", format="json"))
    assert art.title == "Library opens on Sundays"
    assert [b.text for b in art.body] == [
        "The central library will open on Sundays from next month.",
        "The council found the money in this year's budget after a petition gathered four thousand names.",
    ]
    assert art.url == "https://news.example/library-sundays"


def test_corpus_style_record_with_article_or_raw_text() -> None:
    art = js({"id": "x1", "url": "http://example.org/a", "article": "First sentence here. Second one.", "reference": "Sum."})
    assert art.title is None
    assert art.body[0].text == "First sentence here. Second one."
    art = js({"id": "x2", "raw_text": "Line one of the page.\nLine two of the page."})
    assert [b.text for b in art.body] == ["Line one of the page.", "Line two of the page."]


def test_one_jsonl_record_is_fine_and_several_are_an_error() -> None:
    line = json.dumps({"text": "Only record."})
    assert parse(line + "\n", Source("r.jsonl", "json")).body[0].text == "Only record."
    with pytest.raises(InputError, match="JSON Lines"):
        parse(line + "\n" + line + "\n", Source("r.jsonl", "json"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([{"text": "a"}], "is a list"),
        ("just a string", "must be an object"),
        ({"title": "No body"}, "'body' list|'text' string"),
        ({"body": []}, "empty body"),
        ({"body": [{"type": "paragraph", "text": "   "}]}, "empty body"),
        ({"text": "  \n  "}, "empty body"),
        ({"title": 5, "body": [{"text": "x"}]}, "'title' must be a string"),
        ({"body": [{"type": "poem", "text": "x"}]}, "unknown block type"),
        ({"body": "x", "authors": "A"}, None),
        ({"body": [{"text": "x"}], "tags": "a,b"}, "'tags' must be a list"),
    ],
)
def test_validation_errors_are_clear(data: object, message: str | None) -> None:
    if message is None:
        assert js(data).body[0].text == "x"
        return
    with pytest.raises(InputError, match=message):
        js(data)


def test_invalid_json_names_the_position() -> None:
    with pytest.raises(InputError, match="line 1"):
        parse('{"title": ', Source("b.json", "json"))


def test_language_is_detected_when_missing_and_normalised_when_given() -> None:
    german = "Der Gemeinderat hat am Dienstag beschlossen, den alten Bahnhof in einen Park umzuwandeln."
    assert js({"body": [{"text": german}]}).language == "de"
    assert js({"language": "pt-BR", "body": [{"text": "Texto."}]}).language == "pt"


def test_untrusted_values_are_cleaned() -> None:
    art = js({
        "title": "Two\r\nlines <script>alert(1)</script>",
        "url": "javascript:alert(1)",
        "image": {"url": "data:image/png;base64,AAAA", "alt": "<b>alt</b>"},
        "related": [{"title": "More", "url": "vbscript:x"}],
        "published": "no date at all",
        "body": [
            {"type": "paragraph", "text": "Click here now", "spans": [{"start": 0, "end": 5, "type": "link", "url": "javascript:x"}]},
            {"type": "paragraph", "text": "Hello <img src=x onerror=alert(1)> world\u200b"},
        ],
    })
    assert art.title == "Two lines"
    assert art.url is None
    assert art.image is not None and art.image.url is None and art.image.alt == "alt"
    assert art.related[0].url is None
    assert art.published is None
    assert art.body[0].spans == ()
    assert art.body[1].text == "Hello world"
