"""The preview web app: a small stdlib HTTP server bound to 127.0.0.1.

``http.server.ThreadingHTTPServer`` is enough for one reviewer with a few tabs: no framework
means no new dependency and nothing hidden between a request and its response, which matters
for a server whose job includes showing hostile article content safely. Each long-lived
server-sent-events connection holds one (daemon) thread.

Safety, since the app renders third-party text and can send mail:

* the app's pages carry a CSP that allows only its own static script and stylesheet;
* newsletter and embed HTML are only shown in ``sandbox`` iframes (no scripts) from routes whose
  own CSP is ``default-src 'none'; img-src https: data:; style-src 'unsafe-inline'``;
* URLs are split into segments and every segment is checked, so ``..``, encoded slashes and
  symlinks cannot reach outside the outbox; only known file names are ever served;
* the ``Host`` header must name the loopback address the server is bound to (DNS rebinding), and
  the one state-changing request (Send test) needs a per-process CSRF token and, when the
  browser sends one, a matching ``Origin``.
"""

from __future__ import annotations

import contextlib
import hmac
import queue
import re
import secrets
import socket
import sys
import threading
from dataclasses import dataclass
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

from composer.checks import is_loopback
from composer.config import Settings
from composer.errors import ComposerError, InputError
from composer.outbox import MANIFEST, Item, Outbox, read_manifest
from composer.preview import pages
from composer.preview.reload import EventHub, Watcher, recompose
from composer.preview.sendtest import SendResult, send_test

STATIC_DIR = Path(__file__).resolve().parent / "static"
STATIC_FILES = {
    "preview.js": "text/javascript; charset=utf-8",
    "preview.css": "text/css; charset=utf-8",
    "favicon.svg": "image/svg+xml",
}
# Item files that may be viewed raw (as text/plain, never rendered): an allow-list of names.
RAW_FILES = {
    "article.json", "summary.json", "newsletter.mjml", "newsletter.html", "newsletter.txt",
    "email.html", "email.txt", "posts.json", "embed.html", "oembed.json", "meta.html", MANIFEST,
}

APP_CSP = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-src 'self'; "
    "connect-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"
)
FRAME_CSP = (
    "default-src 'none'; img-src https: data:; style-src 'unsafe-inline'; base-uri 'none'; "
    "form-action 'none'; frame-ancestors 'self'; sandbox allow-popups allow-popups-to-escape-sandbox"
)
RAW_CSP = "default-src 'none'; sandbox"

_ITEM_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,200}$")
MAX_FORM_BYTES = 10_000
SSE_PING_SECONDS = 15


@dataclass(frozen=True)
class Reply:
    """A file response before it is sent: body, type and the policy headers that go with it."""

    body: bytes
    ctype: str
    csp: str
    frame: str = "DENY"
    extra: dict[str, str] | None = None


def _framed(html: str) -> Reply:
    """Article-made HTML, only ever shown inside the item page's sandboxed iframes.

    FRAME_CSP blocks scripts and every load but images and inline styles; SAMEORIGIN lets our
    own page frame it and nobody else's.
    """
    return Reply(html.encode("utf-8"), "text/html; charset=utf-8", csp=FRAME_CSP, frame="SAMEORIGIN")


def _newsletter_reply(item: Item, *, dark: bool) -> Reply | None:
    """The newsletter as a reader's mail client shows it, optionally as a dark-mode client would."""
    html = pages.email_html(item)
    if html is None:
        return None
    return _framed(pages.dark_variant(html) if dark else html)


def _embed_reply(item: Item) -> Reply | None:
    """The embed snippet; a bare fragment is wrapped in a minimal page (doctype, UTF-8, a readable
    margin and font) so the frame shows it the way a host page would, not in quirks mode."""
    code = pages.read_text(item, "embed.html")
    if code is None:
        return None
    if "<html" not in code[:2000].lower():
        code = ('<!doctype html><html><head><meta charset="utf-8"><meta name="viewport" '
                'content="width=device-width"><style>body{margin:12px;font-family:system-ui,sans-serif}</style>'
                f"</head><body>{code}</body></html>")
    return _framed(code)


def _eml_reply(item: Item) -> Reply | None:
    """The reference message as a download: a browser must never render a mail message as a page."""
    try:
        data = (item.path / "newsletter.eml").read_bytes()
    except OSError:
        return None
    return Reply(data, "message/rfc822", csp=RAW_CSP,
                 extra={"Content-Disposition": f'attachment; filename="{item.name}.eml"'})


def _raw_reply(item: Item, filename: str) -> Reply | None:
    """An allow-listed item file as plain text, sandboxed, so markup in it is shown and never run."""
    text = pages.read_text(item, filename)
    if text is None:
        return None
    return Reply(text.encode("utf-8"), "text/plain; charset=utf-8", csp=RAW_CSP)


