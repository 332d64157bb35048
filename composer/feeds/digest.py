"""A digest of feed entries: read them (concurrently) and say what failed, for the item's manifest.

Shared by the two ways a feed becomes an issue: ``compose compose FEED --digest`` (every
current entry, no memory) and ``compose feed run NAME`` (only the new ones). Entries whose page
failed are left out of the newsletter but not out of the record: the item's manifest lists
them under ``feed.failed`` with the reason, next to the entries that went in.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from composer.article import Article, Summary
from composer.config import Settings
from composer.ingest.entries import EntryResult, read_entries
from composer.ingest.feed import Feed, FeedEntry


@dataclass(frozen=True)
class Digest:
    """The entries read for one digest; each readable one with its article and its summary."""

    results: tuple[EntryResult, ...]

    @property
    def _read(self) -> list[EntryResult]:
        return [r for r in self.results if r.article is not None]

    @property
    def articles(self) -> list[Article]:
        return [r.article for r in self._read if r.article is not None]

    @property
    def summaries(self) -> list[Summary]:
        return [r.prepared[0] for r in self._read]

    @property
    def warnings(self) -> list[str]:
        return [w for r in self._read for w in r.prepared[1]]

    @property
    def failed(self) -> list[EntryResult]:
        return [r for r in self.results if r.failure]


def read_digest(feed: Feed, entries: Sequence[FeedEntry], settings: Settings) -> Digest:
    """Each entry as an Article (the feed's text when whole, else its page) and its summary.

    Summaries are made in the fetching threads as each article arrives, so their CPU time
    overlaps the waits for slower pages (and an LLM summariser's calls run concurrently).
    """
    from composer.pipeline import summarise_article

    return Digest(tuple(read_entries(entries, feed_url=feed.url, concurrency=settings.feed_concurrency,
                                     per_host=settings.feed_per_host, timeout=settings.feed_timeout,
                                     then=lambda article: summarise_article(article, settings))))


def current_entries(feed: Feed, now: dt.datetime) -> tuple[list[FeedEntry], list[FeedEntry]]:
    """(entries to compose, future-dated entries held back) for a digest without memory."""
    ready: list[FeedEntry] = []
    held: list[FeedEntry] = []
    for entry in feed.entries:
        (held if entry.published is not None and entry.published > now else ready).append(entry)
    return ready, held


def manifest_fields(feeds: Sequence[Feed], digest: Digest, *, name: str | None = None) -> dict[str, Any]:
    """The ``feed`` object of an item's manifest: where the entries came from and which pages failed."""
    return {"feed": {
        "name": name,
        "urls": [f.url for f in feeds],
        "titles": [f.title for f in feeds],
        "entries": [{"key": r.entry.key, "title": r.entry.title, "link": r.entry.link,
                     "source": "page" if r.fetched else "feed"} for r in digest.results if r.article is not None],
        "failed": [{"key": r.entry.key, "title": r.entry.title, "link": r.entry.link, "reason": r.failure}
                   for r in digest.failed],
    }}
