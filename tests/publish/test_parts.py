"""Parts from a real composed item: texts as written, facets, the link card on the part with the link."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from composer.config import Settings
from composer.outbox import Item, Outbox
from composer.publish.parts import CARD_IMAGE_MAX, build_parts, card_for
from composer.publish.state import CardSpec
from tests.conftest import EXAMPLES

URL = "https://news.example.org/riverside-library"


@pytest.fixture(scope="module")
def composed(tmp_path_factory: pytest.TempPathFactory) -> Item:
    from composer.cli import main

    outbox = tmp_path_factory.mktemp("outbox")
    assert main(["--outbox", str(outbox), "compose", str(EXAMPLES / "riverside-library.txt"), "--url", URL]) == 0
    [item] = list(Outbox(outbox).items())
    return item


def test_a_bluesky_thread_gets_its_facets_and_the_card_on_the_linked_part(composed: Item) -> None:
    import json

    posts = json.loads(composed.read_text("posts.json"))["bluesky"]
    parts = build_parts(composed, "bluesky", thread=True)
    assert [p.text for p in parts] == posts["thread"]
    assert [list(p.facets) for p in parts] == posts["thread_facets"]
    linked = [i for i, f in enumerate(posts["thread_facets"]) if any(
        x["$type"].endswith("#link") for facet in f for x in facet["features"])]
    assert [p.card is not None for p in parts] == [i == linked[0] for i in range(len(parts))]
    card = parts[linked[0]].card
    assert card is not None and card.url.startswith(URL) and card.title.startswith("Riverside")
    assert {p.language for p in parts} == {"en"}


def test_a_single_post_and_the_other_networks(composed: Item) -> None:
    [single] = build_parts(composed, "bluesky", thread=False)
    assert single.card is not None and single.facets
    settings = Settings(mastodon_visibility="private", mastodon_language="de")
    mastodon = build_parts(composed, "mastodon", thread=True, settings=settings)
    assert all(p.card is None and not p.facets for p in mastodon)
    assert {p.extra["visibility"] for p in mastodon} == {"private"} and {p.language for p in mastodon} == {"de"}
    x = build_parts(composed, "x", thread=False)
    assert len(x) == 1 and x[0].card is None


def test_an_undetermined_language_is_not_sent(tmp_path: Path) -> None:
    import json

    posts = {"mastodon": {"post": "Abantu abaningi bahlangene edolobheni.", "thread": []}}
    item = Outbox(tmp_path).write_item(
        "2025-01-01-und", {"posts.json": json.dumps(posts).encode(), "article.json": b'{"language": "und"}'}, {})
    [part] = build_parts(item, "mastodon", thread=False)
    assert part.language is None


def test_an_item_without_the_post_is_refused(tmp_path: Path) -> None:
    from composer.errors import InputError

    item = Outbox(tmp_path).write_item("2025-01-01-empty", {"posts.json": b"{}"}, {})
    with pytest.raises(InputError, match="has no mastodon post"):
        build_parts(item, "mastodon", thread=False)


class _Images(BaseHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass

    def do_GET(self) -> None:  # noqa: N802
        size = CARD_IMAGE_MAX + 1 if self.path == "/big.jpg" else 2048
        kind = "text/html" if self.path == "/page" else "image/jpeg"
        self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(size))
        self.end_headers()
        self.wfile.write(b"\xff" * size)


@pytest.fixture
def images() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Images)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def test_the_card_image_is_fetched_within_the_size_cap_or_left_out(images: str) -> None:
    warnings: list[str] = []
    ok = card_for(CardSpec(URL, "t", image_url=f"{images}/photo.jpg"), with_image=True, warn=warnings.append)
    assert ok is not None and ok.image == b"\xff" * 2048 and ok.image_type == "image/jpeg"
    big = card_for(CardSpec(URL, "t", image_url=f"{images}/big.jpg"), with_image=True, warn=warnings.append)
    page = card_for(CardSpec(URL, "t", image_url=f"{images}/page"), with_image=True, warn=warnings.append)
    assert big is not None and big.image is None and page is not None and page.image is None
    assert len(warnings) == 2 and all("without its image" in w for w in warnings)
    assert "larger than" in warnings[0] and "not image" in warnings[1]
    skipped = card_for(CardSpec(URL, "t", image_url=f"{images}/photo.jpg"), with_image=False)
    assert skipped is not None and skipped.image is None
