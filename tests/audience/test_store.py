"""The audience store: subscribers, suppressions, forgetting, and migrating an existing delivery database."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from composer.audience import address_hash, open_store
from composer.audience.sqlite import SCHEMA_VERSION, SQLiteAudience

# The delivery schema as the release before the audience existed wrote it (composer/delivery/state.py
# at 69e0093), with rows in it: the migration must add tables and lose nothing.
OLD_DELIVERY = """
CREATE TABLE campaigns (id INTEGER PRIMARY KEY, item TEXT NOT NULL, item_path TEXT NOT NULL, via TEXT NOT NULL,
    audience TEXT NOT NULL, state TEXT NOT NULL, due REAL, due_text TEXT, list_path TEXT, created REAL NOT NULL,
    finished REAL);
CREATE UNIQUE INDEX campaigns_once ON campaigns(item_path, via, audience) WHERE state != 'cancelled';
CREATE TABLE recipients (campaign INTEGER NOT NULL REFERENCES campaigns(id), seq INTEGER NOT NULL,
    email TEXT NOT NULL, fields TEXT NOT NULL, message_id TEXT NOT NULL, state TEXT NOT NULL,
    attempts INTEGER NOT NULL DEFAULT 0, next_attempt REAL, reason TEXT, owner TEXT, claimed_at REAL, updated REAL,
    line INTEGER, import_id INTEGER, PRIMARY KEY (campaign, seq));
CREATE UNIQUE INDEX recipients_once ON recipients(campaign, email COLLATE NOCASE);
CREATE INDEX recipients_work ON recipients(campaign, state, next_attempt);
CREATE INDEX recipients_queue ON recipients(campaign, state, seq);
INSERT INTO campaigns VALUES (1, 'issue', '/o/issue', 'outbox', 'list', 'done', NULL, NULL, '/l.csv', 1.0, 2.0);
INSERT INTO recipients VALUES (1, 1, 'ann@example.com', '{"name": "Ann"}', '<a@x>', 'sent', 1, NULL, NULL, NULL,
    NULL, 2.0, 2, 1);
INSERT INTO recipients VALUES (1, 2, 'bob@example.com', '{}', '<b@x>', 'failed', 5, NULL, '550 no', NULL, NULL, 2.0,
    3, 1);
