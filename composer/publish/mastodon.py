"""Mastodon: ``POST /api/v1/statuses`` with an ``Idempotency-Key`` per part.

The part's token is the ``Idempotency-Key``. Mastodon remembers a key (with the status it
created) for about an hour and answers a repeated request with the same key by returning that
status instead of creating a second one — the documented way to repeat a request whose answer
was lost. Because the hour may have passed (a worker that died and was restarted the next
day), :meth:`MastodonClient.lookup` first reads the account's recent statuses and looks for
one with the part's text and parent; only when none is there does it repeat the request with
the same key (which returns the status if the instance still has the key, or posts the part).

Threads are ``in_reply_to_id`` chains. The instance's own character limit is read once from
``GET /api/v2/instance`` (``configuration.statuses.max_characters``) when it answers; a part
longer than that is refused before anything is sent. A 429 carries ``X-RateLimit-Reset`` (an
ISO 8601 time): the part is deferred until then.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
import time
import uuid

from composer.publish.base import OutcomeUnknown, Part, Posted, PublishFailure, RateLimited, Rejected, Transient
from composer.publish.http import Response, check_base_url, error_detail, request

VISIBILITIES = ("public", "unlisted", "private")


def _reset_time(value: str | None, now: float) -> float:
    if value:
        try:
            return dt.datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            pass
    return now + 300.0  # no usable reset time: Mastodon's windows are 5 minutes


class MastodonClient:
    """One Mastodon account (an access token with the ``write:statuses`` scope)."""

    network = "mastodon"

    def __init__(self, url: str, token: str, *, visibility: str = "public", timeout: float = 20.0) -> None:
        self.base = check_base_url(url, "MASTODON_URL")
        self._token = token
        self.visibility = visibility
        self.timeout = timeout
        self._limit: int | None = None
        self._limit_read = False

    def new_token(self) -> str:
        return uuid.uuid4().hex

    def _headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self._token}"}

    def limit(self) -> int | None:
        """``configuration.statuses.max_characters`` of the instance, or None when it does not say."""
        if not self._limit_read:
            self._limit_read = True
            try:
                resp = request("GET", f"{self.base}/api/v2/instance", headers={}, timeout=self.timeout)
            except PublishFailure:
                return None
            data = resp.json() if resp.status == 200 else None
            try:
                value = data["configuration"]["statuses"]["max_characters"]  # type: ignore[index]
            except (TypeError, KeyError):
                value = None
            self._limit = value if isinstance(value, int) and value > 0 else None
        return self._limit

    def _check_length(self, part: Part) -> None:
        from composer.social.networks import count

        limit = self.limit()
        if limit is None:
            return
        length = count(part.text, "mastodon", mastodon_limit=limit).length
        if length > limit:
            raise Rejected(f"part {part.index + 1} is {length:g} characters; this instance allows {limit} "
                           "(set MASTODON_LIMIT to it and recompose)")

    def _post(self, part: Part, parent: Posted | None) -> Response:
        body: dict[str, object] = {"status": part.text,
                                   "visibility": part.extra.get("visibility") or self.visibility}
        if part.language:
            body["language"] = part.language
        if parent is not None:
            body["in_reply_to_id"] = parent.id
        headers = {**self._headers(), "Content-Type": "application/json", "Idempotency-Key": part.token}
        return request("POST", f"{self.base}/api/v1/statuses", headers=headers,
                       body=json.dumps(body, ensure_ascii=False).encode(), timeout=self.timeout)

    def _answer(self, resp: Response) -> Posted:
        if resp.status in (200, 201):
            data = resp.json()
            if isinstance(data, dict) and data.get("id"):
                return Posted(str(data["id"]), str(data.get("url") or data.get("uri") or ""))
            raise OutcomeUnknown(f"HTTP {resp.status} without a status in the answer")
        detail = error_detail(resp)
        if resp.status == 429:
            reset = _reset_time(resp.headers.get("x-ratelimit-reset"), time.time())
            raise RateLimited(detail, reset)
        if resp.status >= 500:
            # A 5xx may come after the status was stored: repeated with the same key, never blindly.
            raise OutcomeUnknown(detail)
        if resp.status in (408, 425):
            raise Transient(detail)
        raise Rejected(detail)

    def publish(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted:
        self._check_length(part)
        return self._answer(self._post(part, parent))

    def lookup(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted | None:
        """The account's recent status with this text and parent; else the same request with the same
        ``Idempotency-Key`` (Mastodon returns the status it made for that key, or makes it now if the
        first request never arrived). Either way one status."""
        found = self._find_recent(part, parent)
        if found is not None:
            return found
        return self._answer(self._post(part, parent))

    def _find_recent(self, part: Part, parent: Posted | None) -> Posted | None:
        me = request("GET", f"{self.base}/api/v1/accounts/verify_credentials", headers=self._headers(),
                     timeout=self.timeout)
        if me.status != 200:
            self._answer(me)  # raises: 401 is Rejected, 429 RateLimited, 5xx OutcomeUnknown
        account = me.json()
        if not isinstance(account, dict) or not account.get("id"):
            return None
        resp = request("GET", f"{self.base}/api/v1/accounts/{account['id']}/statuses?limit=40&exclude_reblogs=true",
                       headers=self._headers(), timeout=self.timeout)
        if resp.status != 200:
            self._answer(resp)
        statuses = resp.json()
        want_parent = parent.id if parent is not None else None
        for status in statuses if isinstance(statuses, list) else []:
            if not isinstance(status, dict) or status.get("in_reply_to_id") != want_parent:
                continue
            if same_text(html_text(str(status.get("content") or "")), part.text):
                return Posted(str(status["id"]), str(status.get("url") or status.get("uri") or ""))
        return None


_LINK = re.compile(r"https?://\S+")


def html_text(content: str) -> str:
    """The plain text of a status's HTML ``content`` (paragraphs and line breaks kept)."""
    text = re.sub(r"<br\s*/?>", "\n", content, flags=re.I)
    text = re.sub(r"</p>\s*<p[^>]*>", "\n\n", text, flags=re.I)
    return html.unescape(re.sub(r"<[^>]+>", "", text))


def same_text(shown: str, sent: str) -> bool:
    """Whether a status shows the text that was sent (links compared as links: instances shorten them)."""
    def norm(text: str) -> str:
        return " ".join(_LINK.sub("<link>", text).split())

    return norm(shown) == norm(sent)
