"""Format sniffing (content before extension) and stdin going through the same path."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import pytest

from composer.ingest import load_article, parse_text, sniff_format

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [("html/harbour-ferry.html", "html"), ("html/hostile.html", "html"), ("markdown/night-market.md", "markdown"),
     ("json/article.json", "json"), ("json/simple.json", "json")],
)
def test_fixtures_sniff_by_content_even_without_extension(name: str, fmt: str) -> None:
    text = (FIXTURES / name).read_text(encoding="utf-8")
    assert sniff_format(text, name) == fmt
    assert sniff_format(text, "") == fmt
    assert sniff_format(text, "pasted.txt") == fmt  # people save pages as .txt


@pytest.mark.parametrize(
    ("text", "fmt"),
    [
        ('<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE html>\n<html><body><p>x</p></body></html>', "html"),
        ("<!-- saved page -->\n<html lang='en'><p>x</p></html>", "html"),
        ("<p>One</p>\n<p>Two <a href='/x'>link</a></p>\n<p>Three</p>", "html"),
        ('  \n {\n  "title": "t",\n  "text": "x"\n}\n', "json"),
        ('[{"text": "x"}]', "json"),
        ("---\ntitle: x\n---\nBody\n", "markdown"),
        ("---\ntitle: x\n---\n<div><p>Embedded</p><img src='a.png'></div>\n\nMarkdown *body*.\n", "markdown"),
        ("# Title\n\n- one\n- two\n\nSee [this](https://x.org).\n", "markdown"),
        ("{Sponsored} A pasted line that starts with a brace.\n\nAnother paragraph.", "text"),
        ("Plain pasted words.\n\nA second paragraph with 3 < 4 in it.", "text"),
    ],
)
def test_sniff_content_shapes(text: str, fmt: str) -> None:
    assert sniff_format(text) == fmt


@pytest.mark.parametrize(
    ("name", "title"),
    [("html/harbour-ferry.html", "Harbour ferry returns after winter repairs"),
     ("markdown/night-market.md", "Night market moves to the river"),
     ("json/simple.json", "Library opens on Sundays")],
)
def test_stdin_is_sniffed_like_a_file(monkeypatch: pytest.MonkeyPatch, name: str, title: str) -> None:
    data = (FIXTURES / name).read_bytes()
    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))
    art = load_article("-")
    assert art.title == title
    assert art.source.path == "-"


def test_a_json_list_is_sniffed_as_json_and_rejected_clearly() -> None:
    from composer.errors import InputError

    with pytest.raises(InputError, match="is a list"):
        parse_text(json.dumps([{"text": "a"}]))
