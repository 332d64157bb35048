"""The article's link: ``--url`` for a paste (checked like any URL), and permalinks found in the paste."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.article import Source
from composer.cli import main
from composer.ingest.text import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "paste"
BEES = str(FIXTURES / "newspaper-bees.txt")
LUZ = str(FIXTURES / "spanish-luz.txt")
PROSE = (
    "The harbour authority has ordered twelve electric tugboats, the first of their kind in the port, "
    "to replace its diesel fleet by 2028.\n\n"
    "The tugboats will be charged from the quay overnight and can work a full shift on one charge, "
    "the authority said in a statement on Monday.\n\n"
)


def _lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_parse_with_url_sets_the_link(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", BEES, "--url", "HTTPS://example.org/news/bees?id=3"]) == 0
    assert _lines(capsys)[0]["url"] == "https://example.org/news/bees?id=3"


def test_one_url_per_source_in_order(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", BEES, LUZ, "--url", "https://a.example/bees", "--url", "https://b.example/luz"]) == 0
    assert [d["url"] for d in _lines(capsys)] == ["https://a.example/bees", "https://b.example/luz"]


def test_posts_and_summarize_take_the_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["posts", BEES, "--network", "x", "--url", "https://example.org/bees"]) == 0
    assert "https://example.org/bees" in _lines(capsys)[0]["x"]["post"]
    assert main(["summarize", BEES, "--url", "https://example.org/bees"]) == 0
    assert _lines(capsys)[0]["title"]


def test_compose_writes_the_url_into_the_item(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outbox = tmp_path / "out"
    assert main(["compose", BEES, "--outbox", str(outbox), "--url", "https://example.org/bees"]) == 0
    item = Path(capsys.readouterr().out.strip())
    assert json.loads((item / "article.json").read_text(encoding="utf-8"))["url"] == "https://example.org/bees"
    assert "https://example.org/bees" in (item / "newsletter.html").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "value",
    ["javascript:alert(1)", "/news/bees", "example.org/bees", "ftp://example.org/x", "https://", "https://exa mple.org/x",
     "mailto:me@example.org", "data:text/html,hi", "http://[::1"],
)
@pytest.mark.parametrize("verb", ["parse", "summarize", "posts", "compose"])
def test_bad_url_is_one_line_exit_2(verb: str, value: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([verb, BEES, "--outbox", str(tmp_path / "o"), "--url", value]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    err = captured.err.strip()
    assert err.startswith("compose: --url") and "not an http(s) link" in err and "\n" not in err
    assert not (tmp_path / "o").exists()


def test_url_count_must_match_sources(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", BEES, LUZ, "--url", "https://a.example/bees"]) == 2
    assert "give one --url per SOURCE" in capsys.readouterr().err


def _paste(*lines: str) -> str:
    return "\n".join(lines) + "\n\n" + PROSE


def test_permalink_line_in_the_paste_is_the_link() -> None:
    a = parse(_paste("Harbour orders electric tugboats", "By Jane Moss", "Permalink https://s.example/p/4QgGF"),
              Source("p.txt", "text"))
    assert a.url == "https://s.example/p/4QgGF"


def test_url_spelling_the_headline_is_the_link() -> None:
    text = _paste("Harbour orders electric tugboats", "By Jane Moss") + (
        "Share\nhttps://news.example/port/harbour-orders-electric-tugboats-123.html\nMore stories\n"
    )
    assert parse(text, Source("p.txt", "text")).url == "https://news.example/port/harbour-orders-electric-tugboats-123.html"


@pytest.mark.parametrize(
    "line",
    [
        "https://news.example/",  # the site, not the article
        "Follow us https://social.example/@harbour",  # a label that does not name the article's link
        "https://news.example/users/jane-moss",  # a profile page
        "javascript:alert(1)",
    ],
)
def test_other_urls_are_not_the_link(line: str) -> None:
    text = _paste("Harbour orders electric tugboats", "By Jane Moss") + f"About us\n{line}\n"
    assert parse(text, Source("p.txt", "text")).url is None


def test_links_inside_the_article_are_not_its_link() -> None:
    text = "Harbour orders electric tugboats\n\nBy Jane Moss\n\n" + PROSE + (
        "Read the statement at https://port.example/harbour-orders-electric-tugboats-statement.pdf which sets out "
        "the plan in detail for every quay.\n\n" + PROSE
    )
    assert parse(text, Source("p.txt", "text")).url is None
