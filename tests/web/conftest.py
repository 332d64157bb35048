"""The reader service for real: ``compose serve`` in a subprocess (uvicorn on 127.0.0.1, a free port)."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from composer.audience import AudienceStore, open_store
from composer.newsletter.merge import marker
from composer.outbox import Item, Outbox

SECRET = "web-test-unsubscribe-secret"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_issue(outbox: Path, name: str, title: str) -> Item:
    email = (f"<p>Hi {marker('name', 'reader')}</p><p>{title}</p>"
             f"<a href=\"{marker('unsubscribe_url')}\">Unsubscribe</a>")
    return Outbox(outbox).write_item(name, {
        "email.html": email.encode(),
        "email.txt": f"Hi {marker('name', 'reader')}\n{title}\n".encode(),
        "newsletter.html": f"<!doctype html><html><body><h1>{title}</h1><p>The public copy.</p></body></html>".encode(),
        "summary.json": json.dumps({"title": title, "tldr": f"What {title} is about."}).encode(),
    }, {"subject": title, "title": title, "language": "en"})


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: object, **kwargs: object) -> None:
        return None


@dataclass
class Server:
    url: str
    outbox: Path
    env: dict[str, str]
    process: subprocess.Popen[bytes] | None = None
    cookies: dict[str, str] = field(default_factory=dict)

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None,
                ) -> Response:
        req = urllib.request.Request(self.url + path, data=body, method=method, headers=headers or {})
        if body is not None and "Content-Type" not in (headers or {}):
            req.add_header("Content-Type", "application/x-www-form-urlencoded")
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            with opener.open(req, timeout=10) as resp:
                return Response(resp.status, {k.lower(): v for k, v in resp.headers.items()}, resp.read())
        except urllib.error.HTTPError as exc:
            return Response(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())

    def store(self) -> AudienceStore:
        """The audience the server uses (its DATABASE_URL, else the outbox's SQLite file)."""
        return open_store(self.outbox, self.env.get("DATABASE_URL", ""))


def start_server(tmp_path: Path, *args: str, **extra_env: str) -> Server:
    port = free_port()
    outbox = tmp_path / "outbox"
    outbox.mkdir(parents=True, exist_ok=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SMTP_", "SUBSCRIBE_", "SERVE_"))}
    env.update({"OUTBOX_DIR": str(outbox), "SITE_URL": f"http://127.0.0.1:{port}", "UNSUBSCRIBE_SECRET": SECRET,
                "MAIL_FROM": "News <news@example.org>", "DELIVERY": "outbox", "SUBSCRIBE_MIN_SECONDS": "0",
                **extra_env})
    server = Server(f"http://127.0.0.1:{port}", outbox, env)
    server.process = subprocess.Popen([sys.executable, "-m", "composer", "serve", "--host", "127.0.0.1", "--port",
                                       str(port), *args], env=env, cwd=tmp_path, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.PIPE)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"compose serve exited: {server.process.stderr.read().decode()}")  # type: ignore[union-attr]
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.1)
    else:
        raise AssertionError("compose serve did not start")
    return server


def stop_server(server: Server) -> None:
    if server.process is not None:
        server.process.terminate()
        try:
            server.process.wait(10)
        except subprocess.TimeoutExpired:
            server.process.kill()
            server.process.wait()


@pytest.fixture
def server(tmp_path: Path, audience_url: str) -> Iterator[Server]:
    """``compose serve`` on each engine (with PostgreSQL, ``audience_url`` is in the environment it inherits)."""
    srv = start_server(tmp_path)
    try:
        yield srv
    finally:
        stop_server(srv)
