"""The Bluesky client: against the reference PDS for what the network does, and against a tiny
scripted XRPC server for what a real server will not do on request (429, 5xx, silence, a
dropped connection), which is where "never twice" is decided.
"""

from __future__ import annotations

import contextlib
import json
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from composer.publish.base import Card, OutcomeUnknown, Part, Posted, RateLimited, Rejected, Transient
from composer.publish.bluesky import THUMB_MAX_BYTES, TID_RE, BlueskyClient, new_tid
from composer.social.posts import bluesky_facets
from tests.publish.netserver import json_reply as _reply


def _png(width: int = 4, height: int = 3) -> bytes:
    """A real (tiny) PNG, so the server's own type sniffing sees an image."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes([200, 30, 30] * width) for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


def _part(client: BlueskyClient, text: str, index: int = 0, count: int = 1, **kw: Any) -> Part:
    return Part(network="bluesky", index=index, count=count, text=text, token=client.new_token(), **kw)


# --- TIDs ------------------------------------------------------------------------------------


def test_tid_has_the_record_key_format() -> None:
    for _ in range(200):
        tid = new_tid()
        assert len(tid) == 13
        assert TID_RE.match(tid), tid


def test_tids_sort_in_creation_order_and_never_repeat() -> None:
    tids = [new_tid(5) for _ in range(5000)]
    assert tids == sorted(tids)
    assert len(set(tids)) == len(tids)


def test_tid_carries_the_time_in_microseconds_and_the_clock_id() -> None:
    alphabet = "234567abcdefghijklmnopqrstuvwxyz"
    before = time.time_ns() // 1000
    tid = new_tid(clock_id=0x3A5)
    value = 0
    for ch in tid:
        value = value * 32 + alphabet.index(ch)
    assert value >> 63 == 0  # the top bit stays clear
    assert before <= value >> 10 <= time.time_ns() // 1000 + 1000
    assert value & 0x3FF == 0x3A5


def test_new_token_is_a_tid_and_limit_is_fixed() -> None:
    client = BlueskyClient("https://bsky.example", "alice.example", "pw")
    assert TID_RE.match(client.new_token())
    assert client.network == "bluesky"
    assert client.limit() is None


def test_service_must_be_a_web_url() -> None:
    from composer.publish.base import PublishError

    with pytest.raises(PublishError, match="http"):
        BlueskyClient("bsky.social", "alice", "pw")


def test_repr_shows_no_secret() -> None:
    client = BlueskyClient("https://bsky.example", "alice.example", "app-pass-word-1234")
    client._access, client._refresh = "access-jwt-xyz", "refresh-jwt-xyz"
    assert "app-pass" not in repr(client) and "jwt" not in repr(client)


# --- a scripted XRPC server ------------------------------------------------------------------

Handler = Callable[[BaseHTTPRequestHandler, bytes], None]


class FakeXrpc:
    """Answers each NSID with a scripted handler; records every call (nsid, auth header, body)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, bytes]] = []
        self.routes: dict[str, Handler] = {
            "com.atproto.server.createSession": lambda h, b: _reply(h, 200, {
                "did": "did:plc:fake", "handle": "alice.test", "accessJwt": "ACCESS-1", "refreshJwt": "REFRESH-1"}),
            "com.atproto.repo.getRecord": lambda h, b: _reply(h, 400, {"error": "RecordNotFound", "message": "nope"}),
        }
        fake = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                nsid = self.path.split("?")[0].removeprefix("/xrpc/")
                fake.calls.append((nsid, self.headers.get("Authorization", ""), body))
                route = fake.routes.get(nsid)
                if route is None:
                    _reply(self, 501, {"error": "MethodNotImplemented"})
                else:
                    route(self, body)

            do_GET = do_POST = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def nsids(self) -> list[str]:
        return [c[0] for c in self.calls]

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def fake() -> Iterator[FakeXrpc]:
    server = FakeXrpc()
    yield server
    server.close()


def _client(url: str, timeout: float = 5.0) -> BlueskyClient:
    return BlueskyClient(url, "alice.test", "app-pass-SECRET-1", timeout=timeout)


def _created(h: BaseHTTPRequestHandler, body: bytes) -> None:
    rkey = json.loads(body)["rkey"]
    _reply(h, 200, {"uri": f"at://did:plc:fake/app.bsky.feed.post/{rkey}", "cid": "bafyfake"})


