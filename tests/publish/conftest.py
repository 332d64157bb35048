"""Fixtures for the publisher: an outbox item with posts for every network, settings, the fakes."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.config import Secret, Settings
from composer.outbox import Item, Outbox
from tests.publish import mastodon_server, x_server
from tests.publish.netserver import FakeNetwork

URL = "https://news.example.org/2025/03/library"


def thread_texts(network: str, n: int = 5) -> list[str]:
    return [f"{network} part {i + 1}/{n}: the riverside library reopens" + (f" {URL}" if i == n - 1 else "")
            for i in range(n)]


def make_item(outbox_dir: Path, *, name: str = "2025-03-12-library", parts: int = 5,
              image_url: str | None = None) -> Item:
    posts = {}
    for network in ("x", "bluesky", "mastodon", "threads"):
        entry: dict[str, object] = {"post": f"The riverside library reopens ({network}) {URL}",
                                    "thread": thread_texts(network, parts)}
        if network == "bluesky":
            start = len(f"The riverside library reopens ({network}) ".encode())
            link = {"index": {"byteStart": start, "byteEnd": start + len(URL.encode())},
                    "features": [{"$type": "app.bsky.richtext.facet#link", "uri": URL}]}
            entry["facets"] = [link]
            entry["thread_facets"] = [[] for _ in range(parts)]
        posts[network] = entry
    article = {"title": "The riverside library reopens", "standfirst": "After two years of work.", "url": URL,
               "language": "en", "image": {"url": image_url} if image_url else None}
    return Outbox(outbox_dir).write_item(
        name, {"posts.json": json.dumps(posts).encode(), "article.json": json.dumps(article).encode()},
        {"subject": "The riverside library reopens", "title": "The riverside library reopens", "language": "en"})


def make_settings(outbox_dir: Path, **changes: object) -> Settings:
    base = Settings(outbox_dir=outbox_dir, send_retry_delay=0.05, send_max_attempts=4, publish_timeout=1.0)
    return base.replace(**changes)


@pytest.fixture
def outbox_dir(tmp_path: Path) -> Path:
    return tmp_path / "outbox"


@pytest.fixture
def item(outbox_dir: Path) -> Item:
    return make_item(outbox_dir)


@pytest.fixture
def mastodon() -> Iterator[FakeNetwork]:
    net = mastodon_server.start()
    yield net
    net.stop()


@pytest.fixture
def xapi() -> Iterator[FakeNetwork]:
    net = x_server.start()
    yield net
    net.stop()


def mastodon_settings(outbox_dir: Path, net: FakeNetwork, **changes: object) -> Settings:
    return make_settings(outbox_dir, mastodon_url=net.url, mastodon_token=Secret(mastodon_server.TOKEN), **changes)


def x_settings(outbox_dir: Path, net: FakeNetwork, **changes: object) -> Settings:
    return make_settings(outbox_dir, x_api_url=net.url, x_consumer_key=Secret(x_server.CONSUMER[0]),
                         x_consumer_secret=Secret(x_server.CONSUMER[1]), x_access_token=Secret(x_server.ACCESS[0]),
                         x_access_token_secret=Secret(x_server.ACCESS[1]), **changes)
