"""Bluesky: one part becomes one ``app.bsky.feed.post`` record, under a record key we choose.

Why the record key is ours: ``com.atproto.repo.createRecord`` accepts an ``rkey``, and a second
create under a key that already exists fails instead of making a second post. So the part's token
*is* a fresh TID (:meth:`BlueskyClient.new_token`), recorded by the publisher before the first
attempt; whatever happens to an attempt, asking ``getRecord`` for that key says whether it was
published, and a repeat can at worst hit the existing record, which is then taken as the answer.

Why plain XRPC over the standard library, not the ``atproto`` SDK: composer makes five calls
(createSession, refreshSession, uploadBlob, createRecord, getRecord), all JSON over HTTP. The
SDK (0.0.73) brings pydantic models for the whole lexicon, httpx, a CBOR codec and DNS
resolution: 98 MB installed, and ``from atproto import Client`` took 0.69-1.07 s against
0.04-0.05 s for this module (``python -X importtime``, same machine, same run). And the outcome
rules below hinge on *where* a request failed (before it was fully sent, or after), which
``http.client`` shows directly, while the SDK turns a connect timeout and a read timeout
alike into ``InvokeTimeoutError`` (``atproto_client/request.py``).
The publisher imports this module only when a Bluesky part is to be published.

Outcomes, as :mod:`composer.publish.base` defines them:

* the connection could not be made, or the request was not fully sent, or a 5xx came back:
  :class:`~composer.publish.base.Transient` (nothing was published; and even a retry that did
  land twice would meet the existing record key);
* no answer after the request was sent (timeout, dropped connection) on ``createRecord``:
  :class:`~composer.publish.base.OutcomeUnknown` (the publisher calls :meth:`lookup`);
* 429: :class:`~composer.publish.base.RateLimited` at the ``ratelimit-reset`` time;
* any other 4xx: :class:`~composer.publish.base.Rejected` with the server's error name and
  message, with the credentials masked out in case a server echoes them.

The session (access and refresh JWTs) lives in memory only: an expired access token is
refreshed with the refresh token, and a refused refresh falls back to a new ``createSession``
with the app password. Tokens and the password never appear in a message or a ``repr``.
"""

from __future__ import annotations

import http.client
import json
import random
import re
import socket
import threading
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urlencode, urlsplit

from composer.publish.base import (
    Card,
    OutcomeUnknown,
    Part,
    Posted,
    RateLimited,
    Rejected,
    Transient,
)
from composer.publish.http import MAX_RESPONSE, check_base_url

__all__ = ["BlueskyClient", "new_tid", "TID_RE", "THUMB_MAX_BYTES", "POST_COLLECTION"]

POST_COLLECTION = "app.bsky.feed.post"
THUMB_MAX_BYTES = 1_000_000  # app.bsky.embed.external#external.thumb: maxSize in the lexicon
_B32 = "234567abcdefghijklmnopqrstuvwxyz"  # atproto's base32-sortable alphabet
TID_RE = re.compile(r"^[234567abcdefghij][234567abcdefghijklmnopqrstuvwxyz]{12}$")
_SESSION_ERRORS = {"ExpiredToken", "InvalidToken"}
_DETAIL_MAX = 300

_tid_lock = threading.Lock()
_tid_last = 0


