"""The audience store in SQL, written once for both engines (:mod:`composer.database`).

With SQLite the tables live in the outbox's ``delivery.sqlite3`` (:mod:`composer.audience.sqlite`);
with ``DATABASE_URL=postgresql://…`` in that database beside the delivery state
(:mod:`composer.audience.postgres`), so a reader service and workers on several machines see the
same suppressions. The SQL is the same on both; only the column types of the migrations and the
spelling of "insert unless present" come from the engine.

The tables are versioned on their own (``audience_schema``), apart from the delivery tables in
the same database, so a database written before the audience existed — or by a newer delivery
schema — is migrated by adding tables, never by rewriting the delivery ones. Migrations run in
one write transaction (SQLite: ``BEGIN IMMEDIATE``; PostgreSQL: under an advisory lock), so two
processes opening an old database at once cannot both apply them.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from composer.audience.base import (
    REASONS,
    STATUS_FOR_REASON,
    STATUSES,
    WEB_REQUESTED,
    AudienceStore,
    Event,
    Subscriber,
    Suppression,
    address_hash,
    normalise,
)
from composer.database import Connection, Engine, error_text
from composer.errors import ConfigError, InputError, OutboxError

# (version, statements): append only; never edit a migration that has shipped. A script is
# split on ";" and run on both engines, ``{identity}`` and ``{real}`` being the engine's
# spellings of a self-numbered key and a floating-point column; a dict gives each engine its own
# list of statements instead.
MIGRATIONS: list[tuple[int, str | dict[str, list[str]]]] = [
    (1, """
