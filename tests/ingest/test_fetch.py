"""fetch_url and URL sources against a real HTTP server on 127.0.0.1 (never the internet)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from composer.errors import InputError
from composer.ingest import load_article
from composer.ingest.fetch import MAX_REDIRECTS, fetch_url

FERRY = (Path(__file__).resolve().parent.parent / "fixtures" / "html" / "harbour-ferry.html").read_bytes()
PLAIN = (b"The city council approved the new cycle lanes on Tuesday after a long debate about parking.\n\n"
         b"Work on the first stretch along the river starts in May and should be finished by the autumn.\n")
MARKDOWN = b"---\ntitle: From the server\n---\nA paragraph served as Markdown with a [link](/rel).\n"


class Handler(BaseHTTPRequestHandler):
    """Routes for each behaviour under test; ``/redirect/N`` redirects N more times."""

    def log_message(self, format: str, *args: object) -> None:  # keep pytest output clean
        pass

    def send(self, status: int, body: bytes, ctype: str | None, extra: dict[str, str] | None = None,
             length: bool = True) -> None:
        self.send_response(status)
        if ctype:
            self.send_header("Content-Type", ctype)
        if length:
            self.send_header("Content-Length", str(len(body)))
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self) -> None:  # noqa: C901 - a routing table
        path = self.path
        if path == "/article":
            self.send(200, FERRY, "text/html; charset=utf-8")
        elif path == "/latin1":
            self.send(200, "<html><body><p>Café crème, naïve façade.</p></body></html>".encode("cp1252"),
                      "text/html; charset=iso-8859-1")
        elif path == "/post.md":
            self.send(200, MARKDOWN, "text/markdown")
        elif path == "/data":
            self.send(200, b'{"title": "JSON", "text": "Served as JSON."}', "application/json")
        elif path == "/plain":
            self.send(200, PLAIN, "text/plain")
        elif path == "/raw.md":
            self.send(200, MARKDOWN, "text/plain; charset=utf-8")
        elif path == "/untyped":
            self.send(200, b"<html><body><p>No content type header.</p></body></html>", None)
        elif path == "/image":
            self.send(200, b"\x89PNG\r\n\x1a\n", "image/png")
        elif path == "/pdf":
            self.send(200, b"%PDF-1.7", "application/pdf")
        elif path == "/big":
            self.send(200, b"<p>" + b"x" * 50_000 + b"</p>", "text/html", length=False)
        elif path == "/big-declared":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "999999999")
            self.end_headers()
        elif path.startswith("/redirect/"):
            n = int(path.rsplit("/", 1)[1])
            target = f"/redirect/{n - 1}" if n > 1 else "/article"
            self.send(302, b"", "text/html", {"Location": target})
        elif path == "/redirect-js":
            self.send(301, b"", "text/html", {"Location": "javascript:alert(1)"})
        elif path == "/redirect-file":
            self.send(302, b"", "text/html", {"Location": "file:///etc/passwd"})
        elif path == "/missing":
            self.send(404, b"not here", "text/plain")
        elif path == "/broken":
            self.send(500, b"oops", "text/plain")
        elif path == "/trickle":  # a byte every 0.1 s: never a read timeout, but never done either
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "1000")
            self.end_headers()
            for _ in range(1000):
                try:
                    self.wfile.write(b"x")
                    self.wfile.flush()
                except OSError:
                    return
                time.sleep(0.1)
        elif path == "/truncated":  # announces more than it sends, then closes
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "5000")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + b"cut short " * 100)
            self.close_connection = True
        elif path == "/slow":
            time.sleep(1.5)
            self.send(200, b"<p>late</p>", "text/html")
        else:
            self.send(404, b"", "text/plain")


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_fetches_html_with_charset_and_hint(server: str) -> None:
    got = fetch_url(server + "/article", timeout=5, max_bytes=1_000_000)
    assert got.body == FERRY
    assert (got.charset, got.format_hint, got.url) == ("utf-8", "html", server + "/article")


@pytest.mark.parametrize(("path", "hint"), [("/post.md", "markdown"), ("/data", "json"), ("/plain", None), ("/untyped", None)])
def test_format_hint_from_content_type(server: str, path: str, hint: str | None) -> None:
    assert fetch_url(server + path, timeout=5, max_bytes=1_000_000).format_hint == hint


def test_redirects_are_followed_and_the_final_url_reported(server: str) -> None:
    got = fetch_url(server + f"/redirect/{MAX_REDIRECTS}", timeout=5, max_bytes=1_000_000)
    assert got.url == server + "/article"
    assert got.body == FERRY


def test_too_many_redirects(server: str) -> None:
    with pytest.raises(InputError, match="more than 5 redirects"):
        fetch_url(server + f"/redirect/{MAX_REDIRECTS + 1}", timeout=5, max_bytes=1_000_000)


@pytest.mark.parametrize("path", ["/redirect-js", "/redirect-file"])
def test_redirects_only_to_http(server: str, path: str) -> None:
    with pytest.raises(InputError, match="not an http"):
        fetch_url(server + path, timeout=5, max_bytes=1_000_000)


@pytest.mark.parametrize(("path", "what"), [("/image", "'image/png'|an image"), ("/pdf", "a PDF")])
def test_non_article_content_types_are_refused(server: str, path: str, what: str) -> None:
    with pytest.raises(InputError, match=what):
        fetch_url(server + path, timeout=5, max_bytes=1_000_000)


def test_size_cap_while_streaming_and_from_content_length(server: str) -> None:
    with pytest.raises(InputError, match="more than"):
        fetch_url(server + "/big", timeout=5, max_bytes=10_000)
    with pytest.raises(InputError, match="larger than"):
        fetch_url(server + "/big-declared", timeout=5, max_bytes=1_000_000)


@pytest.mark.parametrize(("path", "code"), [("/missing", "404"), ("/broken", "500")])
def test_http_errors(server: str, path: str, code: str) -> None:
    with pytest.raises(InputError, match=f"HTTP {code}"):
        fetch_url(server + path, timeout=5, max_bytes=1_000_000)


def test_timeout(server: str) -> None:
    with pytest.raises(InputError, match="no answer within|stopped answering"):
        fetch_url(server + "/slow", timeout=0.3, max_bytes=1_000_000)


def test_connection_refused() -> None:
    with socket.socket() as s:  # a port that was free a moment ago and has no listener
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(InputError, match="refused|cannot connect"):
        fetch_url(f"http://127.0.0.1:{port}/", timeout=2, max_bytes=1000)


def test_dns_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_dns(*args: object, **kwargs: object) -> object:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(socket, "getaddrinfo", no_dns)
    with pytest.raises(InputError, match="cannot find the host 'news.invalid'"):
        fetch_url("http://news.invalid/story", timeout=2, max_bytes=1000)


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/x", "javascript:alert(1)", "file:///etc/passwd"])
def test_only_http_urls(url: str) -> None:
    with pytest.raises(InputError, match="not an http"):
        fetch_url(url, timeout=1, max_bytes=1000)


def test_load_article_from_url(server: str) -> None:
    art = load_article(server + "/redirect/2", timeout=5)
    assert art.title == "Harbour ferry returns after winter repairs"
    assert art.source.format == "url"
    assert art.source.path == server + "/article"  # the final URL after redirects


def test_load_markdown_and_json_by_content_type(server: str) -> None:
    art = load_article(server + "/post.md", timeout=5)
    assert art.title == "From the server"
    assert art.url == server + "/post.md"
    assert art.body[0].spans[0].url == server + "/rel"  # resolved against the page's address
    assert load_article(server + "/data", timeout=5).body[0].text == "Served as JSON."


def test_text_plain_is_sniffed_so_raw_markdown_is_read_as_markdown(server: str) -> None:
    art = load_article(server + "/raw.md", timeout=5)
    assert art.title == "From the server"
    assert load_article(server + "/plain", timeout=5).body[0].text.startswith("The city council approved")


def test_declared_latin1_is_decoded(server: str) -> None:
    art = load_article(server + "/latin1", timeout=5)
    assert art.body[0].text == "Café crème, naïve façade."


def test_a_trickling_server_hits_the_overall_deadline(server: str) -> None:
    start = time.monotonic()
    with pytest.raises(InputError, match="did not arrive within 1 s"):
        fetch_url(server + "/trickle", timeout=0.5, max_bytes=1_000_000, deadline=1.0)
    assert time.monotonic() - start < 3


def test_a_truncated_body_is_refused(server: str) -> None:
    with pytest.raises(InputError, match="sent 1,015 of the 5,000 bytes it announced"):
        fetch_url(server + "/truncated", timeout=5, max_bytes=1_000_000)
