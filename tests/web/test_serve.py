"""``compose serve`` over real HTTP: one-click unsubscribe, subscribe protections, archive and feed."""

from __future__ import annotations

import email
import email.policy
import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import feedparser
import pytest

from composer.cli import main
from composer.newsletter.unsubscribe import make_token
from tests.web.conftest import SECRET, Server, start_server, stop_server, write_issue

ONE_CLICK = b"List-Unsubscribe=One-Click"


@pytest.fixture
def cli_env(server: Server, monkeypatch: pytest.MonkeyPatch) -> Server:
    """The CLI in this process sees the same settings as the server."""
    for key in ("OUTBOX_DIR", "SITE_URL", "UNSUBSCRIBE_SECRET", "MAIL_FROM", "DELIVERY"):
        monkeypatch.setenv(key, server.env[key])
    return server


def list_unsubscribe(eml: Path) -> str:
    """The path and query of the message's List-Unsubscribe URL (the test server is plain http, so the
    message has no List-Unsubscribe-Post header: RFC 8058 one-click is for https only)."""
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    url = re.search(r"<(http[^>]+)>", str(msg["List-Unsubscribe"])).group(1)  # type: ignore[union-attr]
    parts = urlsplit(url)
    return f"{parts.path}?{parts.query}"


def suppressed(server: Server) -> list[str | None]:
    with server.store() as store:
        return [s.email for s in store.suppressions()]


