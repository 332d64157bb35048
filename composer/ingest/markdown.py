"""Markdown reader: a post with optional YAML front matter → :class:`Article`.

Static-site generators (Jekyll, Hugo, Pelican, Eleventy) write articles as Markdown with a YAML
header, so the header's usual keys become metadata and the CommonMark body becomes typed
blocks. Inline markup is kept as :class:`Span` data (links, emphasis, code) instead of being
flattened, so the email renderer can still show a link as a link. Raw HTML inside the Markdown
is reduced to its text: a post is not allowed to smuggle markup into a newsletter.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from composer import regexcache as rx
from composer.article import Article, Block, Image, Source, Span
from composer.errors import InputError
from composer.ingest.sanitize import clean_list, clean_value, resolve_url, strip_tags, trimmed_block
from composer.lang import detect_language, normalize_language
from composer.textutil import normalize_text

__all__ = ["parse", "split_front_matter"]

_FRONT = rx.compile(r"\A\ufeff?---[ \t]*\n(.*?)\n?(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_WS = rx.compile(r"[ \t\r\f\v\u00a0]+")
_MAX_FRONT_MATTER = 64 * 1024


def split_front_matter(text: str) -> tuple[dict[str, Any], str]:
    """(front matter as a dict, body) — an empty dict when the post has no front matter.

    Only ``yaml.safe_load`` is used: front matter is data, and YAML tags that build Python
    objects have no business in an article.
    """
    m = _FRONT.match(text)
    if not m:
        return {}, text
    raw = m.group(1)
    if len(raw) > _MAX_FRONT_MATTER:
        raise InputError("the Markdown front matter is larger than 64 KB; is the closing '---' missing?")
    try:
        data = yaml.safe_load(raw) if raw.strip() else {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 2}" if mark is not None else ""
        raise InputError(f"the Markdown front matter is not valid YAML{where}; check its quoting and indentation") from exc
    if data is None:
        data = {}
    if isinstance(data, str | int | float):
        # "---", a line of prose, "---": thematic breaks around text, not a metadata header.
        return {}, text
    if not isinstance(data, dict):
        raise InputError("the Markdown front matter must be 'key: value' lines, not a list or a single value")
    return {str(k).lower(): v for k, v in data.items()}, text[m.end():]


def _get(fm: dict[str, Any], *keys: str) -> Any:
    for k in keys:
        if fm.get(k) not in (None, "", []):
            return fm[k]
    return None


def _date(value: Any) -> str | None:
    """YAML turns ``2025-03-12`` into a date object; strings go through the shared parser."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    text = clean_value(value, max_len=100) if not isinstance(value, int | float) else None
    if not text:
        return None
    from composer.dates import parse_date

    return parse_date(text)


def _names(value: Any) -> tuple[str, ...]:
    if isinstance(value, dict):
        value = [value]
    if isinstance(value, str):
        value = re.split(r"\s*(?:;|\band\b|&)\s*", value) if ";" in value or " and " in value or " & " in value else [value]
    if not isinstance(value, list):
        return ()
    names = [v.get("name") if isinstance(v, dict) else v for v in value]
    return clean_list([n for n in names if isinstance(n, str)], limit=10)


