"""Helpers for the preview tests: items made by the real pipeline, and raw HTTP requests.

Items are composed with ``compose_to_outbox`` from a small article written for these tests
(not from the corpus); the hostile item is hand-made because no pipeline would produce it.
The module has its own name (not ``conftest``) so that test modules can import it without
clashing with ``tests/conftest.py``.
"""

from __future__ import annotations

import dataclasses
import http.client
import json
import re
from pathlib import Path
from typing import Any

from composer.config import Settings
from composer.outbox import Item, Outbox

ARTICLE_MD = """\
# Harbour cranes get a second life

The old harbour cranes will be turned into a public viewing platform, the city council decided on Tuesday.

"We wanted to keep a piece of the port's history," said the mayor. The works start in May and should \
be finished by the end of next year.

Residents can vote on the design until April, online or at the town hall. The council expects the \
platform to draw visitors to the waterfront all year round.
"""

HOSTILE = '<script>alert("pwned")</script><img src=x onerror=alert(2)>'


def write_article(folder: Path, name: str = "cranes.md", text: str = ARTICLE_MD) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def make_settings(outbox: Path, **changes: Any) -> Settings:
    base = Settings(outbox_dir=outbox, test_address="reviewer@example.org", mail_from="News <news@example.org>")
    return dataclasses.replace(base, **changes)


def compose_item(source: Path, settings: Settings, *, subject: str | None = None) -> Item:
    """Compose ``source`` into the outbox as `compose SOURCE` would."""
    from composer.ingest import load_article
    from composer.pipeline import compose_to_outbox

    item, _ = compose_to_outbox([load_article(str(source))], settings, subject=subject)
    return item


def hostile_item(outbox: Path) -> Item:
    """An item whose every file carries markup and script that must never run in the app."""
    eml = (
        b"From: News <news@example.org>\r\nSubject: =?utf-8?q?=3Cscript=3Ealert(3)=3C/script=3E?=\r\n"
        b"Message-ID: <x@example.org>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nhi\r\n"
    )
    files = {
        "newsletter.html": f"<html><head><title>t</title></head><body><p>{HOSTILE}</p><a href=\"http://insecure.example/\">x</a></body></html>".encode(),
        "newsletter.txt": f"</pre>{HOSTILE}".encode(),
        "newsletter.eml": eml,
        "posts.json": json.dumps({"x": {"post": HOSTILE, "thread": [HOSTILE, "second"]},
                                  "bluesky": {"post": HOSTILE, "facets": []}}).encode(),
        "embed.html": f"<div>{HOSTILE}</div>".encode(),
        "oembed.json": json.dumps({"title": HOSTILE, "html": HOSTILE}).encode(),
        "meta.html": f'<meta property="og:title" content="&quot;&gt;{HOSTILE}">'.encode(),
    }
    meta = {"kind": "single", "title": HOSTILE, "subject": HOSTILE, "sources": [HOSTILE],
            "archive_url": "javascript:alert(4)", "warnings": [HOSTILE], "schedule": HOSTILE}
    return Outbox(outbox).write_item("2025-01-01-hostile", files, meta)


def request(server: Any, method: str, path: str, body: bytes | None = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    """A raw HTTP request: http.client sends the path exactly as given (no '..' clean-up)."""
    host, port = server.server_address[:2]
    conn = http.client.HTTPConnection(host, port, timeout=10)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        resp = conn.getresponse()
        return resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    finally:
        conn.close()


def page(server: Any, path: str, **kw: Any) -> str:
    """A GET that must answer 200; its body as text."""
    status, _headers, body = request(server, "GET", path, **kw)
    assert status == 200, (path, status, body[:300])
    return body.decode("utf-8")


def csrf_of(text: str) -> str:
    """The per-process CSRF token a preview form carries."""
    m = re.search(r'name="csrf" value="([^"]+)"', text)
    assert m
    return m.group(1)
