"""A SQLite file opened the way every composer store needs it.

Delivery state, feed state and audience data all live in SQLite files in the outbox, shared by
several processes (send, worker, serve) and threads. Each needs the same things: WAL so readers
never block the writer, a generous busy timeout, write transactions that take the lock up front
(``BEGIN IMMEDIATE``, so check-then-update is atomic), OS/SQLite errors reported as an
:class:`~composer.errors.OutboxError` naming the file, and a schema migrated on open. This base
class holds that once; a store adds its tables (``_migrate``) and its queries.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import threading
from collections.abc import Iterator
from pathlib import Path

from composer.errors import OutboxError


class SQLiteStore:
    """One connection to one SQLite file; a context manager.

    ``threads`` lets the connection be used from several threads (an ASGI server's thread
    pool), serialised by a lock; otherwise use one store per thread. ``pragmas`` are run after
    the common ones. ``what`` names the data in error messages ("the feed state").
    """

    what = "the data in"

    def __init__(self, path: str | os.PathLike[str], *, threads: bool = False, pragmas: tuple[str, ...] = ()) -> None:
        self.path = Path(path)
        self._lock = threading.RLock()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=not threads)
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", *pragmas):
                self.db.execute(f"PRAGMA {pragma}")
            self._migrate()
        except sqlite3.Error as exc:
            raise OutboxError(f"cannot open {self.what} {self.path} ({exc})") from exc

    def _migrate(self) -> None:
        """Create or upgrade the store's tables (inside :meth:`transaction`)."""

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE``: takes the write lock up front so check-then-update is atomic."""
        with self._lock:
            self.db.execute("BEGIN IMMEDIATE")
            try:
                yield self.db
            except BaseException:
                self.db.execute("ROLLBACK")
                raise
            self.db.execute("COMMIT")

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def __enter__(self) -> SQLiteStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
