"""The preview web app: Starlette served by uvicorn, bound to 127.0.0.1.

The same stack as ``compose serve`` (:mod:`composer.web`): one web framework to know, patch and
harden. Connections live on one event loop, so an idle or slow client costs a socket, not a
thread; :mod:`composer.serving` bounds the backlog, closes connections that send no complete
request in time, lets idle connections make room for new ones and caps the rest. Blocking work
(reading the outbox, rendering, recomposing, sending) runs in Starlette's bounded thread pool;
each server-sent-events stream is a coroutine.

Safety, since the app renders third-party text and can send mail:

* the app's pages carry a CSP that allows only its own static script and stylesheet;
* newsletter and embed HTML are only shown in ``sandbox`` iframes (no scripts) from routes whose
  own CSP is ``default-src 'none'; img-src https: data:; style-src 'unsafe-inline'``;
* URLs are split into segments on the raw path and every segment is checked, so ``..``, encoded
  slashes and symlinked items cannot reach outside the outbox; only known file names are ever
  served, and only when they are regular files directly inside the item folder
  (:mod:`composer.preview.files`: a symlink planted in an item is never followed);
* the ``Host`` header must name the loopback address the server is bound to (DNS rebinding), and
  the state-changing requests (Send test, Publish) need a per-process CSRF token and, when the
  browser sends one, a matching ``Origin``; their body is capped and must arrive in time;
* Send test and Publish results are shown with every secret masked as the CLI masks them.
"""

from __future__ import annotations

import asyncio
import hmac
import queue
import re
import secrets
import sys
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from http import HTTPStatus
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import Response, StreamingResponse
from starlette.routing import Route

from composer.checks import is_loopback
from composer.config import Settings
from composer.errors import ComposerError, InputError
from composer.outbox import MANIFEST, Item, Outbox, read_manifest
from composer.preview import pages
from composer.preview.files import is_regular_file, item_file_bytes
from composer.preview.publishing import MODES as PUBLISH_MODES
from composer.preview.publishing import NETWORKS as PUBLISH_NETWORKS
from composer.preview.publishing import PublishResult, publish_from_preview
from composer.preview.reload import EventHub, Watcher, recompose
from composer.preview.sendtest import SendResult, send_test
from composer.serving import Limits, Serving, bind

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
SSE_POLL_SECONDS = 0.2  # how often a stream looks at its queue (filled from the watcher's thread)


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
    data = item_file_bytes(item.path, "newsletter.eml")
    if data is None:
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
        self.publish_flash: dict[str, PublishResult] = {}
        self.errors: dict[str, str] = {}
        self.stale: set[str] = set()
        self._locks: dict[str, threading.Lock] = {}
        self._locks_guard = threading.Lock()
        self._watch_guard = threading.Lock()  # on_change against open_stream (see there)
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
        if resolved.parent != self.root or not is_regular_file(resolved, MANIFEST):
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
        with self._watch_guard:
            open_now = self.hub.watched()
            later = {name for name in names if name not in open_now}
            self.stale |= later
        for name in sorted(names - later):
            self.recompose_now(name, reason)

    def open_stream(self, name: str) -> tuple[queue.Queue[tuple[str, str]], bool]:
        """Subscribe a page to ``name``'s events; True when the item went stale meanwhile.

        A page that reloads closes its stream and opens a new one; a change in between finds
        no page open and only marks the item stale. The new stream then has it recomposed
        (and the page reloads), so no change is lost in that gap. One lock covers both sides.
        """
        with self._watch_guard:
            return self.hub.subscribe(name), name in self.stale

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


def segments(raw_path: str) -> list[str] | None:
    """The path's decoded segments, or None when any of them tries to escape.

    Checked on the *raw* path: Starlette's router matches the decoded one, where ``%2F`` has
    already become a separator, so the router is never trusted with the outbox's names.
    """
    if not raw_path.startswith("/"):
        return None
    segs = raw_path.split("/")[1:]
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
    return out


