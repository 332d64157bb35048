"""Clean-up of untrusted values shared by the HTML, Markdown and JSON readers.

Everything a reader takes from a page or a document ends up in emails, posts and embeds, where
a ``javascript:`` link or a stray ``<script>`` is an attack rather than a typo. The readers
therefore pass every URL through :func:`resolve_url` (only http and https survive) and every
metadata string through :func:`clean_value` (no tags, no line breaks, no invisible characters)
before it reaches an :class:`~composer.article.Article`.

This is the *input* side: it resolves relative links against the page and strips the junk that
browsers ignore. The renderers check every URL once more on the *output* side with the stricter
:func:`composer.links.checked_link`, which rejects rather than repairs, because an Article may
also come from hand-written JSON that never passed through here.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import replace
from urllib.parse import urljoin, urlsplit, urlunsplit

from composer import regexcache as rx
from composer.article import Article, Block, Span
from composer.textutil import clean_line

_ALLOWED_SCHEMES = ("http", "https")
# Browsers ignore ASCII whitespace and controls inside a scheme ("java\tscript:"), so they are
# removed before the scheme is judged, otherwise such a link would slip through the allow-list.
_URL_JUNK = rx.compile(r"[\x00-\x20\x7f-\x9f\u200b-\u200f\u2028\u2029\u2060\ufeff]")
_TAG = rx.compile(r"<!--.*?-->|<\s*(script|style)\b.*?</\s*\1\s*>|</?[A-Za-z][^<>]*>", re.S | re.I)
_MAX_URL = 2048


def resolve_url(value: object, base: str | None = None) -> str | None:
    """``value`` as an absolute http(s) URL, resolved against ``base``; ``None`` otherwise.

    This is the input side: it repairs and normalises what a source gives (junk characters,
    relative and scheme-relative links, upper-case schemes). The output-side check, which
    rejects rather than repairs, is :func:`composer.links.checked_link`.

    Relative URLs need a base that is itself http(s); ``//host/path`` inherits the base's scheme
    (https when there is no base, because a scheme-relative link on a saved page was served
    from the web). Anything else — ``javascript:``, ``data:``, ``file:``, ``mailto:`` — is
    dropped rather than repaired.
    """
    if not isinstance(value, str):
        return None
    url = _URL_JUNK.sub("", value.strip())
    if not url or len(url) > _MAX_URL:
        return None
    try:
        if url.startswith("//"):
            base_ok = resolve_url(base) if base else None
            url = f"{urlsplit(base_ok).scheme if base_ok else 'https'}:{url}"
        parts = urlsplit(url)
        if not parts.scheme:
            base_url = resolve_url(base) if base else None
            if not base_url:
                return None
            url = urljoin(base_url, url)
            parts = urlsplit(url)
        if parts.scheme.lower() not in _ALLOWED_SCHEMES or not parts.netloc:
            return None
        return urlunsplit((parts.scheme.lower(), parts.netloc, parts.path, parts.query, parts.fragment))
    except ValueError:  # e.g. "http://[::1" — an unparseable address is no address
        return None


def strip_tags(text: str) -> str:
    """Remove anything that looks like markup; ``a < b`` survives because it is not a tag."""
    previous = None
    # Repeat: removing one tag can make another appear ("<scr<b>ipt>").
    while previous != text:
        previous = text
        text = _TAG.sub(" ", text)
    return text.replace("<", "‹").replace(">", "›") if _looks_like_tag_fragment(text) else text


_TAG_SHAPE = rx.compile(r"<\s*/?\s*[A-Za-z!?]")


def _looks_like_tag_fragment(text: str) -> bool:
    """A lone ``<script`` with no closing bracket is still markup to a careless renderer."""
    return _TAG_SHAPE.search(text) is not None


# The tags that run or load something, and any tag with an event handler ("<img onerror=…>") or
# a script URL ("<a href="javascript:…">").
_ACTIVE_TAG = rx.compile(
    r"<\s*/?\s*(?:script|style|iframe|frame|frameset|object|embed|applet|base|meta|link|svg|math)\b"
    r"|<[^<>]*(?:\bon[a-z]+\s*=|javascript\s*:)",
    re.I,
)


def defang(text: str) -> str:
    """Text with an active tag's shape that a page printed *as text* ("&lt;script&gt;", which
    the HTML parser decodes into "<script>"; a paste holds whatever the page showed), with its
    angle brackets turned into the look-alike ‹ and ›.

    Renderers escape it in HTML, but a post or an e-mail's text part would carry the tag as it
    stands, and no output should. A programming post's "<img> tag" or "<div>" stays as written.
    The length stays the same, so a block's spans keep their places.
    """
    if _ACTIVE_TAG.search(text) is None:
        return text
    return text.replace("<", "‹").replace(">", "›")


def defang_article(article: Article) -> Article:
    """``article`` with every text it shows passed through :func:`defang` — but a code listing,
    which is shown as written (escaped in HTML) and never quoted in a post or a summary."""

    def opt(text: str | None) -> str | None:
        return defang(text) if text else text

    image = article.image
    if image is not None:
        image = replace(image, caption=opt(image.caption), credit=opt(image.credit), alt=opt(image.alt))
    return replace(
        article,
        title=opt(article.title),
        standfirst=opt(article.standfirst),
        authors=tuple(map(defang, article.authors)),
        site_name=opt(article.site_name),
        body=tuple(b if b.is_listing else replace(b, text=defang(b.text)) for b in article.body),
        image=image,
        related=tuple(replace(r, title=defang(r.title)) for r in article.related),
        tags=tuple(map(defang, article.tags)),
        doubts=tuple(replace(d, message=defang(d.message)) for d in article.doubts),  # (they quote the page)
    )


def clean_value(value: object, *, unescape: bool = False, max_len: int = 1000) -> str | None:
    """A metadata string fit for a single line of output, or ``None`` when nothing is left.

    ``unescape`` decodes HTML entities once; it is for values that the HTML parser did not
    decode already (JSON-LD inside ``<script>``, front matter copied from a CMS).
    """
    if not isinstance(value, str):
        return None
    text = html.unescape(value) if unescape else value
    text = clean_line(strip_tags(text))
    if len(text) > max_len:
        text = text[:max_len].rsplit(" ", 1)[0] + "…"
    return text or None


def clean_list(values: object, *, unescape: bool = False, limit: int = 30) -> tuple[str, ...]:
    """Distinct cleaned strings (case-insensitively), in order, at most ``limit`` of them."""
    if isinstance(values, str):
        values = [values]
    if not isinstance(values, list | tuple):
        return ()
    out: list[str] = []
    seen: set[str] = set()
    for v in values:
        c = clean_value(v, unescape=unescape, max_len=200)
        if c and c.casefold() not in seen:
            seen.add(c.casefold())
            out.append(c)
        if len(out) >= limit:
            break
    return tuple(out)


def trimmed_block(kind: str, raw: str, spans: Iterable[Span]) -> Block | None:
    """A :class:`Block` from text gathered with inline spans, trimmed, or None when empty.

    The HTML and Markdown readers both collect a block's text piece by piece while recording
    where links and emphasis start and end; trimming the text shifts those offsets, and a span
    must neither reach past the text nor start or end on whitespace (renderers would underline
    the spaces).
    """
    lead = len(raw) - len(raw.lstrip())
    text = raw.strip()
    if not text:
        return None
    kept = []
    for s in spans:
        start = max(0, min(len(text), s.start - lead))
        end = max(start, min(len(text), s.end - lead))
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if end > start:
            kept.append(Span(start, end, s.kind, s.url))
    return Block(kind, text, tuple(sorted(kept, key=lambda s: (s.start, -s.end))))