def _b32(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        out.append(_B32[n & 31])
        n >>= 5
    return "".join(reversed(out))


def new_tid(clock_id: int | None = None) -> str:
    """A timestamp identifier: microseconds since 1970 (53 bits) and a 10-bit clock id, in 13
    base32-sortable characters, so keys sort by creation time like the ones the app makes.

    Strictly increasing within the process (a clock that stands still or steps back still gets
    a later TID), which keeps two parts created in the same microsecond apart.
    """
    global _tid_last
    with _tid_lock:
        now = time.time_ns() // 1000
        _tid_last = now if now > _tid_last else _tid_last + 1
        micros = _tid_last
    cid = random.getrandbits(10) if clock_id is None else clock_id & 0x3FF
    return _b32(micros & ((1 << 53) - 1), 11) + _b32(cid, 2)


class _XrpcError(Exception):
    """A 4xx answer that is not a rate limit; the caller decides what it means."""

    def __init__(self, status: int, error: str, message: str) -> None:
        super().__init__(f"{status} {error}")
        self.status, self.error, self.message = status, error, message


class BlueskyClient:
    """A Bluesky account on ``service`` (e.g. ``https://bsky.social``), signed in with an app password.

    Implements :class:`composer.publish.base.Client`. Not thread-safe: one publisher drives it.
    """

    network = "bluesky"

    def __init__(self, service: str, handle: str, app_password: str, *, timeout: float = 20.0) -> None:
        parts = urlsplit(check_base_url(service.strip(), "BLUESKY_SERVICE"))  # plain http to loopback only
        self._service = f"{parts.scheme}://{parts.netloc}"
        self._pds = self._service
        self.handle = handle.strip().lstrip("@")
        self._password = app_password
        self.timeout = timeout
        self._clock_id = random.getrandbits(10)
        self._access: str | None = None
        self._refresh: str | None = None
        self._did: str | None = None

    def __repr__(self) -> str:
        return f"BlueskyClient(service={self._service!r}, handle={self.handle!r})"

    # --- the Client contract -----------------------------------------------------------------

    def new_token(self) -> str:
        """A fresh TID: the part's record key, so a repeated create is refused, not doubled."""
        return new_tid(self._clock_id)

    def limit(self) -> int | None:
        """None: Bluesky's 300 graphemes are fixed by the lexicon, not per account."""
        return None

    def publish(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted:
        """Create the post record under ``part.token``; an existing record there is the answer."""
        if not TID_RE.match(part.token):
            raise Rejected(f"bluesky: the part's token {part.token!r} is not a record key (TID)")
        self._ensure_session()
        record: dict[str, Any] = {
            "$type": POST_COLLECTION,
            "text": part.text,
            "createdAt": datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        }
        if part.language:
            record["langs"] = [part.language]
        if part.facets:
            record["facets"] = [dict(f) for f in part.facets]
        if parent is not None:
            top = root or parent
            record["reply"] = {"root": self._ref(top), "parent": self._ref(parent)}
        if part.card is not None:
            record["embed"] = self._external(part.card)
        body = {"repo": self._did, "collection": POST_COLLECTION, "rkey": part.token, "record": record}
        try:
            out = self._authed("POST", "com.atproto.repo.createRecord", body=body, mutating=True)
        except (_XrpcError, Transient) as exc:
            # Perhaps the key is taken: an earlier attempt got through, and that record is the
            # post. The reference PDS says so only as a 500 (its unique index), others as a 400,
            # so any refusal is checked against the record before it is believed.
            try:
                existing = self._get(part.token)
            except (Transient, Rejected):
                existing = None
            if existing is not None:
                return existing
            raise (self._rejected(exc) if isinstance(exc, _XrpcError) else exc) from None
        return self._posted(str(out.get("uri", "")), str(out.get("cid", "")), part.token)

    def lookup(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted | None:
        """The record under ``part.token`` if it exists (an attempt whose answer was lost), else None."""
        self._ensure_session()
        return self._get(part.token)

    # --- records -----------------------------------------------------------------------------

    def _get(self, rkey: str) -> Posted | None:
        params = {"repo": self._did or "", "collection": POST_COLLECTION, "rkey": rkey}
        try:
            out = self._authed("GET", "com.atproto.repo.getRecord", params=params)
        except _XrpcError as exc:
            if exc.error == "RecordNotFound" or exc.status == 404:
                return None
            raise self._rejected(exc) from None
        return self._posted(str(out.get("uri", "")), str(out.get("cid", "")), rkey)

    def _posted(self, uri: str, cid: str, rkey: str) -> Posted:
        return Posted(id=uri, url=f"https://bsky.app/profile/{self.handle}/post/{rkey}", cid=cid)

    def _ref(self, posted: Posted) -> dict[str, str]:
        """A strong reference (uri + cid) to a published post, as ``reply.root``/``parent`` need."""
        cid = posted.cid
        if not cid:  # a record we only know by URI: ask for its CID (the URI alone is refused)
            m = re.match(r"^at://([^/]+)/([^/]+)/([^/]+)$", posted.id)
            if not m:
                raise Rejected(f"bluesky: cannot reply to {posted.id!r}: not an at:// record URI")
            try:
                out = self._authed("GET", "com.atproto.repo.getRecord",
                                   params={"repo": m.group(1), "collection": m.group(2), "rkey": m.group(3)})
            except _XrpcError as exc:  # the post replied to is gone: this part cannot follow it
                raise self._rejected(exc) from None
            cid = str(out.get("cid", ""))
        return {"uri": posted.id, "cid": cid}

    def _external(self, card: Card) -> dict[str, Any]:
        """The link card; its image is uploaded as a blob when it fits, and left out when not."""
        external: dict[str, Any] = {"uri": card.url, "title": card.title, "description": card.description or ""}
        if card.image and len(card.image) <= THUMB_MAX_BYTES:
            blob = self._upload(card.image, card.image_type or "application/octet-stream")
            if blob is not None:
                external["thumb"] = blob
        return {"$type": "app.bsky.embed.external", "external": external}

    def _upload(self, data: bytes, mime: str) -> dict[str, Any] | None:
        """Upload a thumbnail; None when the server refuses it or does not see an image in it.

        A card without its picture is better than no post, and an unreferenced blob is harmless
        (the server drops it), so uploading twice on a retry costs nothing.
        """
        try:
            out = self._authed("POST", "com.atproto.repo.uploadBlob", raw=data, content_type=mime)
        except _XrpcError:
            return None
        blob = out.get("blob")
        if not isinstance(blob, dict) or not str(blob.get("mimeType", "")).startswith("image/"):
            return None
        return blob

    # --- session -----------------------------------------------------------------------------

    def _ensure_session(self) -> None:
        if self._access is None:
            self._login()

    def _login(self) -> None:
        self._access = self._refresh = None
        try:
            out = self._call("POST", "com.atproto.server.createSession",
                             body={"identifier": self.handle, "password": self._password})
        except _XrpcError as exc:
            if exc.status in (400, 401) and exc.error in ("AuthenticationRequired", "AuthFactorTokenRequired",
                                                          "InvalidRequest", ""):
                raise Rejected(f"bluesky: the handle {self.handle!r} and its app password were refused "
                               f"({self._safe(exc.error or str(exc.status))}: {self._safe(exc.message)})") from None
            raise self._rejected(exc) from None
        self._take_session(out)

    def _take_session(self, out: dict[str, Any]) -> None:
        access, refresh, did = out.get("accessJwt"), out.get("refreshJwt"), out.get("did")
        if not (isinstance(access, str) and isinstance(refresh, str) and isinstance(did, str)):
            raise Transient("bluesky: the server's session answer lacks its tokens")
        self._access, self._refresh, self._did = access, refresh, did
        if isinstance(out.get("handle"), str) and out["handle"]:
            self.handle = out["handle"]
        self._pds = self._pds_from(out.get("didDoc")) or self._pds

    def _pds_from(self, doc: object) -> str | None:
        """The account's own PDS from its DID document (where bsky.social's accounts really live).

        Followed only over https, or over http when the configured service is http itself (a
        local server): a session answer must not move us from TLS to plain text.
        """
        if not isinstance(doc, dict):
            return None
        for service in doc.get("service") or []:
            if not isinstance(service, dict) or not str(service.get("id", "")).endswith("#atproto_pds"):
                continue
            parts = urlsplit(str(service.get("serviceEndpoint", "")))
            secure_enough = parts.scheme == "https" or (parts.scheme == "http" and self._service.startswith("http://"))
            if parts.hostname and secure_enough:
                return f"{parts.scheme}://{parts.netloc}"
        return None

    def _refresh_session(self) -> bool:
        """Trade the refresh token for a new pair; False when the server will not (then log in)."""
        if not self._refresh:
            return False
        try:
            out = self._call("POST", "com.atproto.server.refreshSession", bearer=self._refresh)
        except _XrpcError:
            return False
        self._take_session(out)
        return True

    def _authed(self, method: str, nsid: str, **kw: Any) -> dict[str, Any]:
        """One call with the access token; on an expired or refused token, refresh (or log in) once.

        Repeating a refused call is safe even for createRecord: the server checks the token
        before it writes anything.
        """
        try:
            return self._call(method, nsid, bearer=self._access, **kw)
        except _XrpcError as exc:
            if not (exc.error in _SESSION_ERRORS or exc.status == 401):
                raise
        if not self._refresh_session():
            self._login()
        return self._call(method, nsid, bearer=self._access, **kw)

    # --- transport ---------------------------------------------------------------------------

    def _call(self, method: str, nsid: str, *, params: dict[str, str] | None = None, body: object = None,
              raw: bytes | None = None, content_type: str = "application/json", bearer: str | None = None,
              mutating: bool = False) -> dict[str, Any]:
        """One XRPC request; maps what happened to it onto the publisher's outcomes.

        The line between :class:`Transient` and :class:`OutcomeUnknown` is whether the request
        was fully sent: a server cannot act on a request it has not read.
        """
        base = self._service if nsid.startswith("com.atproto.server.") else self._pds
        parts = urlsplit(base)
        path = f"/xrpc/{quote(nsid)}" + (f"?{urlencode(params)}" if params else "")
        headers = {"User-Agent": "composer (+https://github.com/composer)", "Accept": "application/json"}
        data: bytes | None = None
        if raw is not None:
            data = raw
        elif body is not None:
            data = json.dumps(body, ensure_ascii=False).encode("utf-8")
        if data is not None:
            headers["Content-Type"] = content_type
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        conn_cls = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
        conn = conn_cls(parts.hostname or "", parts.port, timeout=self.timeout)
        try:
            try:
                conn.request(method, path, body=data, headers=headers)
            except (OSError, http.client.HTTPException) as exc:
                raise Transient(f"bluesky: {nsid} could not be sent to {parts.netloc}: {_why(exc)}") from None
            try:
                resp = conn.getresponse()
                payload = resp.read(MAX_RESPONSE + 1)
                if len(payload) > MAX_RESPONSE:
                    # An XRPC answer is a few hundred bytes; an endless one is a broken or hostile
                    # server, and is read no further. Its meaning is lost, so it counts as no answer.
                    raise _Oversized(f"answer longer than {MAX_RESPONSE:,} bytes")
            except (OSError, http.client.HTTPException) as exc:
                if mutating:
                    raise OutcomeUnknown(f"bluesky: no answer to {nsid} after it was sent ({_why(exc)}); "
                                         "it may have been published") from None
                raise Transient(f"bluesky: no answer to {nsid} ({_why(exc)})") from None
        finally:
            conn.close()
        status = resp.status
        try:
            doc = json.loads(payload) if payload else {}
        except ValueError:
            doc = {}
        if not isinstance(doc, dict):
            doc = {}
        if status == 429:
            raise RateLimited(f"bluesky: rate limited on {nsid}", _reset_at(resp))
        if status >= 500:
            raise Transient(f"bluesky: {nsid} failed on the server ({status} "
                            f"{self._safe(str(doc.get('error', '')))}".rstrip() + ")")
        if status >= 400:
            raise _XrpcError(status, str(doc.get("error", "")), str(doc.get("message", "")))
        if status >= 300:
            raise Rejected(f"bluesky: {nsid} answered {status} (a redirect); check BLUESKY_SERVICE")
        return doc

    def _rejected(self, exc: _XrpcError) -> Rejected:
        name = self._safe(exc.error) or str(exc.status)
        message = self._safe(exc.message)
        return Rejected(f"bluesky: refused ({exc.status} {name})" + (f": {message}" if message else ""))

    def _safe(self, text: str) -> str:
        """Server text, shortened, with our credentials masked should the server echo them."""
        for secret in (self._password, self._access, self._refresh):
            if secret:
                text = text.replace(secret, "***")
        text = " ".join(text.split())
        return text if len(text) <= _DETAIL_MAX else text[: _DETAIL_MAX - 1] + "…"


class _Oversized(http.client.HTTPException):
    """An answer cut off at ``MAX_RESPONSE`` bytes."""


def _why(exc: BaseException) -> str:
    if isinstance(exc, _Oversized):
        return str(exc)
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, socket.gaierror):
        return "host not found"
    return type(exc).__name__


def _reset_at(resp: http.client.HTTPResponse) -> float:
    """When a 429 says to come back: ``ratelimit-reset`` (Unix seconds), else ``retry-after``, else a minute."""
    now = time.time()
    reset = resp.getheader("ratelimit-reset")
    if reset:
        try:
            return max(float(reset), now)
        except ValueError:
            pass
    after = resp.getheader("retry-after")
    if after:
        try:
            return now + max(float(after), 0.0)
        except ValueError:
            pass
    return now + 60.0
