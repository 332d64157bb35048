"""The feed state's own schema, and the page fetches: concurrent, but never more than per_host at once."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from composer.errors import OutboxError
from composer.feeds.state import DB_NAME, SCHEMA_VERSION, FeedState
from composer.ingest.entries import read_entries
from composer.ingest.feed import parse_feed
from tests.feeds.conftest import stories
from tests.feeds.feedsite import Site


def test_the_schema_is_versioned_and_a_newer_file_is_refused(tmp_path: Path) -> None:
    with FeedState.in_outbox(tmp_path) as state:
        assert state.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert not (tmp_path / "delivery.sqlite3").exists()  # a file of its own, beside the delivery state
    db = sqlite3.connect(tmp_path / DB_NAME)
    db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    db.close()
    with pytest.raises(OutboxError, match="newer composer"):
        FeedState.in_outbox(tmp_path)


def _max_in_flight(site: Site) -> int:
    events = sorted([(r.start, 1) for r in site.log] + [(r.end, -1) for r in site.log])
    current = peak = 0
    for _t, step in events:
        current += step
        peak = max(peak, current)
    return peak


def test_pages_are_fetched_concurrently_but_at_most_per_host_at_once(site: Site) -> None:
    for i in range(8):
        site.routes[f"/p{i}.html"].delay = 0.3
    site.rss("/feed.xml", stories(range(8)))
    feed = parse_feed(site.routes["/feed.xml"].body, site.url("/feed.xml"))
    site.log.clear()
    results = read_entries(feed.entries, feed_url=feed.url, concurrency=8, per_host=3)
    assert all(r.article is not None for r in results), [r.failure for r in results]
    assert [r.entry.key for r in results] == [e.key for e in feed.entries]  # the feed's order is kept
    # Seen from the server: requests overlapped (concurrent), never more than three at once (the
    # cap). How much time that saves is measured by bench/feeds.py, not asserted here.
    assert _max_in_flight(site) == 3
