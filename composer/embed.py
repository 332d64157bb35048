"""Embeds for an article: a card (``embed.html``), its oEmbed answer and the page's head tags.

Articles come from anywhere — pasted text, scraped pages, JSON from other tools — so every
value is treated as hostile: text is escaped by Jinja2's autoescape, URLs pass the http(s)
allow-list in :mod:`composer.links` or are dropped, and the JSON-LD is serialised with
``<``, ``>`` and ``&`` escaped so that nothing in it can close its ``<script>`` element. The card
has no script and only inline styles, so it can be pasted into any page or e-mail.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from composer import cldr
from composer import regexcache as rx
from composer.article import Article, Summary
from composer.links import checked_link
from composer.textutil import clean_line

__all__ = ["render_embed", "cut_at_word", "json_for_script", "og_locale", "EMBED_WIDTH"]

EMBED_WIDTH = 550
TWITTER_TITLE_MAX = 70
TWITTER_DESCRIPTION_MAX = 200
_LANG_TAG = rx.compile(r"^[A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*$")
_ISO_DATE = rx.compile(r"^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$")


def cut_at_word(text: str, limit: int) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary and ending in "…"."""
    text = clean_line(text)
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    space = room.rfind(" ")
    if space > limit // 3:
        room = room[:space]
    return room.rstrip(" ,;:—–-") + "…"


