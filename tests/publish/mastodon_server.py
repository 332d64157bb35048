"""A fake Mastodon instance written from the API documentation (docs.joinmastodon.org).

No Mastodon server can run here, so this follows the documented behaviour the publisher
relies on:

* ``GET /api/v2/instance`` → ``configuration.statuses.max_characters``;
* ``POST /api/v1/statuses`` (JSON: ``status``, ``in_reply_to_id``, ``visibility``,
  ``language``) with ``Authorization: Bearer`` → 200 and the Status (``id``, ``url``, …);
  an ``Idempotency-Key`` already seen returns the status made for it instead of a new one;
  an unknown ``in_reply_to_id`` is 404; a text over the limit is 422;
* a rate limit is 429 with ``X-RateLimit-Reset`` as an ISO 8601 time.
"""

from __future__ import annotations

import datetime as dt

from tests.publish.netserver import FakeNetwork, JSONHandler, serve

TOKEN = "mastodon-test-token-7f3a"


class MastodonHandler(JSONHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self.net.requests.append(("GET", self.path))
        if self.path == "/api/v2/instance":
            self.reply(200, {"domain": "127.0.0.1", "configuration": {"statuses": {
                "max_characters": getattr(self.net, "max_characters", 500)}}})
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
                if key and post["key"] == key:
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
                      "content": f"<p>{text}</p>", "in_reply_to_id": parent,
                      "visibility": body.get("visibility"), "language": body.get("language")}
            net.posts.append({"key": key, "text": text, "public": public})
        self.deliver(action, 200, public)


def start() -> FakeNetwork:
    return serve(MastodonHandler)
