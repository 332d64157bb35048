"""Ingest: turn a source (path, ``-`` for stdin, or URL) into an :class:`Article`.

One reader module per format, behind a small registry (in the manner of Pelican's readers):
each exposes ``parse(text: str, source: Source) -> Article``. The format is sniffed from the
content first and the file name second, because people paste HTML into ``.txt`` files and save
Markdown without an extension.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from composer import regexcache as rx
from composer.article import Article, Source
from composer.errors import InputError
from composer.ingest.sources import read_source

if TYPE_CHECKING:
    from composer.ingest.feed import Feed

Reader = Callable[[str, Source], Article]

# format name -> module that implements ``parse``; imported lazily so that a plain-text run
# never pays for trafilatura/lxml start-up.
_READERS: dict[str, str] = {
    "text": "composer.ingest.text",
    "html": "composer.ingest.html",
    "markdown": "composer.ingest.markdown",
    "json": "composer.ingest.json",
    "feed": "composer.ingest.feed",  # not an article: its parse() says how to compose a feed
}

_EXTENSIONS = {
    ".json": "json", ".html": "html", ".htm": "html", ".xhtml": "html",
    ".md": "markdown", ".markdown": "markdown", ".mdown": "markdown", ".txt": "text",
}

_HTML_START = rx.compile(r"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*(?:<!doctype\s+html|<html[\s>]|<head[\s>]|<body[\s>]|<meta[\s>]|<title[\s>]|<article[\s>])", re.I | re.S)
_HTML_TAGS = rx.compile(r"</?(?:p|div|span|a|h[1-6]|article|section|br|img|ul|li|main)\b[^>]*>", re.I)
_FRONT_MATTER = rx.compile(r"\A\ufeff?---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_MD_SIGNS = rx.compile(r"^(?:#{1,6} \S|[*-] \S|\d+\. \S|> \S|```)|\[[^\]\n]+\]\([^)\s]+\)|\*\*[^*\n]+\*\*", re.M)


def register_reader(fmt: str, module: str) -> None:
    """Add or replace the module that reads ``fmt`` (for plug-ins and tests)."""
    _READERS[fmt] = module


def get_reader(fmt: str) -> Reader:
    try:
        name = _READERS[fmt]
    except KeyError:  # a missing registry key: the message says all there is
        raise InputError(f"unknown input format {fmt!r} (known: {', '.join(sorted(_READERS))})") from None
    with rx.stored_compiles():  # a reader and its libraries compile their patterns as they load
        module = importlib.import_module(name)
    return module.parse  # type: ignore[no-any-return]


def sniff_format(text: str, path: str = "") -> str:
    """Guess the format of ``text``: content wins over the file extension."""
    head = text[:4096].lstrip("\ufeff")
    stripped = head.lstrip()
    if stripped.startswith("<"):
        from composer.ingest.feed import looks_like_feed

        if looks_like_feed(head):
            return "feed"
    if stripped[:1] in "{[" and path.lower().endswith(".json") or stripped.startswith("{\""):
        return "json"
    if stripped.startswith(("{", "[{")):
        try:
            import json

            json.loads(text)
            return "json"
        except ValueError:
            pass
    if _HTML_START.match(head):
        return "html"
    # Front matter before the tag count: Markdown posts often embed a few HTML tags.
    if _FRONT_MATTER.match(head):
        return "markdown"
    if len(_HTML_TAGS.findall(head)) >= 3:
        return "html"
    name = path.rsplit("/", 1)[-1]
    name = name[:-3] if name.lower().endswith(".gz") else name  # "page.html.gz" is read as "page.html"
    ext = "." + name.rsplit(".", 1)[-1].lower() if "." in name else ""
    by_ext = _EXTENSIONS.get(ext)
    if by_ext in ("markdown", "html", "json"):
        return by_ext
    if by_ext is None and len(_MD_SIGNS.findall(head)) >= 3:
        return "markdown"
    return "text"


def parse_text(text: str, *, path: str = "", fmt: str | None = None, source_format: str | None = None) -> Article:
    """Parse already-decoded ``text`` (the pure core of ingest)."""
    fmt = fmt or sniff_format(text, path)
    source = Source(path=path, format=source_format or fmt)
    return get_reader(fmt)(text, source)


def load_source(source: str, *, fmt: str | None = None, timeout: float = 15.0,
                max_bytes: int = 10_000_000) -> Article | Feed:
    """Read ``source`` into an Article, or into a Feed when it is one (for ``compose FEED --digest``)."""
    raw = read_source(source, timeout=timeout, max_bytes=max_bytes)
    sniffed = sniff_format(raw.text, raw.path)  # also when the server says text/html: some serve feeds so
    if fmt in (None, "feed") and "feed" in (raw.format_hint, sniffed):
        from composer.ingest.feed import parse_feed

        return parse_feed(raw.text, raw.path)
    return parse_text(raw.text, path=raw.path, fmt=fmt or raw.format_hint or sniffed,
                      source_format="url" if raw.is_url else None)


def load_article(source: str, *, fmt: str | None = None, timeout: float = 15.0, max_bytes: int = 10_000_000) -> Article:
    """Read ``source`` (a path, ``-`` or an http(s) URL) and parse it into an Article."""
    raw = read_source(source, timeout=timeout, max_bytes=max_bytes)
    return parse_text(raw.text, path=raw.path, fmt=fmt or raw.format_hint, source_format="url" if raw.is_url else None)
