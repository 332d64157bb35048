"""The two database engines composer's shared stores run on: SQLite (embedded) and PostgreSQL.

Two stores need the same choice: the delivery state (``composer.delivery``) and the audience
(``composer.audience``, one layer below it). With ``DATABASE_URL=postgresql://…`` both live in
that PostgreSQL database, so workers and a reader service on several machines share them;
without it both live in the outbox's SQLite file. What the two stores share about an engine —
connecting, the calling convention (``?`` placeholders on both), the write transaction, the
spelling of "insert unless present", serialising migrations — is here, once; each store adds
its own tables and queries (the delivery state its claim query, in ``delivery/engine.py``).

PostgreSQL is optional (``pip install composer[postgres]``, psycopg 3): it is imported only
when a URL names it.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from composer.errors import ConfigError


def is_postgres_url(target: object) -> bool:
    return isinstance(target, str) and target.startswith(("postgresql://", "postgres://"))


def masked_url(url: str) -> str:
    """``url`` with its password replaced by ``***`` (for messages and logs)."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)
    user = netloc[0].split(":", 1)[0]
    return urlunsplit(parts._replace(netloc=f"{user}:***@{netloc[1]}"))


def error_text(exc: BaseException) -> str:
    """A driver's error on one line (libpq's run over several: "…refused\n\tIs the server running…")."""
    return " ".join(str(exc).split()) or type(exc).__name__


class Engine:
    """What differs between the databases for every store; a store's logic is written once against this."""

    name = ""
    Error: tuple[type[BaseException], ...] = ()
    IntegrityError: tuple[type[BaseException], ...] = ()
    begin = "BEGIN"
    insert_ignore = ("INSERT OR IGNORE INTO", "")  # (verb, suffix) of an insert that skips existing keys
    real = "REAL"  # the floating-point column type
    identity = "INTEGER PRIMARY KEY"  # an integer key the database numbers itself

    def connect(self) -> Any:
        raise NotImplementedError

    def describe(self) -> str:
        raise NotImplementedError

    def sql(self, text: str) -> str:
        return text

    def lock(self, db: Connection, key: int) -> None:
        """Serialise transactions that take the same ``key`` (migrations by processes starting together).

        SQLite's ``BEGIN IMMEDIATE`` already holds the database-wide write lock: nothing to add."""


class Connection:
    """A connection with one calling convention (``?`` placeholders) whatever the engine."""

    def __init__(self, engine: Engine, raw: Any) -> None:
        self.engine = engine
        self.raw = raw
        # A statement sent ahead without waiting for its answer (the delivery state's outcomes on
        # PostgreSQL): whatever reads that answer. Any other use of the connection reads it first,
        # so statements keep their order and the answer is never lost.
        self.waiting: Callable[[], None] | None = None

    def settle(self) -> None:
        """Read the answer to a statement sent ahead, if any (raises its error)."""
        waiting, self.waiting = self.waiting, None
        if waiting is not None:
            waiting()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        if self.waiting is not None:
            self.settle()
        return self.raw.execute(self.engine.sql(sql), params)

    def executemany(self, sql: str, params: list[Sequence[Any]]) -> None:
        if self.waiting is not None:
            self.settle()
        if self.engine.name == "sqlite":
            self.raw.executemany(sql, params)
        else:
            with self.raw.cursor() as cur:
                cur.executemany(self.engine.sql(sql), params)

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction: committed when the block ends, rolled back if it raises.

        SQLite's ``BEGIN IMMEDIATE`` (the engine's ``begin``) takes the write lock up front, so a
        check-then-update inside the block is atomic on both engines.
        """
        self.execute(self.engine.begin)
        try:
            yield self
        except BaseException:
            self.execute("ROLLBACK")
            raise
        self.execute("COMMIT")

    def close(self) -> None:
        self.waiting = None  # an unread answer goes with the connection
        self.raw.close()


class SQLiteEngine(Engine):
    name = "sqlite"
    Error = (sqlite3.Error,)
    IntegrityError = (sqlite3.IntegrityError,)
    begin = "BEGIN IMMEDIATE"  # the write lock up front, so check-then-update is atomic

    def __init__(self, path: str | os.PathLike[str], pragmas: tuple[str, ...] = ()) -> None:
        self.path = Path(path)
        self.pragmas = pragmas

    def describe(self) -> str:
        return str(self.path)

    def connect(self) -> Any:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "busy_timeout=60000", *self.pragmas):
            db.execute(f"PRAGMA {pragma}")
        return db


class PostgresEngine(Engine):
    name = "postgresql"
    insert_ignore = ("INSERT INTO", " ON CONFLICT DO NOTHING")
    real = "DOUBLE PRECISION"
    identity = "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY"

    def __init__(self, url: str, *, synchronous_commit: bool = True) -> None:
        self.url = url
        self.synchronous_commit = synchronous_commit
        try:
            import psycopg
        except ImportError as exc:
            raise ConfigError("DATABASE_URL names PostgreSQL but psycopg is not installed; "
                              "pip install 'composer[postgres]'") from exc
        self.psycopg = psycopg
        self.Error = (psycopg.Error,)
        self.IntegrityError = (psycopg.errors.IntegrityError,)

    def describe(self) -> str:
        return masked_url(self.url)

    def sql(self, text: str) -> str:
        return text.replace("?", "%s")

    def connect(self) -> Any:
        db = self.psycopg.connect(self.url, autocommit=True, application_name="composer", connect_timeout=30)
        if not self.synchronous_commit:
            # A committed write survives the client's death as soon as the server has it; only a
            # crash of the database server itself can lose the last ~0.6 s of them. The delivery
            # state chooses this for its per-message outcomes (see README, "Running on several
            # machines"); the audience keeps every commit synchronous (an unsubscription is a promise).
            db.execute("SET synchronous_commit = off")
        return db

    def lock(self, db: Connection, key: int) -> None:
        db.execute("SELECT pg_advisory_xact_lock(?)", (key,))
