"""The X client: OAuth 1.0a signing against X's documented example, and API v2 against a local fake.

No X server can run here; :mod:`tests.publish.x_server` follows docs.x.com (POST /2/tweets,
GET /2/users/me, GET /2/users/:id/tweets, 429 with x-rate-limit-reset) and checks each
request's OAuth signature with its own implementation.
"""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest

from composer.config import Secret
from composer.outbox import Item
from composer.publish.base import Part, Posted, RateLimited
from composer.publish.runner import publish_now
from composer.publish.x import XClient, oauth1_header, oauth1_signature
from tests.publish import x_server
from tests.publish.conftest import x_settings
from tests.publish.netserver import FakeNetwork

# "Creating a signature" in X's OAuth 1.0a documentation: the request, the secrets and the result.
DOC_PARAMS = {
    "status": "Hello Ladies + Gentlemen, a signed OAuth request!",
    "include_entities": "true",
    "oauth_consumer_key": "xvz1evFS4wEEPTGEFPHBog",
    "oauth_nonce": "kYjzVBB8Y0ZFabxSWbWovY3uYSQ2pTgmZeNu2VS4cg",
    "oauth_signature_method": "HMAC-SHA1",
    "oauth_timestamp": "1318622958",
    "oauth_token": "370773112-GmHxMAgYyLbNEtIKZeRNFsMKPR9EyMZeS9weJAEb",
    "oauth_version": "1.0",
}
DOC_CONSUMER_SECRET = "kAcSOqF21Fu85e7zjz7ZN2U4ZRhfV3WpwPAoE3Z7kBw"
DOC_TOKEN_SECRET = "LswwdoUaIvS8ltyTt5jkRh4J50vUPVVHtR2YPi5kE"


def test_the_signature_of_xs_documented_example() -> None:
    # The example was computed for the API's old host name, which the signature covers.
    url = "https://api.twitter.com/1.1/statuses/update.json"
    assert oauth1_signature("POST", url, DOC_PARAMS, DOC_CONSUMER_SECRET, DOC_TOKEN_SECRET) == "hCtSmYh+iHYCEqBWrE7C7hYmtUk="


def test_the_header_carries_the_documented_signature() -> None:
    query = {"status": DOC_PARAMS["status"], "include_entities": "true"}
    header = oauth1_header("POST", "https://api.twitter.com/1.1/statuses/update.json", query,
                           consumer_key=DOC_PARAMS["oauth_consumer_key"], consumer_secret=DOC_CONSUMER_SECRET,
                           token=DOC_PARAMS["oauth_token"], token_secret=DOC_TOKEN_SECRET,
                           nonce=DOC_PARAMS["oauth_nonce"], timestamp=1318622958)
    assert 'oauth_signature="hCtSmYh%2BiHYCEqBWrE7C7hYmtUk%3D"' in header
    assert header.startswith("OAuth ") and DOC_CONSUMER_SECRET not in header and DOC_TOKEN_SECRET not in header


def _assert_thread(net: FakeNetwork, n: int = 5) -> None:
    texts = [p["text"] for p in net.posts]
    assert len(texts) == len(set(texts)) == n
    assert [t.split(":")[0] for t in texts] == [f"x part {i + 1}/{n}" for i in range(n)]
    assert net.posts[0]["reply_to"] is None
    for prev, post in itertools.pairwise(net.posts):
        assert post["reply_to"] == prev["id"]


@pytest.fixture
def settings(outbox_dir: Path, xapi: FakeNetwork, database_url: str) -> Any:
    return x_settings(outbox_dir, xapi, database_url=Secret(database_url))


def test_a_signed_thread(settings: Any, item: Item, xapi: FakeNetwork) -> None:
    result = publish_now(settings, item, "x", thread=True)
    assert result.state == "done"
    _assert_thread(xapi)
    assert [p.post_id for p in result.parts] == [p["id"] for p in xapi.posts]
    assert result.parts[0].url == f"https://x.com/i/web/status/{xapi.posts[0]['id']}"


def test_a_bearer_user_token_instead(outbox_dir: Path, item: Item, xapi: FakeNetwork) -> None:
    from composer.config import Settings

    settings = Settings(outbox_dir=outbox_dir, x_api_url=xapi.url, x_bearer_token=Secret(x_server.BEARER),
                        publish_timeout=2.0)
    assert publish_now(settings, item, "x", thread=False).state == "done"
    assert len(xapi.posts) == 1


