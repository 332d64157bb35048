"""Route tests of the preview app through a real server on 127.0.0.1 (no browser)."""

from __future__ import annotations

import html
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from preview_helpers import HOSTILE, compose_item, csrf_of, hostile_item, make_settings, page, request, write_article

from composer.errors import InputError
from composer.outbox import Outbox

FRAME_CSP_REQUIRED = "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'"


@pytest.fixture
def item_server(tmp_path: Path, serve: Any) -> tuple[Any, Any, Any]:
    settings = make_settings(tmp_path / "outbox", delivery="memory")
    item = compose_item(write_article(tmp_path / "src"), settings)
    return serve(settings), item, settings


def test_index_lists_every_item_with_its_facts(item_server: Any, tmp_path: Path) -> None:
    server, item, settings = item_server
    second = compose_item(write_article(tmp_path / "src2", "other.md", "# Second story\n\nA different article body "
                                        "with enough words to summarise properly for a test.\n"), settings)
    status, headers, body = request(server, "GET", "/")
    assert status == 200
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    text = body.decode()
    for it in (item, second):
        assert f'href="/item/{it.name}"' in text
    assert "Harbour cranes get a second life" in text and "Second story" in text
    assert text.count('<span class="badge kind-single">single</span>') == 2
    assert text.count('<span class="badge state">composed</span>') == 2


def test_index_shows_delivery_campaigns_and_schedule(item_server: Any) -> None:
    from composer.delivery.state import DeliveryState

    server, item, _settings = item_server
    state = DeliveryState.in_outbox(server.app.root)
    state.create_campaign(item=item.name, item_path=str(item.path), via="smtp", audience="list:abc",
                          state="scheduled", due=1_900_000_000.0, due_text="2030-03-17 09:00 Europe/Berlin")
    state.close()
    text = page(server, "/")
    assert "#1 scheduled via smtp" in text
    assert "2030-03-17 09:00 Europe/Berlin" in text
    assert "#1 scheduled via smtp" in page(server, f"/item/{item.name}")


def test_item_page_shows_every_output(item_server: Any) -> None:
    from composer.social.networks import count

    server, item, _settings = item_server
    text = page(server, f"/item/{item.name}")
    # the newsletter frame: sandboxed without scripts, served from its own route
    frame = re.search(r'<iframe id="newsletter-frame"[^>]*>', text).group(0)
    assert 'sandbox="' in frame and "allow-scripts" not in frame and "allow-same-origin" not in frame
    assert f'src="/item/{item.name}/newsletter.html"' in frame
    assert 'id="btn-mobile"' in text and 'id="btn-desktop"' in text and 'id="btn-dark"' in text
    # text part, headers, .eml download, size against the clip
    txt = (item.path / "newsletter.txt").read_text(encoding="utf-8")
    assert html.escape(txt.splitlines()[0], quote=True) in text
    assert re.search(r"<th scope=\"row\">Subject</th><td>Harbour cranes get a second life</td>", text)
    assert f'href="/item/{item.name}/newsletter.eml" download="{item.name}.eml"' in text
    from composer.preview.pages import email_html

    size = len(email_html(item).encode("utf-8"))  # what a reader gets, not the web copy
    assert f"HTML {size / 1000:.1f} KB of Gmail's 102 KB clip" in text
    # posts with counts against each network's limit, and thread parts
    posts = __import__("json").loads((item.path / "posts.json").read_text(encoding="utf-8"))
    for network, limit in (("x", 280), ("bluesky", 300), ("mastodon", 500)):
        expected = count(posts[network]["post"], network)
        assert f'data-count="{network}">{expected.length}/{limit}</span>' in text
    assert text.count('class="post-text"') >= len(posts) + len(posts["x"].get("thread", []))
    # embed card (sandboxed, own route) and its code; oEmbed; meta; lint
    assert re.search(rf'<iframe id="embed-frame"[^>]*sandbox=""[^>]*src="/item/{item.name}/embed.html"', text)
    assert 'id="embed-code">&lt;' in text
    assert "&#34;version&#34;: &#34;1.0&#34;" in text
    assert '<th scope="row">og:title</th>' in text
    assert 'class="badge warning">warning</span> no unsubscribe link' in text
    # the app's own page runs no inline script and needs no inline style (its CSP forbids both)
    assert not re.search(r"<script(?![^>]*\bsrc=)", text)
    assert not re.search(r"\sstyle=\"", text)


