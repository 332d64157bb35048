"""Feed entries into Articles: the feed's own text when it is whole, else the linked page.

Most feeds carry an excerpt, so a digest means fetching one page per entry. Done one after
another, a 20-entry feed would take the sum of 20 server round trips; done all at once it would
hit one site with 20 simultaneous requests. So the pages are fetched by a bounded pool of
threads (``concurrency``) with at most ``per_host`` requests in flight to any one host — what a
browser allows itself per host — and the entries are queued round-robin by host so that a
site with many entries does not hold every thread while other sites wait. Each page goes
through the same :func:`~composer.ingest.fetch.fetch_url` as a URL source (timeout, size cap,
redirect limit, http(s) only) and the same readers.

A page that cannot be used — a timeout, a 404, a page whose text is no longer than the feed's
excerpt (a paywall or a stub) — is not an exception for the whole digest: it becomes an
:class:`EntryResult` with a ``failure`` that the caller lists in the item and the summary.
"""

from __future__ import annotations

import dataclasses
import html
import re
import threading
from collections import defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from composer import regexcache as rx
from composer.article import Article
from composer.errors import ComposerError
from composer.ingest.feed import FeedEntry
from composer.ingest.fetch import Fetched
from composer.textutil import word_count

__all__ = ["EntryResult", "HostGate", "read_entries", "MIN_PAGE_WORDS"]

# A fetched page is a stub — a paywall's teaser, a "subscribe to read" page, a cookie wall —
# when its article text is barely longer than the feed's excerpt, or short and asking the reader
# to subscribe or sign in. Real short news items exist (the benchmark's shortest page has 66
# words), so length alone never decides. A stub is reported, not composed.
MIN_PAGE_WORDS = 25
STUB_WORDS = 150
_STUB_MARGIN = 10  # words a page must add to the excerpt to count as more than it
_PAYWALL = rx.compile(
    r"subscribe (?:now |today )?to (?:continue|read|keep reading|unlock)|subscribers? only|already a subscriber|"
    r"(?:sign|log) ?in to (?:continue|read|keep reading)|to continue reading|"
    r"(?:article|story|content) is (?:only )?(?:available|reserved) (?:to|for) (?:subscribers|members)|"
    r"réservé aux abonnés|nur für abonnenten|solo para suscriptores|riservato agli abbonati", re.I)


@dataclass(frozen=True)
class EntryResult:
    entry: FeedEntry
    article: Article | None
    failure: str | None = None
    fetched: bool = False  # the linked page was fetched (the feed had only an excerpt)
    prepared: Any = None  # what read_entries' ``then`` made of the article


class HostGate:
    """At most ``per_host`` concurrent requests to one host (per-host politeness)."""

    def __init__(self, per_host: int) -> None:
        self.per_host = max(1, per_host)
        self._lock = threading.Lock()
        self._slots: dict[str, threading.BoundedSemaphore] = {}

    @contextmanager
    def slot(self, url: str) -> Iterator[None]:
        host = (urlsplit(url).hostname or "").lower()
        with self._lock:
            sem = self._slots.setdefault(host, threading.BoundedSemaphore(self.per_host))
        with sem:
            yield


def _round_robin(entries: Sequence[tuple[int, FeedEntry]]) -> list[tuple[int, FeedEntry]]:
    """Interleave entries by host: a, b, c, a, b, a… instead of a, a, a, b, b, c."""
    queues: dict[str, deque[tuple[int, FeedEntry]]] = defaultdict(deque)
    for pair in entries:
        queues[(urlsplit(pair[1].link or "").hostname or "").lower()].append(pair)
    order: list[tuple[int, FeedEntry]] = []
    while queues:
        for host in list(queues):
            order.append(queues[host].popleft())
            if not queues[host]:
                del queues[host]
    return order


def _with_entry_metadata(article: Article, entry: FeedEntry, *, prefer_entry_title: bool) -> Article:
    """Fill what the page did not say from the feed (and keep the feed's link as the article's URL)."""
    published = article.published or (entry.published.isoformat(timespec="seconds") if entry.published else None)
    title = entry.title if (prefer_entry_title or not article.title) and entry.title else article.title
    authors = article.authors or ((entry.author,) if entry.author else ())
    return dataclasses.replace(article, title=title, published=published, authors=authors,
                               url=article.url or entry.link)


