"""Who may be mailed: subscribers with their consent, the suppression list and an event log.

The store sits one layer below delivery: every send asks it which readers are suppressed
(:meth:`AudienceStore.suppressed`), the reader service (``composer.web``) records
unsubscriptions and confirmed subscriptions through it, and a bounce scanner or a provider
webhook calls :meth:`AudienceStore.suppress` with ``reason="bounced"`` or ``"complained"``.

:class:`~composer.audience.base.AudienceStore` is the contract; the SQLite implementation
(:mod:`composer.audience.sqlite`) keeps its own versioned tables in the outbox's
``delivery.sqlite3`` so that one file still holds everything a send needs; with
``DATABASE_URL=postgresql://…`` the same tables live in that PostgreSQL database, beside the
delivery state (:mod:`composer.audience.postgres`). Both run the one SQL of
:mod:`composer.audience.sql`.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from composer.audience.base import (
    REASONS,
    STATUSES,
    WEB_REQUESTED,
    AudienceStore,
    Event,
    Subscriber,
    Suppression,
    address_hash,
    normalise,
)
from composer.config import Settings
from composer.database import error_text, is_postgres_url
from composer.textutil import plural

DB_NAME = "delivery.sqlite3"  # the same file as the delivery state: one file per outbox


def open_store(outbox_dir: str | os.PathLike[str], database_url: str = "") -> AudienceStore:
    """The audience store: in ``database_url`` when it names PostgreSQL, else in the outbox's SQLite
    file (created or migrated as needed either way)."""
    if is_postgres_url(database_url):
        from composer.audience.postgres import PostgresAudience

        return PostgresAudience(database_url)
    from composer.audience.sqlite import SQLiteAudience

    return SQLiteAudience(Path(outbox_dir) / DB_NAME)


def store_url(settings: Settings) -> str:
    """``DATABASE_URL`` of ``settings`` (empty when the audience is in the outbox's SQLite file)."""
    return settings.database_url.reveal() if settings.database_url else ""


def open_for(settings: Settings) -> AudienceStore:
    """The audience store ``settings`` name: ``DATABASE_URL``, else the outbox's SQLite file."""
    return open_store(settings.outbox_dir, store_url(settings))


def migrate_for(settings: Settings) -> tuple[str, int, int]:
    """Apply the audience migrations not yet applied (``compose db migrate``); (where, before, after)."""
    from composer.audience.sql import migrate
    from composer.database import Connection, PostgresEngine, SQLiteEngine
    from composer.errors import OutboxError

    url = store_url(settings)
    engine = PostgresEngine(url) if is_postgres_url(url) else SQLiteEngine(Path(settings.outbox_dir) / DB_NAME)
    where = engine.describe()
    try:
        db = Connection(engine, engine.connect())
    except (OSError, *engine.Error) as exc:
        raise OutboxError(f"cannot open the audience data in {where} ({error_text(exc)})") from exc
    try:
        before, after = migrate(engine, db, where)
    except engine.Error as exc:
        raise OutboxError(f"cannot migrate the audience data in {where} ({error_text(exc)})") from exc
    finally:
        db.close()
    return where, before, after


_PURGE_EVERY = 3600.0  # seconds between purges in one worker process: expiry is counted in hours
_next_purge = 0.0


def purge_pass(settings: Settings, log: Callable[[str], None]) -> int:
    """The hook ``compose worker`` runs each round: erase web sign-ups whose link expired a day ago.

    A day past the link's lifetime (``SUBSCRIBE_CONFIRM_HOURS``), so a person who clicks late
    still meets a page that says the link expired rather than one that knows nothing of them.
    At most once an hour per process: the purge is a write transaction, and a worker polls every
    few seconds while a campaign may be recording outcomes in the same database.
    """
    import time

    global _next_purge
    now = time.time()
    if now < _next_purge or not exists(settings):
        return 0
    _next_purge = now + _PURGE_EVERY
    cutoff = now - (settings.subscribe_confirm_hours + 24) * 3600
    with open_for(settings) as store:
        erased = store.purge_unconfirmed(cutoff)
    if erased:
        log(f"audience: erased {plural(erased, 'sign-up')} never confirmed")
    return 0


def exists(settings: Settings) -> bool:
    """Whether there may be audience data to read (a dry run must not create an empty SQLite file)."""
    return bool(is_postgres_url(store_url(settings))) or (Path(settings.outbox_dir) / DB_NAME).is_file()


__all__ = ["DB_NAME", "REASONS", "STATUSES", "WEB_REQUESTED", "AudienceStore", "Event", "Subscriber", "Suppression",
           "address_hash", "exists", "migrate_for", "normalise", "open_for", "open_store", "store_url"]
