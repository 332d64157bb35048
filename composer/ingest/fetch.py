"""Fetching an article URL: the only place in ingest that opens a network connection.

The standard library's ``urllib`` is enough for one GET of one page, so there is no HTTP
dependency. What it does not give for free is done here explicitly, because a URL is input
from a user and the server at the other end is not ours to trust:

* a **timeout** for connecting and for each read, and an overall **deadline** for the whole
  fetch (a server that trickles a byte now and then never trips a per-read timeout);
* a **complete body**: fewer bytes than the ``Content-Length`` the server announced is an
  error, not a shorter article;
* a **size cap** enforced while streaming, so a huge or endless response is cut off early;
* **redirects** followed by hand: at most :data:`MAX_REDIRECTS`, and only to http(s);
* **conditional GET** for feeds: the caller's ``If-None-Match``/``If-Modified-Since`` go out as
  given and a ``304 Not Modified`` comes back as a :class:`Fetched` with ``status=304`` and no
  body, so a feed that has not changed costs one small request and no parsing;
* a **content-type check** — web pages, text, Markdown and JSON are read; images, PDFs and
  other binaries are refused with a message that says what to do instead.

Every failure becomes an :class:`~composer.errors.InputError` with a one-line message.
"""

from __future__ import annotations

import socket
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import Message
from urllib.parse import urljoin, urlsplit

from composer.errors import InputError
from composer.ingest.sanitize import resolve_url

__all__ = ["Fetched", "fetch_url", "MAX_REDIRECTS", "USER_AGENT"]

MAX_REDIRECTS = 5
USER_AGENT = "composer/0.1 (+newsletter tool; reads one article page)"
_CHUNK = 64 * 1024

# media type -> format hint for the reader registry
_TEXTUAL = {
    "text/html": "html",
    "application/xhtml+xml": "html",
    "text/markdown": "markdown",
    "text/x-markdown": "markdown",
    "application/json": "json",
    "application/ld+json": None,
    # Feeds: read by composer.ingest.feed (RSS 0.9x/1.0/2.0, Atom), never as one article.
    "application/rss+xml": "feed",
    "application/atom+xml": "feed",
    "application/rdf+xml": "feed",
    "application/xml": None,
    # Servers label Markdown files (GitHub raw, many static hosts) as text/plain or as an
    # octet stream: both are sniffed from the content instead (binary data is still refused
    # by the reader of the bytes).
    "text/plain": None,
    "application/octet-stream": None,
}


@dataclass(frozen=True)
class Fetched:
    """A fetched response body and what the server said about it."""

    body: bytes
    url: str  # the final URL, after redirects
    charset: str | None
    format_hint: str | None
    content_type: str | None = None
    status: int = 200  # 304 when a conditional GET found nothing new (``body`` is then empty)
    etag: str | None = None
    last_modified: str | None = None


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Hand every 3xx back to us so that each hop can be checked before it is followed."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):  # type: ignore[no-untyped-def]
        return None


def _media_type(content_type: str | None) -> tuple[str, str | None]:
    if not content_type:
        return "", None
    msg = Message()
    msg["content-type"] = content_type
    charset = msg.get_param("charset")
    return msg.get_content_type().lower(), charset if isinstance(charset, str) else None


def _format_for(media: str, url: str) -> str | None:
    """The reader a media type calls for; raises for types that are not articles."""
    if not media:
        return None  # no header: sniff the content
    if media in _TEXTUAL:
        return _TEXTUAL[media]
    if media.endswith("+json"):
        return "json"
    if media.endswith("+xml") and "html" in media:
        return "html"
    if media.startswith("text/"):
        return None
    what = {"image": "an image", "video": "a video", "audio": "an audio file"}.get(media.split("/")[0])
    if media == "application/pdf":
        what = "a PDF"
    raise InputError(
        f"{url} is {what or media!r}, not an article page: give the URL of the web page, "
        "or save the article's text to a file"
    )