class PreviewApp:
    """State shared by every request: the outbox, the settings, events and the watcher."""

    def __init__(self, settings: Settings, *, root: Path | None = None, watch: bool = True) -> None:
        self.settings = settings
        self.root = Path(root or settings.outbox_dir).resolve()
        self.outbox = Outbox(self.root)
        self.csrf_token = secrets.token_urlsafe(32)
        self.hub = EventHub()
        self.flash: dict[str, SendResult] = {}
        self.errors: dict[str, str] = {}
        self.stale: set[str] = set()
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self.allowed_hosts: set[str] | None = None  # None: any Host (bound to a public interface)
        self.allowed_origins: set[str] = set()
        self.watcher: Watcher | None = None
        self.watch = watch

    # -- items -------------------------------------------------------------------------------------

    def item(self, name: str) -> Item | None:
        """The item called ``name`` directly inside the outbox, or None (never anything outside)."""
        if not _ITEM_NAME.match(name) or ".." in name:
            return None
        path = self.root / name
        try:
            resolved = path.resolve(strict=True)
        except (OSError, RuntimeError):
            return None
        if resolved.parent != self.root or not (resolved / MANIFEST).is_file():
            return None
        manifest = read_manifest(resolved)
        return Item(path=resolved, manifest=manifest) if manifest is not None else None

    def items(self) -> list[Item]:
        return list(self.outbox.items())

    def refresh_if_stale(self, name: str, item: Item) -> Item:
        """``item`` as it should be reviewed now.

        The watcher only marks items whose page is closed as stale (a template edit must not
        re-render a whole outbox), so the rebuild it skipped happens when the page is opened.
        """
        if name not in self.stale:
            return item
        self.recompose_now(name, "files changed while the page was closed")
        return self.item(name) or item

    def _lock(self, name: str) -> threading.Lock:
        with self._locks_guard:
            return self._locks.setdefault(name, threading.Lock())

    def recompose_now(self, name: str, reason: str) -> bool:
        """Rebuild one item and tell its open pages; errors are kept to show on the page."""
        with self._lock(name):
            self.stale.discard(name)
            item = self.item(name)
            if item is None:
                return False
            self.hub.publish(name, "status", f"recomposing after a change to {reason}…")
            try:
                recompose(item, self.settings)
            except ComposerError as exc:
                self.errors[name] = f"not recomposed after a change to {reason}: {exc}"
                self.hub.publish(name, "failed", self.errors[name])
                return False
            except Exception as exc:  # a bug in a renderer must not kill the watcher
                self.errors[name] = f"recomposing failed ({type(exc).__name__}: {exc})"
                self.hub.publish(name, "failed", self.errors[name])
                return False
            self.errors.pop(name, None)
            self.hub.publish(name, "reload", reason)
            return True

    def on_change(self, names: set[str], reason: str) -> None:
        """Watcher callback: open items now, the rest when someone opens them."""
        open_now = self.hub.watched()
        for name in sorted(names):
            if name in open_now:
                self.recompose_now(name, reason)
            else:
                self.stale.add(name)

    # -- lifecycle ---------------------------------------------------------------------------------

    def start(self) -> None:
        if not self.watch:
            return
        from composer.templating import builtin_templates_dir

        dirs = [builtin_templates_dir()]
        if self.settings.templates_dir is not None:
            dirs.insert(0, Path(self.settings.templates_dir))
        self.watcher = Watcher(dirs, self.items, self.on_change, outbox_root=self.root)
        self.watcher.start()

    def close(self) -> None:
        self.hub.close()
        if self.watcher is not None:
            self.watcher.stop()