def test_429_defers_until_ratelimit_reset(fake: FakeXrpc) -> None:
    reset = int(time.time()) + 900
    fake.routes["com.atproto.repo.createRecord"] = lambda h, b: _reply(
        h, 429, {"error": "RateLimitExceeded"}, {"ratelimit-reset": str(reset), "ratelimit-remaining": "0"})
    client = _client(fake.url)
    with pytest.raises(RateLimited) as info:
        client.publish(_part(client, "hi"), root=None, parent=None)
    assert info.value.reset_at == reset


def test_5xx_is_transient_when_nothing_was_recorded(fake: FakeXrpc) -> None:
    fake.routes["com.atproto.repo.createRecord"] = lambda h, b: _reply(h, 503, {"error": "Unavailable"})
    client = _client(fake.url)
    with pytest.raises(Transient, match="503"):
        client.publish(_part(client, "hi"), root=None, parent=None)
    assert fake.nsids()[-1] == "com.atproto.repo.getRecord"  # asked before calling it transient


def test_refusal_over_an_existing_record_key_is_the_published_post(fake: FakeXrpc) -> None:
    # The reference PDS answers a second create under the same key with a 500 (its unique index).
    fake.routes["com.atproto.repo.createRecord"] = lambda h, b: _reply(h, 500, {"error": "InternalServerError"})
    fake.routes["com.atproto.repo.getRecord"] = lambda h, b: _reply(
        h, 200, {"uri": f"at://did:plc:fake/app.bsky.feed.post/{h.path.rsplit('=', 1)[1]}", "cid": "bafyold"})
    client = _client(fake.url)
    part = _part(client, "hi")
    posted = client.publish(part, root=None, parent=None)
    assert posted.id.endswith("/" + part.token) and posted.cid == "bafyold"
    assert posted.url == f"https://bsky.app/profile/alice.test/post/{part.token}"


def test_silence_after_the_request_is_an_unknown_outcome(fake: FakeXrpc) -> None:
    def slow(h: BaseHTTPRequestHandler, body: bytes) -> None:
        time.sleep(1.5)
        _created(h, body)

    fake.routes["com.atproto.repo.createRecord"] = slow
    client = _client(fake.url, timeout=0.4)
    with pytest.raises(OutcomeUnknown, match="may have been published"):
        client.publish(_part(client, "hi"), root=None, parent=None)


def test_a_dropped_connection_after_the_request_is_an_unknown_outcome(fake: FakeXrpc) -> None:
    def drop(h: BaseHTTPRequestHandler, body: bytes) -> None:
        h.close_connection = True
        h.connection.shutdown(socket.SHUT_RDWR)

    fake.routes["com.atproto.repo.createRecord"] = drop
    client = _client(fake.url)
    with pytest.raises(OutcomeUnknown):
        client.publish(_part(client, "hi"), root=None, parent=None)


def _endless(h: BaseHTTPRequestHandler, body: bytes) -> None:
    h.send_response(200)
    h.send_header("Content-Type", "application/json")
    h.end_headers()  # no length: the answer runs until the connection closes
    chunk = b" " * 65536
    with contextlib.suppress(OSError):
        for _ in range(100):  # 6.5 MB, far past the cap
            h.wfile.write(chunk)


def test_an_endless_answer_is_cut_off_and_counts_as_no_answer(fake: FakeXrpc) -> None:
    fake.routes["com.atproto.repo.createRecord"] = _endless
    client = _client(fake.url)
    with pytest.raises(OutcomeUnknown, match="longer than 2,000,000 bytes"):
        client.publish(_part(client, "hi"), root=None, parent=None)
    fake.routes["com.atproto.server.createSession"] = _endless
    with pytest.raises(Transient, match="longer than 2,000,000 bytes"):
        _client(fake.url).publish(_part(client, "hi"), root=None, parent=None)


def test_a_refused_connection_is_transient() -> None:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    client = _client(f"http://127.0.0.1:{port}")
    with pytest.raises(Transient, match="connection refused"):
        client.publish(_part(client, "hi"), root=None, parent=None)