def fetch_url(url: str, timeout: float = 15.0, max_bytes: int = 10_000_000,
              headers: Mapping[str, str] | None = None, deadline: float | None = None,
              expect: str | None = None) -> Fetched:
    """GET ``url`` and return its body, following at most five http(s) redirects.

    ``headers`` are added to (or replace) the defaults: a feed reader sends its own ``Accept``
    and the validators of a conditional GET. ``timeout`` bounds connecting and each read;
    ``deadline`` (default four times ``timeout``) bounds the whole fetch, redirects included.
    ``expect`` (e.g. ``"image/"``) replaces the article check: the response's media type must
    start with it (the publisher fetches a link card's image with the same limits).
    """
    budget = deadline if deadline is not None else 4 * timeout
    end = time.monotonic() + budget
    current = resolve_url(url)
    if current is None:
        raise InputError(f"{url!r} is not an http(s) URL")
    opener = urllib.request.build_opener(_NoRedirect)
    for _hop in range(MAX_REDIRECTS + 1):
        req = urllib.request.Request(current, headers={
            "User-Agent": USER_AGENT,
            "Accept": "text/html,application/xhtml+xml,text/markdown,text/plain,application/json;q=0.9,*/*;q=0.1",
            "Accept-Encoding": "identity",
            **(headers or {}),
        })
        try:
            resp = opener.open(req, timeout=timeout)
        except urllib.error.HTTPError as exc:
            if exc.code in (301, 302, 303, 307, 308):
                location = exc.headers.get("Location")
                exc.close()
                nxt = resolve_url(urljoin(current, location)) if location else None
                if nxt is None:
                    # The 3xx "error" is only how _NoRedirect hands us the hop; nothing failed below us.
                    raise InputError(f"{url}: the server redirected to {location!r}, which is not an http(s) URL") from None
                current = nxt
                continue
            if exc.code == 304:  # only ever answers a conditional GET: nothing changed
                etag, modified = exc.headers.get("ETag"), exc.headers.get("Last-Modified")
                exc.close()
                return Fetched(body=b"", url=current, charset=None, format_hint=None, status=304,
                               etag=etag, last_modified=modified)
            reason = exc.reason if isinstance(exc.reason, str) else ""
            exc.close()
            raise InputError(f"{current}: the server answered HTTP {exc.code} {reason}".rstrip() + "; check the URL") from exc
        except urllib.error.URLError as exc:
            raise InputError(_network_message(current, exc.reason, timeout)) from exc
        except TimeoutError as exc:
            raise InputError(f"{current}: no answer within {timeout:g} s; try again later or raise the timeout") from exc
        except (OSError, ValueError) as exc:
            raise InputError(f"{current}: cannot connect ({exc})") from exc
        with resp:
            media, charset = _media_type(resp.headers.get("Content-Type"))
            if expect is None:
                hint = _format_for(media, current)
            elif media.startswith(expect):
                hint = None
            else:
                raise InputError(f"{current} is {media or 'of no stated type'!r}, not {expect.rstrip('/')}")
            length = resp.headers.get("Content-Length")
            if length and length.isdigit() and int(length) > max_bytes:
                raise InputError(f"{current} is {_size(int(length))}, larger than the {_size(max_bytes)} an article may be")
            body = _read_capped(resp, current, max_bytes, timeout, end, budget)
            declared = int(length) if length and length.isdigit() else None
            if declared is not None and len(body) < declared and not resp.headers.get("Content-Encoding"):
                raise InputError(f"{current}: the server sent {len(body):,} of the {declared:,} bytes it announced; "
                                 "the page is incomplete, try again")
            final = resolve_url(resp.geturl()) or current
        return Fetched(body=body, url=final, charset=charset, format_hint=hint, content_type=media or None,
                       etag=resp.headers.get("ETag"), last_modified=resp.headers.get("Last-Modified"))
    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects; open the URL in a browser and use the final address")


def _read_capped(resp, url: str, max_bytes: int, timeout: float, end: float,  # type: ignore[no-untyped-def]
                 budget: float) -> bytes:
    chunks: list[bytes] = []
    total = 0
    try:
        while True:
            # read1: returns what one read of the socket gives, so the deadline is checked as data trickles in.
            chunk = resp.read1(_CHUNK)
            if not chunk:
                break
            if time.monotonic() > end:
                raise InputError(f"{url}: the page did not arrive within {budget:g} s (the server sends it too "
                                 "slowly); try again later")
            total += len(chunk)
            if total > max_bytes:
                raise InputError(f"{url} sent more than {_size(max_bytes)}; that is not an article page")
            chunks.append(chunk)
    except TimeoutError as exc:
        raise InputError(f"{url}: the server stopped answering (no data for {timeout:g} s)") from exc
    except (OSError, ValueError) as exc:  # includes http.client.IncompleteRead
        raise InputError(f"{url}: the connection broke while reading ({exc.__class__.__name__})") from exc
    return b"".join(chunks)


def _size(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} KB"


def _network_message(url: str, reason: object, timeout: float) -> str:
    host = urlsplit(url).hostname or url
    if isinstance(reason, socket.gaierror):
        return f"{url}: cannot find the host {host!r}; check the address and your internet connection"
    if isinstance(reason, TimeoutError | socket.timeout):
        return f"{url}: no answer within {timeout:g} s; try again later or raise the timeout"
    if isinstance(reason, ConnectionRefusedError):
        return f"{url}: connection refused by {host}; check the address and port"
    if isinstance(reason, ssl.SSLError):
        return f"{url}: secure connection failed ({getattr(reason, 'reason', None) or reason}); check the address"
    return f"{url}: cannot connect ({reason})"