def test_frames_and_downloads_have_their_own_strict_headers(item_server: Any) -> None:
    server, item, _settings = item_server
    from composer.preview.pages import email_html

    status, headers, body = request(server, "GET", f"/item/{item.name}/newsletter.html")
    assert status == 200 and body == email_html(item).encode("utf-8")
    assert headers["content-security-policy"].startswith(FRAME_CSP_REQUIRED)
    assert "script-src" not in headers["content-security-policy"]
    assert headers["x-frame-options"] == "SAMEORIGIN"

    status, headers, body = request(server, "GET", f"/item/{item.name}/newsletter.html?dark=1")
    dark = body.decode()
    assert status == 200 and "prefers-color-scheme: dark" in (item.path / "newsletter.html").read_text()
    assert not re.search(r"prefers-color-scheme\s*:\s*dark", dark) and "(min-width: 0px)" in dark

    status, headers, body = request(server, "GET", f"/item/{item.name}/embed.html")
    assert status == 200 and headers["content-security-policy"].startswith(FRAME_CSP_REQUIRED)
    assert (item.path / "embed.html").read_text(encoding="utf-8").strip()[:40] in body.decode()

    status, headers, body = request(server, "GET", f"/item/{item.name}/newsletter.eml")
    assert status == 200 and body == (item.path / "newsletter.eml").read_bytes()
    assert headers["content-type"] == "message/rfc822"
    assert headers["content-disposition"] == f'attachment; filename="{item.name}.eml"'

    status, headers, _ = request(server, "GET", f"/item/{item.name}/raw/posts.json")
    assert status == 200 and headers["content-type"].startswith("text/plain")
    assert request(server, "GET", f"/item/{item.name}/raw/secret.txt")[0] == 404


def test_hostile_item_is_escaped_everywhere(tmp_path: Path, serve: Any) -> None:
    outbox = tmp_path / "outbox"
    item = hostile_item(outbox)
    server = serve(make_settings(outbox))
    escaped = html.escape(HOSTILE, quote=True).replace("&#x27;", "&#39;").replace("&quot;", "&#34;")
    for path in ("/", f"/item/{item.name}"):
        text = page(server, path)
        assert HOSTILE not in text
        assert "<script>alert" not in text and "<img src=x" not in text
        assert escaped in text
        assert 'href="javascript:' not in text
    # the hostile newsletter itself is only ever served under the sandboxing CSP
    status, headers, _ = request(server, "GET", f"/item/{item.name}/newsletter.html")
    assert status == 200 and "sandbox" in headers["content-security-policy"]
    assert "script-src" not in headers["content-security-policy"]


@pytest.mark.parametrize("path", [
    "/item/../../etc/passwd",
    "/item/..%2F..%2Fetc%2Fpasswd",
    "/item/%2e%2e/%2e%2e/etc/passwd",
    "/item//etc/passwd",
    "/item/%2Fetc%2Fpasswd",
    "/item/NAME/raw/..%2F..%2F..%2Fetc%2Fpasswd",
    "/item/NAME/raw/../manifest.json",
    "/item/NAME/../../../../etc/passwd",
    "/static/..%2Fserver.py",
    "/static/../server.py",
    "/item/.tmp-x",
    "/item/NAME%00",
    "/../../etc/passwd",
    "/item/%ff%fe",
])
def test_path_traversal_is_refused(item_server: Any, path: str) -> None:
    server, item, _settings = item_server
    status, _headers, body = request(server, "GET", path.replace("NAME", item.name))
    assert status == 404
    assert b"root:" not in body and b"import " not in body and b'"files"' not in body


