""""Publish": an item's post or thread on Bluesky, Mastodon or X, from the Posts view.

The button does exactly what ``compose publish ITEM --network N [--thread]`` does
(:func:`composer.publish.service.publish_now`), against the same durable record, so a part the
preview published is never posted again by the command line or the worker, and the other way
round. It does not wait for deferred parts (a rate limit, a server in trouble): those are left to
``compose worker`` or the next click, and the page shows each part's state.

The request is guarded like Send test (a per-process CSRF token and, when the browser sends
one, a matching ``Origin``: see ``server.py``), and the result is shown with every secret masked.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from composer.config import Settings, mask_secrets
from composer.errors import ComposerError
from composer.links import checked_link
from composer.outbox import Item

NETWORKS = ("bluesky", "mastodon", "x")  # the networks composer can publish to, in the page's order
MODES = ("single", "thread")


@dataclass(frozen=True)
class PublishResult:
    ok: bool
    message: str


def publish_from_preview(item: Item, settings: Settings, network: str, mode: str, *,
                         retry: bool = False) -> PublishResult:
    """Publish now (or resume), without waiting for deferred parts; the words say what happened."""
    from composer.publish.runner import publish_now
    from composer.publish.service import LABELS

    try:
        result = publish_now(settings, item, network, thread=mode == "thread", retry=retry, max_wait=0.0)
    except ComposerError as exc:
        return PublishResult(False, mask_secrets(f"{LABELS[network]}: {exc}", settings))
    except OSError as exc:  # a database or network error no client turned into an outcome
        return PublishResult(False, mask_secrets(f"{LABELS[network]}: could not publish ({exc})", settings))
    published = sum(1 for p in result.parts if p.state == "published")
    what = "thread" if mode == "thread" else "post"
    total = len(result.parts)
    head = f"{LABELS[network]} {what}: {published} of {total} part{'s' if total != 1 else ''} published"
    words = {"done": "", "active": "; the rest is deferred (`compose worker`, or Publish again, carries on)",
             "failed": "; a part was refused", "busy": "; another worker is publishing it right now"}
    message = head + words.get(result.state, f" ({result.state})")
    if result.message and result.state != "done":
        message += f": {result.message}"
    return PublishResult(result.state == "done", mask_secrets(message, settings))


def publishing_context(item: Item, settings: Settings, posts: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per network shown in the Posts view: is it set up, and each publication (post, thread) with its parts.

    Read from the record only when one exists (previewing never creates a database); a record
    that cannot be read leaves the buttons without state rather than taking the page down.
    """
    from composer.publish.clients import configured
    from composer.publish.service import NEEDS, publication_views

    try:
        views = publication_views(settings, item)
    except (ComposerError, OSError):
        views = []
    for v in views:
        for part in v["parts"]:
            # A network's answer is not ours to trust: only an http(s) link is ever shown as one.
            part["url"] = checked_link(part["url"])
            part["reason"] = mask_secrets(part["reason"], settings) if part["reason"] else None
    on = configured(settings)
    out: dict[str, dict[str, Any]] = {}
    for p in posts:
        key = p["key"]
        if key not in NETWORKS:
            continue
        mine = {v["mode"]: v for v in views if v["network"] == key}
        out[key] = {
            "configured": bool(on.get(key)),
            "needs": NEEDS[key],
            "has_post": bool(p["text"]),
            "has_thread": bool(p["thread"]),
            "single": mine.get("single"),
            "thread": mine.get("thread"),
        }
    return out
