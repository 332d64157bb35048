"""``compose publish`` and the publications in ``compose status`` through the real CLI entry point.

The network is the fake Mastodon instance of ``tests/publish`` (an HTTP server on 127.0.0.1
written from Mastodon's API documentation), or, where a test needs an answer no fake gives on
cue, a client object standing in for the network's.
"""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from composer.cli import main
from composer.publish.base import Posted, Rejected
from tests.publish import mastodon_server
from tests.publish.conftest import make_item
from tests.publish.netserver import FakeNetwork

NAME = "2025-03-12-library"


@pytest.fixture
def outbox(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "outbox"
    make_item(folder, name=NAME)
    monkeypatch.setenv("OUTBOX_DIR", str(folder))
    monkeypatch.setenv("SEND_RETRY_DELAY", "0.05")
    monkeypatch.setenv("PUBLISH_TIMEOUT", "1")
    return folder


@pytest.fixture
def mastodon(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeNetwork]:
    net = mastodon_server.start()
    monkeypatch.setenv("MASTODON_URL", net.url)
    monkeypatch.setenv("MASTODON_TOKEN", mastodon_server.TOKEN)
    yield net
    net.stop()


class StandIn:
    """A client for tests that need an answer on cue (a refusal, a hostile reply); counts what it posted."""

    network = "mastodon"

    def __init__(self, refuse: set[int] | None = None, detail: str = "refused") -> None:
        self.refuse = refuse or set()
        self.detail = detail
        self.posted: list[tuple[int, str | None]] = []  # (index, parent id)
        self._n = 0

    def new_token(self) -> str:
        self._n += 1
        return f"tok-{self._n}"

    def publish(self, part: Any, *, root: Posted | None, parent: Posted | None) -> Posted:
        if part.index in self.refuse:
            raise Rejected(self.detail)
        self.posted.append((part.index, parent.id if parent else None))
        n = len(self.posted)
        return Posted(str(n), f"https://social.example/@news/{n}")

    def lookup(self, part: Any, *, root: Posted | None, parent: Posted | None) -> Posted | None:
        return None

    def limit(self) -> int | None:
        return None


def use(monkeypatch: pytest.MonkeyPatch, client: StandIn) -> None:
    monkeypatch.setenv("MASTODON_URL", "https://social.example")
    monkeypatch.setenv("MASTODON_TOKEN", "stand-in-token-value")
    monkeypatch.setattr("composer.publish.clients.client_for", lambda network, settings: client)


def test_dry_run_shows_parts_and_lengths_and_records_nothing(outbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", NAME, "--thread", "--dry-run"]) == 0
    out, err = capsys.readouterr()
    assert "Mastodon — thread of 5 parts [not set up: set MASTODON_URL and MASTODON_TOKEN]" in out
    assert "Bluesky — thread of 5 parts" in out and "X — thread of 5 parts" in out
    assert "  1/5  [" in out and "mastodon part 1/5: the riverside library reopens" in out
    assert "would publish all 5 parts now" in out
    assert "dry run: nothing was published or recorded" in err
    assert not (outbox / "delivery.sqlite3").exists()


def test_dry_run_counts_as_the_network_does_and_flags_a_part_too_long(outbox: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    posts = json.loads((outbox / NAME / "posts.json").read_text())
    posts["x"]["post"] = "word " * 80
    (outbox / NAME / "posts.json").write_text(json.dumps(posts))
    assert main(["publish", NAME, "--network", "x", "--dry-run"]) == 1
    out, err = capsys.readouterr()
    assert "[400/280 TOO LONG]" in out and "1 part too long for its network" in err


def test_publish_a_thread_then_status_shows_every_url_and_a_rerun_posts_nothing(
        outbox: Path, mastodon: FakeNetwork, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", NAME, "--thread"]) == 0  # Mastodon is the one network set up
    out, err = capsys.readouterr()
    urls = out.split()
    assert len(urls) == 5 and len(mastodon.posts) == 5
    assert urls == [p["public"]["url"] for p in mastodon.posts]
    assert "Mastodon (thread, publication #1): done" in err and "  5/5  published" in err
    replies = [p["public"]["in_reply_to_id"] for p in mastodon.posts]
    assert replies == [None] + [p["public"]["id"] for p in mastodon.posts[:-1]]

    assert main(["publish", NAME, "--thread", "--network", "mastodon"]) == 0
    out, err = capsys.readouterr()
    assert len(mastodon.posts) == 5 and out.split() == urls  # nothing posted again

    assert main(["status", NAME]) == 0
    out = capsys.readouterr().out
    assert "publications:" in out and "#1  2025-03-12-library  on Mastodon  thread  done  5 published" in out
    for i, url in enumerate(urls, 1):
        assert f"      {i}/5  published {url}" in out

    assert main(["status", NAME, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    [pub] = doc["publications"]
    assert pub["network"] == "mastodon" and pub["mode"] == "thread" and pub["state"] == "done"
    assert [p["url"] for p in pub["parts"]] == urls and [p["part"] for p in pub["parts"]] == [1, 2, 3, 4, 5]

    assert main(["status"]) == 0
    assert "on Mastodon  thread  done" in capsys.readouterr().out


def test_status_of_a_fresh_outbox_creates_nothing(outbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["status", NAME, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["publications"] == []
    assert not (outbox / "delivery.sqlite3").exists()


def test_a_rate_limit_defers_and_the_next_run_carries_on(outbox: Path, mastodon: FakeNetwork,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    mastodon.script = ["ok", "ok", "429"]
    mastodon.reset_in = 1.5
    assert main(["publish", NAME, "--thread", "--max-wait", "0"]) == 1
    err = capsys.readouterr().err
    assert "Mastodon (thread, publication #1): active" in err
    assert "  3/5  deferred  until " in err and "rate limited" in err
    assert "run the same `compose publish` again" in err
    assert len(mastodon.posts) == 2
    time.sleep(1.6)
    assert main(["publish", NAME, "--thread"]) == 0
    assert len(mastodon.posts) == 5
    replies = [p["public"]["in_reply_to_id"] for p in mastodon.posts]
    assert replies == [None] + [p["public"]["id"] for p in mastodon.posts[:-1]]


def test_schedule_then_the_worker_publishes_when_due(outbox: Path, mastodon: FakeNetwork,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    import datetime as dt

    from composer.publish.state import PublishState

    at = (dt.datetime.now(dt.UTC) + dt.timedelta(hours=2)).strftime("%Y-%m-%d %H:%M")
    assert main(["publish", NAME, "--network", "mastodon", "--at", at, "--tz", "UTC"]) == 0
    err = capsys.readouterr().err
    assert "Mastodon (single, publication #1): scheduled — scheduled for " in err
    assert "`compose publish 2025-03-12-library --cancel`" in err
    assert main(["worker", "--once"]) == 0
    assert mastodon.posts == []  # not due yet
    assert main(["status", NAME]) == 0
    assert "on Mastodon  single  scheduled at " in capsys.readouterr().out

    with PublishState(outbox / "delivery.sqlite3") as state:  # the time comes
        state.db.execute("UPDATE publications SET due = ?", (time.time() - 1,))
    assert main(["worker", "--once"]) == 0
    assert "publication #1 (2025-03-12-library on mastodon, single): done" in capsys.readouterr().err
    assert len(mastodon.posts) == 1
    assert main(["worker", "--once"]) == 0
    assert len(mastodon.posts) == 1


def test_cancel_a_scheduled_publication(outbox: Path, mastodon: FakeNetwork, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", NAME, "--network", "mastodon", "--at", "2099-01-01T09:00+00:00"]) == 0
    assert main(["publish", NAME, "--network", "mastodon", "--at", "2099-01-01T10:00+00:00"]) == 0
    assert "already recorded (scheduled for 2099-01-01T09:00+00:00); not scheduled again" in capsys.readouterr().err
    assert main(["publish", NAME, "--network", "mastodon", "--cancel"]) == 0
    assert "cancelled publication #1" in capsys.readouterr().err
    assert main(["publish", NAME, "--network", "mastodon", "--cancel"]) == 2  # nothing left to cancel
    assert main(["publish", NAME, "--network", "mastodon"]) == 0
    assert len(mastodon.posts) == 1
    assert main(["publish", NAME, "--network", "mastodon", "--cancel"]) == 2
    assert "only a scheduled publication" in capsys.readouterr().err


def test_a_refused_part_waits_for_retry_and_then_resumes_where_it_stopped(
        outbox: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    client = StandIn(refuse={2}, detail="Validation failed: Text is too long")
    use(monkeypatch, client)
    assert main(["publish", NAME, "--thread"]) == 1
    err = capsys.readouterr().err
    assert "Mastodon (thread, publication #1): failed" in err
    assert "  3/5  failed    — Validation failed: Text is too long" in err
    assert [i for i, _ in client.posted] == [0, 1]

    assert main(["publish", NAME, "--thread"]) == 1  # without --retry nothing is tried again
    assert "--retry" in capsys.readouterr().err and [i for i, _ in client.posted] == [0, 1]

    client.refuse = set()
    assert main(["publish", NAME, "--thread", "--retry"]) == 0
    assert [i for i, _ in client.posted] == [0, 1, 2, 3, 4]
    assert [parent for _, parent in client.posted] == [None, "1", "2", "3", "4"]  # part 3 replies to part 2
    assert main(["publish", NAME, "--thread", "--retry"]) == 0  # safe to repeat
    assert len(client.posted) == 5


def test_secrets_are_masked_in_the_summary_and_the_status(outbox: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    use(monkeypatch, StandIn(refuse={0}, detail="401 for token stand-in-token-value"))
    assert main(["publish", NAME, "--network", "mastodon"]) == 1
    assert main(["status", NAME]) == 0
    assert main(["status", NAME, "--json"]) == 0
    captured = capsys.readouterr()
    assert "stand-in-token-value" not in captured.out + captured.err
    assert "401 for token ***" in captured.err and "401 for token ***" in captured.out


def test_a_network_that_is_not_set_up_is_refused_before_anything_is_recorded(
        outbox: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["publish", NAME, "--network", "x"]) == 2
    assert "x is not set up: set X_CONSUMER_KEY" in capsys.readouterr().err
    assert main(["publish", NAME]) == 2
    assert "no network is set up for publishing" in capsys.readouterr().err
    assert not (outbox / "delivery.sqlite3").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["publish", NAME, "--network", "mastodon", "--tz", "UTC"], "--tz goes with --at"),
    (["publish", NAME, "--network", "mastodon", "--at", "2001-01-01 09:00", "--tz", "UTC"], "in the past"),
    (["publish", NAME, "--network", "mastodon", "--at", "2099-01-01 09:00"], "no time zone"),
    (["publish", NAME, "--network", "mastodon", "--at", "2099-01-01T09:00Z", "--retry"], "--retry publishes now"),
    (["publish", "2025-01-01-missing", "--network", "mastodon"], "no such outbox item"),
    (["publish", NAME, "--network", "linkedin"], "invalid choice"),
])
def test_bad_input_is_exit_2(outbox: Path, mastodon: FakeNetwork, capsys: pytest.CaptureFixture[str],
                             argv: list[str], message: str) -> None:
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse's own refusal
        code = int(exc.code or 0)
    assert code == 2
    assert message in capsys.readouterr().err
    assert mastodon.posts == []
