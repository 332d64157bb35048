"""The Posts view's Publish action, through a real preview server on 127.0.0.1 (no browser).

Publishing goes to the fake Mastodon instance of ``tests/publish`` (an HTTP server written from
Mastodon's API documentation; no Mastodon server can run here). The button is guarded exactly
like Send test: the per-process CSRF token, and a matching Origin when the browser sends one.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from preview_helpers import csrf_of, page, request

from composer.config import Secret
from composer.publish.base import Posted, Rejected
from tests.publish import mastodon_server
from tests.publish.conftest import make_item, make_settings
from tests.publish.netserver import FakeNetwork


@pytest.fixture
def mastodon() -> Iterator[FakeNetwork]:
    net = mastodon_server.start()
    yield net
    net.stop()


@pytest.fixture
def site(tmp_path: Path, serve: Any, mastodon: FakeNetwork) -> tuple[Any, Any]:
    outbox = tmp_path / "outbox"
    item = make_item(outbox)
    settings = make_settings(outbox, mastodon_url=mastodon.url, mastodon_token=Secret(mastodon_server.TOKEN))
    return serve(settings), item


def publish(server: Any, item: Any, token: str, *, network: str = "mastodon", mode: str = "thread",
            origin: str | None = "same", retry: bool = False) -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin == "same":
        headers["Origin"] = f"http://{host}:{port}"
    elif origin is not None:
        headers["Origin"] = origin
    form = {"csrf": token, "network": network, "mode": mode} | ({"retry": "1"} if retry else {})
    return request(server, "POST", f"/item/{item.name}/publish", body=urlencode(form).encode(), headers=headers)


def test_publish_needs_the_csrf_token_and_our_origin(site: tuple[Any, Any], mastodon: FakeNetwork) -> None:
    server, item = site
    token = csrf_of(page(server, f"/item/{item.name}"))
    assert publish(server, item, "")[0] == 403
    assert publish(server, item, "forged")[0] == 403
    status, _h, body = publish(server, item, token, origin="https://evil.example")
    assert status == 403 and b"Publish only works from the preview page" in body
    assert publish(server, item, token, network="linkedin")[0] == 400
    assert publish(server, item, token, mode="everything")[0] == 400
    assert mastodon.posts == [] and ("POST", "/api/v1/statuses") not in mastodon.requests
    assert not (item.path.parent / "delivery.sqlite3").exists()  # showing the page created no record either


def test_publish_a_thread_and_see_each_part(site: tuple[Any, Any], mastodon: FakeNetwork) -> None:
    server, item = site
    text = page(server, f"/item/{item.name}")
    assert 'id="publish-mastodon-thread"' in text and "Publish the thread to Mastodon" in text
    assert 'id="publish-mastodon-single"' in text
    # Networks without credentials show why their button is off.
    assert re.search(r'id="publish-x-single"\s+disabled', text)
    assert 'data-not-set-up="bluesky"' in text and "BLUESKY_HANDLE and BLUESKY_APP_PASSWORD" in text
    assert 'data-publish="threads"' not in text  # composer does not publish there

    status, headers, _ = publish(server, item, csrf_of(text))
    assert status == 303 and headers["location"] == f"/item/{item.name}#view=posts"
    assert len(mastodon.posts) == 5
    replies = [p["public"]["in_reply_to_id"] for p in mastodon.posts]
    assert replies == [None] + [p["public"]["id"] for p in mastodon.posts[:-1]]

    text = page(server, f"/item/{item.name}")
    assert 'id="publish-result"' in text and "Mastodon thread: 5 of 5 parts published" in text
    parts = re.search(r'<ol class="publish-parts" id="parts-mastodon-thread">(.*?)</ol>', text, re.S)
    assert parts is not None
    assert parts.group(1).count('data-part-state="published"') == 5
    for post in mastodon.posts:
        assert f'href="{post["public"]["url"]}"' in parts.group(1)
    assert re.search(r'id="publish-mastodon-thread"\s+disabled>Thread published', text)
    assert 'id="publish-result"' not in page(server, f"/item/{item.name}")  # shown once

    # Posting the form again (an old tab) publishes nothing twice.
    assert publish(server, item, csrf_of(text))[0] == 303
    assert len(mastodon.posts) == 5
    # The single post is its own publication.
    assert publish(server, item, csrf_of(text), mode="single", origin=None)[0] == 303
    assert len(mastodon.posts) == 6 and mastodon.posts[-1]["public"]["in_reply_to_id"] is None


def test_a_deferred_part_is_shown_and_publish_again_resumes(site: tuple[Any, Any], mastodon: FakeNetwork) -> None:
    server, item = site
    mastodon.script = ["ok", "ok", "429"]
    mastodon.reset_in = 0.2
    token = csrf_of(page(server, f"/item/{item.name}"))
    assert publish(server, item, token)[0] == 303
    text = page(server, f"/item/{item.name}")
    assert "Mastodon thread: 2 of 5 parts published; the rest is deferred" in text
    assert 'data-part-state="deferred"' in text and "rate limited" in text
    assert re.search(r'id="publish-mastodon-thread">Resume the thread on Mastodon', text)
    import time

    time.sleep(0.3)
    assert publish(server, item, token)[0] == 303
    assert len(mastodon.posts) == 5
    assert "Mastodon thread: 5 of 5 parts published" in page(server, f"/item/{item.name}")


def test_a_hostile_answer_is_never_a_link_and_secrets_are_masked(tmp_path: Path, serve: Any,
                                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    class Hostile:
        network = "mastodon"

        def new_token(self) -> str:
            return "t"

        def publish(self, part: Any, *, root: Any, parent: Any) -> Posted:
            if part.count > 1:
                raise Rejected("the token very-secret-token was refused")
            return Posted("1", "javascript:alert(1)")

        def lookup(self, part: Any, *, root: Any, parent: Any) -> None:
            return None

        def limit(self) -> None:
            return None

    monkeypatch.setattr("composer.publish.clients.client_for", lambda network, settings: Hostile())
    outbox = tmp_path / "outbox"
    item = make_item(outbox)
    server = serve(make_settings(outbox, mastodon_url="https://social.example",
                                 mastodon_token=Secret("very-secret-token")))
    assert publish(server, item, csrf_of(page(server, f"/item/{item.name}")), mode="single")[0] == 303
    text = page(server, f"/item/{item.name}")
    assert 'data-part-state="published"' in text
    assert "javascript:" not in text
    assert publish(server, item, csrf_of(text), mode="thread")[0] == 303
    text = page(server, f"/item/{item.name}")
    assert 'data-part-state="failed"' in text and "the token *** was refused" in text
    assert re.search(r'id="publish-mastodon-thread">Retry the thread on Mastodon', text)
    assert "very-secret-token" not in text
