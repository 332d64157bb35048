"""Both engines: schema versions and migration, schedules fired once by many workers, and
several worker processes on one PostgreSQL campaign with one of them killed."""

from __future__ import annotations

import email
import os
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections import Counter
from email import policy
from pathlib import Path

import pytest

from composer.cli import main
from composer.config import Secret, Settings
from composer.delivery.campaign import Audience, open_campaign
from composer.delivery.engine import MIGRATIONS, SCHEMA_VERSION
from composer.delivery.schedule import run_due
from composer.delivery.state import DeliveryState
from composer.errors import ConfigError
from composer.outbox import Item

from .conftest import make_settings, write_csv
from .smtpserver import Sink, start, wait_for

REPO = Path(__file__).resolve().parents[2]


def test_a_delivery_file_from_before_schema_versions_keeps_working(tmp_path: Path, item: Item) -> None:
    """A delivery.sqlite3 written by an older composer (no versions, no leases) is adopted and migrated."""
    outbox = item.path.parent
    old = sqlite3.connect(outbox / "delivery.sqlite3")
    for statement in MIGRATIONS[0][2]["sqlite"]:
        old.execute(statement)
    old.execute("INSERT INTO campaigns (id, item, item_path, via, audience, state, created) "
                "VALUES (1, ?, ?, 'outbox', 'list', 'active', 0)", (item.name, str(item.path)))
    for seq, state in ((1, "sent"), (2, "pending"), (3, "sending")):
        old.execute("INSERT INTO recipients (campaign, seq, email, fields, message_id, state, claimed_at) "
                    "VALUES (1, ?, ?, '{}', '<m@x>', ?, ?)", (seq, f"r{seq}@example.com", state, time.time() - 1000))
    old.commit()
    old.close()
    settings = make_settings(outbox)
    with DeliveryState.for_settings(settings) as state:
        versions = [v for (v,) in state.db.execute("SELECT version FROM schema_migrations ORDER BY version")]
        assert versions == list(range(1, SCHEMA_VERSION + 1))
        assert state.counts(1)["sent"] == 1
        # The old claim (no lease recorded, claimed 1000 s ago, its process long gone) is taken over.
        assert [r.seq for r in state.claim(1, 10)] == [2, 3]