CREATE TABLE subscribers (
    id             {identity},
    email          TEXT NOT NULL,
    email_hash     TEXT NOT NULL UNIQUE,
    name           TEXT NOT NULL DEFAULT '',
    fields         TEXT NOT NULL DEFAULT '{}',
    status         TEXT NOT NULL,
    consent_at     {real},
    consent_source TEXT,
    consent_ip     TEXT,
    confirmed_at   {real},
    created        {real} NOT NULL,
    updated        {real} NOT NULL
);
CREATE TABLE subscriber_lists (
    subscriber INTEGER NOT NULL REFERENCES subscribers(id),
    list       TEXT NOT NULL,
    added      {real} NOT NULL,
    PRIMARY KEY (list, subscriber)
);
CREATE INDEX subscriber_lists_by_subscriber ON subscriber_lists(subscriber);
CREATE TABLE suppressions (
    email_hash TEXT PRIMARY KEY,
    email      TEXT,
    reason     TEXT NOT NULL,
    source     TEXT NOT NULL,
    detail     TEXT,
    created    {real} NOT NULL
);
CREATE TABLE audience_events (
    id         {identity},
    at         {real} NOT NULL,
    email_hash TEXT,
    email      TEXT,
    kind       TEXT NOT NULL,
    detail     TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audience_events_by_address ON audience_events(email_hash, at);
"""),
    # A generation number that every change to the suppressions raises (PostgreSQL). A send
    # loop reads its batch's suppressions once and then only needs to know whether anything
    # changed: it reads this number in the same statement that records its last outcome, so the
    # per-message check costs no round trip of its own. SQLite has PRAGMA data_version for that.
    (2, {"sqlite": [], "postgresql": [
        "CREATE TABLE audience_changes (id INTEGER PRIMARY KEY CHECK (id = 1), generation BIGINT NOT NULL)",
        "INSERT INTO audience_changes (id, generation) VALUES (1, 0)",
        """CREATE FUNCTION composer_suppressions_changed() RETURNS trigger LANGUAGE plpgsql AS $$
           BEGIN UPDATE audience_changes SET generation = generation + 1 WHERE id = 1; RETURN NULL; END $$""",
        """CREATE TRIGGER suppressions_changed AFTER INSERT OR UPDATE OR DELETE ON suppressions
           FOR EACH STATEMENT EXECUTE FUNCTION composer_suppressions_changed()""",
    ]}),
]
# What a statement that has just recorded an outcome selects to learn the audience's generation.
GENERATION_QUERY = "SELECT generation FROM audience_changes WHERE id = 1"
SCHEMA_VERSION = MIGRATIONS[-1][0]

_SUB_COLUMNS = ("id, email, name, fields, status, consent_at, consent_source, consent_ip, confirmed_at, created, "
                "updated")


_MIGRATION_LOCK = 7420150002  # the advisory lock key of audience migrations (PostgreSQL)


def migrate(engine: Engine, db: Connection, where: str) -> tuple[int, int]:
    """Apply the audience migrations not yet applied; returns (version before, version after)."""
    db.execute(engine.begin)
    try:
        engine.lock(db, _MIGRATION_LOCK)
        db.execute(f"CREATE TABLE IF NOT EXISTS audience_schema (version INTEGER NOT NULL, applied {engine.real} "
                   "NOT NULL)")
        (current,) = db.execute("SELECT COALESCE(MAX(version), 0) FROM audience_schema").fetchone()
        current = int(current)
        if current > SCHEMA_VERSION:
            raise OutboxError(f"{where} holds audience data of schema version {current}, newer than this "
                              f"composer understands ({SCHEMA_VERSION}); upgrade composer")
        for version, script in MIGRATIONS:
            if version > current:
                if isinstance(script, dict):
                    statements = script[engine.name]
                else:
                    statements = script.replace("{identity}", engine.identity).replace("{real}", engine.real).split(";")
                for statement in statements:
                    if statement.strip():
                        db.execute(statement)
                db.execute("INSERT INTO audience_schema (version, applied) VALUES (?, ?)", (version, time.time()))
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")
    return current, SCHEMA_VERSION


class SQLAudience(AudienceStore):
    """The audience over one connection of ``engine``, shared by threads (an ASGI server's pool) under a lock."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._lock = threading.RLock()
        self._batch: tuple[object, dict[str, Suppression | None]] | None = None  # (change token, answers)
        self._fresh = False  # PostgreSQL: the batch was read since the last check
        self._told: object | None = None  # PostgreSQL: a generation read since the last check (tell_generation)
        where = engine.describe()
        try:
            self._db = Connection(engine, engine.connect())
        except (OSError, *engine.Error) as exc:
            raise OutboxError(f"cannot open the audience data in {where} ({error_text(exc)})") from exc
        try:
            migrate(engine, self.db, where)
        except (ConfigError, OutboxError):
            self.db.close()
            raise
        except engine.Error as exc:
            self.db.close()
            raise OutboxError(f"cannot set up the audience data in {where} ({error_text(exc)})") from exc

    @property
    def db(self) -> Connection:
        """The connection. One the PostgreSQL server dropped (a restart, a failover, a killed backend)
        is replaced at its next use: the call that met the broken connection failed, the next
        works — a reader service running for months recovers without being restarted."""
        db = self._db
        if getattr(db.raw, "broken", False):  # psycopg marks a connection the server closed
            with contextlib.suppress(Exception):
                db.close()
            self._db = db = Connection(self.engine, self.engine.connect())
            self._batch = None
        return db

    @contextlib.contextmanager
    def transaction(self) -> Iterator[Connection]:
        """A write transaction (SQLite takes its write lock up front: check-then-update is atomic)."""
        with self._lock:
            self._changed()  # our own commits do not change SQLite's data_version
            with self.db.transaction() as db:
                yield db

    def close(self) -> None:
        with self._lock:
            self.db.close()

    def schema_version(self) -> int:
        with self._lock:
            (version,) = self.db.execute("SELECT MAX(version) FROM audience_schema").fetchone()
        return int(version)


    # -- subscribers --------------------------------------------------------------------------

    def _row(self, db: Connection, row: tuple[Any, ...]) -> Subscriber:
        sid, email, name, fields, status, c_at, c_src, c_ip, conf, created, updated = row
        lists = tuple(n for (n,) in db.execute("SELECT list FROM subscriber_lists WHERE subscriber = ? ORDER BY list",
                                               (sid,)))
        return Subscriber(email=email, name=name, fields=json.loads(fields), lists=lists, status=status,
                          consent_at=c_at, consent_source=c_src, consent_ip=c_ip, confirmed_at=conf,
                          created=created, updated=updated)

    def upsert(self, email: str, *, name: str | None = None, fields: Mapping[str, str] | None = None,
               lists: Iterable[str] = (), status: str | None = None, consent_at: float | None = None,
               consent_source: str | None = None, consent_ip: str | None = None,
               confirmed_at: float | None = None, event: str = "added") -> Subscriber:
        if status is not None and status not in STATUSES:
            raise InputError(f"subscriber status {status!r}: choose {', '.join(STATUSES)}")
        email = email.strip()
        key = address_hash(email)
        now = time.time()
        with self.transaction() as db:
            found = db.execute(f"SELECT {_SUB_COLUMNS} FROM subscribers WHERE email_hash = ?", (key,)).fetchone()
            if found is None:
                (sid,) = db.execute(
                    "INSERT INTO subscribers (email, email_hash, name, fields, status, consent_at, consent_source, "
                    "consent_ip, confirmed_at, created, updated) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
                    (email, key, name or "", json.dumps(dict(fields or {}), ensure_ascii=False),
                     status or "subscribed", consent_at, consent_source, consent_ip, confirmed_at, now, now)).fetchone()
            else:
                sid = found[0]
                merged = {**json.loads(found[3]), **dict(fields or {})}
                db.execute(
                    "UPDATE subscribers SET name = COALESCE(?, name), fields = ?, status = COALESCE(?, status), "
                    "consent_at = COALESCE(?, consent_at), consent_source = COALESCE(?, consent_source), "
                    "consent_ip = COALESCE(?, consent_ip), confirmed_at = COALESCE(?, confirmed_at), updated = ? "
                    "WHERE id = ?",
                    (name, json.dumps(merged, ensure_ascii=False), status, consent_at, consent_source, consent_ip,
                     confirmed_at, now, sid))
            added_lists = [n for n in dict.fromkeys(lists) if n]
            verb, conflict = self.engine.insert_ignore
            db.executemany(f"{verb} subscriber_lists (subscriber, list, added) VALUES (?, ?, ?){conflict}",
                           [(sid, n, now) for n in added_lists])
            self._log(db, email, event, {"lists": added_lists, "status": status, "source": consent_source,
                                         "ip": consent_ip})
            return self._row(db, db.execute(f"SELECT {_SUB_COLUMNS} FROM subscribers WHERE id = ?",
                                            (sid,)).fetchone())

    def get(self, email: str) -> Subscriber | None:
        with self._lock:
            row = self.db.execute(f"SELECT {_SUB_COLUMNS} FROM subscribers WHERE email_hash = ?",
                                  (address_hash(email),)).fetchone()
            return self._row(self.db, row) if row else None

    def subscribers(self, list_name: str | None = None, status: str | None = None) -> Iterator[Subscriber]:
        query = f"SELECT {_SUB_COLUMNS} FROM subscribers s"
        where: list[str] = []
        params: list[Any] = []
        if list_name is not None:
            where.append("EXISTS (SELECT 1 FROM subscriber_lists l WHERE l.subscriber = s.id AND l.list = ?)")
            params.append(list_name)
        if status is not None:
            where.append("s.status = ?")
            params.append(status)
        if where:
            query += " WHERE " + " AND ".join(where)
        last = 0
        while True:  # pages by id: constant memory, and no cursor held open across the caller's work
            with self._lock:
                page = self.db.execute(
                    query + (" AND" if where else " WHERE") + " s.id > ? ORDER BY s.id LIMIT 500",
                    [*params, last]).fetchall()
                found = [self._row(self.db, r) for r in page]
            if not found:
                return
            last = page[-1][0]
            yield from found

    def remove_from_list(self, email: str, list_name: str) -> bool:
        with self.transaction() as db:
            cur = db.execute("DELETE FROM subscriber_lists WHERE list = ? AND subscriber = "
                             "(SELECT id FROM subscribers WHERE email_hash = ?)", (list_name, address_hash(email)))
            if cur.rowcount:
                self._log(db, email, "removed from list", {"list": list_name})
            return cur.rowcount > 0

    def forget(self, email: str, *, source: str = "manual") -> bool:
        key = address_hash(email)
        with self.transaction() as db:
            held = 0
            row = db.execute("SELECT id FROM subscribers WHERE email_hash = ?", (key,)).fetchone()
            if row:
                db.execute("DELETE FROM subscriber_lists WHERE subscriber = ?", (row[0],))
                db.execute("DELETE FROM subscribers WHERE id = ?", (row[0],))
                held += 1
            held += db.execute("UPDATE audience_events SET email = NULL, detail = '{}' WHERE email_hash = ?",
                               (key,)).rowcount
            held += db.execute("UPDATE suppressions SET email = NULL, detail = NULL WHERE email_hash = ?",
                               (key,)).rowcount
            verb, conflict = self.engine.insert_ignore
            db.execute(f"{verb} suppressions (email_hash, email, reason, source, detail, created) "
                       f"VALUES (?, NULL, 'manual', ?, NULL, ?){conflict}", (key, source, time.time()))
            db.execute("INSERT INTO audience_events (at, email_hash, email, kind, detail) VALUES (?, ?, NULL, ?, ?)",
                       (time.time(), key, "forgotten", json.dumps({"source": source})))
            return held > 0

    def purge_unconfirmed(self, before: float) -> int:
        with self.transaction() as db:
            rows = db.execute("SELECT id, email_hash FROM subscribers WHERE status = 'pending' AND confirmed_at IS NULL "
                              "AND consent_source = ? AND updated < ?", (WEB_REQUESTED, before)).fetchall()
            for sid, key in rows:
                db.execute("DELETE FROM subscriber_lists WHERE subscriber = ?", (sid,))
                db.execute("DELETE FROM subscribers WHERE id = ?", (sid,))
                db.execute("UPDATE audience_events SET email = NULL, detail = '{}' WHERE email_hash = ?", (key,))
                db.execute("INSERT INTO audience_events (at, email_hash, email, kind, detail) VALUES (?, ?, NULL, ?, ?)",
                           (time.time(), key, "unconfirmed sign-up erased", "{}"))
            return len(rows)

    # -- suppression --------------------------------------------------------------------------

    def suppress(self, email: str, reason: str, *, source: str, detail: str | None = None) -> bool:
        if reason not in REASONS:
            raise InputError(f"suppression reason {reason!r}: choose {', '.join(REASONS)}")
        key = address_hash(email)
        with self.transaction() as db:
            known = db.execute("SELECT 1 FROM subscribers WHERE email_hash = ?", (key,)).fetchone()
            verb, conflict = self.engine.insert_ignore
            cur = db.execute(f"{verb} suppressions (email_hash, email, reason, source, detail, created) "
                             f"VALUES (?, ?, ?, ?, ?, ?){conflict}",
                             (key, normalise(email), reason, source, detail, time.time()))
            if known:
                db.execute("UPDATE subscribers SET status = ?, updated = ? WHERE email_hash = ?",
                           (STATUS_FOR_REASON[reason], time.time(), key))
            self._log(db, email, f"suppressed: {reason}" if cur.rowcount else f"again: {reason}",
                      {"source": source, "detail": detail})
            return cur.rowcount > 0

    def unsuppress(self, email: str, *, reasons: Iterable[str] = ("unsubscribed",), source: str) -> bool:
        allowed = tuple(reasons)
        key = address_hash(email)
        with self.transaction() as db:
            cur = db.execute(f"DELETE FROM suppressions WHERE email_hash = ? AND reason IN "
                             f"({','.join('?' * len(allowed))})", (key, *allowed))
            if cur.rowcount:
                self._log(db, email, "suppression lifted", {"source": source})
            return cur.rowcount > 0

    def _change_token(self) -> object | None:
        """Something that differs whenever another connection may have committed a change, or None (no cheap way).

        SQLite's ``PRAGMA data_version`` changes when any other connection — another thread,
        process or the same process's delivery state — commits to the file; this connection's own
        writes do not change it, so they drop the batch themselves (:meth:`_changed`). It reads
        no table: a few microseconds against a query, a hash and a row per message.
        """
        if self.engine.name != "sqlite":
            return None  # PostgreSQL: asking is a round trip; the generation comes from tell_generation
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def generation_query(self) -> str | None:
        return GENERATION_QUERY if self.engine.name == "postgresql" else None

    def tell_generation(self, generation: object) -> None:
        """PostgreSQL: the suppressions' generation as just read by another statement (the send loop
        reads it with each recorded outcome). It serves one check."""
        self._told = generation

    def _changed(self) -> None:
        self._batch = None

    def probably_clear(self, email: str) -> bool:
        batch = self._batch
        return batch is not None and email in batch[1] and batch[1][email] is None

    def prefetch(self, emails: Iterable[str]) -> None:
        wanted = list(emails)
        with self._lock:
            # The token is read before the query: a commit after it is noticed by the next check.
            if self.engine.name == "sqlite":
                token = self._change_token()
            else:
                (token,) = self.db.execute(GENERATION_QUERY).fetchone()
                self._fresh, self._told = True, None
            found = self.suppressed(wanted)
            self._batch = (token, {e: found.get(e) for e in wanted})

    def suppression(self, email: str) -> Suppression | None:
        with self._lock:
            batch = self._batch
            if batch is not None and email in batch[1]:
                if self.engine.name == "sqlite":
                    current = self._change_token()
                else:
                    # Valid right after the batch was read, or with a generation told since the last
                    # check; a caller that tells nothing gets one query per check, as before.
                    current = batch[0] if self._fresh else self._told
                    self._fresh, self._told = False, None
                    if current is None:
                        return self.suppressed([email]).get(email)
                if current != batch[0]:
                    # Something was committed elsewhere (maybe only another worker's claim): read the
                    # batch again, in one query, rather than one query per remaining reader.
                    self.prefetch(batch[1])
                    self._fresh = False  # this check used the new batch's freshness
                    batch = self._batch
                if batch is not None:
                    return batch[1][email]
        return self.suppressed([email]).get(email)

    def suppressed(self, emails: Iterable[str]) -> dict[str, Suppression]:
        by_hash: dict[str, list[str]] = {}
        for email in emails:
            by_hash.setdefault(address_hash(email), []).append(email)
        found: dict[str, Suppression] = {}
        keys = list(by_hash)
        with self._lock:
            for start in range(0, len(keys), 500):
                chunk = keys[start:start + 500]
                for row in self.db.execute(
                        "SELECT email, email_hash, reason, source, detail, created FROM suppressions WHERE email_hash "
                        f"IN ({','.join('?' * len(chunk))})", chunk):
                    for email in by_hash[row[1]]:
                        found[email] = Suppression(*row)
        return found

    def suppressions(self) -> list[Suppression]:
        with self._lock:
            return [Suppression(*r) for r in self.db.execute(
                "SELECT email, email_hash, reason, source, detail, created FROM suppressions ORDER BY created")]

    # -- events -------------------------------------------------------------------------------

    def _log(self, db: Connection, email: str | None, kind: str, detail: Mapping[str, Any]) -> None:
        clean = {k: v for k, v in detail.items() if v not in (None, [], "")}
        db.execute("INSERT INTO audience_events (at, email_hash, email, kind, detail) VALUES (?, ?, ?, ?, ?)",
                   (time.time(), address_hash(email) if email else None, normalise(email) if email else None, kind,
                    json.dumps(clean, ensure_ascii=False)))

    def log(self, email: str | None, kind: str, **detail: Any) -> None:
        with self.transaction() as db:
            self._log(db, email, kind, detail)

    def events(self, email: str | None = None) -> list[Event]:
        with self._lock:
            if email is None:
                rows = self.db.execute("SELECT at, email, kind, detail FROM audience_events ORDER BY id")
            else:
                rows = self.db.execute("SELECT at, email, kind, detail FROM audience_events WHERE email_hash = ? "
                                       "ORDER BY id", (address_hash(email),))
            return [Event(at, e, kind, json.loads(detail)) for at, e, kind, detail in rows]
