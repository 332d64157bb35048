"""The article model: the plain data that flows between the pipeline stages.

Every stage speaks these dataclasses, and every dataclass converts to and from the JSON shape
in the design notes. The conversion is exact in both directions for canonical JSON (the output
of ``to_json``), so that an Article can be parsed once, saved as ``article.json`` and fed back
in later (``compose article.json``) without drifting.

Optional extras beyond the design shape (``Block.spans``) are omitted from the JSON when empty,
so documents from other tools that use the plain shape stay valid input and output.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from composer.errors import InputError

BLOCK_TYPES = ("paragraph", "heading", "quote", "list_item")
SOURCE_FORMATS = ("text", "html", "markdown", "json", "url")


def _opt_str(value: Any, name: str) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise InputError(f"article JSON: {name!r} must be a string or null, not {type(value).__name__}")
    return value


def _str(value: Any, name: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"article JSON: {name!r} must be a string, not {type(value).__name__}")
    return value


def _list(value: Any, name: str) -> list:
    if value is None:
        return []
    if not isinstance(value, list):
        raise InputError(f"article JSON: {name!r} must be a list")
    return value


def _obj(value: Any, name: str) -> dict:
    if not isinstance(value, dict):
        raise InputError(f"article JSON: {name!r} must be an object")
    return value


@dataclass(frozen=True)
class Span:
    """Inline markup inside a block: a link, emphasis, strong text or code.

    Offsets are Python string indices into ``Block.text`` (``start`` inclusive, ``end``
    exclusive). Keeping markup as data rather than as HTML lets each renderer (email HTML,
    plain text with references, posts) decide how to show it, and keeps untrusted markup out.
    """

    start: int
    end: int
    kind: str  # "link" | "em" | "strong" | "code"
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"start": self.start, "end": self.end, "type": self.kind}
        if self.url is not None:
            d["url"] = self.url
        return d

    @classmethod
    def from_dict(cls, d: Any) -> Span:
        d = _obj(d, "spans[]")
        start, end = d.get("start"), d.get("end")
        if not isinstance(start, int) or not isinstance(end, int) or not 0 <= start <= end:
            raise InputError("article JSON: a span needs integer 'start' <= 'end'")
        return cls(start=start, end=end, kind=_str(d.get("type"), "spans[].type"),
                   url=_opt_str(d.get("url"), "spans[].url"))


@dataclass(frozen=True)
class Block:
    """One unit of body text: a paragraph, heading, quotation or list item."""

    type: str
    text: str
    spans: tuple[Span, ...] = ()

    @property
    def is_listing(self) -> bool:
        """Whether the whole block is program code (a fenced block, a listing copied from a page):
        text to show as it stands, never a sentence to summarise or quote in a post."""
        return any(s.kind == "code" and s.start == 0 and s.end >= len(self.text) for s in self.spans)

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"type": self.type, "text": self.text}
        if self.spans:
            d["spans"] = [s.to_dict() for s in self.spans]
        return d

    @classmethod
    def from_dict(cls, d: Any) -> Block:
        d = _obj(d, "body[]")
        kind = _str(d.get("type", "paragraph"), "body[].type")
        if kind not in BLOCK_TYPES:
            raise InputError(f"article JSON: unknown block type {kind!r} (expected one of {', '.join(BLOCK_TYPES)})")
        text = _str(d.get("text"), "body[].text")
        spans = tuple(Span.from_dict(s) for s in _list(d.get("spans"), "body[].spans"))
        for s in spans:
            if s.end > len(text):
                raise InputError("article JSON: a span reaches past the end of its block")
        return cls(type=kind, text=text, spans=spans)


@dataclass(frozen=True)
class Image:
    url: str | None = None
    caption: str | None = None
    credit: str | None = None
    alt: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"url": self.url, "caption": self.caption, "credit": self.credit, "alt": self.alt}

    @classmethod
    def from_dict(cls, d: Any) -> Image:
        d = _obj(d, "image")
        return cls(**{k: _opt_str(d.get(k), f"image.{k}") for k in ("url", "caption", "credit", "alt")})


@dataclass(frozen=True)
class Related:
    title: str
    url: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"title": self.title, "url": self.url}

    @classmethod
    def from_dict(cls, d: Any) -> Related:
        d = _obj(d, "related[]")
        return cls(title=_str(d.get("title"), "related[].title"), url=_opt_str(d.get("url"), "related[].url"))


@dataclass(frozen=True)
class Source:
    path: str
    format: str

    def to_dict(self) -> dict[str, Any]:
        return {"path": self.path, "format": self.format}

    @classmethod
    def from_dict(cls, d: Any) -> Source:
        d = _obj(d, "source")
        return cls(path=_str(d.get("path", ""), "source.path"), format=_str(d.get("format", "json"), "source.format"))


@dataclass(frozen=True)
class Doubt:
    """A field the reader filled in without being sure of it, and what to tell the user.

    Not part of the JSON shape: it describes one reading of a source, not the article, and a
    user who corrects the field (``--title``, or by editing ``article.json``) has answered it.
    """

    field: str  # "title" | "authors" | "published": the Article field it is about
    message: str


@dataclass(frozen=True)
class Article:
    """A news article, whatever format it arrived in.

    ``title`` may be ``None``: benchmark articles and some feeds have none, and the summariser
    and renderers fall back to the lead sentence rather than inventing one.
    """

    title: str | None
    body: tuple[Block, ...]
    standfirst: str | None = None
    authors: tuple[str, ...] = ()
    published: str | None = None
    updated: str | None = None
    url: str | None = None
    site_name: str | None = None
    language: str = "en"
    image: Image | None = None
    related: tuple[Related, ...] = ()
    tags: tuple[str, ...] = ()
    source: Source = field(default_factory=lambda: Source(path="", format="text"))
    # What the reader guessed (pasted text): shown as warnings, never written to article.json.
    doubts: tuple[Doubt, ...] = field(default=(), compare=False, repr=False)

    @property
    def text(self) -> str:
        """The body as plain text, one block per paragraph."""
        return "\n\n".join(b.text for b in self.body)

    def doubt_warnings(self) -> list[str]:
        """The reader's doubts (see :class:`Doubt`) as warnings that name the source."""
        where = self.source.path or "the input"
        return [f"{where}: {d.message}" for d in self.doubts]

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "standfirst": self.standfirst,
            "authors": list(self.authors),
            "published": self.published,
            "updated": self.updated,
            "url": self.url,
            "site_name": self.site_name,
            "language": self.language,
            "image": self.image.to_dict() if self.image else None,
            "body": [b.to_dict() for b in self.body],
            "related": [r.to_dict() for r in self.related],
            "tags": list(self.tags),
            "source": self.source.to_dict(),
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, d: Any) -> Article:
        d = _obj(d, "article")
        if "body" not in d:
            raise InputError("article JSON: 'body' is missing")
        image = d.get("image")
        source = d.get("source")
        return cls(
            title=_opt_str(d.get("title"), "title"),
            standfirst=_opt_str(d.get("standfirst"), "standfirst"),
            authors=tuple(_str(a, "authors[]") for a in _list(d.get("authors"), "authors")),
            published=_opt_str(d.get("published"), "published"),
            updated=_opt_str(d.get("updated"), "updated"),
            url=_opt_str(d.get("url"), "url"),
            site_name=_opt_str(d.get("site_name"), "site_name"),
            language=_str(d.get("language") or "en", "language"),
            image=Image.from_dict(image) if image is not None else None,
            body=tuple(Block.from_dict(b) for b in _list(d.get("body"), "body")),
            related=tuple(Related.from_dict(r) for r in _list(d.get("related"), "related")),
            tags=tuple(_str(t, "tags[]") for t in _list(d.get("tags"), "tags")),
            source=Source.from_dict(source) if source is not None else Source(path="", format="json"),
        )

    @classmethod
    def from_json(cls, text: str) -> Article:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputError(f"article JSON is not valid JSON: {exc.msg} at line {exc.lineno}") from exc
        return cls.from_dict(data)


