"""The operator's rough edges (issue 15): each one found by running composer for real."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.cli import main

ITEM = "2025-03-12-cli-issue"  # written by the env fixture (conftest.py)



def test_smtp_refuses_the_placeholder_sender(env: Path, monkeypatch: pytest.MonkeyPatch,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.delenv("MAIL_FROM")
    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_SECURITY", "none")
    assert main(["send", ITEM, "--to", "a@example.com", "--via", "smtp"]) == 2
    assert "MAIL_FROM is not set" in capsys.readouterr().err
    assert not (env / "delivery.sqlite3").exists()  # refused before anything was queued
    assert main(["send", ITEM, "--to", "a@example.com"]) == 0  # the outbox adapter may use the placeholder


def test_to_with_commas_sends_to_each_address(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", ITEM, "--to", 'a@example.com, "Doe, Jane" <jane@example.com>']) == 0
    assert "2 sent" in capsys.readouterr().err
    assert len(list((env / ITEM / "sent" / "1").glob("*.eml"))) == 2
    assert main(["send", ITEM, "--to", "a@example.com, nope"]) == 2
    assert "'nope' in --to 'a@example.com, nope' is not an email address" in capsys.readouterr().err


def test_plurals(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status"]) == 0
    assert capsys.readouterr().out.startswith(f"1 item in {env}")
    assert main(["send", ITEM, "--to", "a@example.com"]) == 0
    capsys.readouterr()
    assert main(["status", ITEM]) == 0
    assert "1 reader sent to" in capsys.readouterr().out


def test_worker_once_says_what_it_looked_at(env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["worker", "--once"]) == 0
    err = capsys.readouterr().err
    assert f"due campaigns from {env / 'delivery.sqlite3'}, items from {env}" in err and "nothing due" in err
    elsewhere = tmp_path / "empty"
    elsewhere.mkdir()
    monkeypatch.setenv("OUTBOX_DIR", str(elsewhere / "outbox"))
    assert main(["worker", "--once"]) == 2
    assert f"no outbox at {elsewhere / 'outbox'}" in capsys.readouterr().err
    assert not (elsewhere / "outbox").exists()  # nothing created


def test_lookalike_env_keys_are_warned(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / ".env").write_text("SMTP_PASWORD=hunter2\nSEND_CONCURENCY=2\nEDITOR=vim\nSMTP_PORT=2525\n")
    assert main(["status"]) == 0
    err = capsys.readouterr().err
    assert "SMTP_PASWORD in .env is not a composer setting; did you mean SMTP_PASSWORD?" in err
    assert "did you mean SEND_CONCURRENCY?" in err
    assert "EDITOR" not in err and "SMTP_PORT" not in err and "hunter2" not in err


def test_status_json_is_valid(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["send", ITEM, "--to", "a@example.com, b@example.com"]) == 0
    capsys.readouterr()
    assert main(["status", ITEM, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [r["email"] for r in data["campaigns"][0]["recipients"]] == ["a@example.com", "b@example.com"]


def test_retry_failed_readers_after_fixing_the_cause_and_twice_is_harmless(
        env: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.delivery.smtpserver import Sink, start

    sink = Sink(rules={"ann@example.com": ["550"], "bob@example.com": ["550"]})  # e.g. 554 before SMTP_USERNAME
    controller = start(sink)
    try:
        for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "SMTP_SECURITY": "none",
                           "DELIVERY": "smtp"}.items():
            monkeypatch.setenv(key, value)
        subs = tmp_path / "subs.csv"
        subs.write_text("email,name\nann@example.com,Ann\nbob@example.com,Bob\ncid@example.com,Cid\nbroken,X\n")
        assert main(["send", ITEM, "--list", str(subs)]) == 1
        assert "1 sent, 0 deferred, 3 failed" in capsys.readouterr().err
        assert main(["retry", "1", "--failed"]) == 1  # the invalid address stays failed
        err = capsys.readouterr().err
        assert "2 failed readers requeued" in err and "3 sent, 0 deferred, 1 failed" in err
        assert main(["retry", "1", "--failed"]) == 1  # again: nobody is sent twice
        assert "0 failed readers requeued" in capsys.readouterr().err
        assert sorted(sink.counts().items()) == [("ann@example.com", 1), ("bob@example.com", 1), ("cid@example.com", 1)]
        assert main(["retry", "42"]) == 2
    finally:
        controller.stop()


def test_a_different_list_is_a_different_audience(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = tmp_path / "first.csv"
    first.write_text("email,name\nann@example.com,Ann\nbroken,X\n")
    second = tmp_path / "second.csv"
    second.write_text("email,name\nbob@example.com,Bob\n")
    assert main(["send", ITEM, "--list", str(first)]) == 1
    capsys.readouterr()
    assert main(["send", ITEM, "--list", str(second)]) == 0
    err = capsys.readouterr().err
    assert "campaign #2 via outbox: 1 sent, 0 deferred, 0 failed" in err and "broken" not in err
    first.write_text("email,name\nann@example.com,Ann\nbroken,X\ncid@example.com,Cid\n")  # the first list, grown
    assert main(["send", ITEM, "--list", str(first)]) == 1
    assert "campaign #1 via outbox: 2 sent" in capsys.readouterr().err
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert f"to list {first}" in out and f"to list {second}" in out


def test_status_json_streams_a_large_campaign(env: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`status ITEM --json` for a big campaign writes readers as it reads them (1M readers used 2 GB)."""
    import io
    import sys
    import tracemalloc

    from composer.config import load_settings
    from composer.delivery.state import DeliveryState

    n = 40_000
    settings = load_settings()
    with DeliveryState.for_settings(settings) as state:
        campaign = state.create_campaign(item=ITEM, item_path=str(env / ITEM), via="outbox", audience="to:bulk")
        state.add_recipients(campaign.id, ((f"r{i}@example.com", {"name": f"R{i}"}, f"<{i}@m>", None, i + 2)
                                           for i in range(n)))

    class Count(io.TextIOBase):
        size = 0

        def write(self, text: str) -> int:
            self.size += len(text)
            return len(text)

    out, real = Count(), sys.stdout
    tracemalloc.start()
    sys.stdout = out
    try:
        assert main(["status", ITEM, "--json"]) == 0
    finally:
        sys.stdout = real
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    assert out.size > n * 100  # every reader was written
    assert peak < 8_000_000, f"peak {peak / 1e6:.1f} MB for {n} readers"


