"""A fake X API v2 written from its documentation (docs.x.com), since no X server runs locally.

* ``POST /2/tweets`` (JSON ``text``, ``reply.in_reply_to_tweet_id``) → 201 ``{"data": {"id", "text"}}``;
  authorised by an OAuth 1.0a user-context signature, which this fake checks on its own
  (RFC 5849 §3.4, written here independently of composer's signer), or a Bearer user token;
* ``GET /2/users/me`` → ``{"data": {"id", "username"}}``;
* ``GET /2/users/:id/tweets`` → the account's recent posts, newest first, with
  ``referenced_tweets`` (``replied_to``) and links shown as ``t.co`` addresses, as X shows them;
* a rate limit is 429 with ``x-rate-limit-reset`` in Unix seconds;
* a text the account already posted is refused with 403 (duplicate content), as X does.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import time
from urllib.parse import parse_qsl, quote, unquote, urlsplit

from tests.publish.netserver import FakeNetwork, JSONHandler, serve

CONSUMER = ("x-consumer-key", "x-consumer-secret")
ACCESS = ("x-access-token", "x-access-secret")
BEARER = "x-user-bearer-token"
USER_ID = "2244994945"


def _enc(s: str) -> str:
    return quote(s, safe="~-._")


def _signature_ok(method: str, url: str, header: str) -> bool:
    if not header.startswith("OAuth "):
        return False
    params = {k: unquote(v) for k, v in re.findall(r'(\w+)="([^"]*)"', header)}
    given = params.pop("oauth_signature", "")
    if params.get("oauth_consumer_key") != CONSUMER[0] or params.get("oauth_token") != ACCESS[0]:
        return False
    parts = urlsplit(url)
    params.update(dict(parse_qsl(parts.query)))
    base_url = f"{parts.scheme}://{parts.netloc}{parts.path}"
    normal = "&".join(f"{k}={v}" for k, v in sorted((_enc(k), _enc(v)) for k, v in params.items()))
    base = f"{method}&{_enc(base_url)}&{_enc(normal)}"
    key = f"{_enc(CONSUMER[1])}&{_enc(ACCESS[1])}".encode()
    want = base64.b64encode(hmac.new(key, base.encode(), hashlib.sha1).digest()).decode()
    return hmac.compare_digest(want, given)


class XHandler(JSONHandler):
    def _authorised(self, method: str) -> bool:
        header = self.headers.get("Authorization") or ""
        if header == f"Bearer {BEARER}" or _signature_ok(method, self.net.url + self.path, header):
            return True
        self.reply(401, {"title": "Unauthorized", "type": "about:blank", "status": 401, "detail": "Unauthorized"})
        return False

    def do_GET(self) -> None:  # noqa: N802
        net = self.net
        net.requests.append(("GET", self.path))
        if not self._authorised("GET"):
            return
        path = urlsplit(self.path).path
        if path == "/2/users/me":
            self.reply(200, {"data": {"id": USER_ID, "name": "Composer", "username": "composer"}})
            return
        if path == f"/2/users/{USER_ID}/tweets":
            with net.lock:
                shown = []
                for post in reversed(net.posts[-100:]):
                    item = {"id": post["id"], "text": re.sub(r"https?://\S+", "https://t.co/abc123", post["text"])}
                    if post["reply_to"]:
                        item["referenced_tweets"] = [{"type": "replied_to", "id": post["reply_to"]}]
                    shown.append(item)
            self.reply(200, {"data": shown, "meta": {"result_count": len(shown)}})
            return
        self.reply(404, {"title": "Not Found Error", "detail": f"no route {path}"})

    def do_POST(self) -> None:  # noqa: N802
        net = self.net
        net.requests.append(("POST", self.path))
        body = self.body_json()
        if self.path != "/2/tweets":
            self.reply(404, {"title": "Not Found Error"})
            return
        if not self._authorised("POST"):
            return
        action = net.next_action()
        if action == "500":
            self.reply(503, {"title": "Service Unavailable", "detail": "Service Unavailable"})
            return
        if action == "429":
            reset = int(time.time() + net.reset_in + 1)
            self.reply(429, {"title": "Too Many Requests", "detail": "Too Many Requests"},
                       {"x-rate-limit-reset": str(reset), "x-rate-limit-remaining": "0"})
            return
        text = str(body.get("text") or "")
        reply_to = (body.get("reply") or {}).get("in_reply_to_tweet_id")
        with net.lock:
            if any(p["text"] == text for p in net.posts):
                self.reply(403, {"title": "Forbidden", "status": 403,
                                 "detail": "You are not allowed to create a Tweet with duplicate content."})
                return
            if reply_to is not None and not any(p["id"] == reply_to for p in net.posts):
                self.reply(400, {"title": "Invalid Request", "detail": "in_reply_to_tweet_id does not exist"})
                return
            pid = str(1800000000000000000 + len(net.posts) + 1)
            net.posts.append({"id": pid, "text": text, "reply_to": reply_to})
        self.deliver(action, 201, {"data": {"id": pid, "text": text, "edit_history_tweet_ids": [pid]}})


def start() -> FakeNetwork:
    return serve(XHandler)