def test_compose_db_migrate_on_both_engines(tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("OUTBOX_DIR", str(settings.outbox_dir))
    if settings.database_url:
        monkeypatch.setenv("DATABASE_URL", settings.database_url.reveal())
    assert main(["db", "migrate"]) == 0
    assert f"schema migrated from version 0 to {SCHEMA_VERSION}" in capsys.readouterr().err
    assert main(["db", "migrate"]) == 0
    err = capsys.readouterr().err
    assert f"schema version {SCHEMA_VERSION}, up to date" in err
    if settings.database_url:
        assert "postgresql://composer@127.0.0.1" in err
    else:
        assert str(settings.outbox_dir / "delivery.sqlite3") in err


def test_a_newer_schema_is_refused(settings: Settings) -> None:
    with DeliveryState.for_settings(settings) as state:
        state.db.execute("INSERT INTO schema_migrations (version, description, applied) VALUES (99, 'future', 0)")
    with pytest.raises(ConfigError, match="schema version 99, newer than this composer"):
        DeliveryState.for_settings(settings)


def test_postgres_password_is_masked_when_the_server_is_unreachable(item: Item, outbox_dir: Path,
                                                                    monkeypatch: pytest.MonkeyPatch,
                                                                    capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("psycopg")
    monkeypatch.setenv("OUTBOX_DIR", str(outbox_dir))
    monkeypatch.setenv("DATABASE_URL", "postgresql://me:s3cret-db-pw@127.0.0.1:1/news")
    assert main(["status", "--debug"]) == 2  # an OutboxError, like an unreadable SQLite file
    out, err = capsys.readouterr()
    assert "s3cret-db-pw" not in out + err and "postgresql://me:***@127.0.0.1:1/news" in err


def test_a_schedule_fires_once_however_many_workers_run(tmp_path: Path, item: Item, settings: Settings) -> None:
    csv = write_csv(tmp_path / "s.csv", [f"r{i}@example.com,,"for i in range(60)])
    with DeliveryState.for_settings(settings) as state:
        campaign, _ = open_campaign(state, item, settings, "outbox", Audience(list_path=csv),
                                    scheduled_for=(time.time() + 0.3, "soon"))
    time.sleep(0.35)
    results: list[object] = []
    workers = [threading.Thread(target=lambda: results.extend(run_due(settings))) for _ in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    written = sorted((item.path / "sent" / str(campaign.id)).iterdir())
    assert len(written) == 60 and len({f.name for f in written}) == 60
    with DeliveryState.for_settings(settings) as state:
        assert state.campaign(campaign.id).state == "done" and state.counts(campaign.id)["sent"] == 60
    assert run_due(settings) == []


def test_three_worker_processes_and_a_kill_9_lose_nothing(tmp_path: Path, item: Item, pg_url: str) -> None:
    """3 `compose worker` processes share one PostgreSQL campaign of 5,000 against a faulty SMTP
    server; one is killed with SIGKILL mid-campaign. Nobody is lost; duplicates ≤ kills, and a
    duplicate carries the same Message-ID as its first copy."""
    n = 5000
    sink = Sink()
    addresses = [f"reader{i}@example.com" for i in range(n)]
    # Faults: temporary refusals (retried), permanent ones (failed), dropped connections.
    for i in range(0, n, 97):
        sink.rules[addresses[i]] = ["451"]
    for i in range(5, n, 499):
        # A mailbox that does not exist refuses every attempt: a worker killed between the refusal
        # and recording it leaves the reader to be tried again, and the retry must be refused too.
        sink.rules[addresses[i]] = ["550"] * 3
    for i in range(11, n, 701):
        sink.rules[addresses[i]] = ["drop"]
    permanent = {addresses[i] for i in range(5, n, 499)}
    controller = start(sink)
    settings = make_settings(item.path.parent, database_url=Secret(pg_url), send_retry_delay=0.05)
    csv = write_csv(tmp_path / "s.csv", [f"{a},Reader,"for a in addresses])
    with DeliveryState.for_settings(settings) as state:
        campaign, added = open_campaign(state, item, settings, "smtp", Audience(list_path=csv))
    assert added == n
    env = {**os.environ, "OUTBOX_DIR": str(settings.outbox_dir), "DATABASE_URL": pg_url, "DELIVERY": "smtp",
           "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "SMTP_SECURITY": "none",
           "SITE_URL": "https://news.example.org", "UNSUBSCRIBE_SECRET": "test-unsubscribe-secret",
           "MAIL_FROM": settings.mail_from, "SEND_RETRY_DELAY": "0.05", "SEND_MAX_ATTEMPTS": "3",
           "SEND_LEASE": "10", "SMTP_TIMEOUT": "5", "PYTHONPATH": str(REPO)}
    cmd = [sys.executable, "-m", "composer", "worker", "--poll", "0.2"]
    procs = [subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
             for _ in range(3)]
    kills = 0
    try:
        assert wait_for(lambda: len(sink.received) >= 1500, timeout=120), "the workers did not get going"
        os.kill(procs[0].pid, signal.SIGKILL)
        kills += 1
        procs[0].wait(10)

        def finished() -> bool:  # every reader settled, and a worker marked the campaign done
            with DeliveryState.for_settings(settings) as state:
                c = state.counts(campaign.id)
                return c["sent"] + c["failed"] == n and state.campaign(campaign.id).state == "done"

        assert wait_for(finished, timeout=240), "the campaign did not finish"
    finally:
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(20)
            except subprocess.TimeoutExpired:
                p.kill()
        controller.stop()
    received = sink.counts()
    with DeliveryState.for_settings(settings) as state:
        failed = {r["email"] for r in state.recipients(campaign.id, ["failed"])}
        assert state.campaign(campaign.id).state == "done"
    assert failed == permanent
    assert set(received) == set(addresses) - permanent  # 0 lost
    duplicates = [a for a, count in received.items() if count > 1]
    assert len(duplicates) <= kills and all(received[a] == 2 for a in duplicates)
    ids: dict[str, set[str]] = {}
    for rcpt, data in sink.received:
        ids.setdefault(rcpt, set()).add(email.message_from_bytes(data, policy=policy.default)["Message-ID"])
    assert all(len(v) == 1 for v in ids.values())  # each duplicate with its (stable) Message-ID
    assert Counter(len(v) for v in ids.values()) == Counter({1: len(received)})


def test_the_preview_sees_campaigns_in_postgresql(tmp_path: Path, item: Item, pg_url: str) -> None:
    """The preview must not recompose an item whose campaign lives in PostgreSQL."""
    from composer.preview.campaigns import item_campaigns

    settings = make_settings(item.path.parent, database_url=Secret(pg_url))
    with DeliveryState.for_settings(settings) as state:
        campaign, _ = open_campaign(state, item, settings, "outbox", Audience(to=["me@example.com"]))
    assert [c["label"].split()[0] for c in item_campaigns(item, pg_url)] == [f"#{campaign.id}"]
    assert item_campaigns(item) == []  # the outbox itself has no SQLite state
