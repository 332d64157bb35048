"""Who may be mailed: subscribers with their consent, the suppression list and an event log.

The store sits one layer below delivery: every send asks it which readers are suppressed
(:meth:`AudienceStore.suppressed`), the reader service (``composer.web``) records
unsubscriptions and confirmed subscriptions through it, and a bounce scanner or a provider
webhook calls :meth:`AudienceStore.suppress` with ``reason="bounced"`` or ``"complained"``.

:class:`~composer.audience.base.AudienceStore` is the contract; the SQLite implementation
(:mod:`composer.audience.sqlite`) keeps its own versioned tables in the outbox's
``delivery.sqlite3`` so that one file still holds everything a send needs. A PostgreSQL
implementation provides the same methods.
"""

from __future__ import annotations

import os
from pathlib import Path

from composer.audience.base import (
    REASONS,
    STATUSES,
    AudienceStore,
    Event,
    Subscriber,
    Suppression,
    address_hash,
    normalise,
)

DB_NAME = "delivery.sqlite3"  # the same file as the delivery state: one file per outbox


def open_store(outbox_dir: str | os.PathLike[str]) -> AudienceStore:
    """The audience store of an outbox (its SQLite file, created or migrated as needed)."""
    from composer.audience.sqlite import SQLiteAudience

    return SQLiteAudience(Path(outbox_dir) / DB_NAME)


__all__ = ["DB_NAME", "REASONS", "STATUSES", "AudienceStore", "Event", "Subscriber", "Suppression",
           "address_hash", "normalise", "open_store"]