def _headers(csp: str, frame: str, extra: dict[str, str] | None = None) -> dict[str, str]:
    return {
        "Content-Security-Policy": csp,
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": frame,
        # same-origin, not no-referrer: with no-referrer browsers send "Origin: null" on our own
        # form POST, and the Origin check of Send test needs the real one. Nothing leaks out.
        "Referrer-Policy": "same-origin",
        "Cross-Origin-Opener-Policy": "same-origin",
        "Cache-Control": "no-store",
        **(extra or {}),
    }


def _send(status: int, body: bytes, ctype: str, *, csp: str = APP_CSP, frame: str = "DENY",
          extra: dict[str, str] | None = None) -> Response:
    return Response(body, status_code=status, headers=_headers(csp, frame, extra), media_type=ctype)


def _text(status: int, text: str) -> Response:
    return _send(status, text.encode("utf-8"), "text/plain; charset=utf-8")


def _page(template: str, http_status: int = 200, **context: Any) -> Response:
    return _send(http_status, pages.render_page(template, **context).encode("utf-8"), "text/html; charset=utf-8")


def _error(status: int, message: str) -> Response:
    return _page("error.html.j2", status, status=status, reason=HTTPStatus(status).phrase, message=message)


def _redirect(location: str) -> Response:
    return Response(b"", status_code=303, headers={"Location": location, "Cache-Control": "no-store"})


