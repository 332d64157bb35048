"""Fixtures for feed runs: a local news site serving real benchmark pages, and settings with an outbox."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.config import Settings
from tests.feeds.feedsite import Site, Story, corpus_pages, serve

PAST = dt.datetime(2025, 1, 6, 8, 0, tzinfo=dt.UTC)


@pytest.fixture
def pages(corpus: Path) -> list[bytes]:
    found = corpus_pages(corpus, 10)
    if len(found) < 10:
        pytest.skip(f"the extraction benchmark pages are not in {corpus / 'extraction' / 'aeb' / 'html'}")
    return found


@pytest.fixture
def site(pages: list[bytes]) -> Iterator[Site]:
    """``/p0.html`` … ``/p9.html`` are real article pages; ``/feed.xml`` starts with stories 0–2."""
    with serve() as s:
        for i, body in enumerate(pages):
            s.page(f"/p{i}.html", body)
        s.rss("/feed.xml", stories(range(3)))
        yield s


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(outbox_dir=tmp_path / "outbox")


def story(i: int, **changes: object) -> Story:
    values: dict[str, object] = {"guid": f"urn:story:{i}", "title": f"Story {i}", "path": f"/p{i}.html",
                                 "published": PAST + dt.timedelta(hours=i)}
    values.update(changes)
    return Story(**values)  # type: ignore[arg-type]


def stories(indexes: range | list[int]) -> list[Story]:
    """Newest first, as feeds list them."""
    return [story(i) for i in sorted(indexes, reverse=True)]