def test_an_item_symlinked_from_outside_is_refused(item_server: Any, tmp_path: Path) -> None:
    server, item, _settings = item_server
    outside = tmp_path / "elsewhere" / "2025-02-02-outside"
    outside.mkdir(parents=True)
    (outside / "manifest.json").write_text('{"title": "outside", "files": {}}')
    (outside / "newsletter.html").write_text("secret")
    os.symlink(outside, server.app.root / "2025-02-02-outside")
    assert request(server, "GET", "/item/2025-02-02-outside")[0] == 404
    assert request(server, "GET", "/item/2025-02-02-outside/newsletter.html")[0] == 404


def test_foreign_host_header_is_refused(item_server: Any) -> None:
    server, item, _settings = item_server
    port = server.server_address[1]
    assert request(server, "GET", "/", headers={"Host": f"evil.example:{port}"})[0] == 421
    assert request(server, "GET", f"/item/{item.name}", headers={"Host": f"localhost:{port}"})[0] == 200


def test_unknown_routes_and_items(item_server: Any) -> None:
    server, item, _settings = item_server
    assert request(server, "GET", "/item/2020-01-01-nothing")[0] == 404
    assert request(server, "GET", f"/item/{item.name}/nope")[0] == 404
    assert request(server, "GET", "/nope")[0] == 404
    assert request(server, "POST", "/", body=b"")[0] == 404
    assert request(server, "GET", "/favicon.ico")[0] == 204
    assert request(server, "GET", "/static/preview.js")[1]["content-type"].startswith("text/javascript")


def _post_send(server: Any, item: Any, token: str, origin: str | None = "same") -> tuple[int, dict[str, str], bytes]:
    host, port = server.server_address[:2]
    headers = {"Content-Type": "application/x-www-form-urlencoded"}
    if origin == "same":
        headers["Origin"] = f"http://{host}:{port}"
    elif origin is not None:
        headers["Origin"] = origin
    return request(server, "POST", f"/item/{item.name}/send-test", body=urlencode({"csrf": token}).encode(),
                   headers=headers)


def test_send_test_needs_the_csrf_token_and_our_origin(item_server: Any) -> None:
    from composer.delivery import memory

    server, item, _settings = item_server
    memory.outbox.clear()
    token = csrf_of(page(server, f"/item/{item.name}"))
    assert _post_send(server, item, "")[0] == 403
    assert _post_send(server, item, "forged")[0] == 403
    assert _post_send(server, item, token, origin="https://evil.example")[0] == 403
    assert memory.outbox == []

    status, headers, _ = _post_send(server, item, token)
    assert status == 303 and headers["location"] == f"/item/{item.name}"
    assert len(memory.outbox) == 1
    sent = memory.outbox[0]
    assert sent.recipient == "reviewer@example.org"
    assert b"\r\nTo: reviewer@example.org\r\n" in sent.data
    assert b"Subject: [Test] Harbour cranes get a second life\r\n" in sent.data
    text = page(server, f"/item/{item.name}")
    assert 'id="send-result"' in text and "sent to reviewer@example.org" in text
    assert 'id="send-result"' not in page(server, f"/item/{item.name}")  # shown once
    # a form post without Origin (older clients) still needs the token
    assert _post_send(server, item, token, origin=None)[0] == 303
    assert len(memory.outbox) == 2


def test_send_test_through_the_outbox_adapter_and_without_address(tmp_path: Path, serve: Any) -> None:
    settings = make_settings(tmp_path / "outbox", delivery="outbox")
    item = compose_item(write_article(tmp_path / "src"), settings)
    server = serve(settings)
    token = csrf_of(page(server, f"/item/{item.name}"))
    assert _post_send(server, item, token)[0] == 303
    [eml] = (tmp_path / "outbox" / ".test-sends" / item.name).glob("*.eml")
    assert b"[Test] Harbour cranes" in eml.read_bytes()
    assert [i.name for i in Outbox(tmp_path / "outbox").items()] == [item.name]  # no stray item

    server2 = serve(settings.replace(test_address=None))
    assert _post_send(server2, item, server2.app.csrf_token)[0] == 303
    assert "set TEST_ADDRESS" in page(server2, f"/item/{item.name}")


