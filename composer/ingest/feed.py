"""Feeds as a source: RSS 0.9x/1.0/2.0 and Atom read with feedparser into plain data.

A feed is not one article, so it is not a reader in the registry's sense: :func:`parse_feed`
returns a :class:`Feed` of :class:`FeedEntry` values, and turning entries into Articles (the
feed's own content, or the linked page fetched) is :mod:`composer.ingest.entries`' job. The
registry still maps the ``feed`` format here, to :func:`parse`, so that ``compose parse FEED``
says what to do instead of reading a feed as a web page.

Nothing in a feed is trusted: feedparser sanitises entry HTML, the HTML reader sanitises it
again, links go through the same input-side check as every other link
(:func:`~composer.ingest.sanitize.resolve_url`: http(s) only) and titles through the same
cleaning as page metadata (:func:`~composer.ingest.sanitize.clean_value`: no markup, one line).

Each entry gets a stable ``key`` — its guid/id, else its link, else a hash of its title and
text — which is what "seen before" means to the feed state. An entry that is edited keeps its
guid (or link), so an update is not news twice.
"""

from __future__ import annotations

import calendar
import datetime as dt
import hashlib
import io
import os
import re
from dataclasses import dataclass
from typing import Any

from composer import regexcache as rx
from composer.article import Article, Source
from composer.errors import InputError
from composer.ingest.sanitize import clean_value, resolve_url, strip_tags
from composer.textutil import word_count

__all__ = ["Feed", "FeedEntry", "FeedResponse", "looks_like_feed", "parse_feed", "read_feed", "parse",
           "FEED_ACCEPT", "FULL_TEXT_WORDS"]

# What a feed request asks for: feed types first, XML next, anything else last (some servers
# send feeds as text/html and we sniff the content anyway).
FEED_ACCEPT = ("application/rss+xml, application/atom+xml, application/rdf+xml;q=0.9, "
               "application/xml;q=0.8, text/xml;q=0.8, */*;q=0.1")

# An entry whose own content has at least this many words, and does not end like a teaser,
# is taken as the full article; shorter ones are excerpts and the linked page is fetched.
FULL_TEXT_WORDS = 150
_TEASER_END = rx.compile(r"(?:\.\.\.|…|\[…\]|\[\.\.\.\]|read more|continue reading|weiterlesen|lire la suite)\W*$",
                         re.I)

# The root element after the XML declaration, comments, processing instructions and a doctype.
_PROLOGUE = r"\A\ufeff?\s*(?:<\?xml[^>]*\?>\s*)?(?:(?:<!--.*?-->|<\?[^>]*\?>|<!DOCTYPE[^>\[]*(?:\[.*?\])?\s*>)\s*)*"
_FEED_ROOT = rx.compile(_PROLOGUE + r"<(?:[A-Za-z_][\w.-]*:)?(rss|feed|RDF)\b", re.S)
_XML_ENCODING = rx.compile(r"(\A\ufeff?\s*<\?xml[^>]*?\bencoding=[\"'])[^\"']*([\"'])")
_ALTERNATE = rx.compile(r"<link\b[^>]*\btype=[\"']application/(?:rss|atom)\+xml[\"'][^>]*>", re.I)
_HREF = rx.compile(r"\bhref=[\"']([^\"']+)[\"']", re.I)


@dataclass(frozen=True)
class FeedEntry:
    """One entry of a feed, cleaned; ``content`` is HTML that the HTML reader will sanitise."""

    key: str
    title: str | None
    link: str | None
    guid: str | None
    published: dt.datetime | None  # aware, UTC
    updated: dt.datetime | None
    content: str | None  # the longest HTML the entry carries (content:encoded, atom:content, description)
    excerpt_words: int
    author: str | None = None

    @property
    def is_full(self) -> bool:
        """The feed carries the whole article: no need to fetch the page (or no page to fetch)."""
        if not self.content:
            return False
        if not self.link:
            return True
        text = strip_tags(self.content).strip()
        return self.excerpt_words >= FULL_TEXT_WORDS and not _TEASER_END.search(text[-80:])


@dataclass(frozen=True)
class Feed:
    url: str
    title: str | None
    link: str | None
    language: str | None
    kind: str  # feedparser's version: rss20, rss10, rss091u, atom10…
    entries: tuple[FeedEntry, ...]


@dataclass(frozen=True)
class FeedResponse:
    """A feed read from a path or URL; ``feed`` is None when a conditional GET answered 304."""

    feed: Feed | None
    etag: str | None = None
    last_modified: str | None = None

    @property
    def not_modified(self) -> bool:
        return self.feed is None


def looks_like_feed(text: str | bytes) -> bool:
    """True when the document's root element is ``<rss>``, ``<feed>`` or ``<rdf:RDF>``."""
    head = text[:4096]
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    return bool(_FEED_ROOT.match(head))


def _not_a_feed(where: str, data: str | bytes) -> InputError:
    """The error for a document that is not a feed, naming the page's own feed when it links one."""
    head = data[:65536].decode("utf-8", "replace") if isinstance(data, bytes) else data[:65536]
    hint = "give the feed's address (often /feed, /rss.xml or /atom.xml)"
    for tag in _ALTERNATE.findall(head):
        href = _HREF.search(tag)
        found = resolve_url(href.group(1), where if resolve_url(where) else None) if href else None
        if found:
            hint = f"this page names its feed: {found}"
            break
    return InputError(f"{where} is not an RSS or Atom feed; {hint}")


