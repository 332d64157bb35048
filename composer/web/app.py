"""The reader service as an ASGI app (Starlette): unsubscribe, subscribe, archive and feed.

Safety properties, each for a reason:

* **A GET never changes state.** Mail scanners and link previewers fetch every URL in a
  message; ``GET /unsubscribe`` and ``GET /subscribe/confirm`` only show a page with a button.
* **Unsubscribe works without cookies or confirmation** (RFC 8058 one-click): the HMAC token in
  the URL is the authority; a forged or tampered one gets 400 and changes nothing; repeating it
  is harmless (idempotent).
* **Subscribe is double opt-in** and answers the same page whatever the address (subscribed,
  suppressed, unknown, or the request looked like a bot): nothing can be learnt about who is on
  the list. Bots are slowed by a honeypot field, a time trap and a per-IP rate limit; the form
  carries a CSRF token bound to a SameSite=Strict cookie; the confirmation link is signed and
  expires.
* **Every page is autoescaped** (Jinja2), sent with a strict Content-Security-Policy (no
  script at all), ``X-Content-Type-Options``, ``X-Frame-Options``/``frame-ancestors``, and
  ``Referrer-Policy: no-referrer`` (links carry tokens that must not leak to other sites).
* **Bounded input**: request bodies over :data:`MAX_BODY` bytes get 413 before being read,
  and requests for a Host not in the allowed list get 400 (links are built from ``SITE_URL``,
  never from the Host header, but this keeps the service from answering for foreign names).
* **Webhooks** (``POST /webhooks/{mailgun,postmark,sendgrid,ses}``) act only on a request that
  passes the provider's own signature check (:mod:`composer.web.webhooks`); an endpoint without
  its settings answers 404.
* The archive and feed hold only the public web copy of each sent issue (``newsletter.html``,
  which has no merge fields) and its title and summary: nothing about readers.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import json
import secrets
import sys
import threading
import time
from collections.abc import AsyncIterator, Callable
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, parseaddr
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit
from xml.etree import ElementTree as ET

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route

from composer.audience import WEB_REQUESTED, AudienceStore, open_for
from composer.checks import is_address
from composer.config import Settings, load_settings
from composer.errors import ComposerError, ConfigError
from composer.newsletter.unsubscribe import verify_token
from composer.web.tokens import Signer

MAX_BODY = 16 * 1024  # a subscribe form or an RFC 8058 body is a few hundred bytes
MAX_WEBHOOK_BODY = 1024 * 1024  # providers batch events (SendGrid up to a few hundred per post)
FORM_MAX_AGE = 2 * 3600  # a subscribe form older than this asks to be reloaded
ISSUES_TTL = 30.0  # seconds the list of sent issues is reused by the archive and feed
CONFIRM_COOLDOWN = 600.0  # at most one confirmation mail per address per 10 minutes
PAGE_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; "
            "base-uri 'none'")
# The archived newsletter: its inline styles and remote images, still no script, forms or frames.
ARCHIVE_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src https: data:; font-src https:; "
               "form-action 'none'; frame-ancestors 'none'; base-uri 'none'")


class SecurityHeaders:
    """Pure ASGI middleware: the security headers on every response that does not set its own CSP."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                names = {k.lower() for k, _v in headers}
                extra = {b"content-security-policy": PAGE_CSP.encode(), b"x-content-type-options": b"nosniff",
                         b"x-frame-options": b"DENY", b"referrer-policy": b"no-referrer",
                         b"cross-origin-opener-policy": b"same-origin"}
                headers += [(k, v) for k, v in extra.items() if k not in names]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


class RateLimit:
    """At most ``limit`` events per key in ``window`` seconds, in memory; the oldest keys are dropped past ``keys``."""

    def __init__(self, limit: int, window: float, keys: int = 10000) -> None:
        self.limit, self.window, self.keys = limit, window, keys
        self._hits: collections.OrderedDict[str, collections.deque[float]] = collections.OrderedDict()
        self._lock = threading.Lock()

    def allow(self, key: str, now: float) -> bool:
        with self._lock:
            hits = self._hits.pop(key, None) or collections.deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            allowed = len(hits) < self.limit
            if allowed:
                hits.append(now)
            self._hits[key] = hits
            while len(self._hits) > self.keys:
                self._hits.popitem(last=False)
            return allowed


