"""What the command line and the preview show and schedule: the record read back as plain data.

Publishing itself is :func:`composer.publish.runner.publish_now` (the command line and the
preview's Publish button both call it). Here are the read-side pieces both doors need — every
publication of an item with its parts (``compose status``, the Posts view), the dry run's plan
— and scheduling and cancelling for ``compose publish --at`` / ``--cancel``.

A publication is keyed by the item's resolved folder, its network and its mode, so the command
line, the preview and the worker all find the same record whichever path they were given.
Reading never creates a database.
"""

from __future__ import annotations

from typing import Any

from composer.errors import InputError
from composer.outbox import Item
from composer.publish.base import PublishError
from composer.publish.clients import NETWORKS, configured
from composer.publish.parts import build_parts
from composer.publish.runner import open_publication
from composer.publish.state import PartRow, Publication, PublishState, exists, location

# What a person sets to switch a network on (for messages and the dry run).
NEEDS = {
    "bluesky": "BLUESKY_HANDLE and BLUESKY_APP_PASSWORD",
    "mastodon": "MASTODON_URL and MASTODON_TOKEN",
    "x": "X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET (or X_BEARER_TOKEN)",
}
LABELS = {"bluesky": "Bluesky", "mastodon": "Mastodon", "x": "X"}


def item_key(item: Item) -> str:
    """The item as publications record it: its resolved folder."""
    return str(item.path.resolve())


def mode_of(thread: bool) -> str:
    return "thread" if thread else "single"


def default_networks(settings: Any) -> list[str]:
    """The networks ``compose publish`` uses when none is named: every one that is set up."""
    return [n for n, on in configured(settings).items() if on]


def schedule(settings: Any, item: Item, network: str, *, thread: bool, due: float,
             due_text: str) -> tuple[Publication, bool, list[PartRow]]:
    """Record the publication for the worker to run at ``due``; nothing is sent now.

    Returns (publication, created, parts): an item already recorded on that network in that mode
    is not scheduled a second time (``created`` is False and the record is as it was).
    """
    if not configured(settings).get(network):
        raise PublishError(f"{network} is not set up: set {NEEDS[network]} in .env (see .env.example)")
    with PublishState.for_settings(settings) as state:
        pub, created = open_publication(state, item, network, thread=thread, settings=settings, due=due,
                                        due_text=due_text)
        return pub, created, state.parts(pub.id)


def cancel(settings: Any, item: Item, network: str, *, thread: bool) -> Publication:
    """Cancel the scheduled publication of ``item`` on ``network``; only one that has not started."""
    mode = mode_of(thread)
    if not exists(location(settings)):
        raise InputError(f"{item.name} has no publication to {network} ({mode})")
    with PublishState.for_settings(settings) as state:
        pub = state.find(item_key(item), network, mode)
        if pub is None:
            raise InputError(f"{item.name} has no publication to {network} ({mode})")
        if not state.cancel(pub.id):
            raise InputError(f"publication #{pub.id} ({item.name} on {network}) is {pub.state}; only a scheduled "
                             "publication that has not started can be cancelled (what is published stays published)")
    return pub


# -- reading the record (status, preview, dry run): never creates a database ----------------------------


def publication_views(settings: Any, item: Item | None = None) -> list[dict[str, Any]]:
    """Every publication (of ``item``, or of the outbox) with its parts, as plain data.

    Empty when there is no record yet; reading never creates one.
    """
    if not exists(location(settings)):
        return []
    with PublishState(location(settings)) as state:
        pubs = state.publications(item_key(item) if item is not None else None)
        return [view(pub, state.parts(pub.id)) for pub in pubs]


def view(pub: Publication, parts: list[PartRow]) -> dict[str, Any]:
    """One publication as ``compose status --json`` prints it and the preview shows it."""
    counts = dict.fromkeys(("queued", "pending", "published", "deferred", "unknown", "failed"), 0)
    for p in parts:
        counts[p.state] = counts.get(p.state, 0) + 1
    return {
        "id": pub.id, "item": pub.item, "network": pub.network, "mode": pub.mode, "state": pub.state,
        "scheduled_for": pub.due_text if pub.state == "scheduled" else None,
        "next_look": pub.due if pub.state == "active" else None,
        "counts": {k: v for k, v in counts.items() if v},
        "parts": [{"part": p.index + 1, "of": p.count, **p.to_dict()} for p in parts],
    }


def dry_run(settings: Any, item: Item, network: str, *, thread: bool) -> dict[str, Any]:
    """What ``compose publish --dry-run`` shows for one network: the parts with their lengths and
    what a real run would do, from the record when there is one. Nothing is sent or written."""
    from composer.social.networks import count

    mode = mode_of(thread)
    specs = build_parts(item, network, thread=thread, settings=settings)
    recorded: list[PartRow] = []
    pub: Publication | None = None
    if exists(location(settings)):
        with PublishState(location(settings)) as state:
            pub = state.find(item_key(item), network, mode)
            recorded = state.parts(pub.id) if pub else []
    parts = []
    for i, spec in enumerate(specs):
        measured = count(spec.text, network, mastodon_limit=settings.mastodon_limit)
        row = recorded[i] if i < len(recorded) else None
        parts.append({"part": i + 1, "of": len(specs), "text": spec.text, "length": measured.length,
                      "limit": measured.limit, "valid": measured.valid, "facets": len(spec.facets),
                      "card": spec.card.url if spec.card else None,
                      "image": spec.card.image_url if spec.card else None, "language": spec.language,
                      "state": row.state if row else None, "url": row.url if row else None})
    if pub is None:
        plan = f"would publish {'all ' + str(len(specs)) + ' parts' if len(specs) > 1 else 'the post'} now"
    elif pub.state == "done":
        plan = f"already published (publication #{pub.id}); nothing would be posted"
    elif pub.state == "scheduled":
        plan = f"scheduled for {pub.due_text} (publication #{pub.id}); `compose worker` publishes it then"
    else:
        left = [r for r in recorded if r.state != "published"]
        first = left[0].index + 1 if left else len(recorded)
        plan = (f"publication #{pub.id} is {pub.state}: would resume at part {first}"
                + (" (its earlier attempt is looked up first)" if left and left[0].unsure else "")
                + (" once retried with --retry" if pub.state == "failed" else ""))
    return {"network": network, "mode": mode, "configured": bool(configured(settings).get(network)),
            "needs": NEEDS[network], "plan": plan, "parts": parts}


__all__ = ["NETWORKS", "NEEDS", "LABELS", "schedule", "cancel", "publication_views", "view", "dry_run",
           "default_networks", "item_key", "mode_of"]
