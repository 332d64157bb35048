"""The one distinction the publisher needs from HTTP: never sent (Transient) or maybe sent (OutcomeUnknown)."""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator

import pytest

from composer.publish.base import OutcomeUnknown, PublishError, Transient
from composer.publish.http import check_base_url, request


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def hangs_up() -> Iterator[int]:
    """A server that reads the request, then closes the connection without an answer."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen()
    stop = threading.Event()

    def run() -> None:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)

    threading.Thread(target=run, daemon=True).start()
    yield int(srv.getsockname()[1])
    stop.set()
    srv.close()


def test_a_refused_connection_never_sent_anything() -> None:
    with pytest.raises(Transient, match="cannot connect"):
        request("POST", f"http://127.0.0.1:{_closed_port()}/api/v1/statuses", headers={}, body=b"{}", timeout=2)


def test_a_connection_dropped_after_the_request_may_have_published(hangs_up: int) -> None:
    with pytest.raises(OutcomeUnknown, match="broke"):
        request("POST", f"http://127.0.0.1:{hangs_up}/2/tweets", headers={}, body=b"{}", timeout=2)


def test_base_urls_are_checked() -> None:
    assert check_base_url("https://mastodon.example/", "MASTODON_URL") == "https://mastodon.example"
    with pytest.raises(PublishError, match="MASTODON_URL='ftp://x' is not an http"):
        check_base_url("ftp://x", "MASTODON_URL")
