"""The runner's rules with a scripted client (the network side is tested per client elsewhere):
recorded before the request, looked up after an unknown outcome, resumed at the failed part."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest

from composer.config import Secret
from composer.outbox import Item
from composer.publish.base import OutcomeUnknown, Part, Posted, RateLimited, Rejected, Transient
from composer.publish.runner import publish_now
from composer.publish.state import PublishState
from tests.publish.conftest import make_settings


class FakeClient:
    """A network in memory implementing the Client protocol; ``plan`` maps an attempt number to a failure."""

    network = "bluesky"

    def __init__(self, state_path: Any = None) -> None:
        self.posts: dict[str, dict[str, Any]] = {}  # token -> post (the token is the record key, as on Bluesky)
        self.plan: dict[int, str] = {}
        self.attempts = 0
        self.lookups = 0
        self.seen_pending: list[str] = []
        self.state_path = state_path
        self._ids = itertools.count(1)

    def new_token(self) -> str:
        return f"rkey{next(self._ids)}"

    def limit(self) -> int | None:
        return None

    def publish(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted:
        self.attempts += 1
        if self.state_path is not None:  # the record says pending before the request
            with PublishState(self.state_path) as st:
                [pub] = st.publications()
                self.seen_pending.append(st.parts(pub.id)[part.index].state)
        what = self.plan.get(self.attempts, "ok")
        if what == "transient":
            raise Transient("connection refused")
        if what == "rate":
            raise RateLimited("429", 0.0)
        if what == "reject":
            raise Rejected("invalid text")
        post = {"text": part.text, "root": root.id if root else None, "parent": parent.id if parent else None,
                "facets": part.facets, "card": part.card, "langs": part.language}
        posted = Posted(f"at://did:plc:x/app.bsky.feed.post/{part.token}", f"https://bsky.app/p/{part.token}",
                        cid=f"cid-{part.token}")
        self.posts[part.token] = {**post, "posted": posted}
        if what == "lost":
            raise OutcomeUnknown("timed out after sending")
        return posted

    def lookup(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted | None:
        self.lookups += 1
        found = self.posts.get(part.token)
        return found["posted"] if found else None


@pytest.fixture
def settings(outbox_dir: Path, database_url: str) -> Any:
    return make_settings(outbox_dir, database_url=Secret(database_url), send_retry_delay=0.0)


def _chain_ok(client: FakeClient, n: int) -> None:
    posts = list(client.posts.values())
    assert [p["text"].split(":")[0] for p in posts] == [f"bluesky part {i + 1}/{n}" for i in range(n)]
    assert posts[0]["root"] is None and posts[0]["parent"] is None
    for prev, post in itertools.pairwise(posts):
        assert post["parent"] == prev["posted"].id
        assert post["root"] == posts[0]["posted"].id


def test_a_thread_is_published_in_order_with_root_and_parent(settings: Any, item: Item, database_url: str) -> None:
    client = FakeClient(database_url or settings.outbox_dir / "delivery.sqlite3")
    result = publish_now(settings, item, "bluesky", thread=True, factory=lambda n, s: client)
    assert result.state == "done" and result.published == 5
    assert client.seen_pending == ["pending"] * 5  # committed before every request
    _chain_ok(client, 5)
    assert [p.state for p in result.parts] == ["published"] * 5
    assert all(p.url and p.post_id for p in result.parts)
    # the card rides on the part with the article's link; every part carries the language
    posts = list(client.posts.values())
    assert [p["card"] is not None for p in posts] == [False, False, False, False, True]
    assert {p["langs"] for p in posts} == {"en"}
    # published again: nothing is sent
    again = publish_now(settings, item, "bluesky", thread=True, factory=lambda n, s: client)
    assert again.state == "done" and again.published == 0 and client.attempts == 5


def test_an_unknown_outcome_is_looked_up_and_not_sent_again(settings: Any, item: Item) -> None:
    client = FakeClient()
    client.plan = {3: "lost"}
    result = publish_now(settings, item, "bluesky", thread=True, factory=lambda n, s: client)
    assert result.state == "done" and result.looked_up == 1
    assert client.attempts == 5 and len(client.posts) == 5
    _chain_ok(client, 5)


def test_a_thread_failing_at_part_3_resumes_there(settings: Any, item: Item) -> None:
    client = FakeClient()
    client.plan = {3: "reject"}
    first = publish_now(settings, item, "bluesky", thread=True, factory=lambda n, s: client)
    assert first.state == "failed" and "invalid text" in first.message
    assert [p.state for p in first.parts] == ["published", "published", "failed", "queued", "queued"]
    # without --retry a failed publication stays failed
    assert publish_now(settings, item, "bluesky", thread=True, factory=lambda n, s: client).state == "failed"
    second = publish_now(settings, item, "bluesky", thread=True, retry=True, factory=lambda n, s: client)
    assert second.state == "done" and second.published == 3
    assert len(client.posts) == 5
    _chain_ok(client, 5)


def test_transient_failures_defer_with_backoff_then_give_up(settings: Any, item: Item) -> None:
    client = FakeClient()
    client.plan = {1: "transient", 2: "transient"}
    result = publish_now(settings, item, "bluesky", thread=False, factory=lambda n, s: client, max_wait=5)
    assert result.state == "done" and client.attempts == 3 and len(client.posts) == 1
    client2 = FakeClient()
    client2.plan = dict.fromkeys(range(1, 10), "transient")
    other = make_settings(settings.outbox_dir, database_url=settings.database_url, send_retry_delay=0.0,
                          send_max_attempts=2)
    result = publish_now(other, item, "bluesky", thread=True, factory=lambda n, s: client2, max_wait=5)
    assert result.state == "failed" and "gave up after 2 attempts" in (result.parts[0].reason or "")
    assert client2.posts == {}


def test_a_rate_limit_defers_until_its_reset(settings: Any, item: Item) -> None:
    client = FakeClient()
    client.plan = {1: "rate"}
    result = publish_now(settings, item, "bluesky", thread=False, factory=lambda n, s: client)
    assert result.state == "done" and client.attempts == 2  # reset 0.0 is in the past: tried again at once


def test_a_worker_that_died_mid_request_is_resolved_by_lookup(settings: Any, item: Item, database_url: str) -> None:
    """The record says pending (the worker died after sending): the next run looks it up first."""
    from composer.publish.runner import open_publication

    client = FakeClient()
    target = database_url or settings.outbox_dir / "delivery.sqlite3"
    with PublishState(target) as state:
        pub, _ = open_publication(state, item, "bluesky", thread=True, settings=settings)
        assert state.claim(pub.id)
        token = client.new_token()
        state.mark_pending(pub.id, 0, token)
        part = state.parts(pub.id)[0].part("bluesky", token)
        client.publish(part, root=None, parent=None)  # it reached the network, then the worker "died"
        state.db.execute("UPDATE publications SET owner = NULL, lease_until = NULL WHERE id = ?", (pub.id,))
    result = publish_now(settings, item, "bluesky", thread=True, factory=lambda n, s: client)
    assert result.state == "done" and result.looked_up == 1
    assert client.attempts == 5 and len(client.posts) == 5
    _chain_ok(client, 5)


def test_two_workers_at_once_never_publish_a_part_twice(settings: Any, item: Item, database_url: str) -> None:
    import threading
    import time

    from composer.publish.runner import open_publication, run_publication

    class Slow(FakeClient):
        def publish(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted:
            time.sleep(0.05)
            return super().publish(part, root=root, parent=parent)

    client = Slow()
    target = database_url or settings.outbox_dir / "delivery.sqlite3"
    with PublishState(target) as state:
        pub, _ = open_publication(state, item, "bluesky", thread=True, settings=settings)
    results: list[str] = []
    start = threading.Barrier(3)

    def work() -> None:
        with PublishState(target) as own:
            start.wait()
            results.append(run_publication(own, pub.id, client, retry_delay=0).state)

    threads = [threading.Thread(target=work) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert client.attempts == 5 and len(client.posts) == 5
    assert results.count("busy") >= 1 and "done" in results
    _chain_ok(client, 5)


def test_a_scheduled_publication_waits_for_its_time(settings: Any, item: Item, database_url: str) -> None:
    import time

    from composer.publish.runner import open_publication, worker_pass

    client = FakeClient()
    target = database_url or settings.outbox_dir / "delivery.sqlite3"
    when = time.time() + 3600
    with PublishState(target) as state:
        pub, created = open_publication(state, item, "bluesky", thread=False, settings=settings, due=when,
                                        due_text="2030-01-01T09:00+01:00")
        assert created and pub.state == "scheduled" and pub.due_text == "2030-01-01T09:00+01:00"
    logged: list[str] = []
    assert worker_pass(settings, logged.append, factory=lambda n, s: client) == 0 and client.attempts == 0
    assert worker_pass(settings, logged.append, now=when + 1, factory=lambda n, s: client) == 0
    assert client.attempts == 1 and any("done" in line for line in logged)
    with PublishState(target) as state:
        assert state.publication(pub.id).state == "done"


def test_the_bluesky_client_is_built_from_its_settings(outbox_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The factory's contract with composer/publish/bluesky.py: BlueskyClient(service, handle, app_password, *, timeout)."""
    import sys
    import types

    from composer.config import Settings
    from composer.publish.base import PublishError
    from composer.publish.clients import client_for, configured

    settings = Settings(outbox_dir=outbox_dir, bluesky_handle="news.example.org",
                        bluesky_app_password=Secret("abcd-efgh-ijkl-mnop"), publish_timeout=7.0)
    assert configured(settings) == {"bluesky": True, "mastodon": False, "x": False}
    seen: list[tuple[Any, ...]] = []

    class Stub:
        network = "bluesky"

        def __init__(self, service: str, handle: str, app_password: str, *, timeout: float = 20.0) -> None:
            seen.append((service, handle, app_password, timeout))

    module = types.ModuleType("composer.publish.bluesky")
    module.BlueskyClient = Stub  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "composer.publish.bluesky", module)
    assert isinstance(client_for("bluesky", settings), Stub)
    assert seen == [("https://bsky.social", "news.example.org", "abcd-efgh-ijkl-mnop", 7.0)]
    monkeypatch.delitem(sys.modules, "composer.publish.bluesky")  # the real client from here on
    with pytest.raises(PublishError, match="use https"):  # an app password never travels in clear
        client_for("bluesky", settings.replace(bluesky_service="http://pds.example.org"))
    assert client_for("bluesky", settings.replace(bluesky_service="http://127.0.0.1:2583")).network == "bluesky"
    with pytest.raises(PublishError, match="BLUESKY_HANDLE and BLUESKY_APP_PASSWORD"):
        client_for("bluesky", Settings(outbox_dir=outbox_dir))