class _Events:
    """A server-sent-events reader on its own connection."""

    def __init__(self, server: Any, name: str) -> None:
        import http.client

        self.conn = http.client.HTTPConnection(*server.server_address[:2], timeout=30)
        self.conn.request("GET", f"/item/{name}/events")
        self.resp = self.conn.getresponse()
        assert self.resp.status == 200
        assert self.resp.getheader("Content-Type").startswith("text/event-stream")

    def next_event(self, timeout: float = 20) -> tuple[str, str]:
        deadline = time.monotonic() + timeout
        event, data = "", []
        while time.monotonic() < deadline:
            line = self.resp.fp.readline().decode().rstrip("\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                data.append(line[6:])
            elif line == "" and event:
                return event, "\n".join(data)
        raise AssertionError("no event in time")

    def until(self, wanted: str) -> str:
        while True:
            event, data = self.next_event()
            if event == wanted:
                return data
            assert event != "failed", data

    def close(self) -> None:
        self.conn.close()


@pytest.fixture
def live(tmp_path: Path, serve: Any) -> tuple[Any, Any, Path, Path]:
    templates = tmp_path / "templates"
    templates.mkdir()
    settings = make_settings(tmp_path / "outbox", templates_dir=templates)
    source = write_article(tmp_path / "src")
    item = compose_item(source, settings)
    server = serve(settings, watch=True)
    assert server.app.watcher.ready.wait(10)
    return server, item, source, templates


def _override_text_template(templates: Path, marker: str) -> None:
    from composer.templating import builtin_templates_dir

    base = (builtin_templates_dir() / "newsletter.txt.j2").read_text(encoding="utf-8")
    (templates / "newsletter.txt.j2").write_text(base + f"\n{marker}\n", encoding="utf-8")


def test_live_reload_recomposes_on_template_and_source_change(live: Any) -> None:
    server, item, source, templates = live
    events = _Events(server, item.name)
    try:
        time.sleep(0.3)
        _override_text_template(templates, "MARKER-ONE")
        assert "newsletter.txt.j2" in events.until("reload")
        assert "MARKER-ONE" in (item.path / "newsletter.txt").read_text(encoding="utf-8")

        source.write_text(source.read_text(encoding="utf-8").replace("Harbour cranes", "Dock cranes"), encoding="utf-8")
        assert "cranes.md" in events.until("reload")
        fresh = Outbox(server.app.root).get(item.name)
        assert fresh.manifest["subject"] == "Dock cranes get a second life"  # the default subject follows
        assert "Dock cranes get a second life" in (item.path / "newsletter.txt").read_text(encoding="utf-8")
        assert [i.name for i in Outbox(server.app.root).items()] == [item.name]  # replaced in place
    finally:
        events.close()


def test_a_template_error_is_reported_not_fatal(live: Any) -> None:
    server, item, _source, templates = live
    events = _Events(server, item.name)
    try:
        time.sleep(0.3)
        (templates / "newsletter.txt.j2").write_text("{% if %}\n", encoding="utf-8")
        message = events.until("failed") if events.next_event()[0] == "status" else ""
        assert "newsletter.txt.j2" in message and "line 1" in message
        assert "not recomposed" in page(server, f"/item/{item.name}")
        _override_text_template(templates, "FIXED")
        events.until("reload")
        assert "recompose-error" not in page(server, f"/item/{item.name}")
    finally:
        events.close()


def test_closed_pages_are_recomposed_when_opened(live: Any) -> None:
    server, item, _source, templates = live
    _override_text_template(templates, "LAZY-MARKER")
    deadline = time.monotonic() + 20
    while item.name not in server.app.stale and time.monotonic() < deadline:
        time.sleep(0.05)
    assert item.name in server.app.stale
    assert "LAZY-MARKER" not in (item.path / "newsletter.txt").read_text(encoding="utf-8")
    assert "LAZY-MARKER" in page(server, f"/item/{item.name}")


def test_recompose_keeps_a_chosen_subject_and_leaves_sent_items_alone(tmp_path: Path) -> None:
    from composer.preview.reload import recompose

    settings = make_settings(tmp_path / "outbox")
    source = write_article(tmp_path / "src")
    item = compose_item(source, settings, subject="My own subject")
    source.write_text(source.read_text(encoding="utf-8").replace("Harbour", "Dock"), encoding="utf-8")
    again = recompose(item, settings)
    assert again.name == item.name and again.manifest["subject"] == "My own subject"
    assert "Dock cranes" in (item.path / "newsletter.txt").read_text(encoding="utf-8")

    sent = Outbox(settings.outbox_dir).update_manifest(again, state="sent")
    with pytest.raises(InputError, match="is sent"):
        recompose(sent, settings)


def test_recompose_keeps_what_the_user_gave_on_the_command_line(tmp_path: Path,
                                                                capsys: pytest.CaptureFixture[str]) -> None:
    """A template edit in the preview rebuilds the item from its source: the reader would take
    its own headline again, so the ``--title``, ``--url``, ``--authors`` and ``--published``
    given at compose time are kept (and a source edit still comes through)."""
    from composer.cli import main
    from composer.pipeline import recompose_item
    from composer.preview.reload import recompose

    settings = make_settings(tmp_path / "outbox")
    source = tmp_path / "paste.txt"
    source.write_text((Path(__file__).resolve().parents[1] / "fixtures" / "paste" / "newspaper-bees.txt")
                      .read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["compose", str(source), "--outbox", str(settings.outbox_dir), "--title", "Bees are back",
                 "--url", "https://news.example.org/bees", "--authors", "Ann Lee", "--published", "2024-06-01"]) == 0
    item = Outbox(settings.outbox_dir).get(Path(capsys.readouterr().out.strip()).name)
    source.write_text(source.read_text(encoding="utf-8").replace("colonies", "hives"), encoding="utf-8")
    for again in (recompose(item, settings), recompose_item(item, settings), recompose(item, settings)):
        article = json.loads((again.path / "article.json").read_text(encoding="utf-8"))
        assert (article["title"], article["url"], article["authors"], article["published"]) == (
            "Bees are back", "https://news.example.org/bees", ["Ann Lee"], "2024-06-01")
        assert again.manifest["corrections"] == [{"url": "https://news.example.org/bees", "title": "Bees are back",
                                                   "authors": ["Ann Lee"], "published": "2024-06-01"}]
    assert "hives" in (item.path / "newsletter.txt").read_text(encoding="utf-8")


def test_items_with_a_delivery_campaign_are_not_recomposed(tmp_path: Path) -> None:
    from composer.delivery.state import DeliveryState
    from composer.preview.reload import recompose

    settings = make_settings(tmp_path / "outbox")
    item = compose_item(write_article(tmp_path / "src"), settings)
    state = DeliveryState.in_outbox(settings.outbox_dir)
    state.create_campaign(item=item.name, item_path=str(item.path), via="outbox", audience="to:a", state="active")
    state.close()
    with pytest.raises(InputError, match="campaign"):
        recompose(item, settings)


def test_make_server_reports_a_busy_port(item_server: Any) -> None:
    from composer.preview import make_server

    server, _item, settings = item_server
    with pytest.raises(InputError, match="choose another --port"):
        make_server(settings, port=server.server_address[1], watch=False)


def test_cli_preview_prints_its_url_and_serves(tmp_path: Path) -> None:
    settings = make_settings(tmp_path / "outbox")
    item = compose_item(write_article(tmp_path / "src"), settings)
    env = {k: v for k, v in os.environ.items() if k != "OUTBOX_DIR"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "composer", "preview", item.name, "--outbox", str(tmp_path / "outbox"), "--port", "0",
         "--no-reload"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=tmp_path, env=env,
    )
    try:
        line = proc.stdout.readline()
        m = re.search(r"http://127\.0\.0\.1:(\d+)/item/(\S+)", line)
        assert m, line + proc.stderr.read()
        assert m.group(2) == item.name and m.group(1) != "0"
        import urllib.request

        with urllib.request.urlopen(m.group(0), timeout=10) as resp:
            assert resp.status == 200 and b"Harbour cranes" in resp.read()
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=10)
    assert proc.returncode == 0