def json_for_script(data: Any) -> str:
    """JSON safe inside an HTML ``<script>``: ``<``, ``>``, ``&`` and line separators escaped."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    for ch, esc in (("<", "\\u003c"), (">", "\\u003e"), ("&", "\\u0026"), ("\u2028", "\\u2028"),
                    ("\u2029", "\\u2029")):
        text = text.replace(ch, esc)
    return text


def _lang(article: Article, summary: Summary) -> str:
    lang = (article.language or summary.language or "").strip()
    return lang if _LANG_TAG.match(lang) else "und"


def og_locale(lang: str) -> str | None:
    """Open Graph's ``language_TERRITORY`` for a BCP 47 tag (``en`` → ``en_US``), using CLDR's likely
    subtags (babel's answer, kept between runs: see :mod:`composer.cldr`)."""
    return cldr.og_locale(lang)


def _iso(value: str | None) -> str | None:
    if not value:
        return None
    value = value.strip()
    return value if _ISO_DATE.match(value) else None


def _date_text(iso: str | None, lang: str) -> str | None:
    """The date as the card's readers write it ("October 1, 2024", "1. Oktober 2024"); ISO 8601
    when the language is unknown. The ``<time datetime>`` keeps the ISO form for machines."""
    if not iso:
        return None
    try:
        day = dt.date.fromisoformat(iso[:10])
    except ValueError:
        return None
    return day.isoformat() if lang == "und" else cldr.format_long_date(day, lang)


def _env() -> jinja2.Environment:
    from composer import templating

    return templating.make_env()


def _context(article: Article, summary: Summary, provider_name: str | None, provider_url: str | None) -> dict[str, Any]:
    title = clean_line(article.title or summary.title or summary.tldr or "")
    description = clean_line(summary.tldr or article.standfirst or summary.summary or "")
    url = checked_link(article.url)
    image = article.image
    image_url = checked_link(image.url) if image else None
    image_alt = clean_line(image.alt or image.caption or "") if image and image_url else ""
    site_name = clean_line(article.site_name or provider_name or "") or None
    lang = _lang(article, summary)
    authors = [clean_line(a) for a in article.authors if clean_line(a)]
    tags = [clean_line(t) for t in (article.tags or tuple(h.lstrip("#") for h in summary.hashtags)) if clean_line(t)]
    published, modified = _iso(article.published), _iso(article.updated)
    host = (urlsplit(url).hostname or "") if url else ""
    return {
        "title": title,
        "description": description,
        "url": url,
        "image_url": image_url,
        "image_alt": image_alt,
        "site_name": site_name,
        "lang": lang,
        "locale": og_locale(lang),
        "authors": authors,
        "byline": ", ".join(authors),
        "tags": tags,
        "published": published,
        "modified": modified,
        "date_iso": published or "",
        "date_text": _date_text(published, lang),
        "link_text": (host.removeprefix("www.") or site_name or "") + " →",
        "provider_name": clean_line(provider_name or "") or None,
        "provider_url": checked_link(provider_url),
    }


def _json_ld(ctx: dict[str, Any]) -> dict[str, Any]:
    data: dict[str, Any] = {"@context": "https://schema.org", "@type": "NewsArticle", "headline": cut_at_word(ctx["title"], 110)}
    if ctx["description"]:
        data["description"] = ctx["description"]
    if ctx["url"]:
        data["url"] = ctx["url"]
        data["mainEntityOfPage"] = {"@type": "WebPage", "@id": ctx["url"]}
    if ctx["image_url"]:
        data["image"] = [ctx["image_url"]]
    if ctx["published"]:
        data["datePublished"] = ctx["published"]
    if ctx["modified"]:
        data["dateModified"] = ctx["modified"]
    if ctx["authors"]:
        data["author"] = [{"@type": "Person", "name": a} for a in ctx["authors"]]
    publisher_name = ctx["site_name"] or ctx["provider_name"]
    if publisher_name:
        publisher: dict[str, Any] = {"@type": "Organization", "name": publisher_name}
        if ctx["provider_url"]:
            publisher["url"] = ctx["provider_url"]
        data["publisher"] = publisher
    if ctx["lang"] != "und":
        data["inLanguage"] = ctx["lang"]
    if ctx["tags"]:
        data["keywords"] = ctx["tags"]
    return data


def _height(ctx: dict[str, Any]) -> int:
    """A height estimate for oEmbed consumers that need one (the card itself is fluid)."""
    lines = 2 + (len(ctx["title"]) // 45 + 1) + (len(ctx["description"]) // 60 + 1 if ctx["description"] else 0)
    return 40 + lines * 24 + (310 if ctx["image_url"] else 0)


def render_embed(
    article: Article,
    summary: Summary,
    *,
    provider_name: str | None,
    provider_url: str | None,
    site_url: str | None = None,
    env: jinja2.Environment | None = None,
    image_size: tuple[int, int] | None = None,
) -> dict[str, Any]:
    """``{"embed.html", "oembed.json", "meta.html"}`` file texts for one article, plus ``"oembed"`` as a dict.

    ``provider_url`` falls back to ``site_url``. ``image_size`` (width, height) is the article
    image's size when known: oEmbed wants thumbnail URL, width and height together or not at all.
    """
    env = env or _env()
    ctx = _context(article, summary, provider_name, provider_url or site_url)
    embed_html = env.get_template("embed.html.j2").render(**ctx)
    ctx_meta = dict(ctx)
    ctx_meta["twitter_card"] = "summary_large_image" if ctx["image_url"] else "summary"
    ctx_meta["twitter_title"] = cut_at_word(ctx["title"], TWITTER_TITLE_MAX)
    ctx_meta["twitter_description"] = cut_at_word(ctx["description"], TWITTER_DESCRIPTION_MAX) if ctx["description"] else ""
    ctx_meta["json_ld"] = Markup(json_for_script(_json_ld(ctx)))  # noqa: S704 - escaped by json_for_script
    meta_html = env.get_template("meta.html.j2").render(**ctx_meta)

    oembed: dict[str, Any] = {
        "type": "rich",
        "version": "1.0",
        "html": embed_html,
        "width": EMBED_WIDTH,
        "height": _height(ctx),
        "title": ctx["title"],
    }
    if ctx["provider_name"] or ctx["site_name"]:
        oembed["provider_name"] = ctx["provider_name"] or ctx["site_name"]
    if ctx["provider_url"]:
        oembed["provider_url"] = ctx["provider_url"]
    if ctx["authors"]:
        oembed["author_name"] = ctx["byline"]
    if ctx["image_url"] and image_size and all(isinstance(v, int) and v > 0 for v in image_size):
        oembed["thumbnail_url"] = ctx["image_url"]
        oembed["thumbnail_width"], oembed["thumbnail_height"] = image_size
    # The file form escapes <, > and & like the JSON-LD, so even a consumer that pastes the JSON
    # into a page or a script cannot be tricked by an article's title; "oembed" is the same data.
    oembed_text = json_for_script(oembed) + "\n"
    return {"embed.html": embed_html, "oembed.json": oembed_text, "oembed": oembed, "meta.html": meta_html}