def _tags(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = value.split(",")
    if not isinstance(value, list):
        return ()
    return clean_list([str(v) for v in value if isinstance(v, str | int | float)], limit=30)


# --------------------------------------------------------------------------------------------


class _Inline:
    """Builds one block's text and spans from a markdown-it inline token's children."""

    def __init__(self, base: str | None) -> None:
        self.base = base
        self.parts: list[str] = []
        self.length = 0
        self.spans: list[Span] = []
        self.open: list[tuple[str, int, str | None]] = []
        self.images: list[tuple[str, str]] = []

    def add(self, text: str) -> None:
        text = _WS.sub(" ", normalize_text(text))
        if not text:
            return
        if text.startswith(" ") and (not self.parts or self.parts[-1].endswith((" ", "\n"))):
            text = text.lstrip(" ")
        self.parts.append(text)
        self.length += len(text)

    def feed(self, children: list[Token]) -> None:
        kinds = {"em_open": "em", "strong_open": "strong", "link_open": "link"}
        for tok in children:
            t = tok.type
            if t == "text":
                self.add(tok.content)
            elif t == "softbreak":
                self.add(" ")
            elif t == "hardbreak":
                if self.parts:
                    self.parts[-1] = self.parts[-1].rstrip(" ")
                    self.length = sum(map(len, self.parts))
                self.parts.append("\n")
                self.length += 1
            elif t == "code_inline":
                start = self.length
                self.add(tok.content)
                if self.length > start:
                    self.spans.append(Span(start, self.length, "code"))
            elif t in kinds:
                url = resolve_url(tok.attrGet("href"), self.base) if t == "link_open" else None
                self.open.append((kinds[t], self.length, url))
            elif t in ("em_close", "strong_close", "link_close"):
                if self.open:
                    kind, start, url = self.open.pop()
                    if self.length > start and (kind != "link" or url):
                        self.spans.append(Span(start, self.length, kind, url))
            elif t == "image":
                # Pictures are not words: remember them (the first may be the lead image) and
                # leave no trace in the text.
                src = resolve_url(tok.attrGet("src"), self.base)
                if src:
                    self.images.append((src, clean_value(tok.content) or ""))
            elif t == "html_inline":
                continue  # a tag on its own carries no words; the text between tags is kept

    def block(self, kind: str) -> Block | None:
        return trimmed_block(kind, "".join(self.parts), self.spans)


def _html_to_text(fragment: str) -> list[str]:
    """The words inside an HTML block, one entry per paragraph-ish chunk; scripts dropped."""
    try:
        import lxml.html

        root = lxml.html.fragment_fromstring(fragment, create_parent="div")
        for el in root.xpath(".//script | .//style | .//template | .//noscript"):
            el.drop_tree()
        for el in root.iter("br", "p", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
            el.tail = "\n" + (el.tail or "")
        text = root.text_content()
    except Exception:  # noqa: BLE001 - lxml raises several types for broken fragments
        text = strip_tags(fragment)
    text = strip_tags(text)  # entities decoded by lxml could spell out a tag again
    return [line for line in (_WS.sub(" ", normalize_text(x)).strip() for x in text.split("\n")) if line]


def _blocks(tokens: list[Token], base: str | None) -> tuple[list[tuple[Block, str]], list[tuple[str, str]]]:
    """(block, markdown tag) pairs and images, from markdown-it's token stream."""
    out: list[tuple[Block, str]] = []
    images: list[tuple[str, str]] = []
    context: list[str] = []  # open containers: "blockquote", "li", "table"
    heading: str | None = None
    row: list[str] = []
    for tok in tokens:
        t = tok.type
        if t in ("blockquote_open", "list_item_open", "table_open"):
            context.append(tok.tag)
        elif t in ("blockquote_close", "list_item_close", "table_close"):
            if context:
                context.pop()
        elif t == "heading_open":
            heading = tok.tag
        elif t == "heading_close":
            heading = None
        elif t == "tr_open":
            row = []
        elif t == "tr_close":
            if any(row):
                out.append((Block(_kind(context), " | ".join(c for c in row if c)), "tr"))
        elif t == "inline":
            b = _Inline(base)
            b.feed(tok.children or [])
            images.extend(b.images)
            if "table" in context and heading is None and context[-1] == "table":
                blk = b.block("paragraph")
                row.append(blk.text if blk else "")
                continue
            blk = b.block("heading" if heading else _kind(context))
            if blk is not None:
                out.append((blk, heading or ""))
        elif t in ("fence", "code_block"):
            text = normalize_text(tok.content).strip("\n")
            if text.strip():
                out.append((Block(_kind(context), text, (Span(0, len(text), "code"),)), "code"))
        elif t == "html_block":
            for line in _html_to_text(tok.content):
                out.append((Block(_kind(context), line), "html"))
    return out, images


def _kind(context: list[str]) -> str:
    if "blockquote" in context:
        return "quote"
    if "li" in context:
        return "list_item"
    return "paragraph"


def parse(text: str, source: Source) -> Article:
    """Parse a Markdown document (front matter optional) into an Article."""
    fm, body_md = split_front_matter(normalize_text(text))
    page_url = resolve_url(source.path) if source.format == "url" else None
    base = resolve_url(_get(fm, "url", "canonical", "canonical_url", "permalink", "link"), page_url) or page_url
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # Accept every link target at parse time so that a rejected one still reads as its label;
    # ``resolve_url`` then decides which targets survive (http/https only).
    md.validateLink = lambda url: True  # type: ignore[method-assign]
    try:
        tokens = md.parse(body_md)
    except RecursionError as exc:
        raise InputError("the Markdown is nested too deeply to read") from exc
    pairs, images = _blocks(tokens, base)

    title = clean_value(_get(fm, "title"))
    if pairs and pairs[0][1] == "h1" and (title is None or pairs[0][0].text.casefold() == title.casefold()):
        # The post's own H1 is its title, not a body heading.
        title = title or clean_value(pairs[0][0].text)
        pairs = pairs[1:]
    blocks = tuple(b for b, _tag in pairs)
    if not blocks:
        raise InputError(f"{source.path or 'the Markdown document'} has no body text after its front matter")

    image_value = _get(fm, "image", "cover", "featured_image", "thumbnail", "og_image")
    image_alt = clean_value(_get(fm, "image_alt", "alt"))
    image_caption = clean_value(_get(fm, "image_caption", "caption"))
    image_credit = clean_value(_get(fm, "image_credit", "credit"))
    if isinstance(image_value, dict):
        image_alt = image_alt or clean_value(image_value.get("alt"))
        image_caption = image_caption or clean_value(image_value.get("caption"))
        image_credit = image_credit or clean_value(image_value.get("credit"))
        image_value = image_value.get("url") or image_value.get("src")
    image_url = resolve_url(image_value, base)
    if image_url is None and images:
        image_url, first_alt = images[0]
        image_alt = image_alt or first_alt or None
    image = Image(url=image_url, caption=image_caption, credit=image_credit, alt=image_alt) if image_url else None

    lang = clean_value(_get(fm, "language", "lang", "locale"))
    language = normalize_language(lang, default="") or detect_language("\n".join(b.text for b in blocks[:30]))
    return Article(
        title=title,
        body=blocks,
        standfirst=clean_value(_get(fm, "description", "summary", "standfirst", "subtitle", "excerpt", "lede"), max_len=600),
        authors=_names(_get(fm, "authors", "author", "byline")),
        published=_date(_get(fm, "date", "published", "pubdate", "published_at")),
        updated=_date(_get(fm, "updated", "modified", "lastmod", "last_modified", "updated_at")),
        url=base,
        site_name=clean_value(_get(fm, "site_name", "site", "publication")),
        language=language,
        image=image,
        tags=_tags(_get(fm, "tags", "keywords", "categories")),
        source=source,
    )
