"""A small threaded HTTP server for the network fakes, with a script of misbehaviours.

No reference server for Mastodon or X can run locally, so the tests run fakes written from the
networks' API documentation (:mod:`tests.publish.mastodon_server`, :mod:`tests.publish.x_server`)
on 127.0.0.1. Each POST that creates a post takes the next action from ``script`` (default
``ok``): ``ok``; ``500`` (refused before anything is stored); ``429`` (rate limited until
``reset_in`` seconds from now); ``accept_then_sleep`` (the post is stored, then the answer is
held past the client's timeout); ``accept_then_hold`` (stored, then the answer waits until the
test sets ``release``: used to kill a worker mid-request).
"""

from __future__ import annotations

import contextlib
import json
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeNetwork:
    """Shared state of a fake: the posts it stored, the script, counters; the handler is per network."""

    def __init__(self, handler: type[BaseHTTPRequestHandler]) -> None:
        self.lock = threading.Lock()
        self.posts: list[dict[str, Any]] = []
        self.script: list[str] = []
        self.requests: list[tuple[str, str]] = []  # (method, path) of every request, in order
        self.sleep = 3.0
        self.reset_in = 1.0
        self.release = threading.Event()
        self.accepted = threading.Event()  # set when a held post was stored
        handler_cls = type("Handler", (handler,), {"net": self})
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), handler_cls)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def start(self) -> FakeNetwork:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()

    def next_action(self) -> str:
        with self.lock:
            return self.script.pop(0) if self.script else "ok"



def json_reply(h: BaseHTTPRequestHandler, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
    """Answer ``h``'s request with ``data`` as JSON (and any extra headers)."""
    body = json.dumps(data).encode()
    h.send_response(status)
    h.send_header("Content-Type", "application/json")
    h.send_header("Content-Length", str(len(body)))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)


class JSONHandler(BaseHTTPRequestHandler):
    net: FakeNetwork
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - the base class's name
        pass

    def body_json(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw or b"null")

    def reply(self, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        json_reply(self, status, data, headers)

    def deliver(self, action: str, status: int, data: Any, headers: dict[str, str] | None = None) -> None:
        """Answer a stored post as the script says (the post is already stored)."""
        if action == "accept_then_sleep":
            self.net.release.wait(self.net.sleep)
        elif action == "accept_then_hold":
            self.net.accepted.set()
            self.net.release.wait(60)
        with contextlib.suppress(OSError):  # the client gave up (timeout) or died
            self.reply(status, data, headers)


def serve(handler: type[BaseHTTPRequestHandler]) -> FakeNetwork:
    return FakeNetwork(handler).start()


Checker = Callable[[list[dict[str, Any]]], None]
