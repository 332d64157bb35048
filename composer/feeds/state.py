"""What composer remembers about followed feeds: one small SQLite file in the outbox.

The file is ``feeds.sqlite3``, beside (not inside) the delivery state, so neither schema can
break the other and each carries its own version (``PRAGMA user_version``): an older composer
refuses a newer file instead of misreading it, and a newer one migrates an older file in one
transaction.

Tables (version 1)
------------------
``feeds``    one row per followed feed: its URL, cadence (``every``/``at``/``tz``, or none for
             "only when run by hand"), the list to send each issue to, the validators of the
             last fetch (``etag``, ``last_modified``) for a conditional GET, when it last ran and
             when it is next due.
``entries``  one row per entry ever seen, by its key (guid, else link, else content hash):
             ``backlog`` (there before the first run, never sent), ``issued`` (went out in
             ``item``), ``held`` (dated in the future when seen: it waits, it is not seen yet),
             ``failed`` (its page could not be read; retried by the next runs until
             :data:`MAX_ATTEMPTS`).

A run holds an exclusive lock on its feed (``flock`` on a file under ``.feeds/`` in the
outbox; the OS releases it if the process dies), so the worker and a hand-started run can
never compose the same entries twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import sqlite3
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from composer.errors import InputError, OutboxError
from composer.sqlite_store import SQLiteStore

DB_NAME = "feeds.sqlite3"
SCHEMA_VERSION = 1
MAX_ATTEMPTS = 3  # runs that retry a failed page before it is given up
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
ENTRY_STATES = ("backlog", "issued", "held", "failed")

_MIGRATIONS = {
    1: """
