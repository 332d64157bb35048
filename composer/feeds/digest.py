"""A digest of feed entries: read them (concurrently), compose one item, say what failed.

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

from composer.article import Article
from composer.config import Settings
from composer.ingest.entries import EntryResult, read_entries
from composer.ingest.feed import Feed, FeedEntry
from composer.outbox import Item


@dataclass(frozen=True)
class Digest:
    results: tuple[EntryResult, ...]

    @property
    def articles(self) -> list[Article]:
        return [r.article for r in self.results if r.article is not None]

    @property
    def failed(self) -> list[EntryResult]:
        return [r for r in self.results if r.failure]


def read_digest(feed: Feed, entries: Sequence[FeedEntry], settings: Settings) -> Digest:
    """Each entry as an Article (the feed's text when whole, else its page), failures kept apart."""
    return Digest(tuple(read_entries(entries, feed_url=feed.url, concurrency=settings.feed_concurrency,
                                     per_host=settings.feed_per_host, timeout=settings.feed_timeout)))


def current_entries(feed: Feed, now: dt.datetime) -> tuple[list[FeedEntry], list[FeedEntry]]:
    """(entries to compose, future-dated entries held back) for a digest without memory."""
    ready = [e for e in feed.entries if e.published is None or e.published <= now]
    return ready, [e for e in feed.entries if e not in ready]


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


def compose_digest(articles: Sequence[Article], settings: Settings, *, extra_meta: dict[str, Any],
                   subject: str | None = None, strict: bool = False,
                   now: dt.datetime | None = None) -> tuple[Item, Any]:
    """Write the digest item (atomically, like every item)."""
    from composer.pipeline import compose_to_outbox

    return compose_to_outbox(list(articles), settings, digest=True, subject=subject, strict=strict, now=now,
                             extra_meta=extra_meta)
