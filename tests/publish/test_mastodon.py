"""The Mastodon client against a local fake instance that follows the documented API.

There is no reference Mastodon server that can run here (it needs Rails, PostgreSQL, Redis and
Sidekiq); :mod:`tests.publish.mastodon_server` follows docs.joinmastodon.org instead.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest

from composer.config import Secret
from composer.outbox import Item
from composer.publish.base import Part, Rejected
from composer.publish.mastodon import MastodonClient
from composer.publish.runner import publish_now
from tests.publish import mastodon_server
from tests.publish.conftest import mastodon_settings
from tests.publish.netserver import FakeNetwork


def _assert_thread(net: FakeNetwork, n: int = 5) -> None:
    """0 duplicates, 0 lost, in order, each part replying to the one before."""
    texts = [p["text"] for p in net.posts]
    assert len(texts) == len(set(texts)) == n
    assert [t.split(":")[0] for t in texts] == [f"mastodon part {i + 1}/{n}" for i in range(n)]
    assert net.posts[0]["public"]["in_reply_to_id"] is None
    for prev, post in itertools.pairwise(net.posts):
        assert post["public"]["in_reply_to_id"] == prev["public"]["id"]


@pytest.fixture
def settings(outbox_dir: Path, mastodon: FakeNetwork, database_url: str) -> Any:
    return mastodon_settings(outbox_dir, mastodon, database_url=Secret(database_url), mastodon_visibility="unlisted")


def test_a_thread_with_visibility_and_language(settings: Any, item: Item, mastodon: FakeNetwork) -> None:
    result = publish_now(settings, item, "mastodon", thread=True)
    assert result.state == "done"
    _assert_thread(mastodon)
    assert {p["public"]["visibility"] for p in mastodon.posts} == {"unlisted"}
    assert {p["public"]["language"] for p in mastodon.posts} == {"en"}
    assert [p.url for p in result.parts] == [p["public"]["url"] for p in mastodon.posts]
    assert len({p["key"] for p in mastodon.posts}) == 5  # one Idempotency-Key per part


def test_a_timeout_after_the_server_accepted_is_resolved_without_a_duplicate(
        settings: Any, item: Item, mastodon: FakeNetwork) -> None:
    mastodon.script = ["ok", "accept_then_sleep"]  # part 2 is stored, its answer comes after the 1 s timeout
    mastodon.sleep = 2.5
    result = publish_now(settings, item, "mastodon", thread=True)
    assert result.state == "done" and result.looked_up == 1
    _assert_thread(mastodon)


def test_a_429_defers_until_the_reset_then_publishes(settings: Any, item: Item, mastodon: FakeNetwork) -> None:
    mastodon.script = ["ok", "429"]
    mastodon.reset_in = 1.0
    first = publish_now(settings, item, "mastodon", thread=True)
    assert first.state == "active"
    assert [p.state for p in first.parts] == ["published", "deferred", "queued", "queued", "queued"]
    assert "rate limited" in (first.parts[1].reason or "")
    assert first.next_attempt is not None and first.next_attempt > time.time() - 1
    time.sleep(max(0.0, first.next_attempt - time.time()) + 0.1)
    from composer.publish.runner import worker_pass

    assert worker_pass(settings, lambda _t: None) == 0  # the worker picks up the deferred part
    _assert_thread(mastodon)


def test_a_5xx_on_part_3_of_5_then_resume(settings: Any, item: Item, mastodon: FakeNetwork) -> None:
    mastodon.script = ["ok", "ok", "500", "500"]  # part 3 fails, and so does the same-key repeat
    first = publish_now(settings, item, "mastodon", thread=True)
    assert first.state == "active"
    assert [p.state for p in first.parts] == ["published", "published", "deferred", "queued", "queued"]
    assert len(mastodon.posts) == 2
    second = publish_now(settings, item, "mastodon", thread=True)  # running it again resumes at part 3
    assert second.state == "done"
    _assert_thread(mastodon)


def test_the_instance_limit_refuses_a_long_part_before_posting(outbox_dir: Path, mastodon: FakeNetwork) -> None:
    mastodon.max_characters = 40  # type: ignore[attr-defined]
    client = MastodonClient(mastodon.url, mastodon_server.TOKEN, timeout=2)
    assert client.limit() == 40
    part = Part(network="mastodon", index=0, count=1, text="x" * 41, token="k")
    with pytest.raises(Rejected, match="allows 40"):
        client.publish(part, root=None, parent=None)
    assert mastodon.posts == [] and ("POST", "/api/v1/statuses") not in mastodon.requests


def test_no_credentials_and_a_bad_token(outbox_dir: Path, item: Item, mastodon: FakeNetwork) -> None:
    from composer.config import Settings, mask_secrets
    from composer.publish.base import PublishError
    from composer.publish.clients import client_for

    with pytest.raises(PublishError, match="mastodon is not set up: set MASTODON_URL and MASTODON_TOKEN"):
        client_for("mastodon", Settings(outbox_dir=outbox_dir))
    settings = mastodon_settings(outbox_dir, mastodon).replace(mastodon_token=Secret("wrong-secret-token-123"))
    result = publish_now(settings, item, "mastodon", thread=False)
    assert result.state == "failed" and "HTTP 401" in result.message and mastodon.posts == []
    assert "wrong-secret-token-123" not in repr(settings) and "***" in mask_secrets("wrong-secret-token-123", settings)


def test_plain_http_is_refused_except_to_loopback() -> None:
    from composer.publish.base import PublishError

    with pytest.raises(PublishError, match="https"):
        MastodonClient("http://mastodon.example", "t")
    assert MastodonClient("http://127.0.0.1:9", "t").base == "http://127.0.0.1:9"


def test_after_the_idempotency_keys_expired_the_lookup_still_finds_the_status(
        settings: Any, item: Item, mastodon: FakeNetwork) -> None:
    """A worker restarted after the instance forgot the key (about an hour) finds the status in the account's timeline."""
    mastodon.keys_expired = True  # type: ignore[attr-defined]
    mastodon.script = ["ok", "ok", "ok", "ok", "accept_then_sleep"]  # the last part carries a link
    mastodon.sleep = 2.5
    result = publish_now(settings, item, "mastodon", thread=True)
    assert result.state == "done" and result.looked_up == 1
    _assert_thread(mastodon)
    assert ("GET", "/api/v1/accounts/verify_credentials") in mastodon.requests


def test_the_text_of_rendered_html_matches_what_was_sent() -> None:
    from composer.publish.mastodon import html_text, same_text
    from tests.publish.mastodon_server import render

    sent = "Café & co <reopens>\n\nRead more: https://news.example.org/a-very-long-path/that-is-cut?x=1 #Library"
    assert same_text(html_text(render(sent)), sent)
    assert not same_text(html_text(render(sent)), sent.replace("co", "company"))