def test_oversized_newsletter_warns_about_gmail_clipping(tmp_path: Path, serve: Any) -> None:
    body = "<p>" + "Long story. " * 9_500 + "</p>"
    files = {
        "newsletter.html": f'<html lang="en"><body>{body}<a href="https://example.org/unsubscribe">Unsubscribe</a></body></html>'.encode(),
        "newsletter.txt": b"Long story.",
    }
    item = Outbox(tmp_path / "outbox").write_item("2025-01-02-long", files, {"title": "Long", "subject": "Long"})
    server = serve(make_settings(tmp_path / "outbox"))
    text = page(server, f"/item/{item.name}")
    size = len(files["newsletter.html"])
    assert size > 102_000
    assert 'id="size-warning"' in text and "Gmail will clip this newsletter" in text
    assert f"HTML {size / 1000:.1f} KB of Gmail's 102 KB clip (100%)" in text
    assert "Gmail clips messages above 102 KB" in text  # the lint list says it too
    # files an old or partial item lacks are reported, not fatal
    assert "This item has no posts.json." in text and "This item has no embed.html." in text


def test_recompose_a_digest_from_its_sources(tmp_path: Path) -> None:
    from composer.ingest import load_article
    from composer.pipeline import compose_to_outbox
    from composer.preview.reload import recompose

    settings = make_settings(tmp_path / "outbox")
    first = write_article(tmp_path / "src")
    second = write_article(tmp_path / "src", "ferry.md", "# Night ferry returns\n\nThe night ferry to the islands "
                           "runs again from June, the operator said, after two years without a crossing.\n")
    articles = [load_article(str(p)) for p in (first, second)]
    default, _ = compose_to_outbox(articles, settings, digest=True)
    chosen, _ = compose_to_outbox(articles, settings, digest=True, subject="Harbour news this week")
    second.write_text(second.read_text(encoding="utf-8").replace("Night ferry", "Morning ferry"), encoding="utf-8")
    first.write_text(first.read_text(encoding="utf-8").replace("Harbour cranes", "Dock cranes"), encoding="utf-8")

    again = recompose(default, settings)
    assert again.manifest["kind"] == "digest" and again.manifest["subject"].endswith("Dock cranes get a second life (+1 more)")
    kept = recompose(chosen, settings)
    assert kept.manifest["subject"] == "Harbour news this week"
    assert "Morning ferry returns" in (kept.path / "newsletter.txt").read_text(encoding="utf-8")