class Routes:
    """The requests of the preview, over a :class:`PreviewApp`.

    One Starlette route takes every path; :meth:`dispatch` checks the Host and splits the raw
    path into safe segments before a route is chosen. The blocking work (reading the outbox,
    rendering, recomposing, sending) runs in Starlette's bounded thread pool, the event streams
    on the event loop.
    """

    def __init__(self, app: PreviewApp, limits: Limits) -> None:
        self.app = app
        self.limits = limits

    def report(self, exc: BaseException) -> None:
        print(f"compose preview: {type(exc).__name__}: {exc}", file=sys.stderr)

    async def dispatch(self, request: Request) -> Response:
        try:
            return await self._dispatch(request)
        except Exception as exc:  # keep serving; say what broke
            self.report(exc)
            return _text(500, f"internal error: {type(exc).__name__}: {exc}\n")

    async def _dispatch(self, request: Request) -> Response:
        allowed = self.app.allowed_hosts
        if allowed is not None and (request.headers.get("host") or "").lower() not in allowed:
            return _text(421, "unexpected Host header\n")
        raw = request.scope.get("raw_path") or request.scope["path"].encode("utf-8")
        segs = segments(raw.decode("latin-1").partition("?")[0])
        method = request.method
        if method not in ("GET", "HEAD", "POST"):
            return _send(405, b"method not allowed\n", "text/plain; charset=utf-8", extra={"Allow": "GET, HEAD, POST"})
        if segs is None:
            return await run_in_threadpool(_error, 404, "No such page.")
        if method == "POST":
            return await self._post(request, segs)
        if len(segs) == 3 and segs[0] == "item" and segs[2] == "events":
            item = await run_in_threadpool(self.app.item, segs[1])
            if item is None:
                return await run_in_threadpool(_error, 404, "No such item in this outbox.")
            return self._events(segs[1], head=method == "HEAD")
        return await run_in_threadpool(self._get, segs, parse_qs(request.url.query))

    # -- GET ----------------------------------------------------------------------------------------

    def _get(self, segs: list[str], query: dict[str, list[str]]) -> Response:
        if not segs:
            return _page("index.html.j2", **pages.index_context(self.app.root, self.app.items(),
                                                                self.app.settings.database_url.reveal()),
                         root=str(self.app.root))
        if segs == ["favicon.ico"]:
            return _send(204, b"", "image/x-icon")
        if len(segs) == 2 and segs[0] == "static" and segs[1] in STATIC_FILES:
            return _send(200, (STATIC_DIR / segs[1]).read_bytes(), STATIC_FILES[segs[1]])
        if len(segs) >= 2 and segs[0] == "item":
            return self._item_route(segs[1], segs[2:], query)
        return _error(404, "No such page.")

    def _item_route(self, name: str, rest: list[str], query: dict[str, list[str]]) -> Response:
        """``/item/<name>/…``: the item is looked up first, so a bad name is one 404 for every sub-page."""
        item = self.app.item(name)
        if item is None:
            return _error(404, "No such item in this outbox.")
        if not rest:
            return self._item_page(name, item)
        return self._item_file(item, rest, query)

    def _item_page(self, name: str, item: Item) -> Response:
        """The review page, built from the item as it is now (rebuilt first if it went stale).

        A Send test result is popped, not read: it is shown once, and reloading the page does
        not repeat it. A recompose error stays until a rebuild succeeds.
        """
        app = self.app
        item = app.refresh_if_stale(name, item)
        return _page(
            "item.html.j2", **pages.item_context(item, app.settings), csrf_token=app.csrf_token,
            flash=app.flash.pop(name, None), publish_flash=app.publish_flash.pop(name, None),
            error=app.errors.get(name), quoted_name=quote(item.name),
        )

    def _item_file(self, item: Item, rest: list[str], query: dict[str, list[str]]) -> Response:
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
                return _error(404, "No such page.")
        if reply is None:
            return _error(404, f"This item has no {rest[-1]}.")
        return _send(200, reply.body, reply.ctype, csp=reply.csp, frame=reply.frame, extra=reply.extra)

    def _events(self, name: str, *, head: bool) -> Response:
        """Server-sent events for one item page: ``reload``, ``status`` and ``failed``.

        A stream is a coroutine on the event loop, not a thread; the hub's queue is polled
        (the watcher and recomposing run in threads).
        """
        hub = self.app.hub
        headers = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
        if head:
            return Response(b"", headers=headers, media_type="text/event-stream; charset=utf-8")

        async def stream() -> AsyncIterator[bytes]:
            q, stale = self.app.open_stream(name)
            try:
                yield b"retry: 1000\n: connected\n\n"
                if stale:  # changed while the page was loading: rebuild now, the page reloads
                    await run_in_threadpool(self.app.recompose_now, name, "files changed while the page was loading")
                idle = 0.0
                while not hub.closed.is_set():
                    try:
                        event, data = q.get_nowait()
                    except queue.Empty:
                        await asyncio.sleep(SSE_POLL_SECONDS)
                        idle += SSE_POLL_SECONDS
                        if idle >= SSE_PING_SECONDS:
                            idle = 0.0
                            yield b": ping\n\n"
                        continue
                    lines = "".join(f"data: {line}\n" for line in (data.splitlines() or [""]))
                    yield f"event: {event}\n{lines}\n".encode()
            finally:
                hub.unsubscribe(name, q)

        return StreamingResponse(stream(), headers=headers, media_type="text/event-stream; charset=utf-8")

    # -- POST ---------------------------------------------------------------------------------------

    async def _post(self, request: Request, segs: list[str]) -> Response:
        """``send-test`` and ``publish``: the only requests that change anything, both guarded alike."""
        if len(segs) != 3 or segs[0] != "item" or segs[2] not in ("send-test", "publish"):
            return await run_in_threadpool(_error, 404, "No such page.")
        item = await run_in_threadpool(self.app.item, segs[1])
        if item is None:
            return await run_in_threadpool(_error, 404, "No such item in this outbox.")
        action = "Send test" if segs[2] == "send-test" else "Publish"
        origin = request.headers.get("origin")
        if origin is not None and origin.lower() not in self.app.allowed_origins and self.app.allowed_hosts is not None:
            return await run_in_threadpool(
                _error, 403, f"This request came from another site; {action} only works from the preview page.")
        body = await self._form_body(request)
        if body is None:
            return await run_in_threadpool(_error, 400, "The form is missing or too large.")
        try:
            form = parse_qs(body.decode("utf-8", "replace"), max_num_fields=20)
        except ValueError:  # more fields than any form of ours has
            return await run_in_threadpool(_error, 400, "The form is missing or too large.")
        token = (form.get("csrf") or [""])[0]
        if not hmac.compare_digest(token.encode(), self.app.csrf_token.encode()):
            return await run_in_threadpool(
                _error, 403, "The form's security token is missing or stale; reload the page and try again.")
        if action == "Send test":
            self.app.flash[item.name] = await run_in_threadpool(send_test, item, self.app.settings)
            return _redirect(f"/item/{quote(item.name)}")
        network, mode = (form.get("network") or [""])[0], (form.get("mode") or [""])[0]
        if network not in PUBLISH_NETWORKS or mode not in PUBLISH_MODES:
            return await run_in_threadpool(_error, 400, "Publish needs a network (bluesky, mastodon or x) and a mode "
                                                        "(single or thread).")
        retry = (form.get("retry") or [""])[0] == "1"
        self.app.publish_flash[item.name] = await run_in_threadpool(
            lambda: publish_from_preview(item, self.app.settings, network, mode, retry=retry))
        return _redirect(f"/item/{quote(item.name)}#view=posts")

    async def _form_body(self, request: Request) -> bytes | None:
        """The body, or None when it is larger than :data:`MAX_FORM_BYTES` (said or sent) or
        does not arrive within the body timeout."""
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_FORM_BYTES):
            return None

        async def read() -> bytes | None:
            body = b""
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_FORM_BYTES:
                    return None
            return body

        try:
            return await asyncio.wait_for(read(), self.limits.body_timeout)
        except (TimeoutError, ClientDisconnect):
            return None


