"""MIME: the rendered newsletter as a ready ``multipart/alternative`` message.

Headers are built by hand-checked code rather than ``EmailMessage``'s header registry for two
reasons: Python 3.11/3.12 drop the space between RFC 2047 encoded words in some subjects
(CPython gh-92081), and every value here may come from an article, so each one is forced onto a
single line before it can become a header (a CR/LF must never start a new header).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from email.charset import QP, Charset
from email.header import Header
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import format_datetime, formataddr, getaddresses, parseaddr
from typing import TYPE_CHECKING
from urllib.parse import quote, urlsplit

from composer import regexcache as rx
from composer.checks import is_address
from composer.errors import InputError
from composer.newsletter.render import Rendered
from composer.textutil import one_line

if TYPE_CHECKING:
    from composer.config import Settings

# compat32 with CRLF: it writes our pre-encoded headers as they are, where the modern policy
# would re-parse and re-fold them (and re-introduce gh-92081).
_WIRE = compat32.clone(linesep="\r\n")
_UTF8_QP = Charset("utf-8")
_UTF8_QP.body_encoding = QP
_UTF8_QP.header_encoding = QP
_BREAKS = rx.compile(r"\r\n|[\r\n\x0b\x0c\x85\u2028\u2029]")
_LONG_WORD = rx.compile(r"\S{60,}")


def header_safe(value: str, what: str = "header") -> str:
    """``value`` for a header: one line. CR/LF in addresses is an error; elsewhere it is a space."""
    if _BREAKS.search(value) and what in ("From", "To", "Reply-To"):
        raise InputError(f"{what} address contains a line break; refusing to build a header from it")
    return one_line(value)


def encode_subject(subject: str) -> str | Header:
    """The subject ready for a compat32 header: plain ASCII as is, anything else as encoded words.

    ``Header`` with an explicit UTF-8 charset encodes the whole text, spaces included, inside
    the encoded words, so a decoder gets back exactly what went in (gh-92081 is about spaces
    *between* words being treated as folding whitespace).
    """
    subject = header_safe(subject, "Subject")
    # Plain only when a reader cannot misread it: no double spaces (folding would eat them), no
    # "=?" (it would look encoded), no word too long to fold (compat32 would fold before it and
    # the subject would gain a leading space).
    if subject.isascii() and "  " not in subject and "=?" not in subject and not _LONG_WORD.search(subject):
        return subject
    return Header(subject, _UTF8_QP if subject.isascii() else "utf-8", header_name="Subject")


def format_address(value: str, what: str) -> str:
    """Validate and normalise ``Name <addr>``; non-ASCII display names are encoded."""
    value = header_safe(value, what)
    name, addr = parseaddr(value)
    if not addr or not is_address(addr):
        raise InputError(f"{what} {value!r} is not a valid email address")
    return formataddr((name, addr)) if name else addr


def format_addresses(values: list[str], what: str) -> str:
    return ", ".join(format_address(formataddr(pair) if pair[0] else pair[1], what)
                     for v in values for pair in getaddresses([v]))


def domain_of(address: str) -> str:
    return parseaddr(address)[1].rpartition("@")[2] or "composer.invalid"


def make_message_id(seed: str, mail_from: str) -> str:
    """A stable ``Message-ID`` derived from ``seed`` (e.g. item + recipient) and the sender domain.

    Stable IDs let receiving systems drop a duplicate if a resend ever happens after a crash.
    """
    digest = hashlib.sha256(seed.encode("utf-8")).hexdigest()[:32]
    return f"<{digest}@{domain_of(mail_from)}>"


def list_id(settings: Settings) -> str:
    """``List-Id`` (RFC 2919): ``Name <label.domain>``, from ``LIST_ID`` or the brand and sender domain.

    A stable List-Id lets receivers group and filter the list; it must not change between issues.
    """
    name = header_safe(settings.theme.name or "", "List-Id")
    configured = header_safe(settings.list_id or "", "List-Id")
    if configured:
        if "<" in configured:
            own_name, ident = parseaddr(configured)
            ident = ident or configured.strip("<>")
            name = own_name or name
        else:
            ident = configured
    else:
        from slugify import slugify

        label = slugify(name, max_length=60) or "newsletter"
        ident = f"{label}.{domain_of(settings.mail_from)}"
    if not re.fullmatch(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+", ident):
        raise InputError(f"LIST_ID {ident!r} is not a valid list identifier (use e.g. news.example.org)")
    return formataddr((name, ident)) if name else f"<{ident}>"


def list_headers(settings: Settings, unsubscribe_url: str | None, mailto: str | None) -> dict[str, str]:
    """``List-Id``, ``List-Unsubscribe`` and, for an https URL, ``List-Unsubscribe-Post``.

    RFC 8058 one-click needs an https URL *and* the ``List-Unsubscribe-Post`` header; Gmail and
    Yahoo require both for bulk senders. ``mailto`` (an address, or a ``mailto:`` URL) is offered
    beside it for clients that only speak mail. Anything that could break out of the ``<…>``
    brackets is refused rather than repaired.
    """
    headers = {"List-Id": list_id(settings)}
    targets: list[str] = []
    one_click = False
    if unsubscribe_url:
        url = header_safe(unsubscribe_url, "List-Unsubscribe")
        parts = urlsplit(url)
        if parts.scheme not in ("https", "http") or not parts.netloc or re.search(r"[\s<>,\"]", url):
            raise InputError(f"unsubscribe URL {url!r} must be an http(s) URL without spaces, commas or angle brackets")
        targets.append(f"<{url}>")
        one_click = parts.scheme == "https"
    if mailto:
        address = header_safe(mailto, "List-Unsubscribe")
        address = address[7:] if address.lower().startswith("mailto:") else address
        addr, _, query = address.partition("?")
        if not is_address(addr):
            raise InputError(f"unsubscribe address {addr!r} is not a valid email address")
        query = query or "subject=unsubscribe"
        targets.append(f"<mailto:{addr}?{quote(query, safe='=&')}>")
    if targets:
        headers["List-Unsubscribe"] = ", ".join(targets)
    if one_click:
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


#: The MIME boundary. Fixed, so the same message always has the same bytes (and the fast
#: per-recipient skeleton matches this reference builder). It starts with ``=_``, which a
#: quoted-printable body can never contain (a literal ``=`` is always written ``=3D``), so it
#: cannot collide with the content.
BOUNDARY = "=_composer_alternative"


def build_message(
    rendered: Rendered,
    *,
    mail_from: str,
    to: list[str] | None = None,
    reply_to: str | None = None,
    message_id: str,
    date: dt.datetime | None = None,
    extra_headers: dict[str, str] | None = None,
    html: str | None = None,
    text: str | None = None,
) -> bytes:
    """The complete message as bytes (CRLF line ends, every line ≤ 998 octets).

    This is the reference implementation: slower than assembling a pre-built skeleton (it builds
    ``email`` objects), but every other way of producing a message is tested against its bytes.
    ``extra_headers`` is where :func:`list_headers` goes.
    """
    message_id = header_safe(message_id, "Message-ID")
    msg = MIMEMultipart("alternative", boundary=BOUNDARY)
    msg["From"] = format_address(mail_from, "From")
    if to:
        msg["To"] = format_addresses(to, "To")
    if reply_to:
        msg["Reply-To"] = format_address(reply_to, "Reply-To")
    msg["Subject"] = encode_subject(rendered.subject)
    msg["Date"] = format_datetime(date or dt.datetime.now(dt.UTC))
    msg["Message-ID"] = message_id
    if rendered.language:
        msg["Content-Language"] = header_safe(rendered.language, "Content-Language")
    for key, value in (extra_headers or {}).items():
        name = header_safe(key)
        if not re.fullmatch(r"[!-9;-~]+", name):
            raise InputError(f"{name!r} is not a valid header name")
        msg[name] = header_safe(value, key)
    # Text first: clients show the last alternative they understand, so HTML goes last.
    for body, subtype in ((text if text is not None else rendered.text, "plain"),
                          (html if html is not None else rendered.html, "html")):
        part = MIMEText(body, subtype, _UTF8_QP)
        del part["MIME-Version"]  # only the top level carries it
        msg.attach(part)
    return msg.as_bytes(policy=_WIRE)