"""


def _dump(path: Path, table: str) -> list[tuple[object, ...]]:
    with sqlite3.connect(path) as db:
        return db.execute(f"SELECT * FROM {table} ORDER BY 1, 2").fetchall()


def test_existing_delivery_database_is_migrated_in_place_with_nothing_lost(tmp_path: Path) -> None:
    from composer.delivery.state import DeliveryState

    path = tmp_path / "delivery.sqlite3"
    with sqlite3.connect(path) as db:
        db.executescript(OLD_DELIVERY)
    before = (_dump(path, "campaigns"), _dump(path, "recipients"))
    with SQLiteAudience(path) as store:
        assert store.schema_version() == SCHEMA_VERSION
        store.suppress("bob@example.com", "bounced", source="test")
    with SQLiteAudience(path) as store:  # a second open applies nothing again
        assert store.schema_version() == SCHEMA_VERSION
        assert store.suppression("BOB@example.com").reason == "bounced"
    assert (_dump(path, "campaigns"), _dump(path, "recipients")) == before
    with DeliveryState(path) as state:  # and the delivery code still reads and uses it
        assert state.counts(1)["sent"] == 1 and state.counts(1)["failed"] == 1
        assert state.campaign(1).state == "done"
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT COUNT(*) FROM audience_schema").fetchone() == (SCHEMA_VERSION,)


def test_subscribers_lists_and_consent(tmp_path: Path, audience_url: str) -> None:
    with open_store(tmp_path, audience_url) as store:
        store.upsert("Ann@Example.com", name="Ann", fields={"city": "Oslo"}, lists=["news"], consent_at=10.0,
                     consent_source="form", consent_ip="192.0.2.1")
        store.upsert("ann@example.com", lists=["weekly"], fields={"tier": "gold"})  # case-insensitive: one person
        store.upsert("bob@example.com", lists=["weekly"])
        ann = store.get("ANN@example.com")
        assert ann is not None and ann.name == "Ann" and ann.lists == ("news", "weekly")
        assert ann.fields == {"city": "Oslo", "tier": "gold"} and ann.consent_ip == "192.0.2.1"
        assert [s.email for s in store.subscribers("weekly")] == ["Ann@Example.com", "bob@example.com"]
        assert [s.email for s in store.subscribers("news")] == ["Ann@Example.com"]
        assert store.remove_from_list("bob@example.com", "weekly")
        assert [s.email for s in store.subscribers("weekly")] == ["Ann@Example.com"]


def test_suppression_is_idempotent_and_sets_the_status(tmp_path: Path, audience_url: str) -> None:
    with open_store(tmp_path, audience_url) as store:
        store.upsert("ann@example.com", lists=["news"])
        assert store.suppress("ann@example.com", "unsubscribed", source="one-click")
        assert not store.suppress("ANN@example.com", "unsubscribed", source="one-click")
        assert store.get("ann@example.com").status == "unsubscribed"
        assert list(store.suppressed(["x@example.com", "Ann@example.com"])) == ["Ann@example.com"]
        assert [s.email for s in store.subscribers("news", status="subscribed")] == []
        assert store.unsuppress("ann@example.com", source="confirmed again")
        assert store.suppression("ann@example.com") is None
        kinds = [e.kind for e in store.events("ann@example.com")]
        assert kinds == ["added", "suppressed: unsubscribed", "again: unsubscribed", "suppression lifted"]


def test_forget_erases_the_person_but_keeps_a_hashed_suppression(tmp_path: Path, audience_url: str) -> None:
    with open_store(tmp_path, audience_url) as store:
        store.upsert("ann@example.com", name="Ann", lists=["news"], consent_ip="192.0.2.1")
        store.suppress("ann@example.com", "unsubscribed", source="one-click")
        assert store.forget("ann@example.com")
        assert store.get("ann@example.com") is None
        assert store.suppression("Ann@Example.com").email is None  # still recognised, no longer held
        assert all(e.email is None and "192.0.2.1" not in str(e.detail) for e in store.events())
    if audience_url:  # PostgreSQL: no row of any audience table still holds the address or the IP
        import psycopg

        with psycopg.connect(audience_url) as db:
            for table in ("subscribers", "subscriber_lists", "suppressions", "audience_events"):
                text = " ".join(str(r) for r in db.execute(f"SELECT * FROM {table}"))
                assert "ann@example.com" not in text and "192.0.2.1" not in text, table
            assert db.execute("SELECT COUNT(*) FROM suppressions WHERE email_hash = %s",
                              (address_hash("ann@example.com"),)).fetchone() == (1,)
        return
    raw = (tmp_path / "delivery.sqlite3").read_bytes()  # closed: the WAL is checkpointed into the file
    assert address_hash("ann@example.com").encode() in raw
    assert b"ann@example.com" not in raw and b"192.0.2.1" not in raw  # secure_delete: no copy left in free pages


def test_expired_web_sign_ups_are_erased_and_nothing_else(tmp_path: Path, audience_url: str,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from composer.audience import WEB_REQUESTED

    clock = [1_000_000.0]
    monkeypatch.setattr(time, "time", lambda: clock[0])
    with open_store(tmp_path, audience_url) as store:
        store.upsert("old@example.com", status="pending", consent_source=WEB_REQUESTED, consent_ip="192.0.2.7")
        store.upsert("imported@example.com", status="pending", consent_source="import of list.csv")
        store.upsert("member@example.com", lists=["news"], consent_source=WEB_REQUESTED, confirmed_at=clock[0])
        clock[0] += 3600
        store.upsert("new@example.com", status="pending", consent_source=WEB_REQUESTED)
        assert store.purge_unconfirmed(before=clock[0] - 1) == 1
        assert store.get("old@example.com") is None
        assert {s.email for s in store.subscribers()} == {"imported@example.com", "member@example.com",
                                                           "new@example.com"}
        assert all("192.0.2.7" not in str(e.detail) and e.email != "old@example.com" for e in store.events())
        assert store.suppression("old@example.com") is None  # they may sign up again
        assert store.purge_unconfirmed(before=clock[0] - 1) == 0


def test_postgresql_holds_the_audience_beside_the_delivery_state_and_migrates_once(
        pg_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """DATABASE_URL moves the audience too: nothing is written to the outbox, ``compose db migrate``
    reports both schemas, a second open or migrate applies nothing, and a newer schema is refused."""
    import psycopg

    from composer.audience.postgres import PostgresAudience
    from composer.cli import main
    from composer.errors import OutboxError

    monkeypatch.setenv("DATABASE_URL", pg_url)
    monkeypatch.setenv("OUTBOX_DIR", str(tmp_path / "outbox"))
    assert main(["db", "migrate"]) == 0
    err = capsys.readouterr().err
    assert f"audience data {pg_url}: schema migrated from version 0 to {SCHEMA_VERSION}" in err
    assert main(["db", "migrate"]) == 0
    assert f"audience data {pg_url}: schema version {SCHEMA_VERSION}, up to date" in capsys.readouterr().err
    with open_store(tmp_path / "outbox", pg_url) as store:
        assert isinstance(store, PostgresAudience) and store.schema_version() == SCHEMA_VERSION
        store.suppress("Bob@Example.com", "bounced", source="test")
    with open_store(tmp_path / "elsewhere", pg_url) as store:  # another machine's outbox: the same audience
        assert store.suppression("bob@example.com").reason == "bounced"
    assert not (tmp_path / "outbox" / "delivery.sqlite3").exists()
    with psycopg.connect(pg_url, autocommit=True) as db:
        assert db.execute("SELECT COUNT(*) FROM audience_schema").fetchone() == (SCHEMA_VERSION,)
        db.execute("INSERT INTO audience_schema (version, applied) VALUES (99, 0)")
    with pytest.raises(OutboxError, match="schema version 99, newer than this composer"):
        open_store(tmp_path / "outbox", pg_url)


def test_a_prefetched_batch_answers_without_queries_until_anything_is_committed(tmp_path: Path,
                                                                                 audience_url: str) -> None:
    """The send loop reads a batch's suppressions in one query; per reader, SQLite then only asks whether
    another connection committed (PRAGMA data_version). Any commit elsewhere, or a suppression through
    this same store, is seen by the very next check: an unsubscription still stops the next message."""
    readers = [f"r{i}@example.com" for i in range(5)]
    with open_store(tmp_path, audience_url) as store, open_store(tmp_path, audience_url) as other:
        other.suppress("r0@example.com", "bounced", source="test")
        store.prefetch(readers)
        statements: list[str] = []
        if not audience_url:
            store.db.raw.set_trace_callback(statements.append)  # type: ignore[attr-defined]
        assert store.suppression("r0@example.com").reason == "bounced"
        assert store.suppression("r1@example.com") is None
        if not audience_url:
            assert not [s for s in statements if "suppressions" in s]  # answered from the batch
        other.suppress("r2@example.com", "unsubscribed", source="one-click")  # another connection
        assert store.suppression("r2@example.com").reason == "unsubscribed"
        store.suppress("r3@example.com", "complained", source="webhook")  # this connection
        assert store.suppression("r3@example.com").reason == "complained"
        other.unsuppress("r2@example.com", reasons=("unsubscribed",), source="test")
        assert store.suppression("r2@example.com") is None
        other.log(None, "something else")  # any commit elsewhere: the batch is read again, answers stay right
        assert [store.suppression(r) is not None for r in readers] == [True, False, False, True, False]
        assert store.suppression("not-in-batch@example.com") is None


def test_postgresql_checks_answer_from_the_batch_with_a_generation_read_elsewhere(pg_url: str,
                                                                                  tmp_path: Path) -> None:
    """With PostgreSQL the send loop reads the suppressions' generation in the statement that records
    its last outcome and tells the store; an equal generation lets the check skip its query, and every
    suppression change (added, lifted, forgotten) raises it, so the next check reads the batch again."""
    import psycopg

    readers = ["a@example.com", "b@example.com", "c@example.com"]
    with open_store(tmp_path, pg_url) as store, open_store(tmp_path, pg_url) as other, \
            psycopg.connect(pg_url, autocommit=True) as elsewhere:
        def generation() -> int:
            return elsewhere.execute(store.generation_query()).fetchone()[0]

        store.prefetch(readers)
        queries: list[str] = []
        original = store.suppressed
        store.suppressed = lambda emails: (queries.append("q"), original(emails))[1]  # type: ignore[method-assign]
        assert store.suppression("a@example.com") is None  # fresh batch
        store.tell_generation(generation())
        assert store.suppression("b@example.com") is None  # unchanged generation: no query
        assert queries == []
        before = generation()
        other.suppress("b@example.com", "unsubscribed", source="one-click")
        assert generation() > before
        store.tell_generation(generation())
        assert store.suppression("b@example.com").reason == "unsubscribed"  # changed: the batch is read again
        assert queries == ["q"]
        assert store.suppression("c@example.com") is None  # nothing told since: asks, as before the batch existed
        assert queries == ["q", "q"]
        for change in (lambda: other.unsuppress("b@example.com", source="t"), lambda: other.forget("c@example.com")):
            before = generation()
            change()
            assert generation() > before


def test_a_postgresql_connection_the_server_dropped_is_replaced(pg_url: str, tmp_path: Path) -> None:
    """``compose serve`` keeps one store for months: after a database restart (here: its backend
    killed) the call that meets the dead connection fails, and the next one works again."""
    import psycopg

    with open_store(tmp_path, pg_url) as store:
        store.suppress("ann@example.com", "unsubscribed", source="test")
        pid = store.db.raw.info.backend_pid  # type: ignore[attr-defined]
        with psycopg.connect(pg_url, autocommit=True) as admin:
            assert admin.execute("SELECT pg_terminate_backend(%s)", (pid,)).fetchone() == (True,)
        with pytest.raises(psycopg.OperationalError):
            store.suppression("ann@example.com")
        assert store.suppression("ann@example.com").reason == "unsubscribed"
        assert store.suppress("bob@example.com", "bounced", source="test")
        assert store.db.raw.info.backend_pid != pid  # type: ignore[attr-defined]


def test_the_worker_erases_sign_ups_a_day_past_their_link(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    import time

    from composer.audience import WEB_REQUESTED
    from composer.cli import main

    outbox = tmp_path / "outbox"
    outbox.mkdir()
    monkeypatch.setenv("OUTBOX_DIR", str(outbox))
    monkeypatch.setenv("SUBSCRIBE_CONFIRM_HOURS", "48")
    real = time.time
    with open_store(outbox, "") as store:
        monkeypatch.setattr(time, "time", lambda: real() - (48 + 24) * 3600 - 60)
        store.upsert("late@example.com", status="pending", consent_source=WEB_REQUESTED)
        monkeypatch.setattr(time, "time", lambda: real() - (48 + 24) * 3600 + 60)
        store.upsert("recent@example.com", status="pending", consent_source=WEB_REQUESTED)
    monkeypatch.setattr(time, "time", real)
    monkeypatch.setattr("composer.audience._next_purge", 0.0)  # other worker tests in this process ran it
    assert main(["worker", "--once"]) == 0
    assert "erased 1 sign-up never confirmed" in capsys.readouterr().err
    with open_store(outbox, "") as store:
        assert [s.email for s in store.subscribers()] == ["recent@example.com"]
        monkeypatch.setattr(time, "time", lambda: real() - (48 + 24) * 3600 - 60)
        store.upsert("later@example.com", status="pending", consent_source=WEB_REQUESTED)
    monkeypatch.setattr(time, "time", real)
    assert main(["worker", "--once"]) == 0  # within the hour: the purge waits (a write transaction each poll is not free)
    with open_store(outbox, "") as store:
        assert {s.email for s in store.subscribers()} == {"recent@example.com", "later@example.com"}