def test_one_click_unsubscribe_then_the_next_send_skips_the_reader(cli_env: Server, tmp_path: Path,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    server = cli_env
    write_issue(server.outbox, "2025-03-12-first", "First issue")
    write_issue(server.outbox, "2025-03-19-second", "Second issue")
    subs = tmp_path / "subs.csv"
    subs.write_text("email,name\nann@example.com,Ann\nbob@example.com,Bob\n")
    assert main(["send", "2025-03-12-first", "--list", str(subs)]) == 0
    ann_eml = next(p for p in (server.outbox / "2025-03-12-first" / "sent" / "1").glob("*.eml")
                   if b"ann@example.com" in p.read_bytes())
    link = list_unsubscribe(ann_eml)

    page = server.request("GET", link)  # a mail scanner prefetching the link changes nothing
    assert page.status == 200 and "Stop sending the newsletter to <strong>ann@example.com</strong>" in page.text
    assert suppressed(server) == []

    done = server.request("POST", link, ONE_CLICK)
    assert done.status == 200 and "You are unsubscribed" in done.text
    assert "set-cookie" not in done.headers
    again = server.request("POST", link, ONE_CLICK)  # idempotent
    assert again.status == 200
    assert suppressed(server) == ["ann@example.com"]
    with server.store() as store:
        assert [e.kind for e in store.events("ann@example.com")] == ["suppressed: unsubscribed", "again: unsubscribed"]

    capsys.readouterr()
    assert main(["send", "2025-03-19-second", "--list", str(subs)]) == 0
    assert "1 sent, 0 deferred, 0 failed, 1 skipped (1 unsubscribed)" in capsys.readouterr().err
    sent = list((server.outbox / "2025-03-19-second" / "sent" / "2").glob("*.eml"))
    assert len(sent) == 1 and b"bob@example.com" in sent[0].read_bytes()


@pytest.mark.parametrize("query", [
    "e=bob@example.com&t={ann}",  # someone else's address with Ann's token
    "e=ann@example.com&t={ann}x",  # tampered token
    "e=ann@example.com&t=",  # no token
    "e=ann@example.com",
    "t={ann}",
    "e=not-an-address&t={ann}",
])
def test_forged_or_tampered_links_are_refused_and_change_nothing(server: Server, query: str) -> None:
    path = "/unsubscribe?" + query.format(ann=make_token(SECRET, "ann@example.com"))
    assert server.request("POST", path, ONE_CLICK).status == 400
    assert server.request("GET", path).status == 400
    assert suppressed(server) == []
    wrong_secret = f"/unsubscribe?e=ann@example.com&t={make_token('another-secret', 'ann@example.com')}"
    assert server.request("POST", wrong_secret, ONE_CLICK).status == 400
    assert suppressed(server) == []


def test_archive_and_feed_list_sent_issues_only_with_nothing_personal(cli_env: Server, tmp_path: Path) -> None:
    server = cli_env
    write_issue(server.outbox, "2025-03-12-first", "First issue")
    write_issue(server.outbox, "2025-03-19-second", "Second <issue> & more")
    write_issue(server.outbox, "2025-03-26-draft", "Draft issue")
    write_issue(server.outbox, "2025-03-27-tested", "Only tested")
    subs = tmp_path / "subs.csv"
    subs.write_text("email,name\nann@example.com,Ann\n")
    assert main(["send", "2025-03-12-first", "--list", str(subs)]) == 0
    assert main(["send", "2025-03-19-second", "--list", str(subs)]) == 0
    assert main(["send", "2025-03-27-tested", "--to", "me@example.com"]) == 0  # a test send is not an issue

    archive = server.request("GET", "/archive/")
    assert archive.status == 200
    assert "Second &lt;issue&gt; &amp; more" in archive.text  # autoescaped
    assert archive.text.index("2025-03-19-second") < archive.text.index("2025-03-12-first")  # newest first
    assert "Draft issue" not in archive.text and "Only tested" not in archive.text
    assert "ann@example.com" not in archive.text

    copy = server.request("GET", "/archive/2025-03-12-first/")
    assert copy.status == 200 and b"The public copy." in copy.body
    assert "script-src" not in copy.headers["content-security-policy"]
    assert "default-src 'none'" in copy.headers["content-security-policy"]
    assert server.request("GET", "/archive/2025-03-26-draft/").status == 404
    assert server.request("GET", "/archive/..%2F..%2Fetc/").status == 404
    old = server.request("GET", "/2025-03-12-first/newsletter.html")
    assert old.status == 301 and old.headers["location"] == "/archive/2025-03-12-first/"

    feed_body = server.request("GET", "/feed.xml")
    assert feed_body.headers["content-type"].startswith("application/atom+xml")
    assert b"ann@example.com" not in feed_body.body and b"me@example.com" not in feed_body.body
    feed = feedparser.parse(feed_body.body)
    assert not feed.bozo, feed.bozo_exception
    assert [e.title for e in feed.entries] == ["Second <issue> & more", "First issue"]
    assert feed.entries[1].link == f"{server.url}/archive/2025-03-12-first/"
    assert feed.entries[1].summary == "What First issue is about."


def test_security_headers_host_check_and_bounded_bodies(server: Server) -> None:
    page = server.request("GET", "/subscribe")
    assert page.headers["content-security-policy"].startswith("default-src 'none'")
    assert "script-src" not in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["referrer-policy"] == "no-referrer"
    assert page.headers["x-frame-options"] == "DENY"
    assert "server" not in page.headers
    assert server.request("GET", "/archive/", headers={"Host": "evil.example"}).status == 400
    big = b"email=" + b"a" * 100_000
    assert server.request("POST", "/subscribe", big).status == 413
    link = f"/unsubscribe?e=ann@example.com&t={make_token(SECRET, 'ann@example.com')}"
    assert server.request("POST", link, big).status == 413
    assert suppressed(server) == []


def _form(server: Server) -> tuple[str, str]:
    page = server.request("GET", "/subscribe")
    token = re.search(r'name="token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    cookie = page.headers["set-cookie"].split(";")[0]
    assert "HttpOnly" in page.headers["set-cookie"] and "SameSite=strict" in page.headers["set-cookie"]
    return token, cookie


def confirmations(server: Server) -> list[Path]:
    return sorted((server.outbox / ".confirmations").glob("*.eml"))


def test_subscribe_needs_the_form_token_and_bots_get_the_same_answer(server: Server) -> None:
    token, cookie = _form(server)
    # no cookie, or another visitor's cookie: the token is refused (CSRF)
    assert server.request("POST", "/subscribe", f"email=ann@example.com&token={token}".encode()).status == 400
    other = {"Cookie": "composer-form=someone-else"}
    assert server.request("POST", "/subscribe", f"email=ann@example.com&token={token}".encode(), other).status == 400
    # the honeypot filled in: the same page as a real request, but nothing is sent
    bot = server.request("POST", "/subscribe", f"email=ann@example.com&website=x&token={token}".encode(),
                         {"Cookie": cookie})
    real = server.request("POST", "/subscribe", f"email=bob@example.com&token={token}".encode(), {"Cookie": cookie})
    assert bot.status == real.status == 200
    assert bot.body == real.body
    assert [b"bob@example.com" in p.read_bytes() for p in confirmations(server)] == [True]
    # a known, subscribed address and an unknown one answer alike (no enumeration)
    with server.store() as store:
        store.upsert("cy@example.com", lists=["newsletter"])
    known = server.request("POST", "/subscribe", f"email=cy@example.com&token={token}".encode(), {"Cookie": cookie})
    unknown = server.request("POST", "/subscribe", f"email=dee@example.com&token={token}".encode(), {"Cookie": cookie})
    assert known.status == unknown.status == 200 and known.body == unknown.body
    assert len(confirmations(server)) == 2  # dee got one; cy, already subscribed, did not


def test_subscribe_time_trap_and_rate_limit(tmp_path: Path) -> None:
    server = start_server(tmp_path, SUBSCRIBE_MIN_SECONDS="30", SUBSCRIBE_RATE_LIMIT="3")
    try:
        token, cookie = _form(server)
        answers = [server.request("POST", "/subscribe", f"email=ann{i}@example.com&token={token}".encode(),
                                  {"Cookie": cookie}) for i in range(4)]
        assert [a.status for a in answers] == [200, 200, 200, 429]
        assert confirmations(server) == []  # sent back within 30 s of being shown: a bot, silently ignored
    finally:
        stop_server(server)


def test_confirmation_link_cannot_be_forged_and_get_changes_nothing(server: Server) -> None:
    token, cookie = _form(server)
    server.request("POST", "/subscribe", f"email=ann@example.com&name=Ann&token={token}".encode(), {"Cookie": cookie})
    [eml] = confirmations(server)
    msg = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert msg["To"] == "ann@example.com" and "Confirm your subscription" in msg["Subject"]
    link = re.search(r"(/subscribe/confirm\?\S+)", msg.get_body(("plain",)).get_content()).group(1)  # type: ignore[union-attr]
    assert server.request("GET", link).status == 200
    with server.store() as store:
        assert store.get("ann@example.com").status == "pending"
    forged = link.replace("ann%40example.com", "eve%40example.com").replace("ann@example.com", "eve@example.com")
    assert server.request("POST", forged, b"").status == 400
    longer = re.sub(r"x=(\d+)", lambda m: f"x={int(m.group(1)) + 999999}", link)
    assert server.request("POST", longer, b"").status == 400
    assert server.request("POST", link, b"").status == 200
    with server.store() as store:
        ann = store.get("ann@example.com")
        assert ann.status == "subscribed" and ann.lists == ("newsletter",)
        assert ann.consent_source == "web form, double opt-in" and ann.consent_ip == "127.0.0.1"
        assert ann.confirmed_at and store.get("eve@example.com") is None


def test_serve_refuses_to_start_without_site_url_or_secret(tmp_path: Path) -> None:
    import subprocess
    import sys

    env = {**os.environ, "OUTBOX_DIR": str(tmp_path), "SITE_URL": "", "UNSUBSCRIBE_SECRET": "x"}
    done = subprocess.run([sys.executable, "-m", "composer", "serve", "--port", "1"], env=env, capture_output=True,
                          text=True, timeout=30, cwd=tmp_path)
    assert done.returncode == 2 and "needs SITE_URL" in done.stderr


def test_the_asgi_factory_runs_under_plain_uvicorn(tmp_path: Path) -> None:
    """``uvicorn --factory composer.web.app:create_app``: settings from the environment, as the CLI reads them."""
    import socket
    import subprocess
    import sys
    import time

    from tests.web.conftest import free_port

    port = free_port()
    env = {**os.environ, "OUTBOX_DIR": str(tmp_path / "outbox"), "SITE_URL": f"http://127.0.0.1:{port}",
           "UNSUBSCRIBE_SECRET": SECRET}
    proc = subprocess.Popen([sys.executable, "-m", "uvicorn", "--factory", "composer.web.app:create_app",
                             "--host", "127.0.0.1", "--port", str(port)], env=env, cwd=tmp_path,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                time.sleep(0.1)
        server = Server(f"http://127.0.0.1:{port}", tmp_path / "outbox", env)
        page = server.request("GET", "/archive/")
        assert page.status == 200 and "No issues have been sent yet." in page.text
        link = f"/unsubscribe?e=ann@example.com&t={make_token(SECRET, 'ann@example.com')}"
        assert server.request("POST", link, ONE_CLICK).status == 200
        assert suppressed(server) == ["ann@example.com"]
    finally:
        proc.terminate()
        proc.wait(10)


def test_silent_connections_do_not_lock_readers_out(tmp_path: Path) -> None:
    """Sixty connections that never send a request, against a limit of 20: a reader is still served."""
    import socket
    import time
    import urllib.request

    srv = start_server(tmp_path, "--limit-concurrency", "20")
    host, port = urlsplit(srv.url).hostname, urlsplit(srv.url).port
    silent: list[socket.socket] = []
    try:
        for _ in range(60):
            silent.append(socket.create_connection((host, port), timeout=5))
        time.sleep(0.5)
        start = time.monotonic()
        with urllib.request.urlopen(srv.url + "/archive/", timeout=10) as resp:
            assert resp.status == 200
        assert time.monotonic() - start < 5
    finally:
        for s in silent:
            s.close()
        stop_server(srv)
