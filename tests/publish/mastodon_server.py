"""A fake Mastodon instance written from the API documentation (docs.joinmastodon.org).

No Mastodon server can run here, so this follows the documented behaviour the publisher
relies on:

* ``GET /api/v2/instance`` → ``configuration.statuses.max_characters``;
* ``POST /api/v1/statuses`` (JSON: ``status``, ``in_reply_to_id``, ``visibility``,
  ``language``) with ``Authorization: Bearer`` → 200 and the Status (``id``, ``url``, …);
  an ``Idempotency-Key`` already seen returns the status made for it instead of a new one;
  an unknown ``in_reply_to_id`` is 404; a text over the limit is 422;
* a rate limit is 429 with ``X-RateLimit-Reset`` as an ISO 8601 time;
* ``GET /api/v1/accounts/verify_credentials`` and ``GET /api/v1/accounts/:id/statuses`` (newest
  first, ``content`` as HTML the way Mastodon renders it); ``keys_expired = True`` makes the
  instance forget its idempotency keys, as it does after about an hour.
"""

from __future__ import annotations

import datetime as dt
import html
import re

from tests.publish.netserver import FakeNetwork, JSONHandler, serve

TOKEN = "mastodon-test-token-7f3a"
ACCOUNT_ID = "109876543210"


def render(text: str) -> str:
    """A status's ``content`` as Mastodon renders it: paragraphs, ``<br>``, escaped text, links in spans."""
    def link(m: re.Match[str]) -> str:
        url = m.group(0)
        scheme, _, rest = url.partition("://")
        return (f'<a href="{url}" rel="nofollow noopener" target="_blank"><span class="invisible">{scheme}://</span>'
                f'<span class="ellipsis">{rest[:30]}</span><span class="invisible">{rest[30:]}</span></a>')

    paragraphs = []
    for para in text.split("\n\n"):
        escaped = html.escape(para, quote=False)
        paragraphs.append("<p>" + re.sub(r"https?://[^\s<]+", link, escaped).replace("\n", "<br />") + "</p>")
    return "".join(paragraphs)


class MastodonHandler(JSONHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        net = self.net
        net.requests.append(("GET", self.path))
        if self.path == "/api/v2/instance":
            self.reply(200, {"domain": "127.0.0.1", "configuration": {"statuses": {
                "max_characters": getattr(net, "max_characters", 500)}}})
            return
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.reply(401, {"error": "The access token is invalid"})
            return
        path, _, query = self.path.partition("?")
        if path == "/api/v1/accounts/verify_credentials":
            self.reply(200, {"id": ACCOUNT_ID, "username": "composer", "acct": "composer"})
            return
        if path == f"/api/v1/accounts/{ACCOUNT_ID}/statuses":
            limit = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("limit", "20"))
            with net.lock:
                self.reply(200, [p["public"] for p in reversed(net.posts)][:limit])
            return
        self.reply(404, {"error": "Record not found"})

    def do_POST(self) -> None:  # noqa: N802
        net = self.net
        net.requests.append(("POST", self.path))
        body = self.body_json()
        if self.path != "/api/v1/statuses":
            self.reply(404, {"error": "Record not found"})
            return
        if self.headers.get("Authorization") != f"Bearer {TOKEN}":
            self.reply(401, {"error": "The access token is invalid"})
            return
        key = self.headers.get("Idempotency-Key")
        with net.lock:
            for post in net.posts:
                if key and post["key"] == key and not getattr(net, "keys_expired", False):
                    status = post
                    break
            else:
                status = None
        if status is not None:
            self.reply(200, status["public"])
            return
        action = net.next_action()
        if action == "500":
            self.reply(500, {"error": "internal server error"})
            return
        if action == "429":
            reset = dt.datetime.now(dt.UTC) + dt.timedelta(seconds=net.reset_in)
            self.reply(429, {"error": "Too many requests"}, {"X-RateLimit-Reset": reset.isoformat()})
            return
        text = str(body.get("status") or "")
        if len(text) > getattr(net, "max_characters", 500):
            self.reply(422, {"error": "Validation failed: Text character limit of 500 exceeded"})
            return
        parent = body.get("in_reply_to_id")
        with net.lock:
            if parent is not None and not any(p["public"]["id"] == parent for p in net.posts):
                self.reply(404, {"error": "Record not found"})
                return
            sid = str(100000 + len(net.posts) + 1)
            public = {"id": sid, "url": f"{net.url}/@composer/{sid}", "uri": f"{net.url}/users/composer/statuses/{sid}",
                      "content": render(text), "in_reply_to_id": parent,
                      "visibility": body.get("visibility"), "language": body.get("language")}
            net.posts.append({"key": key, "text": text, "public": public})
        self.deliver(action, 200, public)


def start() -> FakeNetwork:
    return serve(MastodonHandler)