def asgi_app(app: PreviewApp, limits: Limits | None = None) -> Starlette:
    """The preview as an ASGI app (Starlette); :func:`make_server` serves it with uvicorn."""
    routes = Routes(app, limits or Limits())
    methods = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]
    asgi = Starlette(routes=[Route("/{path:path}", routes.dispatch, methods=methods)])
    asgi.state.preview = app
    return asgi


class PreviewServer:
    """The preview app bound to its socket; ``serve_forever()``, then ``close()`` (or a ``with``)."""

    def __init__(self, app: PreviewApp, host: str, port: int, *, verbose: bool = False,
                 limits: Limits | None = None) -> None:
        self.app = app
        self.verbose = verbose
        self.limits = limits or Limits()
        self.socket = bind(host, port, self.limits.backlog)
        self.host = host
        self.server_address = self.socket.getsockname()[:2]
        bound_port = int(self.server_address[1])
        url_host = f"[{host}]" if ":" in host else host
        self.url = f"http://{url_host}:{bound_port}/"
        if is_loopback(host):
            names = {url_host.lower(), "127.0.0.1", "localhost", "[::1]"}
            app.allowed_hosts = {f"{n}:{bound_port}" for n in names}
            app.allowed_origins = {f"http://{h}" for h in app.allowed_hosts}
        else:
            app.allowed_hosts = None
        self.asgi = asgi_app(app, self.limits)
        self.serving = Serving(self.asgi, self.socket, self.limits, verbose=verbose, on_exit=app.hub.close)

    def item_url(self, item: Item) -> str:
        return f"{self.url}item/{quote(item.name)}"

    def serve_forever(self) -> None:
        """Serve until :meth:`close` (from another thread) or Ctrl+C (re-raised as KeyboardInterrupt)."""
        self.serving.serve_forever()

    def close(self) -> None:
        """Stop serving (from any thread), end the event streams and the watcher, free the port."""
        self.app.close()
        self.serving.stop()

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
    limits: Limits | None = None,
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
        server = PreviewServer(app, host, port, verbose=verbose, limits=limits)
    except OSError as exc:
        raise InputError(f"cannot listen on {host}:{port} ({exc.strerror or exc}); choose another --port (0 picks a free one)") from exc
    app.start()
    return server, pinned