CREATE TABLE feeds (
    name          TEXT PRIMARY KEY,
    url           TEXT NOT NULL,
    every         TEXT,
    at            TEXT,
    tz            TEXT,
    send_list     TEXT,
    etag          TEXT,
    last_modified TEXT,
    created       REAL NOT NULL,
    last_run      REAL,
    last_result   TEXT,
    last_item     TEXT,
    next_due      REAL
);
CREATE TABLE entries (
    feed       TEXT NOT NULL REFERENCES feeds(name) ON DELETE CASCADE,
    key        TEXT NOT NULL,
    link       TEXT,
    title      TEXT,
    published  REAL,
    state      TEXT NOT NULL,
    item       TEXT,
    attempts   INTEGER NOT NULL DEFAULT 0,
    reason     TEXT,
    first_seen REAL NOT NULL,
    updated    REAL NOT NULL,
    PRIMARY KEY (feed, key)
);
CREATE INDEX entries_state ON entries(feed, state);
""",
}


@dataclass(frozen=True)
class FeedRow:
    name: str
    url: str
    every: str | None
    at: str | None
    tz: str | None
    send_list: str | None
    etag: str | None
    last_modified: str | None
    created: float
    last_run: float | None
    last_result: str | None
    last_item: str | None
    next_due: float | None

    @property
    def first_run(self) -> bool:
        return self.last_run is None


@dataclass(frozen=True)
class Known:
    """What the state says about one entry key."""

    state: str
    attempts: int
    published: float | None


@dataclass(frozen=True)
class EntryUpdate:
    key: str
    link: str | None
    title: str | None
    published: float | None
    state: str
    item: str | None = None
    reason: str | None = None
    attempted: bool = False  # a page fetch was tried (counts towards MAX_ATTEMPTS)


_COLUMNS = ("name, url, every, at, tz, send_list, etag, last_modified, created, last_run, last_result, "
            "last_item, next_due")


def check_name(name: str) -> str:
    if not NAME.match(name):
        raise InputError(f"feed name {name!r}: use 1–40 lowercase letters, digits, '-' or '_' (e.g. city-news)")
    return name


class FeedState(SQLiteStore):
    """A connection to ``feeds.sqlite3``; a context manager, one per thread."""

    what = "the feed state"

    def __init__(self, path: str | os.PathLike[str]) -> None:
        super().__init__(path, pragmas=("foreign_keys=ON",))

    @classmethod
    def in_outbox(cls, outbox_dir: str | os.PathLike[str]) -> FeedState:
        return cls(Path(outbox_dir) / DB_NAME)

    def _migrate(self) -> None:
        with self.transaction() as db:
            (version,) = db.execute("PRAGMA user_version").fetchone()
            if version > SCHEMA_VERSION:
                raise OutboxError(f"{self.path} was written by a newer composer (schema {version}, this one knows "
                                  f"{SCHEMA_VERSION}); upgrade composer")
            for step in range(version + 1, SCHEMA_VERSION + 1):
                for statement in _MIGRATIONS[step].split(";"):
                    if statement.strip():
                        db.execute(statement)
                db.execute(f"PRAGMA user_version = {step}")

    def __enter__(self) -> FeedState:
        return self

    @contextlib.contextmanager
    def lock(self, name: str) -> Iterator[None]:
        """Exclusive use of feed ``name`` for one run; refuses (does not wait) when another run has it."""
        folder = self.path.parent / ".feeds"
        try:
            folder.mkdir(exist_ok=True)
            fh = open(folder / f"{check_name(name)}.lock", "a+b")  # noqa: SIM115 (held for the with-block)
        except OSError as exc:
            raise OutboxError(f"cannot lock feed {name!r} in {folder} ({exc.strerror})") from exc
        try:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError as exc:
                raise InputError(f"feed {name!r} is being run by another process right now; try again later") from exc
            yield
        finally:
            fh.close()

    # -- feeds -------------------------------------------------------------------------------

    def add_feed(self, name: str, url: str, *, every: str | None, at: str | None, tz: str | None,
                 send_list: str | None, next_due: float | None, now: float | None = None) -> FeedRow:
        try:
            with self.transaction() as db:
                db.execute("INSERT INTO feeds (name, url, every, at, tz, send_list, created, next_due) "
                           "VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           (check_name(name), url, every, at, tz, send_list, now or time.time(), next_due))
        except sqlite3.IntegrityError as exc:
            raise InputError(f"there is already a feed named {name!r} (see `compose feed list`)") from exc
        return self.feed(name)

    def remove_feed(self, name: str) -> None:
        with self.transaction() as db:
            if not db.execute("DELETE FROM feeds WHERE name = ?", (name,)).rowcount:
                raise InputError(f"no feed named {name!r} (see `compose feed list`)")

    def feed(self, name: str) -> FeedRow:
        row = self.db.execute(f"SELECT {_COLUMNS} FROM feeds WHERE name = ?", (name,)).fetchone()
        if row is None:
            raise InputError(f"no feed named {name!r} (see `compose feed list`, or add it with `compose feed add`)")
        return FeedRow(*row)

    def feeds(self) -> list[FeedRow]:
        return [FeedRow(*r) for r in self.db.execute(f"SELECT {_COLUMNS} FROM feeds ORDER BY name")]

    def due_feeds(self, now: float | None = None) -> list[FeedRow]:
        now = time.time() if now is None else now
        return [FeedRow(*r) for r in self.db.execute(
            f"SELECT {_COLUMNS} FROM feeds WHERE next_due IS NOT NULL AND next_due <= ? ORDER BY next_due, name",
            (now,))]

    def set_next_due(self, name: str, next_due: float | None) -> None:
        with self.transaction() as db:
            db.execute("UPDATE feeds SET next_due = ? WHERE name = ?", (next_due, name))

    # -- entries -----------------------------------------------------------------------------

    def known(self, name: str) -> dict[str, Known]:
        return {key: Known(state, attempts, published) for key, state, attempts, published in self.db.execute(
            "SELECT key, state, attempts, published FROM entries WHERE feed = ?", (name,))}

    def counts(self, name: str) -> dict[str, int]:
        counts = dict.fromkeys(ENTRY_STATES, 0)
        for state, n in self.db.execute("SELECT state, COUNT(*) FROM entries WHERE feed = ? GROUP BY state", (name,)):
            counts[state] = n
        return counts

    def record_run(self, name: str, updates: Iterable[EntryUpdate], *, etag: str | None, last_modified: str | None,
                   result: str, item: str | None, next_due: float | None, now: float | None = None) -> None:
        """Everything one run learnt, in one transaction: entry states, validators, the result.

        Called only after the item (if any) is safely in the outbox, so a run that fails half
        way leaves the state as it was and the next run sees the same entries as new.
        """
        now = time.time() if now is None else now
        with self.transaction() as db:
            for u in updates:
                db.execute(
                    "INSERT INTO entries (feed, key, link, title, published, state, item, attempts, reason, first_seen,"
                    " updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(feed, key) DO UPDATE SET "
                    "link = COALESCE(excluded.link, entries.link), title = COALESCE(excluded.title, entries.title), "
                    "published = COALESCE(excluded.published, entries.published), "
                    "state = excluded.state, item = COALESCE(excluded.item, entries.item), "
                    "attempts = entries.attempts + excluded.attempts, reason = excluded.reason, "
                    "updated = excluded.updated",
                    (name, u.key, u.link, u.title, u.published, u.state, u.item, int(u.attempted), u.reason, now, now))
            db.execute("UPDATE feeds SET etag = ?, last_modified = ?, last_run = ?, last_result = ?, "
                       "last_item = COALESCE(?, last_item), next_due = ? WHERE name = ?",
                       (etag, last_modified, now, result, item, next_due, name))
