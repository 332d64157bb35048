"""Which items may still change: their manifest state and their delivery campaigns.

Both the pages (is the item recomposable? what is scheduled?) and live reload (may this item be
rebuilt?) ask these questions, so they are answered here once. This module imports nothing else
from ``composer.preview``, which keeps the package's imports one-way: ``pages`` and ``reload``
build on it, ``server`` builds on them.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

from composer.errors import ComposerError
from composer.outbox import Item

if TYPE_CHECKING:
    from composer.delivery.state import DeliveryState

# Items in these states may be rebuilt; anything scheduled or sent is left exactly as it is.
RECOMPOSABLE_STATES = frozenset({"composed", ""})


def campaigns_by_item(root: Path, database_url: str = "") -> dict[str, list[dict[str, Any]]]:
    """Delivery campaigns per item folder, from ``database_url`` (PostgreSQL) or the outbox's SQLite file.

    The SQLite file is only opened when it is already there: previewing must not create
    delivery state. Any problem reading it leaves the index without campaign details.
    """
    from composer.delivery.state import DB_NAME, DeliveryState

    db: str | Path = database_url or root / DB_NAME
    if not database_url and not Path(db).is_file():
        return {}
    try:
        with DeliveryState(db) as state:
            return _campaign_index(state)
    except (ComposerError, OSError):
        return {}


def item_campaigns(item: Item, database_url: str = "") -> list[dict[str, Any]]:
    """The delivery campaigns of one item (empty when there are none or no delivery state)."""
    return campaigns_by_item(item.path.parent, database_url).get(str(item.path.resolve()), [])


def _campaign_index(state: DeliveryState) -> dict[str, list[dict[str, Any]]]:
    """Every campaign as the pages show it, keyed by its item's resolved folder.

    Keyed by resolved path, not by name: a campaign records its item's path, and two outboxes
    may hold items of the same name.
    """
    out: dict[str, list[dict[str, Any]]] = {}
    try:
        for c in state.campaigns():
            counts = {k: v for k, v in state.counts(c.id).items() if v}
            due = c.due_text or (dt.datetime.fromtimestamp(c.due, dt.UTC).isoformat(timespec="minutes") if c.due else None)
            tally = ", ".join(f"{n} {k}" for k, n in counts.items())
            label = f"#{c.id} {c.state} via {c.via}" + (f": {tally}" if tally else "")
            entry = {"id": c.id, "state": c.state, "via": c.via, "due": due, "counts": counts, "label": label}
            out.setdefault(str(Path(c.item_path).resolve()), []).append(entry)
    except Exception:  # a schema from another version: show the outbox without it
        return {}
    return out