def test_a_stale_item_is_refused_for_a_list_then_recomposed_in_place(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from tests.conftest import EXAMPLES

    outbox = tmp_path / "outbox"
    monkeypatch.setenv("OUTBOX_DIR", str(outbox))
    monkeypatch.setenv("MAIL_FROM", "News <news@example.org>")
    assert main(["compose", str(EXAMPLES / "riverside-library.txt")]) == 0  # no SITE_URL yet: no unsubscribe link
    name = Path(capsys.readouterr().out.strip()).name
    subs = tmp_path / "subs.csv"
    subs.write_text("email,name\nann@example.com,Ann\nbob@example.com,Bob\n")
    assert main(["send", name, "--list", str(subs)]) == 0
    capsys.readouterr()
    # The publisher then sets up the site, the unsubscribe secret and a new brand name.
    monkeypatch.setenv("SITE_URL", "https://news.example.org")
    monkeypatch.setenv("UNSUBSCRIBE_SECRET", "ops-unsubscribe-secret")
    monkeypatch.setenv("BRAND_NAME", "Riverside Weekly")
    subs.write_text("email,name\nann@example.com,Ann\nbob@example.com,Bob\ncid@example.com,Cid\n")
    assert main(["send", name, "--list", str(subs)]) == 2
    err = capsys.readouterr().err
    assert "BRAND_NAME, SITE_URL changed since it was composed" in err and "no unsubscribe link" in err
    assert f"compose recompose {name}" in err
    assert main(["send", name, "--to", "me@example.org"]) == 0  # a test send only warns
    assert "compose: warning:" in capsys.readouterr().err
    assert main(["recompose", name]) == 0
    out, err = capsys.readouterr()
    assert Path(out.strip()).name == name
    assert "campaigns kept: #1 (2 readers already sent to, not again)" in err
    assert len(list((outbox / name / "sent" / "1").glob("*.eml"))) == 2  # the outbox adapter's messages kept
    html = (outbox / name / "email.html").read_text()
    assert "Riverside Weekly" in html
    assert main(["send", name, "--list", str(subs)]) == 0  # same campaign: only the new reader gets it
    err = capsys.readouterr().err
    assert "campaign #1 via outbox: 3 sent" in err and "warning" not in err
    assert len(list((outbox / name / "sent" / "1").glob("*.eml"))) == 3