def test_a_slow_thumbnail_upload_is_transient_not_unknown(fake: FakeXrpc) -> None:
    # Nothing is published until createRecord, so a lost uploadBlob answer is simply retried.
    def slow(h: BaseHTTPRequestHandler, body: bytes) -> None:
        time.sleep(1.5)
        _reply(h, 200, {})

    fake.routes["com.atproto.repo.uploadBlob"] = slow
    client = _client(fake.url, timeout=0.4)
    card = Card(url="https://example.com/a", title="A", image=_png(), image_type="image/png")
    with pytest.raises(Transient):
        client.publish(_part(client, "hi", card=card), root=None, parent=None)
    assert "com.atproto.repo.createRecord" not in fake.nsids()


def test_other_4xx_is_rejected_with_the_server_reason_and_no_secret(fake: FakeXrpc) -> None:
    fake.routes["com.atproto.repo.createRecord"] = lambda h, b: _reply(
        h, 400, {"error": "InvalidRequest", "message": "bad record; you sent app-pass-SECRET-1 and ACCESS-1"})
    client = _client(fake.url)
    with pytest.raises(Rejected) as info:
        client.publish(_part(client, "hi"), root=None, parent=None)
    assert "InvalidRequest" in info.value.detail and "bad record" in info.value.detail
    assert "SECRET" not in info.value.detail and "ACCESS-1" not in info.value.detail


def test_expired_token_is_refreshed_and_a_refused_refresh_signs_in_again(fake: FakeXrpc) -> None:
    sessions = iter(["ACCESS-2", "ACCESS-3"])
    fake.routes["com.atproto.server.refreshSession"] = lambda h, b: _reply(h, 200, {
        "did": "did:plc:fake", "handle": "alice.test", "accessJwt": next(sessions), "refreshJwt": "REFRESH-2"})

    def create(h: BaseHTTPRequestHandler, body: bytes) -> None:
        if h.headers["Authorization"] in ("Bearer ACCESS-1", "Bearer ACCESS-2x"):
            _reply(h, 400, {"error": "ExpiredToken", "message": "Token has expired"})
        else:
            _created(h, body)

    fake.routes["com.atproto.repo.createRecord"] = create
    client = _client(fake.url)
    client.publish(_part(client, "one"), root=None, parent=None)
    assert [c[:2] for c in fake.calls if "createRecord" in c[0] or "Session" in c[0]] == [
        ("com.atproto.server.createSession", ""),
        ("com.atproto.repo.createRecord", "Bearer ACCESS-1"),
        ("com.atproto.server.refreshSession", "Bearer REFRESH-1"),
        ("com.atproto.repo.createRecord", "Bearer ACCESS-2"),
    ]
    # Now the refresh token is refused too: sign in again with the app password.
    fake.calls.clear()
    client._access = "ACCESS-2x"
    fake.routes["com.atproto.server.refreshSession"] = lambda h, b: _reply(
        h, 400, {"error": "ExpiredToken", "message": "Token has expired"})
    fake.routes["com.atproto.server.createSession"] = lambda h, b: _reply(h, 200, {
        "did": "did:plc:fake", "handle": "alice.test", "accessJwt": "ACCESS-9", "refreshJwt": "REFRESH-9"})
    client.publish(_part(client, "two"), root=None, parent=None)
    assert fake.nsids() == ["com.atproto.repo.createRecord", "com.atproto.server.refreshSession",
                            "com.atproto.server.createSession", "com.atproto.repo.createRecord"]
    assert fake.calls[-1][1] == "Bearer ACCESS-9"


# --- the reference PDS -----------------------------------------------------------------------


@pytest.fixture(scope="session")
def pds() -> Iterator[Any]:
    """One reference PDS for the session (it takes a few seconds to start); each test makes its own account."""
    from .pds import PdsServer, why_unavailable

    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    server = PdsServer().start()
    yield server
    server.stop()


_accounts = iter(range(1, 10_000))


@pytest.fixture
def account(pds: Any) -> dict[str, str]:
    return pds.create_account(f"user{next(_accounts)}.test")


def _record(pds: Any, posted: Posted) -> dict[str, Any]:
    """The record as the server holds it, read without the client under test."""
    repo, collection, rkey = posted.id.removeprefix("at://").split("/")
    return pds.xrpc("com.atproto.repo.getRecord", params=f"?repo={repo}&collection={collection}&rkey={rkey}")


