"""Suppression in every send, and ``compose subscribers`` through the real CLI entry point.

Every test runs on both engines (``audience_url``): the outbox's SQLite file, and PostgreSQL
named by ``DATABASE_URL`` (audience and delivery state both there)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from composer.audience import open_store
from composer.cli import main
from composer.config import Secret, Settings
from composer.delivery.campaign import Audience, open_campaign
from composer.delivery.runner import run_campaign
from composer.delivery.state import DeliveryState
from composer.newsletter.personalize import MessageTemplate
from composer.outbox import Outbox

ITEM = "2025-03-12-cli-issue"  # written by the env fixture (conftest.py)



def subs_csv(tmp_path: Path, *rows: str, header: str = "email,name") -> str:
    path = tmp_path / "subs.csv"
    path.write_text(header + "\n" + "\n".join(rows) + "\n")
    return str(path)


def sent_to(outbox: Path, campaign: int = 1) -> set[str]:
    found = set()
    for eml in (outbox / ITEM / "sent" / str(campaign)).glob("*.eml"):
        for line in eml.read_text().splitlines():
            if line.startswith("To: "):
                found.add(line.split("<")[-1].rstrip(">").removeprefix("To: "))
    return found


def test_csv_send_skips_suppressed_readers_and_says_why(env: Path, audience_url: str, tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(env, audience_url) as store:
        store.suppress("bob@example.com", "unsubscribed", source="one-click")
        store.suppress("cy@example.com", "bounced", source="webhook")
    subs = subs_csv(tmp_path, "ann@example.com,Ann", "BOB@example.com,Bob", "cy@example.com,Cy")
    assert main(["send", ITEM, "--list", subs, "--dry-run"]) == 0
    assert "1 message would be sent via outbox; 2 suppressed readers skipped" in capsys.readouterr().err
    assert main(["send", ITEM, "--list", subs]) == 0
    err = capsys.readouterr().err
    assert "1 sent, 0 deferred, 0 failed, 2 skipped (1 unsubscribed, 1 bounced)" in err
    assert sent_to(env) == {"ann@example.com"}


def test_unsubscribing_while_a_campaign_runs_stops_the_pending_message(env: Path, audience_url: str) -> None:
    settings = Settings(mail_from="News <news@example.org>", site_url="https://news.example.org",
                        unsubscribe_secret=Secret("s"), outbox_dir=env, database_url=Secret(audience_url))
    item = Outbox(env).get(ITEM)
    template = MessageTemplate.from_item(item, settings)
    state_path = audience_url or env / "delivery.sqlite3"
    with DeliveryState(state_path) as state:
        campaign, added = open_campaign(state, item, settings, "memory",
                                        Audience(to=["ann@example.com", "bob@example.com"]))
    assert added == 2
    from composer.delivery.memory import MemoryBackend

    backend = MemoryBackend(settings)
    sent: list[str] = []

    class Unsubscribing(MemoryBackend):
        def send_one(self, message):  # type: ignore[no-untyped-def]
            sent.append(message.recipient)
            with open_store(env, audience_url) as store:  # bob unsubscribes while ann's message goes out
                store.suppress("bob@example.com", "unsubscribed", source="one-click")
            return backend.send_one(message)

    summary = run_campaign(state_path, campaign.id, settings, template=template, batch=10,
                           make_backend=lambda: Unsubscribing(settings))
    assert sent == ["ann@example.com"]
    assert summary.counts["sent"] == 1 and summary.counts["skipped"] == 1 and summary.exit_code == 0
    assert summary.skipped[0]["reason"] == "suppressed: unsubscribed (one-click)"


def test_add_import_export_list_and_send_to_the_store(env: Path, audience_url: str, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    subs = subs_csv(tmp_path, "ann@example.com,Ann,Oslo", "bob@example.com,Bob,Rome", "nope,X,Y",
                    header="email,name,city")
    assert main(["subscribers", "import", subs, "--list", "news"]) == 1  # one bad row: reported, exit 1
    assert "imported 2 subscribers; 1 rows with problems" in capsys.readouterr().err
    assert main(["subscribers", "add", "cy@example.com", "--name", "Cy", "--list", "news", "--field", "city=Oslo"]) == 0
    assert main(["subscribers", "remove", "bob@example.com"]) == 0
    capsys.readouterr()
    assert main(["subscribers", "export", "--list", "news"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["email"], r["city"], r["lists"], r["status"]) for r in rows] == [
        ("ann@example.com", "Oslo", "news", "subscribed"), ("bob@example.com", "Rome", "news", "unsubscribed"),
        ("cy@example.com", "Oslo", "news", "subscribed")]
    assert rows[0]["consent_source"] == f"import of {subs}" and rows[0]["consent_at"]
    assert main(["send", ITEM, "--subscribers", "news"]) == 0
    assert "2 sent" in capsys.readouterr().err
    assert sent_to(env) == {"ann@example.com", "cy@example.com"}
    # the export is the shape `send --list` reads, and imports back
    out = tmp_path / "export.csv"
    assert main(["subscribers", "export", "-o", str(out)]) == 0
    assert main(["send", ITEM, "--list", str(out), "--dry-run"]) == 0
    assert "2 messages would be sent via outbox; 1 suppressed reader skipped" in capsys.readouterr().err


def test_forget_keeps_them_from_being_imported_again(env: Path, audience_url: str, tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["subscribers", "add", "ann@example.com", "--list", "news"]) == 0
    assert main(["subscribers", "remove", "ann@example.com", "--forget"]) == 0
    capsys.readouterr()
    assert main(["subscribers", "list", "--suppressed"]) == 0
    out = capsys.readouterr().out
    assert "ann@example.com" not in out and "(forgotten)" in out
    subs = subs_csv(tmp_path, "Ann@Example.com,Ann")
    assert main(["subscribers", "import", subs, "--list", "news"]) == 0
    assert "imported 0 subscribers; 1 suppressed or unsubscribed addresses not imported" in capsys.readouterr().err
    assert main(["subscribers", "add", "ann@example.com"]) == 2
    assert "is suppressed" in capsys.readouterr().err
    assert main(["subscribers", "add", "ann@example.com", "--resubscribe", "--list", "news"]) == 0


def test_status_shows_skipped_readers(env: Path, audience_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with open_store(env, audience_url) as store:
        store.suppress("bob@example.com", "complained", source="webhook sendgrid")
    subs = subs_csv(tmp_path, "ann@example.com,Ann", "bob@example.com,Bob")
    assert main(["send", ITEM, "--list", subs]) == 0
    capsys.readouterr()
    assert main(["status", ITEM]) == 0
    out = capsys.readouterr().out
    assert "sent 1, pending 0, deferred 0, failed 0, skipped 1 (suppressed)" in out
    assert "skipped  bob@example.com  — suppressed: complained (webhook sendgrid)" in out


def test_send_test_in_the_preview_refuses_a_suppressed_test_address(env: Path, audience_url: str) -> None:
    from composer.preview.sendtest import send_test

    settings = Settings(mail_from="News <news@example.org>", outbox_dir=env, test_address="me@example.com",
                        database_url=Secret(audience_url))
    with open_store(env, audience_url) as store:
        store.suppress("me@example.com", "unsubscribed", source="one-click")
    result = send_test(Outbox(env).get(ITEM), settings)
    assert not result.ok and "me@example.com is on the suppression list (unsubscribed, one-click)" in result.message
    assert not (env / ".test-sends").exists()


def test_a_scheduled_send_to_the_store_skips_who_unsubscribed_before_the_worker_ran(env: Path, audience_url: str, capsys: pytest.CaptureFixture[str]) -> None:
    import time

    from composer.config import load_settings
    from composer.delivery.schedule import run_due

    for address in ("ann@example.com", "bob@example.com"):
        assert main(["subscribers", "add", address, "--list", "weekly"]) == 0
    assert main(["schedule", ITEM, "--at", "2999-01-01T09:00+00:00", "--subscribers", "weekly"]) == 0
    assert "to 2 readers" in capsys.readouterr().err
    with open_store(env, audience_url) as store:
        store.suppress("bob@example.com", "unsubscribed", source="one-click")
    logged: list[str] = []
    [summary] = run_due(load_settings(), now=time.time() + 1e11, log=logged.append)
    assert summary.counts["sent"] == 1 and summary.counts["skipped"] == 1
    assert logged[-1].endswith("1 sent, 0 deferred, 0 failed, 0 pending, 1 skipped (suppressed)")
    assert sent_to(env) == {"ann@example.com"}


def test_an_unreachable_postgresql_audience_is_one_line_without_the_password(
        env: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://me:s3cret-db-pw@127.0.0.1:1/news")
    assert main(["subscribers", "list"]) == 2
    out, err = capsys.readouterr()
    assert "s3cret-db-pw" not in out + err
    assert err.count("\n") == 1 and "cannot open the audience data in postgresql://me:***@127.0.0.1:1/news" in err