def test_send_test_through_the_console_adapter(tmp_path: Path, serve: Any, capsys: pytest.CaptureFixture[str]) -> None:
    settings = make_settings(tmp_path / "outbox", delivery="console")
    item = compose_item(write_article(tmp_path / "src"), settings)
    server = serve(settings)
    capsys.readouterr()
    assert _post_send(server, item, server.app.csrf_token)[0] == 303
    out = capsys.readouterr().out
    assert "Subject: [Test] Harbour cranes get a second life" in out and "To: reviewer@example.org" in out
    assert "printed on the preview server&#39;s console" in page(server, f"/item/{item.name}")


def test_a_change_while_the_page_reloads_is_not_lost(live: Any) -> None:
    """A reloading page has no stream open for a moment; a change then only marks the item
    stale, and the page's new stream has it recomposed, so the page still reloads."""
    server, item, _source, templates = live
    _override_text_template(templates, "GAP-MARKER")
    deadline = time.monotonic() + 20
    while item.name not in server.app.stale and time.monotonic() < deadline:
        time.sleep(0.05)
    assert item.name in server.app.stale  # no page was open
    events = _Events(server, item.name)
    try:
        assert "while the page was loading" in events.until("reload")
        assert "GAP-MARKER" in (item.path / "newsletter.txt").read_text(encoding="utf-8")
        assert item.name not in server.app.stale
    finally:
        events.close()