def test_a_post_with_facets_language_and_a_link_card_reads_back(pds: Any, account: dict[str, str]) -> None:
    client = BlueskyClient(pds.url, account["handle"], account["app_password"])
    url = "https://example.com/2026/artículo-largo?id=7"
    text = "Ça déménage : la réforme passe 🎉 example.com/2026/artíc… #Réforme #EU2026"
    facets = bluesky_facets(text, {"example.com/2026/artíc…": url})
    assert len(facets) == 3
    image = _png()
    card = Card(url=url, title="La réforme passe", description="Ce qui change.", image=image, image_type="image/png")
    part = _part(client, text, language="fr", facets=tuple(facets), card=card)

    posted = client.publish(part, root=None, parent=None)

    assert posted.id == f"at://{account['did']}/app.bsky.feed.post/{part.token}"
    assert posted.url == f"https://bsky.app/profile/{account['handle']}/post/{part.token}"
    got = _record(pds, posted)
    assert got["cid"] == posted.cid
    value = got["value"]
    assert value["text"] == text and value["langs"] == ["fr"]
    assert value["facets"] == facets
    encoded = text.encode()
    shown = [encoded[f["index"]["byteStart"]:f["index"]["byteEnd"]].decode() for f in value["facets"]]
    assert shown == ["example.com/2026/artíc…", "#Réforme", "#EU2026"]
    assert [f["features"][0] for f in value["facets"]][1:] == [
        {"$type": "app.bsky.richtext.facet#tag", "tag": "Réforme"},
        {"$type": "app.bsky.richtext.facet#tag", "tag": "EU2026"}]
    external = value["embed"]["external"]
    assert value["embed"]["$type"] == "app.bsky.embed.external"
    assert (external["uri"], external["title"], external["description"]) == (url, "La réforme passe", "Ce qui change.")
    thumb = external["thumb"]
    assert thumb["mimeType"] == "image/png" and thumb["size"] == len(image)
    blob = urllib_get(f"{pds.url}/xrpc/com.atproto.sync.getBlob?did={account['did']}&cid={thumb['ref']['$link']}")
    assert blob == image
    assert "reply" not in value


