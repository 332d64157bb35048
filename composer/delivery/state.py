"""Durable delivery state: SQLite in the outbox (embedded, nothing to install) or PostgreSQL.

Without ``DATABASE_URL`` the state is one SQLite file in the outbox; with
``DATABASE_URL=postgresql://…`` it is a PostgreSQL database that workers on several machines
share. The logic below is written once; what differs between the engines (transactions, types,
the claim query, how a dead worker is recognised) is in :mod:`composer.delivery.engine`.

Tables
------
``campaigns``  one send of one item to one audience through one adapter; ``scheduled`` (waits
               for ``due``), ``active``, ``done`` or ``cancelled``.
``recipients`` one row per reader and campaign: ``pending`` → ``sending`` (claimed) → ``sent``,
               ``deferred`` (with ``next_attempt``) or ``failed`` (with ``reason``), or
               ``skipped`` (the reader is on the audience's suppression list; ``reason`` says why).
``schema_migrations`` the schema versions applied (see ``engine.MIGRATIONS``; ``compose db migrate``).

Guarantees and how they are kept
--------------------------------
* *Never sent twice*: only ``pending``, due ``deferred`` and abandoned ``sending`` rows can be
  claimed, and a claim is one transaction (SQLite: ``BEGIN IMMEDIATE``, the write lock;
  PostgreSQL: ``FOR UPDATE SKIP LOCKED``), so two workers — threads, processes or machines —
  never claim the same row. A row becomes ``sent`` in its own commit right after the server
  accepted it.
* *Leases*: a claim holds its rows until ``lease_until`` (``SEND_LEASE`` seconds, renewed by the
  runner while it works through a batch, and checked before each message is sent). Rows whose
  lease ran out go back to ``pending`` for any worker: that is how the claims of a machine that
  died are taken over. With SQLite (one machine) rows of a process that no longer exists are
  taken back at once.
* Of the rows taken over, at most the one message that was on the wire when the worker died
  can have reached the server: that is the only possible duplicate, and its stable Message-ID
  lets receivers drop it.
* SQLite runs in WAL mode with ``synchronous=NORMAL``, PostgreSQL with ``synchronous_commit=off``:
  a recorded outcome survives the worker being killed; only a crash of the machine (SQLite) or
  of the database server (PostgreSQL) can lose the last few records.
"""

from __future__ import annotations

import contextlib
import json
import os
import random
import re
import select
import socket
import time
import uuid
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer.database import error_text
from composer.delivery.engine import (
    SCHEMA_VERSION,
    Connection,
    Engine,
    engine_for,
    is_postgres_url,
    migrate,
    schema_version,
)
from composer.errors import ConfigError, InputError, OutboxError
from composer.textutil import plural

DB_NAME = "delivery.sqlite3"
JOURNAL_DIR = "delivery.journal"  # SQLite only: one append-only outcome journal per worker connection
_JOURNAL_ROTATE = 1 << 20  # bytes of folded journal after which a fresh file is started
LEASE = 900.0  # default seconds a claim holds its rows (SEND_LEASE); renewed while a batch is worked through
STATES = ("pending", "sending", "sent", "deferred", "failed", "skipped")


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
    claimed: float | None = None  # this claim's time: tells a journal line of this claim from one of an older claim


@dataclass(frozen=True)
class RetryPolicy:
    """Exponential backoff with jitter: ``base × 2^(attempt-1)`` scaled by a random 0.5–1.0."""

    base: float = 60.0
    max_attempts: int = 5
    lease: float = LEASE  # how long a worker's claims hold (carried here to the send threads)

    def delay(self, attempts: int) -> float:
        return self.base * (2 ** max(0, attempts - 1)) * (0.5 + random.random() / 2)


def location(settings: Any) -> str | Path:
    """Where the delivery state of ``settings`` is: ``DATABASE_URL``, else the outbox's SQLite file."""
    url = settings.database_url.reveal() if settings.database_url else ""
    return url or Path(settings.outbox_dir) / DB_NAME