def article_from_content(entry: FeedEntry, feed_url: str = "") -> Article:
    """The entry's own HTML, read by the HTML reader (which sanitises it) as a small page."""
    from composer.ingest import parse_text

    title = html.escape(entry.title or "")
    page = (f"<!doctype html><html><head><title>{title}</title></head><body><article>"
            f"<h1>{title}</h1>{entry.content or ''}</article></body></html>")
    article = parse_text(page, path=entry.link or feed_url, fmt="html")
    return _with_entry_metadata(article, entry, prefer_entry_title=True)


def article_from_page(entry: FeedEntry, *, timeout: float, max_bytes: int, gate: HostGate | None = None,
                      fetch: Callable[..., Fetched] | None = None) -> Article:
    """Fetch the entry's page (holding a host slot only while on the wire) and read it.

    A stub page raises like any unusable page.
    """
    from composer.ingest import parse_text
    from composer.ingest.fetch import fetch_url
    from composer.ingest.sources import text_from_bytes

    assert entry.link
    with gate.slot(entry.link) if gate else nullcontext():
        fetched = (fetch or fetch_url)(entry.link, timeout=timeout, max_bytes=max_bytes)
    text = text_from_bytes(fetched.body, entry.link, fetched.charset)
    fmt = fetched.format_hint if fetched.format_hint != "feed" else None
    article = parse_text(text, path=fetched.url, fmt=fmt, source_format="url")
    stub = _stub_reason(article, entry)
    if stub:
        raise _StubPage(f"{entry.link}: {stub}; a paywall or a stub page?")
    return _with_entry_metadata(article, entry, prefer_entry_title=False)


def _stub_reason(article: Article, entry: FeedEntry) -> str | None:
    text = " ".join(b.text for b in article.body)
    words = word_count(text)
    if words < MIN_PAGE_WORDS or (entry.excerpt_words and words <= entry.excerpt_words + _STUB_MARGIN):
        return f"the page has only {words} words of article text (the feed's excerpt has {entry.excerpt_words})"
    if words < STUB_WORDS and _PAYWALL.search(text):
        return f"the page has {words} words of article text and asks the reader to subscribe or sign in"
    return None


class _StubPage(ComposerError):
    pass


def read_entries(
    entries: Sequence[FeedEntry],
    *,
    feed_url: str = "",
    concurrency: int = 16,
    per_host: int = 6,
    timeout: float = 15.0,
    max_bytes: int = 10_000_000,
    fetch: Callable[..., Fetched] | None = None,
    then: Callable[[Article], Any] | None = None,
) -> list[EntryResult]:
    """One result per entry, in the entries' order; pages are fetched concurrently.

    ``then`` runs on each article in its worker thread as soon as it is read — the caller's
    summariser, say — so that CPU work overlaps the waits for slower pages instead of queueing
    after the last one; what it returns is the result's ``prepared``.
    """
    results: list[EntryResult | None] = [None] * len(entries)
    gate = HostGate(per_host)

    def work(pair: tuple[int, FeedEntry]) -> None:
        index, entry = pair
        fetched = bool(entry.link) and not entry.is_full
        try:
            if entry.is_full:
                article = article_from_content(entry, feed_url)
            elif entry.link:
                article = article_from_page(entry, timeout=timeout, max_bytes=max_bytes, gate=gate, fetch=fetch)
            else:
                raise _StubPage(f"{entry.title or entry.key}: no text and no link")
            results[index] = EntryResult(entry, article, fetched=fetched, prepared=then(article) if then else None)
        except ComposerError as exc:
            results[index] = EntryResult(entry, None, failure=str(exc), fetched=fetched)

    if entries:
        with ThreadPoolExecutor(max_workers=max(1, min(concurrency, len(entries))),
                                thread_name_prefix="feed-entry") as pool:
            for future in [pool.submit(work, pair) for pair in _round_robin(list(enumerate(entries)))]:
                future.result()  # re-raises a bug (not a ComposerError) in the caller's thread
    return [r for r in results if r is not None]