def urllib_get(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as resp:  # noqa: S310 - the local test server
        return resp.read()


def test_an_oversized_thumbnail_is_left_out_not_fatal(pds: Any, account: dict[str, str]) -> None:
    client = BlueskyClient(pds.url, account["handle"], account["app_password"])
    big = _png() + b"\x00" * (THUMB_MAX_BYTES + 1 - len(_png()))
    card = Card(url="https://example.com/b", title="Big", image=big, image_type="image/png")
    posted = client.publish(_part(client, "A big picture", card=card), root=None, parent=None)
    external = _record(pds, posted)["value"]["embed"]["external"]
    assert external["uri"] == "https://example.com/b" and "thumb" not in external


def test_a_thread_arrives_whole_with_root_and_parent_refs(pds: Any, account: dict[str, str]) -> None:
    client = BlueskyClient(pds.url, account["handle"], account["app_password"])
    texts = ["1/3 The start of it.", "2/3 The middle, with more.", "3/3 And the end."]
    posted: list[Posted] = []
    for i, text in enumerate(texts):
        part = _part(client, text, index=i, count=3, language="en")
        root = posted[0] if posted else None
        parent = posted[-1] if posted else None
        posted.append(client.publish(part, root=root, parent=parent))

    values = [_record(pds, p)["value"] for p in posted]
    assert [v["text"] for v in values] == texts
    assert "reply" not in values[0]
    first = {"uri": posted[0].id, "cid": posted[0].cid}
    assert values[1]["reply"] == {"root": first, "parent": first}
    assert values[2]["reply"] == {"root": first, "parent": {"uri": posted[1].id, "cid": posted[1].cid}}
    assert posted == sorted(posted, key=lambda p: p.id.rsplit("/", 1)[1])  # record keys in thread order


def test_the_same_token_twice_is_one_post(pds: Any, account: dict[str, str]) -> None:
    client = BlueskyClient(pds.url, account["handle"], account["app_password"])
    part = _part(client, "Only once, whatever happens.")
    assert client.lookup(part, root=None, parent=None) is None

    first = client.publish(part, root=None, parent=None)
    again = BlueskyClient(pds.url, account["handle"], account["app_password"]).publish(part, root=None, parent=None)

    assert again == first
    assert client.lookup(part, root=None, parent=None) == first
    listed = pds.xrpc("com.atproto.repo.listRecords",
                      params=f"?repo={account['did']}&collection=app.bsky.feed.post&limit=100")
    assert [r["uri"] for r in listed["records"]] == [first.id]


def test_an_expired_access_token_is_refreshed(pds: Any, account: dict[str, str]) -> None:
    client = BlueskyClient(pds.url, account["handle"], account["app_password"])
    client.publish(_part(client, "Signed in."), root=None, parent=None)
    refresh_before = client._refresh
    client._access = pds.expired_access_token(account["did"])

    posted = client.publish(_part(client, "Two hours later."), root=None, parent=None)

    assert _record(pds, posted)["value"]["text"] == "Two hours later."
    assert client._refresh != refresh_before  # the server rotated the pair: a refresh, not a new sign-in


def test_a_refused_refresh_signs_in_again(pds: Any, account: dict[str, str]) -> None:
    client = BlueskyClient(pds.url, account["handle"], account["app_password"])
    client.publish(_part(client, "Signed in."), root=None, parent=None)
    client._access = pds.expired_access_token(account["did"])
    client._refresh = client._refresh[:-4] + "AAAA"  # a broken signature: the server refuses it

    posted = client.publish(_part(client, "Back again."), root=None, parent=None)

    assert _record(pds, posted)["value"]["text"] == "Back again."


def test_a_wrong_password_is_rejected_without_showing_it(pds: Any, account: dict[str, str]) -> None:
    wrong = "wrong-" + account["app_password"]
    client = BlueskyClient(pds.url, account["handle"], wrong)
    with pytest.raises(Rejected) as info:
        client.publish(_part(client, "Never sent."), root=None, parent=None)
    assert account["handle"] in info.value.detail and "refused" in info.value.detail
    assert wrong not in str(info.value) and account["app_password"] not in str(info.value)


def test_a_parent_known_only_by_uri_gets_its_cid_looked_up(fake: FakeXrpc) -> None:
    fake.routes["com.atproto.repo.getRecord"] = lambda h, b: _reply(
        h, 200, {"uri": "at://did:plc:fake/app.bsky.feed.post/3kaaaaaaaaaa2", "cid": "bafyparent"})
    fake.routes["com.atproto.repo.createRecord"] = _created
    client = _client(fake.url)
    parent = Posted(id="at://did:plc:fake/app.bsky.feed.post/3kaaaaaaaaaa2", url="")
    client.publish(_part(client, "reply", index=1, count=2), root=parent, parent=parent)
    record = json.loads(fake.calls[-1][2])["record"]
    ref = {"uri": parent.id, "cid": "bafyparent"}
    assert record["reply"] == {"root": ref, "parent": ref}


def test_a_parent_that_is_gone_is_rejected(fake: FakeXrpc) -> None:
    client = _client(fake.url)
    parent = Posted(id="at://did:plc:fake/app.bsky.feed.post/3kaaaaaaaaaa2", url="")
    with pytest.raises(Rejected, match="RecordNotFound"):
        client.publish(_part(client, "reply", index=1, count=2), root=parent, parent=parent)
    assert "com.atproto.repo.createRecord" not in fake.nsids()


class LosingProxy:
    """Passes requests on to the PDS; for the NSIDs in ``lose`` it hangs up instead of answering.

    The server has done the work by then: this is the lost answer after a post was accepted.
    """

    def __init__(self, target: str, lose: set[str]) -> None:
        import http.client
        from urllib.parse import urlsplit

        self.lose, self.lost = lose, 0
        host, port = urlsplit(target).hostname, urlsplit(target).port
        proxy = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _relay(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "connection")}
                conn = http.client.HTTPConnection(host or "", port, timeout=30)
                conn.request(self.command, self.path, body=body, headers=headers)
                resp = conn.getresponse()
                data = resp.read()
                conn.close()
                if self.path.split("?")[0].removeprefix("/xrpc/") in proxy.lose:
                    proxy.lost += 1
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                self.send_response(resp.status)
                for k, v in resp.getheaders():
                    if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = _relay

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def test_a_lost_answer_is_found_by_lookup_and_never_posted_twice(pds: Any, account: dict[str, str]) -> None:
    proxy = LosingProxy(pds.url, {"com.atproto.repo.createRecord"})
    try:
        client = BlueskyClient(proxy.url, account["handle"], account["app_password"])
        part = _part(client, "Accepted, but the answer never came.")
        with pytest.raises(OutcomeUnknown):
            client.publish(part, root=None, parent=None)
        assert proxy.lost == 1
        found = client.lookup(part, root=None, parent=None)
        assert found is not None and found.id.endswith("/" + part.token)
        # Even a publisher that retried blindly would not make a second post.
        proxy.lose.clear()
        assert client.publish(part, root=None, parent=None) == found
    finally:
        proxy.close()
    listed = pds.xrpc("com.atproto.repo.listRecords", params=f"?repo={account['did']}&collection=app.bsky.feed.post")
    assert [r["uri"] for r in listed["records"]] == [found.id]