@dataclass(frozen=True)
class Summary:
    """What the summariser says about an article; every renderer reads from it."""

    title: str | None
    tldr: str
    summary: str
    key_points: tuple[str, ...]
    keywords: tuple[str, ...] = ()
    hashtags: tuple[str, ...] = ()
    language: str = "en"
    reading_time_min: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "tldr": self.tldr,
            "summary": self.summary,
            "key_points": list(self.key_points),
            "keywords": list(self.keywords),
            "hashtags": list(self.hashtags),
            "language": self.language,
            "reading_time_min": self.reading_time_min,
        }

    def to_json(self, indent: int | None = 2) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    @classmethod
    def from_dict(cls, d: Any) -> Summary:
        d = _obj(d, "summary")
        rt = d.get("reading_time_min", 1)
        if not isinstance(rt, int):
            raise InputError("summary JSON: 'reading_time_min' must be an integer")
        return cls(
            title=_opt_str(d.get("title"), "title"),
            tldr=_str(d.get("tldr", ""), "tldr"),
            summary=_str(d.get("summary", ""), "summary"),
            key_points=tuple(_str(k, "key_points[]") for k in _list(d.get("key_points"), "key_points")),
            keywords=tuple(_str(k, "keywords[]") for k in _list(d.get("keywords"), "keywords")),
            hashtags=tuple(_str(k, "hashtags[]") for k in _list(d.get("hashtags"), "hashtags")),
            language=_str(d.get("language") or "en", "language"),
            reading_time_min=rt,
        )

    @classmethod
    def from_json(cls, text: str) -> Summary:
        try:
            return cls.from_dict(json.loads(text))
        except json.JSONDecodeError as exc:
            raise InputError(f"summary JSON is not valid JSON: {exc.msg}") from exc