async def read_form_bytes(request: Request, limit: int = MAX_BODY) -> bytes:
    """The raw body, refusing (413) more than ``limit`` bytes before or while reading it."""
    length = request.headers.get("content-length")
    if length is not None and (not length.isdigit() or int(length) > limit):
        raise HTTPException(413, "request body too large")
    body = b""
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise HTTPException(413, "request body too large")
    return body


async def read_form(request: Request, limit: int = MAX_BODY) -> dict[str, str]:
    """The urlencoded body (first value of each field), refusing more than ``limit`` bytes."""
    body = await read_form_bytes(request, limit)
    try:
        parsed = parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError) as exc:
        raise HTTPException(400, "malformed form") from exc
    return {k: v[0] for k, v in parsed.items()}


class ReaderService:
    """The state behind the routes: settings, the audience store, the signer, the rate limits."""

    def __init__(self, settings: Settings, store_factory: Callable[[], AudienceStore] | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        if not settings.site_url:
            raise ConfigError("compose serve needs SITE_URL (the public address readers reach it at, e.g. "
                              "https://news.example.org)")
        secret = settings.unsubscribe_secret.reveal()
        if not secret:
            raise ConfigError("compose serve needs UNSUBSCRIBE_SECRET to check unsubscribe links and sign forms")
        from composer.templating import make_env

        self.settings = settings
        self.secret = secret
        self.site = settings.site_url.rstrip("/")
        self.https = self.site.startswith("https://")
        self.cookie = "__Host-composer-form" if self.https else "composer-form"
        self.env = make_env(settings.templates_dir)
        self.store = (store_factory or (lambda: open_for(settings)))()
        self.signer = Signer(secret)
        self.clock = clock
        self.per_ip = RateLimit(settings.subscribe_rate_limit, 3600.0)
        self.per_address = RateLimit(1, CONFIRM_COOLDOWN)
        self._issues: tuple[float, list[dict[str, Any]] | None] = (0.0, None)
        self._issues_lock = threading.Lock()
        from composer.web.webhooks import SNSCertificates

        self.sns_certificates = SNSCertificates(settings.webhook_ses_cert_cache
                                                or Path(settings.outbox_dir) / ".sns-certificates")

    # -- pages --------------------------------------------------------------------------------

    def page(self, template: str, title: str, status: int = 200, headers: dict[str, str] | None = None,
             **context: Any) -> HTMLResponse:
        from composer.templating import render

        context.setdefault("paragraphs", [])
        html = render(self.env, f"web/{template}", title=title, brand=self.settings.theme.name, **context)
        return HTMLResponse(html, status_code=status, headers={"Cache-Control": "no-store", **(headers or {})})

    def message(self, title: str, *paragraphs: str, status: int = 200) -> HTMLResponse:
        return self.page("message.html.j2", title, status, paragraphs=list(paragraphs))

    # -- unsubscribe ---------------------------------------------------------------------------

    def _unsubscribe_params(self, request: Request) -> tuple[str, str] | None:
        email, token = request.query_params.get("e", ""), request.query_params.get("t", "")
        if not is_address(email) or not verify_token(self.secret, email, token):
            return None
        return email, token

    async def unsubscribe(self, request: Request) -> Response:
        found = self._unsubscribe_params(request)
        if found is None:
            if request.method == "POST":
                await read_form(request)  # bounded even when refused
            return self.message("This link does not work", "The unsubscribe link is incomplete or was changed. "
                                "Use the link from the newsletter itself, or reply to it and we will remove you.",
                                status=400)
        email, token = found
        if request.method == "GET":
            action = "/unsubscribe?" + urlencode({"e": email, "t": token}, quote_via=quote)
            return self.page("unsubscribe.html.j2", "Unsubscribe", email=email, action=action)
        form = await read_form(request)
        one_click = form.get("List-Unsubscribe") == "One-Click"
        ip = request.client.host if request.client else None
        await run_in_threadpool(self.store.suppress, email, "unsubscribed",
                                source="one-click" if one_click else "web", detail=f"ip {ip}" if ip else None)
        return self.message("You are unsubscribed", f"{email} will not get the newsletter any more.",
                            "Changed your mind? You can subscribe again at any time.")

    # -- subscribe -----------------------------------------------------------------------------

    def _form(self, request: Request, *, error: str = "", email: str = "", name: str = "",
              status: int = 200) -> HTMLResponse:
        cookie = request.cookies.get(self.cookie) or secrets.token_urlsafe(18)
        token = self.signer.form_token(cookie, int(self.clock()))
        response = self.page("subscribe.html.j2", "Subscribe", status, error=error, email=email, person_name=name,
                             token=token)
        response.set_cookie(self.cookie, cookie, max_age=FORM_MAX_AGE, path="/", secure=self.https, httponly=True,
                            samesite="strict")
        return response

    async def subscribe(self, request: Request) -> Response:
        if request.method == "GET":
            return self._form(request)
        now = self.clock()
        ip = request.client.host if request.client else "unknown"
        if not self.per_ip.allow(ip, now):
            await read_form(request)
            return self.message("Too many requests", "Please try again later.", status=429)
        form = await read_form(request)
        email, name = form.get("email", "").strip(), form.get("name", "").strip()[:100]
        age = self.signer.form_age(request.cookies.get(self.cookie, ""), form.get("token", ""), now)
        if age is None or age > FORM_MAX_AGE:
            return self._form(request, error="The form expired or was not sent from this page; please try again.",
                              email=email if is_address(email) else "", name=name, status=400)
        if not is_address(email):
            return self._form(request, error="Please enter a valid email address.", name=name, status=400)
        if "\r" in name or "\n" in name or not name.isprintable():
            name = ""
        bot = bool(form.get("website")) or age < self.settings.subscribe_min_seconds
        if not bot and self.per_address.allow(email.lower(), now):
            try:
                await run_in_threadpool(self._request_confirmation, email, name, ip, now)
            except ComposerError as exc:  # logged, never shown: the page must not differ
                print(f"compose serve: confirmation to a subscriber failed: {exc}", file=sys.stderr)
        return self.message("Check your inbox", "If the address can receive the newsletter, a message with a "
                            "confirmation link is on its way to it.",
                            f"The link is valid for {self.settings.subscribe_confirm_hours:g} hours.")

    def _request_confirmation(self, email: str, name: str, ip: str, now: float) -> None:
        list_name = self.settings.subscribe_list
        held = self.store.suppression(email)
        if held is not None and held.reason != "unsubscribed":
            self.store.log(email, "subscribe refused", reason=held.reason, ip=ip)
            return
        current = self.store.get(email)
        if current is not None and current.status == "subscribed" and list_name in current.lists and held is None:
            self.store.log(email, "subscribe repeated", ip=ip)
            return
        if current is None or (current.status == "pending" and current.consent_source == WEB_REQUESTED):
            # A repeated request touches the row, so the purge of expired sign-ups counts from the newest link.
            self.store.upsert(email, name=name or None, status="pending", consent_source=WEB_REQUESTED,
                              consent_ip=ip, event="subscribe requested")
        else:
            self.store.log(email, "subscribe requested", ip=ip)
        expires = int(now + self.settings.subscribe_confirm_hours * 3600)
        query = urlencode({"e": email, "l": list_name, "x": expires,
                           "t": self.signer.confirm_token(email, list_name, expires)}, quote_via=quote)
        self._send_confirmation(email, f"{self.site}/subscribe/confirm?{query}", now)

    def _send_confirmation(self, email: str, link: str, now: float) -> None:
        from composer.delivery import Outgoing, get_backend
        from composer.newsletter.message import _WIRE, encode_subject, format_address, make_message_id
        from composer.templating import render

        settings = self.settings
        context = {"brand": settings.theme.name, "link": link, "hours": f"{settings.subscribe_confirm_hours:g}"}
        msg = MIMEMultipart("alternative")
        msg["Subject"] = encode_subject(f"Confirm your subscription to {settings.theme.name}")
        msg["From"] = format_address(settings.mail_from, "From")
        msg["To"] = format_address(email, "To")
        msg["Date"] = format_datetime(dt.datetime.fromtimestamp(now, dt.UTC))
        message_id = make_message_id(f"confirm\0{email.lower()}\0{now}", settings.mail_from)
        msg["Message-ID"] = message_id
        msg["Auto-Submitted"] = "auto-generated"
        msg.attach(MIMEText(render(self.env, "web/confirm_email.txt.j2", **context), "plain", "utf-8"))
        msg.attach(MIMEText(render(self.env, "web/confirm_email.html.j2", **context), "html", "utf-8"))
        key = f"confirm-{dt.datetime.fromtimestamp(now, dt.UTC):%Y%m%dT%H%M%S%f}-{secrets.token_hex(4)}"
        directory = Path(settings.outbox_dir) / ".confirmations"
        with get_backend(settings.delivery, settings, directory=directory) as backend:
            [result] = backend.send_messages([Outgoing(key=key, sender=parseaddr(settings.mail_from)[1],
                                                       recipient=email, data=msg.as_bytes(policy=_WIRE),
                                                       message_id=message_id)])
        if not result.ok:
            raise ComposerError(f"the {settings.delivery} adapter did not take it: {result.reason}")

    def _confirm_params(self, request: Request) -> tuple[str, str, str, str] | None:
        q = request.query_params
        email, list_name, expires, token = q.get("e", ""), q.get("l", ""), q.get("x", ""), q.get("t", "")
        if not is_address(email) or not self.signer.confirm_ok(email, list_name, expires, token, self.clock()):
            return None
        return email, list_name, expires, token

    async def confirm(self, request: Request) -> Response:
        found = self._confirm_params(request)
        if found is None:
            if request.method == "POST":
                await read_form(request)
            return self.message("This link does not work", "The confirmation link is incomplete, was changed or "
                                "has expired. Subscribe again to get a new one.", status=400)
        email, list_name, expires, token = found
        if request.method == "GET":
            action = "/subscribe/confirm?" + urlencode({"e": email, "l": list_name, "x": expires, "t": token},
                                                       quote_via=quote)
            return self.page("confirm.html.j2", "Confirm your subscription", email=email, action=action)
        await read_form(request)
        ip = request.client.host if request.client else None
        await run_in_threadpool(self._confirmed, email, list_name, ip)
        return self.message("You are subscribed", f"{email} will get the next issue. Every issue has a link to "
                            "unsubscribe.")

    def _confirmed(self, email: str, list_name: str, ip: str | None) -> None:
        held = self.store.suppression(email)
        if held is not None and held.reason != "unsubscribed":
            self.store.log(email, "confirmation refused", reason=held.reason, ip=ip)
            return
        if held is not None:
            self.store.unsuppress(email, reasons=("unsubscribed",), source="confirmed subscription")
        now = self.clock()
        self.store.upsert(email, lists=[list_name], status="subscribed", consent_at=now,
                          consent_source="web form, double opt-in", consent_ip=ip, confirmed_at=now,
                          event="confirmed")

    # -- archive and feed ----------------------------------------------------------------------

    def issues(self) -> list[dict[str, Any]]:
        """The sent issues, looked up at most every :data:`ISSUES_TTL` seconds (opening the state
        takes SQLite's write lock briefly; a busy archive must not queue behind a running send)."""
        with self._issues_lock:
            stamp, cached = self._issues
            if cached is not None and self.clock() - stamp < ISSUES_TTL:
                return cached
            found = self._find_issues()
            self._issues = (self.clock(), found)
            return found

    def _find_issues(self) -> list[dict[str, Any]]:
        """Items sent to a real audience (not ``--to`` tests), newest first, with a public web copy."""
        from composer.delivery.state import DeliveryState
        from composer.outbox import Outbox

        first_sent: dict[str, tuple[float, str]] = {}
        with DeliveryState.for_settings(self.settings) as state:
            for campaign in state.campaigns():
                if campaign.audience.startswith("to:") or campaign.state == "scheduled":
                    continue
                if not state.counts(campaign.id)["sent"]:
                    continue
                when = campaign.due or campaign.created
                if campaign.item_path not in first_sent or when < first_sent[campaign.item_path][0]:
                    first_sent[campaign.item_path] = (when, campaign.item)
        outbox = Outbox(self.settings.outbox_dir)
        issues = []
        for item_path, (when, _name) in first_sent.items():
            try:
                item = outbox.get(item_path)
            except ComposerError:
                continue
            if not (item.path / "newsletter.html").is_file():
                continue
            summary: dict[str, Any] = {}
            if (item.path / "summary.json").is_file():
                try:
                    summary = json.loads(item.read_text("summary.json"))
                except (ValueError, ComposerError):
                    summary = {}
            stamp = dt.datetime.fromtimestamp(when, dt.UTC)
            issues.append({"name": item.name, "path": item.path,
                           "title": str(item.manifest.get("subject") or item.manifest.get("title") or item.name),
                           "summary": str(summary.get("tldr") or summary.get("summary") or ""),
                           "when": when, "iso": stamp.isoformat(timespec="seconds"), "date": stamp.date().isoformat()})
        issues.sort(key=lambda i: (i["when"], i["name"]), reverse=True)
        return issues

    async def archive(self, request: Request) -> Response:
        issues = await run_in_threadpool(self.issues)
        return self.page("archive.html.j2", "Archive", issues=issues)

    async def archive_item(self, request: Request) -> Response:
        name = request.path_params["item"]
        issues = await run_in_threadpool(self.issues)
        issue = next((i for i in issues if i["name"] == name), None)
        if issue is None:  # only sent issues, looked up by name: no path ever comes from the URL
            return self.message("Not found", "There is no such issue.", status=404)
        html = (issue["path"] / "newsletter.html").read_bytes()
        return Response(html, media_type="text/html; charset=utf-8",
                        headers={"Content-Security-Policy": ARCHIVE_CSP, "Cache-Control": "public, max-age=300"})

    async def old_archive_url(self, request: Request) -> Response:
        """``SITE_URL/<item>/newsletter.html``, the "view in browser" link items already carry."""
        return RedirectResponse(f"/archive/{quote(request.path_params['item'])}/", status_code=301)

    async def feed(self, request: Request) -> Response:
        issues = await run_in_threadpool(self.issues)
        ns = "http://www.w3.org/2005/Atom"
        ET.register_namespace("", ns)
        root = ET.Element(f"{{{ns}}}feed")

        def add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
            el = ET.SubElement(parent, f"{{{ns}}}{tag}", attrs)
            if text is not None:
                el.text = text
            return el

        add(root, "title", self.settings.theme.name)
        add(root, "id", f"{self.site}/feed.xml")
        add(root, "link", rel="self", href=f"{self.site}/feed.xml")
        add(root, "link", rel="alternate", href=f"{self.site}/archive/")
        newest = issues[0]["iso"] if issues else dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        add(root, "updated", newest)
        author = add(root, "author")
        add(author, "name", self.settings.theme.name)
        for issue in issues:
            url = f"{self.site}/archive/{quote(issue['name'])}/"
            entry = add(root, "entry")
            add(entry, "title", issue["title"])
            add(entry, "id", url)
            add(entry, "link", rel="alternate", type="text/html", href=url)
            add(entry, "published", issue["iso"])
            add(entry, "updated", issue["iso"])
            if issue["summary"]:
                add(entry, "summary", issue["summary"])
        body = ET.tostring(root, encoding="utf-8", xml_declaration=True)
        return Response(body, media_type="application/atom+xml; charset=utf-8",
                        headers={"Cache-Control": "public, max-age=300"})

    # -- provider webhooks ---------------------------------------------------------------------

    async def webhook(self, request: Request) -> Response:
        """``POST /webhooks/{provider}``: verify the provider's signature, then suppress what it reports."""
        from composer.web import webhooks as wh

        provider = request.path_params["provider"]
        s = self.settings
        enabled = {"mailgun": bool(s.webhook_mailgun_signing_key),
                   "postmark": bool(s.webhook_postmark_username and s.webhook_postmark_password),
                   "sendgrid": bool(s.webhook_sendgrid_public_key), "ses": bool(s.webhook_ses_topic_arn)}
        if not enabled.get(provider):
            await read_form_bytes(request, MAX_WEBHOOK_BODY)
            return PlainTextResponse("not found", status_code=404)
        body = await read_form_bytes(request, MAX_WEBHOOK_BODY)
        now = self.clock()
        try:
            if provider == "mailgun":
                found = wh.mailgun_events(wh.mailgun_verify(body, s.webhook_mailgun_signing_key.reveal(), now))
            elif provider == "postmark":
                wh.postmark_verify(request.headers.get("authorization"), s.webhook_postmark_username or "",
                                   s.webhook_postmark_password.reveal())
                found = wh.postmark_events(json.loads(body))
            elif provider == "sendgrid":
                data = wh.sendgrid_verify(body, request.headers.get("x-twilio-email-event-webhook-signature"),
                                          request.headers.get("x-twilio-email-event-webhook-timestamp"),
                                          s.webhook_sendgrid_public_key or "", now)
                found = wh.sendgrid_events(data)
            else:
                message = await run_in_threadpool(wh.sns_verify, body, s.webhook_ses_topic_arn or "",
                                                  self.sns_certificates)
                if message.get("Type") == "SubscriptionConfirmation":
                    # Not followed automatically: the operator confirms the subscription in the
                    # AWS console (or opens this URL), so that nothing here fetches a URL from a request.
                    print(f"compose serve: SNS subscription to {message.get('TopicArn')} awaits confirmation: "
                          f"{message.get('SubscribeURL')}", file=sys.stderr)
                found = wh.ses_events(message)
        except wh.Refused:
            headers = {"WWW-Authenticate": 'Basic realm="webhooks"'} if provider == "postmark" else None
            return PlainTextResponse("signature check failed", status_code=401 if provider == "postmark" else 403,
                                     headers=headers)
        except ValueError:
            return PlainTextResponse("malformed body", status_code=400)
        done = await run_in_threadpool(self._suppress_all, found, provider)
        return PlainTextResponse(f"ok: {done} suppressed\n")

    def _suppress_all(self, found: list[tuple[str, str, str]], provider: str) -> int:
        done = 0
        for value, reason, detail in found:
            address = parseaddr(value)[1]
            if is_address(address) and self.store.suppress(address, reason, source=f"webhook {provider}",
                                                           detail=detail[:300]):
                done += 1
        return done

    async def home(self, request: Request) -> Response:
        return RedirectResponse("/archive/", status_code=302)

    async def style(self, request: Request) -> Response:
        from composer.templating import builtin_templates_dir

        css = (builtin_templates_dir() / "web" / "style.css").read_text(encoding="utf-8")
        return Response(css, media_type="text/css; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"})


