from __future__ import annotations

import json

import pytest

from composer.article import Article, Block, Image, Related, Source, Span, Summary
from composer.errors import InputError


def full_article() -> Article:
    return Article(
        title="Ünïcode “title”",
        standfirst="A standfirst.",
        authors=("Ann Example", "Bo Sample"),
        published="2025-03-12T14:05:00+00:00",
        updated="2025-03-13",
        url="https://example.org/a",
        site_name="Example",
        language="de",
        image=Image(url="https://example.org/i.jpg", caption="Cap", credit="Photo/Agency", alt="Alt"),
        body=(
            Block("heading", "Heading"),
            Block("paragraph", "See the link here.", (Span(8, 12, "link", "https://example.org"),)),
            Block("quote", "“Quoted.”"),
            Block("list_item", "Item"),
        ),
        related=(Related("Other story", None), Related("Another", "https://example.org/b")),
        tags=("nato", "europe"),
        source=Source(path="a.txt", format="text"),
    )


def test_round_trip_is_exact_both_ways() -> None:
    a = full_article()
    text = a.to_json()
    assert Article.from_json(text) == a
    assert Article.from_json(text).to_json() == text


def test_json_shape_matches_design_notes() -> None:
    d = json.loads(full_article().to_json())
    assert list(d) == ["title", "standfirst", "authors", "published", "updated", "url", "site_name", "language",
                       "image", "body", "related", "tags", "source"]
    assert d["image"] == {"url": "https://example.org/i.jpg", "caption": "Cap", "credit": "Photo/Agency", "alt": "Alt"}
    assert d["body"][0] == {"type": "heading", "text": "Heading"}  # no empty "spans" key
    assert d["body"][1]["spans"] == [{"start": 8, "end": 12, "type": "link", "url": "https://example.org"}]
    assert d["source"] == {"path": "a.txt", "format": "text"}


def test_null_title_and_minimal_document() -> None:
    a = Article.from_json('{"title": null, "body": [{"type": "paragraph", "text": "Hi."}]}')
    assert a.title is None and a.language == "en" and a.image is None
    assert Article.from_json(a.to_json()) == a


@pytest.mark.parametrize(
    "doc, fragment",
    [
        ("[1, 2]", "must be an object"),
        ('{"title": 3, "body": []}', "'title'"),
        ('{"title": "x"}', "'body' is missing"),
        ('{"title": "x", "body": [{"type": "table", "text": "x"}]}', "unknown block type"),
        ('{"title": "x", "body": [{"type": "paragraph", "text": "ab", "spans": [{"start": 0, "end": 9, "type": "em"}]}]}', "past the end"),
        ("{not json", "not valid JSON"),
    ],
)
def test_bad_documents_give_clear_errors(doc: str, fragment: str) -> None:
    with pytest.raises(InputError, match=fragment):
        Article.from_json(doc)


def test_summary_round_trip() -> None:
    s = Summary(title=None, tldr="T.", summary="S.", key_points=("a", "b"), keywords=("k",), hashtags=("#K",),
                language="fr", reading_time_min=3)
    assert Summary.from_json(s.to_json()) == s
    assert list(json.loads(s.to_json())) == ["title", "tldr", "summary", "key_points", "keywords", "hashtags",
                                              "language", "reading_time_min"]