def migrate_state(target: str | os.PathLike[str]) -> tuple[str, int, int]:
    """Bring the schema at ``target`` up to date; returns (where, version before, version after)."""
    engine = engine_for(target)
    try:
        db = Connection(engine, engine.connect())
    except (OSError, *engine.Error) as exc:
        raise OutboxError(f"cannot open the delivery state {engine.describe()} ({error_text(exc)})") from exc
    try:
        before, after = migrate(engine, db)
    except engine.Error as exc:
        raise OutboxError(f"cannot migrate the delivery state {engine.describe()} ({error_text(exc)})") from exc
    finally:
        db.close()
    return engine.describe(), before, after


def worker_identity() -> tuple[str, str]:
    """(host, owner) for a new connection: ``host:pid:random``, so a claim says who holds it."""
    host = re.sub(r"[^A-Za-z0-9.-]", "-", socket.gethostname())
    return host, f"{host}:{os.getpid()}:{uuid.uuid4().hex[:12]}"


def owner_alive(owner: str | None, host: str) -> bool:
    """Whether the worker that wrote ``owner`` (``host:pid:…``) may still run; only a process of
    this machine can be known dead, another machine's claim ends with its lease."""
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
    """A connection to the state database; use one per thread.

    ``target`` is the SQLite file's path or a ``postgresql://`` URL; :meth:`for_settings`
    chooses from ``DATABASE_URL``. The schema is migrated on open (``compose db migrate`` does
    the same explicitly). ``lease`` is how long this connection's claims hold their rows.
    """

    def __init__(self, target: str | os.PathLike[str], *, lease: float = LEASE) -> None:
        self.engine: Engine = engine_for(target)
        self.path = Path(target) if not is_postgres_url(target) else None
        self.target = target
        self.lease = lease
        try:
            self.db = Connection(self.engine, self.engine.connect())
        except self.engine.Error as exc:
            raise OutboxError(f"cannot open the delivery state {self.engine.describe()} ({error_text(exc)})") from exc
        except OSError as exc:
            raise OutboxError(f"cannot open the delivery state {self.engine.describe()} ({error_text(exc)})") from exc
        try:
            if schema_version(self.db) != SCHEMA_VERSION:
                migrate(self.engine, self.db)  # also refuses a schema newer than this composer
        except ConfigError:
            self.db.close()
            raise
        except self.engine.Error as exc:
            self.db.close()
            raise OutboxError(f"cannot set up the delivery state {self.engine.describe()} ({error_text(exc)})") from exc
        self.host, self.owner = worker_identity()
        # PostgreSQL: a SELECT of the audience's generation to run with each recorded outcome (the
        # send loop sets it; see AudienceStore.generation_query), and the last value it returned.
        self.generation_query: str | None = None
        self.audience_generation: object = None
        self._outcome_prepared = False
        self._journal_fd: int | None = None
        self._journaled = False
        self._journal_offset = 0
        if self.path is not None:
            self._recover()

    @classmethod
    def in_outbox(cls, outbox_dir: str | os.PathLike[str], *, lease: float = LEASE) -> DeliveryState:
        return cls(Path(outbox_dir) / DB_NAME, lease=lease)

    @classmethod
    def for_settings(cls, settings: Any) -> DeliveryState:
        return cls(location(settings), lease=settings.send_lease)

    def describe(self) -> str:
        """Where the state is, for messages (a PostgreSQL password is masked)."""
        return self.engine.describe()

    def close(self) -> None:
        try:
            self.db.settle()  # an outcome sent ahead and not yet read (PostgreSQL)
            self.flush()
        finally:
            if self._journal_fd is not None:
                os.close(self._journal_fd)
                with contextlib.suppress(OSError):
                    self._journal_path(self.owner).unlink()
                self._journal_fd = None
            self.db.close()

    def __enter__(self) -> DeliveryState:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def transaction(self) -> contextlib.AbstractContextManager[Connection]:
        """A write transaction (SQLite takes its write lock up front: check-then-update is atomic)."""
        return self.db.transaction()

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
                (campaign_id,) = db.execute(
                    "INSERT INTO campaigns (item, item_path, via, audience, state, due, due_text, list_path, created)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (item, item_path, via, audience, state, due, due_text, list_path, now or time.time())).fetchone()
        except self.engine.IntegrityError as exc:
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
        """Campaigns with work now: scheduled ones whose time came (or passed), active ones with due rows,
        and active ones with nothing left (their last worker stopped before marking them done)."""
        now = time.time() if now is None else now
        rows = self.db.execute(
            f"SELECT {self._COLUMNS} FROM campaigns c WHERE "
            "(c.state = 'scheduled' AND c.due <= ?) OR "
            "(c.state = 'active' AND EXISTS (SELECT 1 FROM recipients r WHERE r.campaign = c.id AND "
            "(r.state IN ('pending', 'sending') OR (r.state = 'deferred' AND r.next_attempt <= ?)))) OR "
            "(c.state = 'active' AND NOT EXISTS (SELECT 1 FROM recipients r WHERE r.campaign = c.id AND "
            "r.state IN ('pending', 'sending', 'deferred'))) "
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
        verb, conflict = self.engine.insert_ignore
        insert = (f"{verb} recipients (campaign, seq, email, fields, message_id, state, reason, updated, "
                  f"line, import_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?){conflict}")
        find = f"SELECT line, import_id FROM recipients WHERE campaign = ? AND {self.engine.email_equals}"
        it = iter(rows)
        while True:
            with self.transaction() as db:
                # Numbered under the campaign's lock: two imports into one campaign never collide.
                self.engine.lock_campaign(db, campaign_id)
                (start,) = db.execute("SELECT COALESCE(MAX(seq), 0) FROM recipients WHERE campaign = ?",
                                      (campaign_id,)).fetchone()
                seq = int(start)
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
        """Take up to ``limit`` rows that are due, atomically; they become ``sending`` for us until the lease ends."""
        now = time.time() if now is None else now
        with self.transaction() as db:
            folded = self._fold(db, self.owner)  # our outcomes so far, in the same commit as the claim
            others = self._expire(db, campaign_id, now)
            rows = self.engine.claim(db, campaign_id, limit, now, self.owner, now + self.lease)
        if folded:
            self._folded(self.owner)
        for owner in others:
            self._folded(owner)
        return [Row(campaign_id, seq, email, json.loads(fields), mid, attempts + 1, previous, now)
                for seq, email, fields, mid, attempts, previous in rows]

    def _expire(self, db: Connection, campaign_id: int, now: float) -> list[str]:
        """Give back claims whose lease ran out (a machine died, a process hung) or, on one machine, whose process
        is gone — after folding in what their journals say was already sent. Returns the dead owners whose
        journal was folded (to be removed once this transaction committed)."""
        folded: list[str] = []
        if self.engine.checks_pids:
            owners = db.execute(
                "SELECT owner, MIN(COALESCE(lease_until, claimed_at + ?)) FROM recipients WHERE campaign = ? AND "
                "state = 'sending' GROUP BY owner", (LEASE, campaign_id)).fetchall()
            for owner, lease_end in owners:
                if not owner or owner == self.owner:
                    continue  # no owner recorded (an old claim): only its lease can free it
                dead = not owner_alive(owner, self.host)
                # A dead worker's journal is folded and then removed; a live one whose lease ran out
                # (it hung) is folded too, but its file stays: that worker still appends to it.
                if (dead or lease_end < now) and self._fold(db, owner) and dead:
                    folded.append(owner)
                if dead:
                    db.execute("UPDATE recipients SET state = 'pending', owner = NULL, reason = ? "
                               "WHERE campaign = ? AND state = 'sending' AND owner = ?",
                               ("interrupted while sending (the process stopped)", campaign_id, owner))
        # Rows claimed before leases were recorded (schema 1) expire LEASE after their claim.
        db.execute("UPDATE recipients SET state = 'pending', owner = NULL, reason = ? WHERE campaign = ? AND "
                   "state = 'sending' AND COALESCE(lease_until, claimed_at + ?) < ?",
                   ("interrupted while sending (its worker's lease ran out)", campaign_id, LEASE, now))
        return folded

    def renew(self, campaign_id: int, now: float | None = None) -> set[int]:
        """Extend the lease of our claimed rows; returns the ``seq`` of those still ours."""
        now = time.time() if now is None else now
        cur = self.db.execute("UPDATE recipients SET lease_until = ? WHERE campaign = ? AND owner = ? "
                              "AND state = 'sending' RETURNING seq", (now + self.lease, campaign_id, self.owner))
        return {seq for (seq,) in cur.fetchall()}

    def release(self, rows: Iterable[Row]) -> None:
        """Give back claimed rows that were never attempted (the attempt is not counted)."""
        params = [(r.previous, self.owner, r.campaign, r.seq) for r in rows]
        if params or self._journaled:
            with self.transaction() as db:
                folded = self._fold(db, self.owner)
                db.executemany("UPDATE recipients SET state = ?, owner = NULL, attempts = attempts - 1 "
                               "WHERE owner = ? AND campaign = ? AND seq = ? AND state = 'sending'", params)
            if folded:
                self._folded(self.owner)

    # -- outcomes --------------------------------------------------------------------------
    #
    # With PostgreSQL each outcome is one UPDATE (committed with synchronous_commit=off), and
    # the send loop may send it ahead (``ahead=True``) and confirm it before the next message is
    # committed to the SMTP server. With SQLite an outcome is one line appended
    # to this connection's journal (OUTBOX/delivery.journal/<owner>.log) — one write(2) into the
    # page cache instead of a commit: it survives the process being killed exactly like a
    # synchronous=NORMAL commit does, and, like one, only a crash of the machine can lose it. The
    # journal is folded into the database in the transaction that claims the next batch (or
    # releases the rest, or on close); a worker taking over a dead worker's claims folds that
    # worker's journal first, so what it sent is never sent again.

    def _record(self, row: Row, state: str, reason: str | None, next_attempt: float | None, now: float,
                *, ahead: bool = False) -> None:
        if ahead and self.path is not None:
            raise ValueError("only the PostgreSQL state records an outcome ahead")
        if self.path is None:
            self._send_outcome((state, reason, next_attempt, now, row.campaign, row.seq))
            if not ahead:
                self.db.settle()
            return
        if self._journal_fd is None:
            path = self._journal_path(self.owner)
            path.parent.mkdir(parents=True, exist_ok=True)
            self._journal_fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
        line = json.dumps([row.campaign, row.seq, row.claimed, state, reason, next_attempt, now], ensure_ascii=False)
        os.write(self._journal_fd, (line + "\n").encode())
        self._journaled = True

    # PostgreSQL: the outcome goes straight through libpq as a prepared statement, with its
    # parameters as text (the server knows their types from the PREPARE). Going around psycopg's
    # cursor and adaptation layers halves the client's CPU for the one statement a message costs,
    # and lets the send loop write the statement, do other work (the next message's SMTP
    # envelope) and only then read the answer: ``record_ahead`` sends, ``confirm`` reads.

    _OUTCOME = b"composer_outcome"

    def _send_outcome(self, params: tuple[Any, ...]) -> None:
        pg = self.db.raw.pgconn
        if not self._outcome_prepared:
            update = ("UPDATE recipients SET state = $1, reason = $2, owner = NULL, next_attempt = $3, updated = $4 "
                      "WHERE campaign = $5 AND seq = $6")
            if self.generation_query:
                # One statement, one round trip: the outcome, and whether any suppression changed since
                # (a data-modifying WITH runs whether or not its result is read).
                update = f"WITH done AS ({update}) {self.generation_query}"
            self.db.execute(f"PREPARE {self._OUTCOME.decode()} (text, text, float8, float8, bigint, bigint) AS {update}")
            self._outcome_prepared = True
        self.db.settle()
        state, reason, next_attempt, now, campaign, seq = params
        pg.send_query_prepared(self._OUTCOME, [
            state.encode(), None if reason is None else reason.encode(),
            None if next_attempt is None else repr(float(next_attempt)).encode(), repr(float(now)).encode(),
            str(campaign).encode(), str(seq).encode()])
        while pg.flush():  # the connection is non-blocking: wait until libpq has written it all
            select.select([], [pg.socket], [])
        self.db.waiting = self._read_outcome

    def _read_outcome(self) -> None:
        pg = self.db.raw.pgconn
        psycopg = self.engine.psycopg  # type: ignore[attr-defined]
        try:
            pg.consume_input()
            while pg.is_busy():
                select.select([pg.socket], [], [])  # releases the GIL: other send threads run meanwhile
                pg.consume_input()
            error = None
            while (result := pg.get_result()) is not None:
                if result.status == psycopg.pq.ExecStatus.TUPLES_OK:
                    if self.generation_query and result.ntuples:
                        self.audience_generation = int(result.get_value(0, 0))
                elif result.status != psycopg.pq.ExecStatus.COMMAND_OK and error is None:
                    error = psycopg.errors.error_from_result(result, encoding=self.db.raw.info.encoding)
        except OSError as exc:
            raise psycopg.OperationalError(f"the connection to the database was lost ({exc})") from exc
        if error is not None:
            raise error

    def confirm(self) -> None:
        """Wait for the outcome sent ahead to be committed (raises the database's error if it was not)."""
        self.db.settle()

    def _journal_path(self, owner: str) -> Path:
        assert self.path is not None
        return self.path.parent / JOURNAL_DIR / (owner.replace(":", "~") + ".log")

    def _recover(self) -> None:
        """Fold the journals of workers of this machine that died (so status and counts are right after a crash)."""
        assert self.path is not None
        folder = self.path.parent / JOURNAL_DIR
        if not folder.is_dir():
            return
        for file in folder.glob("*.log"):
            owner = file.name[:-4].replace("~", ":")
            if owner_alive(owner, self.host):
                continue
            with self.transaction() as db:
                self._fold(db, owner)
            self._folded(owner)

    def _fold(self, db: Connection, owner: str) -> bool:
        """Apply ``owner``'s journal inside the caller's transaction; True when there was one."""
        if self.path is None or (owner == self.owner and not self._journaled):
            return False
        own = owner == self.owner
        if own:
            if self._journal_fd is None:
                return False
            # Through our own descriptor, from where the last fold stopped.
            size = os.fstat(self._journal_fd).st_size
            data = os.pread(self._journal_fd, size - self._journal_offset, self._journal_offset)
            self._journal_offset += len(data)
        else:
            try:
                data = self._journal_path(owner).read_bytes()
            except FileNotFoundError:
                return False
        latest: dict[tuple[int, int], list[Any]] = {}
        for line in data.decode("utf-8", "replace").splitlines():
            try:
                campaign, seq, claimed, state, reason, next_attempt, updated = json.loads(line)
            except (ValueError, TypeError):
                continue  # a line cut short by a crash of the machine: that outcome is lost, as a commit would be
            latest[(campaign, seq)] = [state, reason, next_attempt, updated, campaign, seq, owner, claimed]
        # Only to the claim the line was written under: a reader claimed again later (a retry)
        # is not changed by an outcome of an earlier attempt.
        db.executemany("UPDATE recipients SET state = ?, reason = ?, owner = NULL, next_attempt = ?, updated = ? "
                       "WHERE campaign = ? AND seq = ? AND owner = ? AND state = 'sending' AND claimed_at = ?",
                       list(latest.values()))
        return True

    def _folded(self, owner: str) -> None:
        """After the fold committed: note it (the journal is only appended to: truncating a file
        costs milliseconds on ext4), start a new journal now and then, or remove a dead worker's."""
        if owner == self.owner:
            self._journaled = False
            if self._journal_fd is not None and self._journal_offset > _JOURNAL_ROTATE:
                os.close(self._journal_fd)
                path = self._journal_path(self.owner)
                with contextlib.suppress(FileNotFoundError):
                    path.unlink()
                self._journal_fd = os.open(path, os.O_RDWR | os.O_APPEND | os.O_CREAT, 0o600)
                self._journal_offset = 0
        else:
            with contextlib.suppress(FileNotFoundError):
                self._journal_path(owner).unlink()

    def flush(self) -> None:
        """Fold this connection's journal into the database now."""
        if self._journaled:
            with self.transaction() as db:
                self._fold(db, self.owner)
            self._folded(self.owner)

    # ``ahead=True`` (PostgreSQL only): the outcome is sent without waiting for the database's answer;
    # :meth:`confirm` reads it, and so does any other statement on this connection. Until then the
    # outcome is only on its way, so the caller must not let another message be committed to a server.

    def mark_sent(self, row: Row, now: float | None = None, *, ahead: bool = False) -> None:
        self._record(row, "sent", None, None, now or time.time(), ahead=ahead)

    def mark_failed(self, row: Row, reason: str, now: float | None = None, *, ahead: bool = False) -> None:
        self._record(row, "failed", reason, None, now or time.time(), ahead=ahead)

    def mark_skipped(self, row: Row, reason: str, now: float | None = None) -> None:
        """A claimed reader who must not be mailed (suppressed); the claim is not counted as an attempt."""
        self.db.execute("UPDATE recipients SET state = 'skipped', reason = ?, owner = NULL, next_attempt = NULL, "
                        "attempts = attempts - 1, updated = ? WHERE campaign = ? AND seq = ?",
                        (reason, now or time.time(), row.campaign, row.seq))

    def mark_temporary(self, row: Row, reason: str, policy: RetryPolicy, now: float | None = None, *,
                       ahead: bool = False) -> str:
        """Defer with backoff, or fail once the attempts are used up; returns the new state."""
        now = time.time() if now is None else now
        if row.attempts >= policy.max_attempts:
            self.mark_failed(row, f"gave up after {plural(row.attempts, 'attempt')}: {reason}", now, ahead=ahead)
            return "failed"
        self._record(row, "deferred", reason, now + policy.delay(row.attempts), now, ahead=ahead)
        return "deferred"

    def requeue_failed(self, campaign_id: int) -> int:
        """Failed readers back to ``pending`` with fresh attempts (``compose retry --failed``).

        Only ``failed`` rows change, never ``sent`` ones, so this is safe to run twice and while a
        worker runs. Rows that never had a message (an invalid address in the list) stay failed.
        """
        with self.transaction() as db:
            cur = db.execute("UPDATE recipients SET state = 'pending', attempts = 0, reason = NULL, next_attempt = NULL, "
                             "updated = ? WHERE campaign = ? AND state = 'failed' AND message_id <> ''",
                             (time.time(), campaign_id))
            return int(cur.rowcount)

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

    def next_due(self, campaign_id: int) -> float | None:
        """When something of the campaign next becomes claimable: a retry's time, or another worker's lease end."""
        (retry,) = self.db.execute("SELECT MIN(next_attempt) FROM recipients WHERE campaign = ? AND state = 'deferred'",
                                   (campaign_id,)).fetchone()
        (lease,) = self.db.execute("SELECT MIN(COALESCE(lease_until, claimed_at + ?)) FROM recipients "
                                   "WHERE campaign = ? AND state = 'sending' AND owner <> ?",
                                   (LEASE, campaign_id, self.owner)).fetchone()
        found = [t for t in (retry, lease) if t is not None]
        return min(found) if found else None

    def iter_recipients(self, campaign_id: int, states: Iterable[str] | None = None, *,
                        page: int = 5000) -> Iterator[dict[str, Any]]:
        """Like :meth:`recipients`, a page at a time (by ``seq``): memory stays flat for a list of millions."""
        keys = ("seq", "email", "state", "attempts", "next_attempt", "reason", "message_id")
        query = f"SELECT {', '.join(keys)} FROM recipients WHERE campaign = ? AND seq > ?"
        wanted = tuple(states) if states is not None else ()
        if wanted:
            query += f" AND state IN ({','.join('?' * len(wanted))})"
        query += " ORDER BY seq LIMIT ?"
        after = 0
        while True:
            rows = self.db.execute(query, (campaign_id, after, *wanted, page)).fetchall()
            for r in rows:
                yield dict(zip(keys, r, strict=True))
            if len(rows) < page:
                return
            after = rows[-1][0]

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