def test_records_go_to_the_accounts_own_pds_from_its_did_document(fake: FakeXrpc) -> None:
    home = FakeXrpc()  # where the account lives; `fake` is the entryway that signs in
    try:
        home.routes["com.atproto.repo.createRecord"] = _created
        fake.routes["com.atproto.server.createSession"] = lambda h, b: _reply(h, 200, {
            "did": "did:plc:fake", "handle": "alice.test", "accessJwt": "ACCESS-1", "refreshJwt": "REFRESH-1",
            "didDoc": {"id": "did:plc:fake", "service": [
                {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": home.url}]}})
        client = _client(fake.url)
        client.publish(_part(client, "hi"), root=None, parent=None)
        assert fake.nsids() == ["com.atproto.server.createSession"]
        assert home.nsids() == ["com.atproto.repo.createRecord"]
    finally:
        home.close()


def test_a_did_document_cannot_move_the_client_off_tls() -> None:
    client = BlueskyClient("https://bsky.example", "alice.test", "pw")
    doc = {"service": [{"id": "#atproto_pds", "serviceEndpoint": "http://plain.example"}]}
    assert client._pds_from(doc) is None
    doc = {"service": [{"id": "#atproto_pds", "serviceEndpoint": "https://pds.example:8443/"}]}
    assert client._pds_from(doc) == "https://pds.example:8443"


def test_compose_publish_posts_a_thread_to_the_real_pds_once(pds: Any, account: dict[str, str], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """The whole path a user takes: ``compose publish ITEM --network bluesky --thread`` from the
    settings, the durable record, the factory and this client, against the reference PDS; a
    second run publishes nothing and ``status`` shows the same addresses."""
    from composer.cli import main
    from tests.publish.conftest import URL, make_item

    outbox = tmp_path / "outbox"
    make_item(outbox, name="2025-03-12-library", parts=3)
    for key, value in {"OUTBOX_DIR": str(outbox), "BLUESKY_SERVICE": pds.url, "BLUESKY_HANDLE": account["handle"],
                       "BLUESKY_APP_PASSWORD": account["app_password"]}.items():
        monkeypatch.setenv(key, value)

    assert main(["publish", "2025-03-12-library", "--network", "bluesky", "--thread"]) == 0
    out, err = capsys.readouterr()
    assert account["app_password"] not in out + err
    urls = out.split()
    assert len(urls) == 3 and all(u.startswith(f"https://bsky.app/profile/{account['handle']}/post/") for u in urls)

    listed = pds.xrpc("com.atproto.repo.listRecords",
                      params=f"?repo={account['did']}&collection=app.bsky.feed.post&limit=50")["records"]
    assert len(listed) == 3
    by_key = {r["uri"].rsplit("/", 1)[1]: r for r in listed}
    records = [by_key[u.rsplit("/", 1)[1]] for u in urls]  # in thread order
    assert [r["value"]["text"] for r in records] == [
        f"bluesky part {i}/3: the riverside library reopens" + (f" {URL}" if i == 3 else "") for i in (1, 2, 3)]
    root = {"uri": records[0]["uri"], "cid": records[0]["cid"]}
    assert "reply" not in records[0]["value"]
    for prev, rec in zip(records, records[1:], strict=False):
        assert rec["value"]["reply"] == {"root": root, "parent": {"uri": prev["uri"], "cid": prev["cid"]}}
    assert all(r["value"].get("langs") == ["en"] for r in records)

    assert main(["publish", "2025-03-12-library", "--network", "bluesky", "--thread"]) == 0
    assert capsys.readouterr().out.split() == urls
    again = pds.xrpc("com.atproto.repo.listRecords",
                     params=f"?repo={account['did']}&collection=app.bsky.feed.post&limit=50")["records"]
    assert len(again) == 3

    assert main(["status", "2025-03-12-library"]) == 0
    status = capsys.readouterr().out
    assert "on Bluesky  thread  done" in status and all(u in status for u in urls)