class Handler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "composer-preview"
    sys_version = ""

    @property
    def app(self) -> PreviewApp:
        return self.server.app

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        if self.server.verbose:
            super().log_message(format, *args)

    # -- responses ---------------------------------------------------------------------------------

    def _send(self, status: int, body: bytes, ctype: str, *, csp: str = APP_CSP,
              frame: str = "DENY", extra: dict[str, str] | None = None) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", csp)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", frame)
        # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own
        # form POST, and the Origin check of Send test needs the real one. Nothing leaks out.
        self.send_header("Referrer-Policy", "same-origin")
        self.send_header("Cross-Origin-Opener-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        for k, v in (extra or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _page(self, template: str, http_status: int = 200, **context: Any) -> None:
        html = pages.render_page(template, **context)
        self._send(http_status, html.encode("utf-8"), "text/html; charset=utf-8")

    def _error(self, status: int, message: str) -> None:
        self._page("error.html.j2", status, status=status, reason=HTTPStatus(status).phrase, message=message)

    def _redirect(self, location: str) -> None:
        self.send_response(303)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()

    # -- request checks ---------------------------------------------------------------------------

    def _host_ok(self) -> bool:
        allowed = self.app.allowed_hosts
        if allowed is None:
            return True
        return (self.headers.get("Host") or "").lower() in allowed

    def _segments(self) -> tuple[list[str], dict[str, list[str]]] | None:
        """The path's decoded segments, or None when any of them tries to escape."""
        parts = urlsplit(self.path)
        raw = parts.path
        if not raw.startswith("/"):
            return None
        segs = raw.split("/")[1:]
        if segs and segs[-1] == "":
            segs.pop()
        out = []
        for seg in segs:
            try:
                s = unquote(seg, errors="strict") if "%" in seg else seg
            except UnicodeDecodeError:
                return None
            if s in ("", ".", "..") or any(c in s for c in "/\\\x00") or s.startswith("."):
                return None
            out.append(s)
        return out, parse_qs(parts.query)

    # -- GET ----------------------------------------------------------------------------------------

    def do_HEAD(self) -> None:
        self.do_GET()

    def do_GET(self) -> None:
        try:
            self._get()
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:  # keep serving; say what broke
            self.server.report(exc)
            with contextlib.suppress(OSError):
                self._send(500, f"internal error: {type(exc).__name__}: {exc}\n".encode(), "text/plain; charset=utf-8")

    def _get(self) -> None:
        if not self._host_ok():
            self._send(421, b"unexpected Host header\n", "text/plain; charset=utf-8")
            return
        parsed = self._segments()
        if parsed is None:
            self._error(404, "No such page.")
            return
        segs, query = parsed
        if not segs:
            self._page("index.html.j2", **pages.index_context(self.app.root, self.app.items(),
                                                              self.app.settings.database_url.reveal()),
                       root=str(self.app.root))
            return
        if segs == ["favicon.ico"]:
            self._send(204, b"", "image/x-icon")
            return
        if len(segs) == 2 and segs[0] == "static" and segs[1] in STATIC_FILES:
            data = (STATIC_DIR / segs[1]).read_bytes()
            self._send(200, data, STATIC_FILES[segs[1]])
            return
        if len(segs) >= 2 and segs[0] == "item":
            self._item_route(segs[1], segs[2:], query)
            return
        self._error(404, "No such page.")

    def _item_route(self, name: str, rest: list[str], query: dict[str, list[str]]) -> None:
        """``/item/<name>/…``: the item is looked up first, so a bad name is one 404 for every sub-page."""
        item = self.app.item(name)
        if item is None:
            self._error(404, "No such item in this outbox.")
        elif not rest:
            self._item_page(name, item)
        elif rest == ["events"]:
            self._events(name)
        else:
            self._item_file(item, rest, query)

    def _item_page(self, name: str, item: Item) -> None:
        """The review page, built from the item as it is now (rebuilt first if it went stale).

        A Send test result is popped, not read: it is shown once, and reloading the page does
        not repeat it. A recompose error stays until a rebuild succeeds.
        """
        app = self.app
        item = app.refresh_if_stale(name, item)
        self._page(
            "item.html.j2", **pages.item_context(item, app.settings), csrf_token=app.csrf_token,
            flash=app.flash.pop(name, None), error=app.errors.get(name), quoted_name=quote(item.name),
        )

    def _item_file(self, item: Item, rest: list[str], query: dict[str, list[str]]) -> None:
        """One output of the item, each with the headers that make it safe to show.

        Only the paths listed here reach the disk, so a request cannot name any other file. A
        known path whose file the item lacks (an older item) is a 404 that says which file.
        """
        match rest:
            case ["newsletter.html"]:
                reply = _newsletter_reply(item, dark=query.get("dark") == ["1"])
            case ["embed.html"]:
                reply = _embed_reply(item)
            case ["newsletter.eml"]:
                reply = _eml_reply(item)
            case ["raw", filename] if filename in RAW_FILES:
                reply = _raw_reply(item, filename)
            case _:
                self._error(404, "No such page.")
                return
        if reply is None:
            self._error(404, f"This item has no {rest[-1]}.")
            return
        self._send(200, reply.body, reply.ctype, csp=reply.csp, frame=reply.frame, extra=reply.extra)

    def _events(self, name: str) -> None:
        """Server-sent events for one item page: ``reload``, ``status`` and ``failed``."""
        app = self.app
        q = app.hub.subscribe(name)
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream; charset=utf-8")
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.end_headers()
            if self.command == "HEAD":
                return
            self.wfile.write(b"retry: 1000\n: connected\n\n")
            self.wfile.flush()
            idle = 0.0
            while not app.hub.closed.is_set():
                try:
                    event, data = q.get(timeout=0.5)
                except queue.Empty:
                    idle += 0.5
                    if idle >= SSE_PING_SECONDS:
                        idle = 0.0
                        self.wfile.write(b": ping\n\n")
                        self.wfile.flush()
                    continue
                lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
                self.wfile.write(f"event: {event}\n{lines}\n".encode())
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass
        finally:
            app.hub.unsubscribe(name, q)
            self.close_connection = True

    # -- POST ---------------------------------------------------------------------------------------

    def do_POST(self) -> None:
        try:
            self._post()
        except (BrokenPipeError, ConnectionResetError):
            pass
        except Exception as exc:
            self.server.report(exc)
            with contextlib.suppress(OSError):
                self._send(500, f"internal error: {type(exc).__name__}: {exc}\n".encode(), "text/plain; charset=utf-8")

    def _post(self) -> None:
        if not self._host_ok():
            self._send(421, b"unexpected Host header\n", "text/plain; charset=utf-8")
            return
        parsed = self._segments()
        if parsed is None or len(parsed[0]) != 3 or parsed[0][0] != "item" or parsed[0][2] != "send-test":
            self._error(404, "No such page.")
            return
        item = self.app.item(parsed[0][1])
        if item is None:
            self._error(404, "No such item in this outbox.")
            return
        origin = self.headers.get("Origin")
        if origin is not None and origin.lower() not in self.app.allowed_origins and self.app.allowed_hosts is not None:
            self._error(403, "This request came from another site; Send test only works from the preview page.")
            return
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if length < 0 or length > MAX_FORM_BYTES:
            self._error(400, "The form is missing or too large.")
            return
        form = parse_qs(self.rfile.read(length).decode("utf-8", "replace"))
        token = (form.get("csrf") or [""])[0]
        if not hmac.compare_digest(token.encode(), self.app.csrf_token.encode()):
            self._error(403, "The form's security token is missing or stale; reload the page and try again.")
            return
        self.app.flash[item.name] = send_test(item, self.app.settings)
        self._redirect(f"/item/{quote(item.name)}")


class PreviewServer(ThreadingHTTPServer):
    """The HTTP server plus its app; use as a context manager or call ``close()``."""

    daemon_threads = True

    def __init__(self, app: PreviewApp, host: str, port: int, *, verbose: bool = False) -> None:
        if ":" in host:
            self.address_family = socket.AF_INET6
        self.app = app
        self.verbose = verbose
        super().__init__((host, port), Handler)
        self.host = host
        bound_port = int(self.server_address[1])
        url_host = f"[{host}]" if ":" in host else host
        self.url = f"http://{url_host}:{bound_port}/"
        if is_loopback(host):
            names = {url_host.lower(), "127.0.0.1", "localhost", "[::1]"}
            app.allowed_hosts = {f"{n}:{bound_port}" for n in names}
            app.allowed_origins = {f"http://{h}" for h in app.allowed_hosts}
        else:
            app.allowed_hosts = None

    def report(self, exc: BaseException) -> None:
        print(f"compose preview: {type(exc).__name__}: {exc}", file=sys.stderr)

    def item_url(self, item: Item) -> str:
        return f"{self.url}item/{quote(item.name)}"

    def serve_forever(self, poll_interval: float = 0.5) -> None:
        self._serving = True
        try:
            super().serve_forever(poll_interval)
        finally:
            self._serving = False

    def close(self) -> None:
        """Stop serving (from any thread), end the event streams and the watcher, free the port."""
        self.app.close()
        if getattr(self, "_serving", False):
            self.shutdown()
        self.server_close()

    def __enter__(self) -> PreviewServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def make_server(
    settings: Settings,
    *,
    host: str = "127.0.0.1",
    port: int = 8025,
    item: str | None = None,
    watch: bool = True,
    verbose: bool = False,
) -> tuple[PreviewServer, Item | None]:
    """Bind the preview (port 0 picks a free port) and start watching; does not serve yet.

    ``item`` (a name or a path) is checked first; when it lives outside the configured outbox,
    its own folder's parent becomes the outbox the app shows.
    """
    pinned = Outbox(settings.outbox_dir).get(item) if item else None
    root = pinned.path.parent if pinned else Path(settings.outbox_dir)
    if not (0 <= port <= 65535):
        raise InputError(f"--port {port} is not a port number (0–65535; 0 picks a free one)")
    app = PreviewApp(settings, root=root, watch=watch)
    try:
        server = PreviewServer(app, host, port, verbose=verbose)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port (0 picks a free one)") from exc
    app.start()
    return server, pinned

