"""One HTTP request with the distinction the publisher needs: did it possibly reach the network?

``urllib`` folds every failure into one ``URLError``; for publishing the moment matters. A
failure while connecting (refused, DNS, TLS handshake, connect timeout) means nothing was sent:
:class:`Transient`. A failure once the request was written (read timeout, reset, a cut
response) means the server may have acted on it: :class:`OutcomeUnknown`. ``http.client``
lets us tell the two apart, so it is used directly (no HTTP dependency).
"""

from __future__ import annotations

import http.client
import json
import ssl
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from composer.checks import is_loopback
from composer.publish.base import OutcomeUnknown, PublishError, Transient

USER_AGENT = "composer/0.1 (+publisher)"
MAX_RESPONSE = 2_000_000


@dataclass(frozen=True)
class Response:
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body or b"null")
        except ValueError:
            return None


def check_base_url(url: str, setting: str) -> str:
    """``url`` without its trailing slash; plain http only to a loopback host (a token must not travel in clear)."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise PublishError(f"{setting}={url!r} is not an http(s) URL")
    if parts.scheme == "http" and not is_loopback(parts.hostname):
        raise PublishError(f"{setting}={url!r}: use https (plain http is only allowed to a loopback host)")
    return url.rstrip("/")


def request(method: str, url: str, *, headers: dict[str, str], body: bytes | None = None,
            timeout: float = 20.0) -> Response:
    """Send one request; raises :class:`Transient` before sending, :class:`OutcomeUnknown` after."""
    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    if parts.scheme == "https":
        conn: http.client.HTTPConnection = http.client.HTTPSConnection(
            parts.hostname or "", port, timeout=timeout, context=ssl.create_default_context())
    else:
        conn = http.client.HTTPConnection(parts.hostname or "", port, timeout=timeout)
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    host = parts.hostname or ""
    try:
        try:
            conn.connect()
        except (OSError, ssl.SSLError) as exc:
            raise Transient(f"cannot connect to {host}: {exc.__class__.__name__}: {exc}") from exc
        all_headers = {"User-Agent": USER_AGENT, "Accept": "application/json", **headers}
        if body is not None:
            all_headers["Content-Length"] = str(len(body))
        try:
            conn.request(method, target, body=body, headers=all_headers)
            resp = conn.getresponse()
            data = resp.read(MAX_RESPONSE + 1)
        except TimeoutError as exc:
            raise OutcomeUnknown(f"no answer from {host} within {timeout:g} s") from exc
        except (OSError, http.client.HTTPException) as exc:
            raise OutcomeUnknown(f"the connection to {host} broke ({exc.__class__.__name__})") from exc
        return Response(resp.status, {k.lower(): v for k, v in resp.getheaders()}, data[:MAX_RESPONSE])
    finally:
        conn.close()


def error_detail(resp: Response) -> str:
    """A short, safe description of an error answer (the network's own message when it gives one)."""
    data = resp.json()
    text = ""
    if isinstance(data, dict):
        for key in ("error_description", "error", "detail", "title", "message"):
            value = data.get(key)
            if isinstance(value, str) and value:
                text = value
                break
        if not text and isinstance(data.get("errors"), list) and data["errors"]:
            first = data["errors"][0]
            text = str(first.get("message") or first.get("detail") or "") if isinstance(first, dict) else ""
    if not text:
        text = resp.body[:200].decode("utf-8", "replace").strip()
    return f"HTTP {resp.status}" + (f": {text[:300]}" if text else "")
