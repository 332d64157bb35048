"""X: API v2 ``POST /2/tweets``; threads by ``reply.in_reply_to_tweet_id``.

Authentication is either OAuth 1.0a user context (consumer key and secret plus the account's
access token and secret; every request signed with HMAC-SHA1 by :func:`oauth1_header`, a
small implementation of RFC 5849 section 3.4 checked against X's documented example), or an
OAuth 2.0 user access token (``X_BEARER_TOKEN``, scopes ``tweet.write tweet.read users.read``).

X has no idempotency key. When the answer to a post is lost, :meth:`XClient.lookup` reads the
account's recent posts (``GET /2/users/:id/tweets``) and looks for one with the part's text —
compared with every link replaced, since X shows links as ``t.co`` addresses — and, for a
reply, the same parent. A post X accepted but does not list yet cannot be seen that way; that
is the one case where a repeat could duplicate (the README says so) — and even then X itself
refuses a text the account posted recently (403, duplicate content), which is taken as "look
it up again", never as a failure.

A 429 carries ``x-rate-limit-reset`` (Unix time): the part is deferred until then, and the
message says when, because plan limits (posts per 24 hours) are the usual cause.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import re
import secrets
import time
import uuid
from collections.abc import Mapping
from urllib.parse import quote, urlencode, urlsplit

from composer.publish.base import OutcomeUnknown, Part, Posted, PublishError, RateLimited, Rejected, Transient
from composer.publish.http import Response, check_base_url, error_detail, request

_LINK = re.compile(r"https?://\S+")
_SPACE = re.compile(r"\s+")


def _pct(value: str) -> str:
    """RFC 3986 percent-encoding as OAuth 1.0a requires (only unreserved characters stay)."""
    return quote(value, safe="-._~")


def oauth1_signature(method: str, url: str, params: Mapping[str, str], consumer_secret: str,
                     token_secret: str) -> str:
    """The HMAC-SHA1 ``oauth_signature`` of a request (``params``: query, form body and oauth_* together)."""
    parts = urlsplit(url)
    base_url = f"{parts.scheme.lower()}://{parts.netloc.lower()}{parts.path}"
    pairs = sorted((_pct(k), _pct(v)) for k, v in params.items())
    normalized = "&".join(f"{k}={v}" for k, v in pairs)
    base = "&".join([method.upper(), _pct(base_url), _pct(normalized)])
    key = f"{_pct(consumer_secret)}&{_pct(token_secret)}"
    return base64.b64encode(hmac.new(key.encode(), base.encode(), hashlib.sha1).digest()).decode()


def oauth1_header(method: str, url: str, query: Mapping[str, str], *, consumer_key: str, consumer_secret: str,
                  token: str, token_secret: str, nonce: str | None = None, timestamp: int | None = None) -> str:
    """The ``Authorization: OAuth …`` value for a request (a JSON body is not signed, as X documents)."""
    oauth = {
        "oauth_consumer_key": consumer_key,
        "oauth_nonce": nonce or secrets.token_hex(16),
        "oauth_signature_method": "HMAC-SHA1",
        "oauth_timestamp": str(int(time.time()) if timestamp is None else timestamp),
        "oauth_token": token,
        "oauth_version": "1.0",
    }
    oauth["oauth_signature"] = oauth1_signature(method, url, {**query, **oauth}, consumer_secret, token_secret)
    return "OAuth " + ", ".join(f'{_pct(k)}="{_pct(v)}"' for k, v in sorted(oauth.items()))


def _same_text(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return _SPACE.sub(" ", _LINK.sub("<link>", text.replace("&amp;", "&").replace("&lt;", "<")
                                         .replace("&gt;", ">"))).strip()

    return norm(a) == norm(b)


class XClient:
    """One X account through API v2."""

    network = "x"

    def __init__(self, api_url: str = "https://api.x.com", *, consumer_key: str = "", consumer_secret: str = "",
                 access_token: str = "", access_token_secret: str = "", bearer_token: str = "",
                 user_id: str = "", timeout: float = 20.0) -> None:
        self.base = check_base_url(api_url, "X_API_URL")
        self._oauth1 = (consumer_key, consumer_secret, access_token, access_token_secret)
        self._bearer = bearer_token
        if not bearer_token and not all(self._oauth1):
            raise PublishError("X needs X_CONSUMER_KEY, X_CONSUMER_SECRET, X_ACCESS_TOKEN and X_ACCESS_TOKEN_SECRET "
                               "(OAuth 1.0a), or X_BEARER_TOKEN (an OAuth 2.0 user token)")
        self._user_id = user_id
        self.timeout = timeout

    def new_token(self) -> str:
        return uuid.uuid4().hex

    def limit(self) -> int | None:
        return None

    def _auth(self, method: str, url: str, query: Mapping[str, str]) -> dict[str, str]:
        if self._bearer:
            return {"Authorization": f"Bearer {self._bearer}"}
        key, secret, token, token_secret = self._oauth1
        return {"Authorization": oauth1_header(method, url, query, consumer_key=key, consumer_secret=secret,
                                               token=token, token_secret=token_secret)}

    def _call(self, method: str, path: str, query: Mapping[str, str] | None = None,
              body: object | None = None) -> Response:
        url = f"{self.base}{path}"
        headers = self._auth(method, url, query or {})
        full = url + ("?" + urlencode(query) if query else "")
        data = None
        if body is not None:
            headers["Content-Type"] = "application/json"
            data = json.dumps(body, ensure_ascii=False).encode()
        return request(method, full, headers=headers, body=data, timeout=self.timeout)

    def _fail(self, resp: Response, *, posting: bool) -> None:
        detail = error_detail(resp)
        if resp.status == 429:
            reset_raw = resp.headers.get("x-rate-limit-reset", "")
            reset = float(reset_raw) if reset_raw.isdigit() else time.time() + 900.0
            when = dt.datetime.fromtimestamp(reset, dt.UTC).isoformat(timespec="seconds")
            raise RateLimited(f"{detail}; X's limit for this app or plan resets at {when}", reset)
        if posting and resp.status == 403 and "duplicate" in detail.lower():
            # X refuses a text it already has from this account: an earlier attempt may be that post.
            raise OutcomeUnknown(detail)
        if resp.status >= 500:
            if posting:
                raise OutcomeUnknown(detail)  # may have been stored: look it up, never post blindly
            raise Transient(detail)
        raise Rejected(detail)

    def publish(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted:
        body: dict[str, object] = {"text": part.text}
        if parent is not None:
            body["reply"] = {"in_reply_to_tweet_id": parent.id}
        resp = self._call("POST", "/2/tweets", body=body)
        if resp.status in (200, 201):
            data = resp.json()
            post = data.get("data") if isinstance(data, dict) else None
            if isinstance(post, dict) and post.get("id"):
                return Posted(str(post["id"]), self._url(str(post["id"])))
            raise OutcomeUnknown(f"HTTP {resp.status} without a post id in the answer")
        self._fail(resp, posting=True)
        raise AssertionError("unreachable")

    def _url(self, post_id: str) -> str:
        return f"https://x.com/i/web/status/{post_id}"

    def user_id(self) -> str:
        """The account's id (``X_USER_ID``, else ``GET /2/users/me`` once)."""
        if not self._user_id:
            resp = self._call("GET", "/2/users/me")
            if resp.status != 200:
                self._fail(resp, posting=False)
            data = resp.json()
            try:
                self._user_id = str(data["data"]["id"])  # type: ignore[index]
            except (TypeError, KeyError) as exc:
                raise Transient("GET /2/users/me gave no user id") from exc
        return self._user_id

    def lookup(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted | None:
        """The account's recent post with this part's text (and parent), or None."""
        query = {"max_results": "50", "tweet.fields": "referenced_tweets,created_at"}
        resp = self._call("GET", f"/2/users/{self.user_id()}/tweets", query)
        if resp.status != 200:
            self._fail(resp, posting=False)
        data = resp.json()
        posts = data.get("data") if isinstance(data, dict) else None
        for post in posts or []:
            if not isinstance(post, dict) or not _same_text(str(post.get("text") or ""), part.text):
                continue
            replied = [r.get("id") for r in post.get("referenced_tweets") or []
                       if isinstance(r, dict) and r.get("type") == "replied_to"]
            if (parent is None and not replied) or (parent is not None and replied == [parent.id]):
                return Posted(str(post["id"]), self._url(str(post["id"])))
        return None
