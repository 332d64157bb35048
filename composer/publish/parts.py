"""What is published: an item's posts as parts, read from its ``posts.json`` and ``article.json``.

The text of every part is exactly what composer wrote (and counted) for the network; nothing
is rewritten here. A single post is one part; ``--thread`` publishes the thread, one part per
entry. Bluesky gets its rich-text ``facets`` (``facets`` for the post, ``thread_facets[i]`` for
part i) and a link card built from the article (its URL, title, standfirst and, when it has
one, its image — fetched only when the part is published, see :func:`load_image`).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from composer.errors import InputError
from composer.outbox import Item
from composer.publish.base import Card
from composer.publish.state import CardSpec, PartSpec

NETWORKS = ("bluesky", "mastodon", "x")
CARD_IMAGE_MAX = 1_000_000  # bytes: Bluesky's limit for an external embed's thumbnail blob


def _json(item: Item, name: str) -> Any:
    try:
        return json.loads(item.read_text(name))
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise InputError(f"{item.name}: cannot read {name} ({exc}); recompose the item") from exc


def _card(article: dict[str, Any]) -> CardSpec | None:
    url = article.get("url")
    if not isinstance(url, str) or not url.startswith(("https://", "http://")):
        return None
    image = article.get("image") if isinstance(article.get("image"), dict) else {}
    image_url = image.get("url") if isinstance(image.get("url"), str) else None
    if image_url and not image_url.startswith(("https://", "http://")):
        image_url = None
    return CardSpec(url=url, title=str(article.get("title") or url)[:300],
                    description=str(article.get("standfirst") or "")[:1000], image_url=image_url)


def _card_place(texts: list[str], facets: list[Any], url: str) -> tuple[int, str | None]:
    """Which part carries the link card, and the link's URI as posted.

    Bluesky texts show a link in its short form (``news.example.org/riverside…``); the full URI is
    only in the part's link facet. So: the first part with a link facet, else the first part whose
    text holds the article's URL or its short form, else part 1.
    """
    for i, part_facets in enumerate(facets[: len(texts)]):
        for facet in part_facets if isinstance(part_facets, list) else []:
            for feature in facet.get("features") or [] if isinstance(facet, dict) else []:
                if isinstance(feature, dict) and feature.get("$type") == "app.bsky.richtext.facet#link":
                    uri = feature.get("uri")
                    if isinstance(uri, str) and uri.startswith(("https://", "http://")):
                        return i, uri
    short = url.split("://", 1)[-1][:30]
    for i, text in enumerate(texts):
        if url in text or short in text:
            return i, None
    return 0, None


def build_parts(item: Item, network: str, *, thread: bool, settings: Any = None) -> list[PartSpec]:
    """The parts to publish for ``network``: the single post, or the thread's entries in order.

    Raises :class:`InputError` when the item has no such post (an older item, or a network that
    was not composed).
    """
    if network not in NETWORKS:
        raise InputError(f"unknown network {network!r}: choose {', '.join(NETWORKS)}")
    posts = _json(item, "posts.json")
    entry = posts.get(network) if isinstance(posts, dict) else None
    if not isinstance(entry, dict):
        raise InputError(f"{item.name} has no {network} post in posts.json; recompose it")
    try:
        article = _json(item, "article.json")
    except InputError:
        article = {}
    language = article.get("language") or item.manifest.get("language") or None
    if language == "und":
        language = None  # undetermined: say nothing rather than a code Mastodon may refuse
    extra: dict[str, str] = {}
    if network == "mastodon" and settings is not None:
        extra["visibility"] = settings.mastodon_visibility
        language = settings.mastodon_language or language
    if thread:
        texts = [t for t in entry.get("thread") or [] if isinstance(t, str) and t.strip()]
        facets = entry.get("thread_facets") or []
    else:
        texts = [entry["post"]] if isinstance(entry.get("post"), str) and entry["post"].strip() else []
        facets = [entry.get("facets") or []]
    if not texts:
        raise InputError(f"{item.name} has no {network} {'thread' if thread else 'post'} to publish")
    card = _card(article) if network == "bluesky" else None
    card_at = 0
    if card is not None:
        card_at, uri = _card_place(texts, facets, card.url)
        if uri:  # the link as posted (with its UTM parameters) is the better card URL
            card = CardSpec(url=uri, title=card.title, description=card.description, image_url=card.image_url)
    out = []
    for i, text in enumerate(texts):
        part_facets = facets[i] if i < len(facets) and isinstance(facets[i], list) else []
        out.append(PartSpec(text=text, language=str(language) if language else None,
                            facets=tuple(f for f in part_facets if isinstance(f, dict)) if network == "bluesky" else (),
                            card=card if i == card_at else None, extra=dict(extra)))
    return out


def load_image(url: str, *, timeout: float = 15.0,
               warn: Callable[[str], None] | None = None) -> tuple[bytes, str] | None:
    """The card image at ``url`` (bytes, media type), at most :data:`CARD_IMAGE_MAX` bytes, or None.

    Fetched with the ingest fetcher (timeouts, a deadline, the size cap while streaming, checked
    redirects). A card without its image is still a card, so a failure is a warning, not an error.
    """
    from composer.ingest.fetch import fetch_url

    try:
        got = fetch_url(url, timeout=timeout, max_bytes=CARD_IMAGE_MAX, expect="image/",
                        headers={"Accept": "image/jpeg,image/png,image/webp,image/*;q=0.8"})
    except InputError as exc:
        if warn:
            warn(f"the link card goes without its image: {exc}")
        return None
    return got.body, got.content_type or "image/jpeg"


def card_for(spec: CardSpec | None, *, with_image: bool, warn: Callable[[str], None] | None = None,
             timeout: float = 15.0) -> Card | None:
    """The :class:`Card` a client receives; the image is read only when the network shows one."""
    if spec is None:
        return None
    image = load_image(spec.image_url, timeout=timeout, warn=warn) if with_image and spec.image_url else None
    return Card(url=spec.url, title=spec.title, description=spec.description,
                image=image[0] if image else None, image_type=image[1] if image else None)