def test_a_timeout_after_x_accepted_is_found_in_the_recent_posts(settings: Any, item: Item, xapi: FakeNetwork) -> None:
    xapi.script = ["ok", "ok", "accept_then_sleep"]
    xapi.sleep = 2.5
    result = publish_now(settings, item, "x", thread=True)
    assert result.state == "done" and result.looked_up == 1
    _assert_thread(xapi)  # the last part's link is shown as t.co by X, and still matched
    assert ("GET", "/2/users/me") in xapi.requests


def test_a_429_says_when_the_limit_resets_and_defers_until_then(settings: Any, item: Item, xapi: FakeNetwork) -> None:
    xapi.script = ["429"]
    xapi.reset_in = 0.5
    first = publish_now(settings, item, "x", thread=True)
    assert first.state == "active" and [p.state for p in first.parts][:2] == ["deferred", "queued"]
    assert "resets at" in (first.parts[0].reason or "")
    client = XClient(xapi.url, bearer_token=x_server.BEARER)
    xapi.script = ["429"]
    with pytest.raises(RateLimited) as caught:
        client.publish(Part(network="x", index=0, count=1, text="hi", token="t"), root=None, parent=None)
    assert caught.value.reset_at > time.time()
    time.sleep(max(0.0, (first.next_attempt or 0) - time.time()) + 0.1)
    from composer.publish.runner import worker_pass

    assert worker_pass(settings, lambda _t: None) == 0
    _assert_thread(xapi)


def test_a_5xx_on_part_3_of_5_then_resume(settings: Any, item: Item, xapi: FakeNetwork) -> None:
    xapi.script = ["ok", "ok", "500"]
    first = publish_now(settings, item, "x", thread=True)
    # a 5xx may come after X stored the post: it was looked up (not there), then deferred
    assert first.state == "active"
    assert [p.state for p in first.parts] == ["published", "published", "deferred", "queued", "queued"]
    assert first.parts[2].unsure  # looked up again before the next attempt
    second = publish_now(settings, item, "x", thread=True)
    assert second.state == "done"
    _assert_thread(xapi)


def test_lookup_matches_the_parent_too(xapi: FakeNetwork) -> None:
    client = XClient(xapi.url, bearer_token=x_server.BEARER, user_id=x_server.USER_ID)
    first = client.publish(Part(network="x", index=0, count=2, text="same words", token="a"), root=None, parent=None)
    part = Part(network="x", index=1, count=2, text="same words", token="b")
    assert client.lookup(part, root=first, parent=first) is None  # same text, but not a reply to the parent
    assert client.lookup(Part(network="x", index=0, count=2, text="same words", token="a"), root=None,
                         parent=None) == Posted(first.id, first.url)
    assert ("GET", "/2/users/me") not in xapi.requests  # X_USER_ID saves that request


def test_credentials_are_required(xapi: FakeNetwork) -> None:
    from composer.publish.base import PublishError

    with pytest.raises(PublishError, match="X_BEARER_TOKEN"):
        XClient(xapi.url, consumer_key="k")
    client = XClient(xapi.url, consumer_key=x_server.CONSUMER[0], consumer_secret="wrong",
                     access_token=x_server.ACCESS[0], access_token_secret=x_server.ACCESS[1])
    from composer.publish.base import Rejected

    with pytest.raises(Rejected, match="HTTP 401"):
        client.publish(Part(network="x", index=0, count=1, text="hi", token="t"), root=None, parent=None)


def test_x_refusing_a_duplicate_text_means_look_it_up(xapi: FakeNetwork) -> None:
    from composer.publish.base import OutcomeUnknown

    client = XClient(xapi.url, bearer_token=x_server.BEARER, user_id=x_server.USER_ID)
    part = Part(network="x", index=0, count=1, text="only once", token="a")
    first = client.publish(part, root=None, parent=None)
    with pytest.raises(OutcomeUnknown, match="duplicate"):
        client.publish(part, root=None, parent=None)
    assert client.lookup(part, root=None, parent=None) == first and len(xapi.posts) == 1
