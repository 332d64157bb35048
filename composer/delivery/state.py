"""Durable delivery state: one SQLite file in the outbox, embedded, nothing to install.

Tables
------
``campaigns``  one send of one item to one audience through one adapter; ``scheduled`` (waits
               for ``due``), ``active``, ``done`` or ``cancelled``.
``recipients`` one row per reader and campaign: ``pending`` → ``sending`` (claimed) → ``sent``,
               ``deferred`` (with ``next_attempt``) or ``failed`` (with ``reason``), or
               ``skipped`` (the reader is on the audience's suppression list; ``reason`` says why).

Guarantees and how they are kept
--------------------------------
* *Never sent twice*: only ``pending``, due ``deferred`` and abandoned ``sending`` rows can be
  claimed, and a claim is a ``BEGIN IMMEDIATE`` transaction (SQLite's write lock), so two
  workers — threads or processes — can never claim the same row. A row becomes ``sent`` in
  its own commit right after the server accepted it.
* *Resume after a kill*: rows claimed by a process that no longer exists (same host, PID gone)
  or whose claim is older than :data:`LEASE` go back to ``pending``. Of those, at most the one
  message that was on the wire when the process died can have reached the server: that is the
  only possible duplicate, and its stable Message-ID lets receivers drop it.
* The database runs in WAL mode with ``synchronous=NORMAL``: a commit survives the process
  being killed (it is in the OS's page cache); only a power cut can lose the last few commits.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import socket
import sqlite3
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer.errors import InputError, OutboxError

DB_NAME = "delivery.sqlite3"
LEASE = 900.0  # seconds after which another worker may take over a claim (a hung process)
STATES = ("pending", "sending", "sent", "deferred", "failed", "skipped")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS campaigns (
    id          INTEGER PRIMARY KEY,
    item        TEXT NOT NULL,
    item_path   TEXT NOT NULL,
    via         TEXT NOT NULL,
    audience    TEXT NOT NULL,
    state       TEXT NOT NULL,
    due         REAL,
    due_text    TEXT,
    list_path   TEXT,
    created     REAL NOT NULL,
    finished    REAL
);
CREATE UNIQUE INDEX IF NOT EXISTS campaigns_once
    ON campaigns(item_path, via, audience) WHERE state != 'cancelled';
CREATE TABLE IF NOT EXISTS recipients (
    campaign     INTEGER NOT NULL REFERENCES campaigns(id),
    seq          INTEGER NOT NULL,
    email        TEXT NOT NULL,
    fields       TEXT NOT NULL,
    message_id   TEXT NOT NULL,
    state        TEXT NOT NULL,
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_attempt REAL,
    reason       TEXT,
    owner        TEXT,
    claimed_at   REAL,
    updated      REAL,
    line         INTEGER,
    import_id    INTEGER,
    PRIMARY KEY (campaign, seq)
);
CREATE UNIQUE INDEX IF NOT EXISTS recipients_once ON recipients(campaign, email COLLATE NOCASE);
CREATE INDEX IF NOT EXISTS recipients_work ON recipients(campaign, state, next_attempt);
CREATE INDEX IF NOT EXISTS recipients_queue ON recipients(campaign, state, seq);
CREATE INDEX IF NOT EXISTS recipients_by_message_id ON recipients(message_id);
"""


@dataclass(frozen=True)
class Campaign:
    id: int
    item: str
    item_path: str
    via: str
    audience: str
    state: str
    due: float | None
    due_text: str | None
    list_path: str | None
    created: float
    finished: float | None


