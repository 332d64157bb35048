"""A small news site on 127.0.0.1 for feed tests and the feed bench: feeds, pages, 304s, delays.

The pages are real ones from the article-extraction benchmark (``corpus/extraction/aeb/html``);
the feeds are built from :class:`Story` values so that a test can publish, edit and post-date
entries between runs. The server honours ``If-None-Match``/``If-Modified-Since`` on feeds (and
records every request, so a test can see the 304), can delay a page (a slow server) and answers
404 for anything it does not have.
"""

from __future__ import annotations

import datetime as dt
import gzip
import hashlib
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from xml.sax.saxutils import escape


def corpus_pages(corpus: Path, n: int) -> list[bytes]:
    """The first ``n`` benchmark pages (sorted by name, so every run uses the same ones)."""
    files = sorted((corpus / "extraction" / "aeb" / "html").glob("*.html.gz"))[:n]
    return [gzip.decompress(f.read_bytes()) for f in files]


@dataclass
class Story:
    guid: str
    title: str
    path: str  # the page's path on the site
    published: dt.datetime
    excerpt: str = "A few words from the top of the story, and then a link to read the rest…"
    content: str | None = None  # full HTML in the feed (content:encoded / atom content)
    updated: dt.datetime | None = None


@dataclass
class Route:
    body: bytes
    ctype: str
    delay: float = 0.0
    status: int = 200


@dataclass
class Request:
    path: str
    status: int
    headers: dict[str, str]
    start: float
    end: float


@dataclass
class Site:
    routes: dict[str, Route] = field(default_factory=dict)
    log: list[Request] = field(default_factory=list)
    base: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return self.base + path

    def page(self, path: str, body: bytes, *, delay: float = 0.0, status: int = 200) -> None:
        self.routes[path] = Route(body, "text/html; charset=utf-8", delay, status)

    def rss(self, path: str, stories: Sequence[Story], *, title: str = "Test News") -> None:
        self.routes[path] = Route(rss20(self.base, stories, title=title), "application/rss+xml; charset=utf-8")

    def atom(self, path: str, stories: Sequence[Story], *, title: str = "Test News") -> None:
        self.routes[path] = Route(atom10(self.base, stories, title=title), "application/atom+xml; charset=utf-8")

    def requests(self, path: str) -> list[Request]:
        with self.lock:
            return [r for r in self.log if r.path == path]


def rss20(base: str, stories: Sequence[Story], *, title: str) -> bytes:
    items = []
    for s in stories:
        content = f"<content:encoded><![CDATA[{s.content}]]></content:encoded>" if s.content else ""
        items.append(f"<item><title>{escape(s.title)}</title><link>{escape(base + s.path)}</link>"
                     f"<guid isPermaLink=\"false\">{escape(s.guid)}</guid>"
                     f"<pubDate>{format_datetime(s.published)}</pubDate>"
                     f"<description>{escape(s.excerpt)}</description>{content}</item>")
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<rss version=\"2.0\" "
            f"xmlns:content=\"http://purl.org/rss/1.0/modules/content/\"><channel><title>{escape(title)}</title>"
            f"<link>{escape(base)}/</link><description>News</description><language>en</language>"
            f"{''.join(items)}</channel></rss>\n").encode()


def atom10(base: str, stories: Sequence[Story], *, title: str) -> bytes:
    entries = []
    for s in stories:
        content = f"<content type=\"html\">{escape(s.content)}</content>" if s.content else ""
        updated = (s.updated or s.published).isoformat()
        entries.append(f"<entry><id>{escape(s.guid)}</id><title>{escape(s.title)}</title>"
                       f"<link rel=\"alternate\" href=\"{escape(base + s.path)}\"/>"
                       f"<published>{s.published.isoformat()}</published><updated>{updated}</updated>"
                       f"<summary>{escape(s.excerpt)}</summary>{content}</entry>")
    newest = max((s.updated or s.published for s in stories), default=dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    return (f"<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<feed xmlns=\"http://www.w3.org/2005/Atom\">"
            f"<title>{escape(title)}</title><id>{escape(base)}/</id><link href=\"{escape(base)}/\"/>"
            f"<updated>{newest.isoformat()}</updated>{''.join(entries)}</feed>\n").encode()


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802 (the http.server API)
            start = time.monotonic()
            route = site.routes.get(self.path)
            status, body, headers = 404, b"<html><body><h1>Not found</h1></body></html>", {"Content-Type": "text/html"}
            if route is not None:
                if route.delay:
                    time.sleep(route.delay)
                etag = '"' + hashlib.sha256(route.body).hexdigest()[:16] + '"'
                status, body = route.status, route.body
                headers = {"Content-Type": route.ctype, "ETag": etag,
                           "Last-Modified": "Mon, 06 Jan 2025 08:00:00 GMT"}
                if self.headers.get("If-None-Match") == etag:
                    status, body = 304, b""
            # Logged before the answer goes out, so a client can never start its next request
            # before this one counts as ended (the in-flight counts in tests stay exact).
            with site.lock:
                site.log.append(Request(self.path, status, dict(self.headers), start, time.monotonic()))
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if status != 304:
                self.wfile.write(body)

    return Handler


@contextmanager
def serve(site: Site | None = None, host: str = "127.0.0.1") -> Iterator[Site]:
    """Serve ``site`` on an ephemeral port of ``host`` in a thread, for the duration of the block."""
    site = site or Site()
    server = ThreadingHTTPServer((host, 0), _handler(site))
    server.daemon_threads = True
    site.base = f"http://{host}:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