def allowed_hosts(settings: Settings) -> list[str]:
    if settings.serve_allowed_hosts:
        return [h.strip() for h in settings.serve_allowed_hosts.split(",") if h.strip()]
    hosts = ["localhost", "127.0.0.1", "::1", "[::1]"]
    site_host = urlsplit(settings.site_url or "").hostname
    return ([site_host] if site_host else []) + hosts


def create_app(settings: Settings | None = None, *, store_factory: Callable[[], AudienceStore] | None = None,
               clock: Callable[[], float] = time.time) -> Starlette:
    """The ASGI app; with no settings it reads them like the CLI does (``.env``, the environment)."""
    settings = settings or load_settings()
    service = ReaderService(settings, store_factory, clock)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 500)
        detail = getattr(exc, "detail", "error")
        return PlainTextResponse(str(detail), status_code=status)

    routes = [
        Route("/", service.home),
        Route("/unsubscribe", service.unsubscribe, methods=["GET", "POST"]),
        Route("/subscribe", service.subscribe, methods=["GET", "POST"]),
        Route("/subscribe/confirm", service.confirm, methods=["GET", "POST"]),
        Route("/archive/", service.archive),
        Route("/archive/{item}/", service.archive_item),
        Route("/{item}/newsletter.html", service.old_archive_url),
        Route("/feed.xml", service.feed),
        Route("/webhooks/{provider:str}", service.webhook, methods=["POST"]),
        Route("/style.css", service.style),
        Route("/favicon.ico", lambda request: Response(status_code=204, headers={"Cache-Control": "max-age=86400"})),
    ]
    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        try:
            yield
        finally:
            service.store.close()

    app = Starlette(routes=routes, exception_handlers={HTTPException: http_error},
                    middleware=[Middleware(SecurityHeaders),
                                Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(settings))],
                    lifespan=lifespan)
    app.state.service = service
    return app
