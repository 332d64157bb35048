"""JSON reader: the Article shape of the design notes, plus the simpler shapes people have.

Accepted, in this order of recognition:

* the **Article shape** (as written by ``compose parse``; ``title`` may be null);
* a **minimal object** ``{"title": …, "text": "…"}`` (also ``body`` as one string,
  ``content``, ``article`` or ``raw_text`` — the shapes of the corpus files and of most
  scraping tools), where blank lines separate paragraphs;
* a **single JSON Lines record** of either shape.

JSON comes from other programs as often as from people, so it is validated (each wrong type
gets its own message) and then cleaned like any other input: single-line metadata, http(s)
URLs only, no markup in the text, a detected language when none is given.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from composer import regexcache as rx
from composer.article import Article, Block, Image, Related, Source, Span
from composer.errors import InputError
from composer.ingest.sanitize import clean_list, clean_value, resolve_url, strip_tags
from composer.lang import detect_language, normalize_language
from composer.textutil import normalize_text

__all__ = ["parse", "article_from_data"]

_TEXT_KEYS = ("text", "body", "content", "article", "raw_text", "articleBody", "maintext")
_TAGLIKE = rx.compile(r"<\s*/?\s*[A-Za-z!]")
_PARA_BREAK = rx.compile(r"\n\s*\n")
_WS = rx.compile(r"[ \t\u00a0]+")


def _load(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        lines = [ln for ln in text.splitlines() if ln.strip()]
        if len(lines) > 1 and exc.msg == "Extra data":
            raise InputError(
                f"the JSON holds {len(lines)} records (JSON Lines); give one article per source, "
                "e.g. split the file with one record per file"
            ) from exc
        raise InputError(f"article JSON is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from exc
    except RecursionError as exc:
        raise InputError("article JSON is nested too deeply to read") from exc


def _paragraphs(text: str) -> tuple[Block, ...]:
    """Blank lines separate paragraphs; without any, each line is one (corpus dumps)."""
    text = normalize_text(text).strip()
    chunks = _PARA_BREAK.split(text) if _PARA_BREAK.search(text) else text.split("\n")
    blocks = []
    for chunk in chunks:
        line = _WS.sub(" ", chunk.replace("\n", " ")).strip()
        if line:
            blocks.append(Block("paragraph", line))
    return tuple(blocks)


def _str_field(data: dict[str, Any], *keys: str) -> str | None:
    """The first of ``keys`` that holds a non-empty string (other types are ignored here)."""
    for k in keys:
        v = data.get(k)
        if isinstance(v, str) and v.strip():
            return v
    return None


def _from_simple(data: dict[str, Any]) -> Article:
    """The minimal and corpus shapes: one string of text plus whatever metadata is there."""
    key = next((k for k in _TEXT_KEYS if isinstance(data.get(k), str)), None)
    if key is None:
        raise InputError("article JSON needs a 'body' list of blocks or a 'text' string with the article")
    authors = data.get("authors", data.get("author"))
    if isinstance(authors, str):
        authors = [authors]
    tags = data.get("tags")
    return Article(
        title=_str_field(data, "title", "headline"),
        body=_paragraphs(data[key]),
        standfirst=_str_field(data, "standfirst", "description", "summary"),
        authors=tuple(a for a in authors if isinstance(a, str)) if isinstance(authors, list) else (),
        published=_str_field(data, "published", "date", "datePublished"),
        url=_str_field(data, "url"),
        language=_str_field(data, "language", "lang") or "",
        tags=tuple(t for t in tags if isinstance(t, str)) if isinstance(tags, list) else (),
    )


def _clean_block(block: Block) -> Block | None:
    text = normalize_text(block.text)
    spans: tuple[Span, ...] = block.spans
    if _TAGLIKE.search(text):
        # Markup inside a JSON text field is not trusted as markup: keep the words only. Offsets
        # no longer hold after stripping, so the block loses its spans.
        text, spans = _WS.sub(" ", strip_tags(text)), ()
    if len(text) != len(block.text):
        spans = ()
    stripped = text.strip()
    if not stripped:
        return None
    if stripped != text:
        lead = len(text) - len(text.lstrip())
        spans = tuple(Span(max(0, s.start - lead), min(len(stripped), s.end - lead), s.kind, s.url) for s in spans)
    kept = []
    for s in spans:
        if s.kind == "link":
            url = resolve_url(s.url)
            if url is None:
                continue  # the words stay, the unsafe target goes
            s = dataclasses.replace(s, url=url)
        if s.end > s.start:
            kept.append(s)
    return Block(block.type, stripped, tuple(kept))


def _date(value: str | None) -> str | None:
    if not value:
        return None
    from composer.dates import parse_date

    return parse_date(value)


def article_from_data(data: Any, source: Source) -> Article:
    """Validate and clean decoded JSON (any accepted shape) into an Article."""
    if isinstance(data, list):
        raise InputError("the JSON is a list; give one article object (use one source per article)")
    if not isinstance(data, dict):
        raise InputError("article JSON must be an object with a 'body' or 'text'")
    if isinstance(data.get("body"), list):
        article = Article.from_dict(data)
        given_language = data.get("language")
    else:
        article = _from_simple(data)
        given_language = article.language or None

    body = tuple(b for b in (_clean_block(b) for b in article.body) if b is not None)
    if not body:
        raise InputError(f"{source.path or 'the JSON article'} has an empty body: it needs at least one paragraph of text")
    image = article.image
    if image is not None:
        url = resolve_url(image.url)
        image = Image(url=url, caption=clean_value(image.caption), credit=clean_value(image.credit), alt=clean_value(image.alt))
        if not any((image.url, image.caption, image.credit, image.alt)):
            image = None
    related = tuple(
        Related(title=t, url=resolve_url(r.url)) for r in article.related if (t := clean_value(r.title)) is not None
    )
    language = normalize_language(given_language, default="") if isinstance(given_language, str) else ""
    language = language or detect_language("\n".join(b.text for b in body[:30]))
    src = article.source if article.source.path else Source(path=source.path, format="json")
    return Article(
        title=clean_value(article.title),
        body=body,
        standfirst=clean_value(article.standfirst, max_len=2000),
        authors=clean_list(list(article.authors), limit=20),
        published=_date(article.published),
        updated=_date(article.updated),
        url=resolve_url(article.url),
        site_name=clean_value(article.site_name),
        language=language,
        image=image,
        related=related,
        tags=clean_list(list(article.tags), limit=50),
        source=src,
    )


def parse(text: str, source: Source) -> Article:
    """Parse JSON text (an Article, a minimal ``{"title", "text"}`` object or one JSONL record)."""
    return article_from_data(_load(text), source)