@dataclass(frozen=True)
class Row:
    campaign: int
    seq: int
    email: str
    fields: dict[str, str]
    message_id: str
    attempts: int
    previous: str = "pending"  # the state it was claimed from (pending or deferred)


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: ``base × 2^(attempt-1)`` scaled by a random 0.5–1.0."""

    base: float = 60.0
    max_attempts: int = 5

    def delay(self, attempts: int) -> float:
        return self.base * (2 ** max(0, attempts - 1)) * (0.5 + random.random() / 2)


def _owner_alive(owner: str | None, host: str) -> bool:
    if not owner:
        return False
    parts = owner.split(":")
    if len(parts) < 3 or parts[0] != host:
        return True  # another machine: only the lease can tell
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except (PermissionError, ValueError):
        return True
    return True


class DeliveryState:
    """A connection to the state database; use one per thread."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=60000")
            with self.transaction() as db:
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        db.execute(statement)
        except sqlite3.Error as exc:
            raise OutboxError(f"cannot open the delivery state {self.path} ({exc})") from exc
        self.host = socket.gethostname()
        self.owner = f"{self.host}:{os.getpid()}:{uuid.uuid4().hex[:12]}"

    @classmethod
    def in_outbox(cls, outbox_dir: str | os.PathLike[str]) -> DeliveryState:
        return cls(Path(outbox_dir) / DB_NAME)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> DeliveryState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """``BEGIN IMMEDIATE``: takes the write lock up front so check-then-update is atomic."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
        except BaseException:
            self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    # -- campaigns ---------------------------------------------------------------------------

    def _campaign(self, row: tuple[Any, ...] | None) -> Campaign | None:
        return Campaign(*row) if row else None

    _COLUMNS = "id, item, item_path, via, audience, state, due, due_text, list_path, created, finished"

    def campaign(self, campaign_id: int) -> Campaign:
        found = self._campaign(self.db.execute(f"SELECT {self._COLUMNS} FROM campaigns WHERE id = ?",
                                               (campaign_id,)).fetchone())
        if found is None:
            raise InputError(f"no campaign #{campaign_id} (see `compose status`)")
        return found

    def find_campaign(self, item_path: str, via: str, audience: str) -> Campaign | None:
        return self._campaign(self.db.execute(
            f"SELECT {self._COLUMNS} FROM campaigns WHERE item_path = ? AND via = ? AND audience = ? "
            "AND state != 'cancelled'", (item_path, via, audience)).fetchone())

    def create_campaign(self, *, item: str, item_path: str, via: str, audience: str, state: str = "active",
                        due: float | None = None, due_text: str | None = None, list_path: str | None = None,
                        now: float | None = None) -> Campaign:
        try:
            with self.transaction() as db:
                cur = db.execute(
                    "INSERT INTO campaigns (item, item_path, via, audience, state, due, due_text, list_path, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (item, item_path, via, audience, state, due, due_text, list_path, now or time.time()))
                campaign_id = int(cur.lastrowid or 0)
        except sqlite3.IntegrityError as exc:
            existing = self.find_campaign(item_path, via, audience)
            raise InputError(f"{item} already has campaign #{existing.id if existing else '?'} for this audience via "
                             f"{via}; see `compose status {item}` or cancel it first") from exc
        return self.campaign(campaign_id)

    def campaigns(self, item_path: str | None = None) -> list[Campaign]:
        if item_path:
            rows = self.db.execute(f"SELECT {self._COLUMNS} FROM campaigns WHERE item_path = ? ORDER BY id",
                                   (item_path,))
        else:
            rows = self.db.execute(f"SELECT {self._COLUMNS} FROM campaigns ORDER BY id")
        return [Campaign(*r) for r in rows]

    def set_campaign_state(self, campaign_id: int, state: str, *, only_from: Iterable[str] | None = None) -> bool:
        with self.transaction() as db:
            if only_from is not None:
                allowed = tuple(only_from)
                marks = ",".join("?" * len(allowed))
                cur = db.execute(f"UPDATE campaigns SET state = ?, finished = ? WHERE id = ? AND state IN ({marks})",
                                 (state, time.time() if state in ("done", "cancelled") else None, campaign_id, *allowed))
            else:
                cur = db.execute("UPDATE campaigns SET state = ?, finished = ? WHERE id = ?",
                                 (state, time.time() if state in ("done", "cancelled") else None, campaign_id))
            return cur.rowcount > 0

    def due_campaigns(self, now: float | None = None) -> list[Campaign]:
        """Campaigns with work now: scheduled ones whose time came (or passed), active ones with due rows."""
        now = time.time() if now is None else now
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM campaigns c WHERE "
            "(c.state = 'scheduled' AND c.due <= ?) OR "
            "(c.state = 'active' AND EXISTS (SELECT 1 FROM recipients r WHERE r.campaign = c.id AND "
            "(r.state IN ('pending', 'sending') OR (r.state = 'deferred' AND r.next_attempt <= ?)))) "
            "ORDER BY COALESCE(c.due, c.created), c.id", (now, now))
        return [Campaign(*r) for r in rows]

    # -- recipients --------------------------------------------------------------------------

    def add_recipients(self, campaign_id: int,
                       rows: Iterable[tuple[str, dict[str, str], str, str | None, int]], *, batch: int = 5000,
                       on_duplicate: Callable[[str, int, int], None] | None = None) -> int:
        """Insert ``(email, fields, message_id, failure_reason, line)`` rows not yet present; returns how many.

        A row with a failure reason (an invalid address in the list) is stored as ``failed`` so it
        shows in the summary and status instead of vanishing. Duplicates are found by the unique
        index rather than a set in memory, so importing a list takes constant memory: an address
        already inserted *by this import* is reported through ``on_duplicate(email, line,
        first_line)``; one present from an earlier import (a resumed send) is skipped quietly.
        """
        added = 0
        now = time.time()
        import_id = time.time_ns()
        (start,) = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM recipients WHERE campaign = ?",
                                   (campaign_id,)).fetchone()
        seq = int(start)
        insert = ("INSERT OR IGNORE INTO recipients (campaign, seq, email, fields, message_id, state, reason, updated, "
                  "line, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        find = "SELECT line, import_id FROM recipients WHERE campaign = ? AND email = ? COLLATE NOCASE"
        it = iter(rows)
        while True:
            with self.transaction() as db:
                for count, (email, fields, message_id, reason, line) in enumerate(it, 1):
                    seq += 1
                    cur = db.execute(insert, (campaign_id, seq, email, json.dumps(fields, ensure_ascii=False),
                                              message_id, "failed" if reason else "pending", reason, now, line,
                                              import_id))
                    if cur.rowcount:
                        added += 1
                    elif on_duplicate is not None:
                        first = db.execute(find, (campaign_id, email)).fetchone()
                        if first and first[1] == import_id:
                            on_duplicate(email, line, first[0])
                    if count >= batch:
                        break
                else:
                    return added

    def claim(self, campaign_id: int, limit: int, now: float | None = None) -> list[Row]:
        """Take up to ``limit`` rows that are due, atomically; they become ``sending`` for us."""
        now = time.time() if now is None else now
        with self.transaction() as db:
            owners = [o for (o,) in db.execute(
                "SELECT DISTINCT owner FROM recipients WHERE campaign = ? AND state = 'sending'", (campaign_id,))]
            for owner in owners:
                if owner != self.owner and not _owner_alive(owner, self.host):
                    db.execute("UPDATE recipients SET state = 'pending', owner = NULL, reason = ? "
                               "WHERE campaign = ? AND state = 'sending' AND owner = ?",
                               ("interrupted while sending (the process stopped)", campaign_id, owner))
            db.execute("UPDATE recipients SET state = 'pending', owner = NULL WHERE campaign = ? AND "
                       "state = 'sending' AND claimed_at < ?", (campaign_id, now - LEASE))
            # Two indexed queries rather than one with OR: "ORDER BY seq" over an OR made SQLite
            # walk the whole campaign past every sent row, which grew with the list.
            columns = "SELECT seq, email, fields, message_id, attempts, state FROM recipients"
            rows = db.execute(f"{columns} WHERE campaign = ? AND state = 'deferred' AND next_attempt <= ? "
                              "ORDER BY next_attempt LIMIT ?", (campaign_id, now, limit)).fetchall()
            if len(rows) < limit:
                rows += db.execute(f"{columns} WHERE campaign = ? AND state = 'pending' ORDER BY seq LIMIT ?",
                                   (campaign_id, limit - len(rows))).fetchall()
            db.executemany(
                "UPDATE recipients SET state = 'sending', owner = ?, claimed_at = ?, attempts = attempts + 1 "
                "WHERE campaign = ? AND seq = ?", [(self.owner, now, campaign_id, r[0]) for r in rows])
        return [Row(campaign_id, seq, email, json.loads(fields), mid, attempts + 1, previous)
                for seq, email, fields, mid, attempts, previous in rows]

    def release(self, rows: Iterable[Row]) -> None:
        """Give back claimed rows that were never attempted (the attempt is not counted)."""
        params = [(r.previous, self.owner, r.campaign, r.seq) for r in rows]
        if params:
            with self.transaction() as db:
                db.executemany("UPDATE recipients SET state = ?, owner = NULL, attempts = attempts - 1 "
                               "WHERE owner = ? AND campaign = ? AND seq = ? AND state = 'sending'", params)

    def mark_sent(self, row: Row, now: float | None = None) -> None:
        self.db.execute("UPDATE recipients SET state = 'sent', reason = NULL, owner = NULL, next_attempt = NULL, "
                        "updated = ? WHERE campaign = ? AND seq = ?", (now or time.time(), row.campaign, row.seq))

    def mark_failed(self, row: Row, reason: str, now: float | None = None) -> None:
        self.db.execute("UPDATE recipients SET state = 'failed', reason = ?, owner = NULL, next_attempt = NULL, "
                        "updated = ? WHERE campaign = ? AND seq = ?", (reason, now or time.time(), row.campaign, row.seq))

    def mark_skipped(self, row: Row, reason: str, now: float | None = None) -> None:
        """A claimed reader who must not be mailed (suppressed); the claim is not counted as an attempt."""
        self.db.execute("UPDATE recipients SET state = 'skipped', reason = ?, owner = NULL, next_attempt = NULL, "
                        "attempts = attempts - 1, updated = ? WHERE campaign = ? AND seq = ?",
                        (reason, now or time.time(), row.campaign, row.seq))

    def mark_temporary(self, row: Row, reason: str, policy: RetryPolicy, now: float | None = None) -> str:
        """Defer with backoff, or fail once the attempts are used up; returns the new state."""
        now = time.time() if now is None else now
        if row.attempts >= policy.max_attempts:
            self.mark_failed(row, f"gave up after {row.attempts} attempts: {reason}", now)
            return "failed"
        self.db.execute("UPDATE recipients SET state = 'deferred', reason = ?, owner = NULL, next_attempt = ?, "
                        "updated = ? WHERE campaign = ? AND seq = ?",
                        (reason, now + policy.delay(row.attempts), now, row.campaign, row.seq))
        return "deferred"

    def retry_now(self, campaign_id: int, now: float | None = None) -> int:
        """Make every deferred reader due now (an explicit re-run of ``send`` asks for it)."""
        cur = self.db.execute("UPDATE recipients SET next_attempt = ? WHERE campaign = ? AND state = 'deferred'",
                              (time.time() if now is None else now, campaign_id))
        return cur.rowcount

    def counts(self, campaign_id: int) -> dict[str, int]:
        counts = dict.fromkeys(STATES, 0)
        for state, n in self.db.execute("SELECT state, COUNT(*) FROM recipients WHERE campaign = ? GROUP BY state",
                                        (campaign_id,)):
            counts[state] = n
        return counts

    def next_attempt(self, campaign_id: int) -> float | None:
        (value,) = self.db.execute("SELECT MIN(next_attempt) FROM recipients WHERE campaign = ? AND state = 'deferred'",
                                   (campaign_id,)).fetchone()
        return value

    def recipients(self, campaign_id: int, states: Iterable[str] | None = None) -> list[dict[str, Any]]:
        query = ("SELECT seq, email, state, attempts, next_attempt, reason, message_id FROM recipients "
                 "WHERE campaign = ?")
        params: list[Any] = [campaign_id]
        if states is not None:
            wanted = tuple(states)
            query += f" AND state IN ({','.join('?' * len(wanted))})"
            params += wanted
        keys = ("seq", "email", "state", "attempts", "next_attempt", "reason", "message_id")
        return [dict(zip(keys, r, strict=True)) for r in self.db.execute(query + " ORDER BY seq", params)]

    # -- bounces: which reader a returned message was for --------------------------------------

    def recipient_at(self, campaign_id: int, seq: int) -> tuple[str, str] | None:
        """``(email, message_id)`` of reader ``seq`` of a campaign (what a VERP token names), or None."""
        row = self.db.execute("SELECT email, message_id FROM recipients WHERE campaign = ? AND seq = ?",
                              (campaign_id, seq)).fetchone()
        return (row[0], row[1]) if row else None

    def recipients_by_message_id(self, message_id: str) -> list[tuple[int, int, str]]:
        """``(campaign, seq, email)`` of every message sent with this Message-ID (``<…>`` included)."""
        return [(c, s, e) for c, s, e in self.db.execute(
            "SELECT campaign, seq, email FROM recipients WHERE message_id = ? ORDER BY campaign, seq", (message_id,))]