def _when(entry: Any, name: str) -> dt.datetime | None:
    # dict.get, not entry.get: feedparser's own lookup quietly maps a missing updated_parsed to
    # published_parsed (with a DeprecationWarning); we want to know which date the entry has.
    parsed = dict.get(entry, f"{name}_parsed")
    if not parsed:
        return None
    try:
        return dt.datetime.fromtimestamp(calendar.timegm(parsed), dt.UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _content(entry: Any) -> str | None:
    """The longest HTML the entry has: full-text feeds put it in content, others in summary."""
    candidates = [c.get("value") for c in entry.get("content") or [] if isinstance(c, dict)]
    candidates.append(entry.get("summary"))
    texts = [c for c in candidates if isinstance(c, str) and c.strip()]
    return max(texts, key=len) if texts else None


def _entry_key(guid: str | None, link: str | None, title: str | None, content: str | None) -> str:
    if guid:
        return f"guid:{guid}"
    if link:
        return f"link:{link}"
    digest = hashlib.sha256(f"{title or ''}\n{strip_tags(content or '')}".encode()).hexdigest()
    return f"hash:{digest}"


def _entry(raw: Any, base: str | None) -> FeedEntry:
    link = resolve_url(raw.get("link"), base)
    guid = clean_value(raw.get("id"), max_len=2000) if raw.get("id") else None
    title = clean_value(raw.get("title"), unescape=True, max_len=300)
    content = _content(raw)
    return FeedEntry(
        key=_entry_key(guid, link, title, content),
        title=title,
        link=link,
        guid=guid,
        published=_when(raw, "published") or _when(raw, "updated"),
        updated=_when(raw, "updated"),
        content=content,
        excerpt_words=word_count(strip_tags(content)) if content else 0,
        author=clean_value(raw.get("author"), unescape=True, max_len=200),
    )


def parse_feed(data: str | bytes, url: str = "") -> Feed:
    """Parse a feed document; ``url`` is where it came from (the base for relative links)."""
    import feedparser

    if not looks_like_feed(data):
        raise _not_a_feed(url or "the input", data)
    # Text was decoded already: re-encode it as UTF-8 and say so, or feedparser would decode it
    # again by the XML declaration's (now wrong) encoding.
    raw = _XML_ENCODING.sub(r"\1utf-8\2", data, count=1).encode("utf-8") if isinstance(data, str) else data
    base = resolve_url(url) if url else None
    # A stream, never a string: feedparser.parse("http://…") would fetch, and a path would be opened.
    parsed = feedparser.parse(io.BytesIO(raw), response_headers={"content-location": base or ""},
                              sanitize_html=True, resolve_relative_uris=True)
    if not parsed.get("version") and not parsed.entries:
        raise InputError(f"{url or 'the input'}: the feed could not be read "
                         f"({parsed.get('bozo_exception') or 'not RSS or Atom'})")
    meta = parsed.feed
    entries: list[FeedEntry] = []
    seen: set[str] = set()
    for raw_entry in parsed.entries:
        entry = _entry(raw_entry, base or resolve_url(meta.get("link")))
        if entry.key in seen:  # some feeds repeat an entry; it is one story
            continue
        seen.add(entry.key)
        entries.append(entry)
    return Feed(
        url=base or url,
        title=clean_value(meta.get("title"), unescape=True, max_len=300),
        link=resolve_url(meta.get("link"), base),
        language=clean_value(meta.get("language"), max_len=20),
        kind=str(parsed.get("version") or "unknown"),
        entries=tuple(entries),
    )


def read_feed(source: str, *, etag: str | None = None, last_modified: str | None = None,
              timeout: float = 15.0, max_bytes: int = 10_000_000) -> FeedResponse:
    """Read the feed at ``source`` (an http(s) URL or a file), with a conditional GET when given validators."""
    from composer.ingest.sources import is_url, read_source

    if not is_url(source):  # a file: the same checks as any file source (missing, empty, binary, size)
        raw = read_source(source, max_bytes=max_bytes)
        return FeedResponse(parse_feed(raw.text, os.path.abspath(source)))
    from composer.ingest.fetch import fetch_url

    headers = {"Accept": FEED_ACCEPT}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    fetched = fetch_url(source, timeout=timeout, max_bytes=max_bytes, headers=headers)
    if fetched.status == 304:
        return FeedResponse(None, etag=fetched.etag or etag, last_modified=fetched.last_modified or last_modified)
    return FeedResponse(parse_feed(fetched.body, fetched.url), etag=fetched.etag, last_modified=fetched.last_modified)


def parse(text: str, source: Source) -> Article:
    """The registry's entry for the ``feed`` format: a feed is many articles, so say how to compose it."""
    where = source.path or "the input"
    raise InputError(f"{where} is a feed, not one article: compose its entries with "
                     f"`compose compose {where} --digest`, or follow it with `compose feed add NAME {where}`")
