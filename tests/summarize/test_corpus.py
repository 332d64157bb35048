"""Smoke tests on the team corpus (skipped when it is absent): real, dirty news text."""

from __future__ import annotations

import json
import re
import statistics
import time
from pathlib import Path

import pytest

from composer.article import Article, Block
from composer.summarize import summarise
from composer.summarize.boilerplate import is_furniture

FURNITURE_WORDS = re.compile(
    r"share this|media playback|follow us|sign up|newsletter|copyright|getty images|image caption|read more|"
    r"you might also like|click here|published on",
    re.IGNORECASE,
)


def pasted(text: str) -> Article:
    """Text as a user pastes it: one block per non-empty line, no title, nothing removed."""
    return Article(title=None, body=tuple(Block("paragraph", line.strip()) for line in text.splitlines() if line.strip()))


def rows(corpus: Path, name: str, limit: int) -> list[dict]:
    path = corpus / "summarization" / f"{name}.jsonl"
    if not path.is_file():
        pytest.skip(f"corpus file missing: {path}")
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh][:limit]


def test_seed_article(seed_path: Path) -> None:
    s = summarise(pasted(seed_path.read_text(encoding="utf-8")))
    assert len(s.key_points) == 3 and s.language == "en"
    for point in s.key_points:
        assert not FURNITURE_WORDS.search(point) and not is_furniture(point)
        assert point.endswith((".", '"', "”"))  # prose, not a caption or headline
        assert "Rutte" in " ".join(s.key_points)
    assert "Rutte" in s.tldr and len(s.tldr) <= 200 and not s.tldr.endswith("?")
    assert "#MarkRutte" in s.hashtags and "#NATO" in s.hashtags
    assert s.reading_time_min >= 2


def test_raw_pasted_bbc_pages_give_clean_key_points(corpus: Path) -> None:
    for row in rows(corpus, "xsum-raw-pasted", 120):
        s = summarise(pasted(row["raw_text"]))
        assert s.key_points, row["id"]
        for point in s.key_points:
            assert not FURNITURE_WORDS.search(point), (row["id"], point)
        assert len(s.tldr) <= 200, row["id"]
        assert all(re.fullmatch(r"#\w+", h) for h in s.hashtags)


def test_cnndm_shape_and_speed(corpus: Path) -> None:
    times = []
    for row in rows(corpus, "cnndm-dev", 60):
        article = Article(title=None, body=(Block("paragraph", row["article"]),))
        t0 = time.perf_counter()
        s = summarise(article)
        times.append(time.perf_counter() - t0)
        assert len(s.key_points) == 3 and s.tldr and s.hashtags
        assert len(s.tldr) <= 200
        assert {h.lower() for h in s.hashtags}.__len__() == len(s.hashtags)
    # generous bound for a loaded CI machine; the benchmark reports the real figure
    assert statistics.median(times) < 0.05


def test_corpus_json_with_null_title(corpus: Path) -> None:
    row = rows(corpus, "xsum-dev", 1)[0]
    article = Article.from_json(json.dumps({"title": None, "body": [{"type": "paragraph", "text": row["article"]}]}))
    s = summarise(article)
    assert s.title is None and s.tldr and s.key_points
