"""Checks on a rendered newsletter that a sender wants to see before pressing send.

The preview shows this list. Each finding is something a mailbox provider, a screen reader or
a reader on a phone would notice: an image without ``alt`` (read out as a file name), a plain
``http`` link (flagged by some clients, and leaks the click), no unsubscribe link (bulk-sender
rules at Gmail and Yahoo), or HTML past Gmail's 102 KB clip (which hides the footer, with the
unsubscribe link in it). Anything executable is an error: it must never be in an email.

The parser is the standard library's, because the input is our own MJML output and the checks
only need tags and attributes, not a DOM.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from composer import regexcache as rx
from composer.newsletter import merge
from composer.newsletter.render import CLIP_BYTES, WARN_BYTES

_EXECUTABLE_TAGS = frozenset({"script", "iframe", "object", "embed", "applet", "form", "base", "frame", "frameset"})
_URL_ATTRS = frozenset({"href", "src", "action", "formaction", "background", "poster", "srcset", "xlink:href"})
_BAD_SCHEMES = rx.compile(r"^\s*(?:javascript|vbscript|data|file)\s*:", re.I)
_JUNK = rx.compile(r"[\x00-\x20\x7f]")


@dataclass(frozen=True)
class LintFinding:
    """One problem: ``code`` is stable (for filtering), ``message`` is for people."""

    code: str
    severity: str  # "error" | "warning" | "info"
    message: str
    detail: str = ""

    def to_dict(self) -> dict[str, str]:
        return {"code": self.code, "severity": self.severity, "message": self.message, "detail": self.detail}


@lru_cache(maxsize=1)
def _unsubscribe_words() -> tuple[str, ...]:
    """"Unsubscribe" in every language we ship a catalog for, to recognise the footer link."""
    from composer.newsletter import i18n

    words = {"unsubscribe"}
    for lang in i18n.available_languages():
        words.add(i18n.translations(lang).gettext("Unsubscribe").casefold())
    return tuple(sorted(words))


def _short(value: str, n: int = 80) -> str:
    value = merge.MARKER.sub(lambda m: "{{ " + m.group(1) + " }}", value)
    return value if len(value) <= n else value[: n - 1] + "…"


class _Scanner(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.findings: list[LintFinding] = []
        self.has_lang = False
        self.unsubscribe = False
        self._in_a: list[str] = []  # hrefs of the open <a> elements
        self._a_text: list[str] = []
        self._seen: set[tuple[str, str]] = set()

    def add(self, code: str, severity: str, message: str, detail: str = "") -> None:
        key = (code, detail)
        if key not in self._seen:  # one line per distinct problem, not per repetition
            self._seen.add(key)
            self.findings.append(LintFinding(code, severity, message, detail))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "html" and a.get("lang"):
            self.has_lang = True
        if tag in _EXECUTABLE_TAGS:
            self.add("executable", "error", f"<{tag}> has no place in an email (clients strip it or flag the message)",
                     f"<{tag}>")
        if tag == "link" and "stylesheet" in a.get("rel", "").lower():
            self.add("external-css", "warning", "external stylesheet: clients do not load it; inline the CSS",
                     _short(a.get("href", "")))
        for name, value in a.items():
            if name.startswith("on"):
                self.add("event-handler", "error", f"event handler attribute {name}= (scripts never run in email)",
                         f"<{tag} {name}=…>")
            if name in _URL_ATTRS and _BAD_SCHEMES.match(_JUNK.sub("", value)):
                self.add("unsafe-url", "error", f"{name} uses a scheme that can run code or embed content",
                         _short(value))
        if tag == "img":
            alt = a.get("alt")
            if alt is None or not alt.strip():
                self.add("image-alt", "warning", "image without alt text: screen readers and image-blocking "
                         "clients show nothing useful", _short(a.get("src", "")))
            src = a.get("src", "")
            if src.startswith("http://"):
                self.add("image-http", "warning", "image over plain http: many clients block it", _short(src))
        if tag == "a":
            href = a.get("href", "")
            self._in_a.append(href)
            self._a_text.append("")
            if merge.MARKER.fullmatch(href.strip()) and "unsubscribe" in href:
                self.unsubscribe = True
            elif href.startswith("http://"):
                self.add("link-http", "warning", "link over plain http: use https", _short(href))
            elif href.lower().startswith("mailto:") and "unsubscribe" in href.lower():
                self.unsubscribe = True

    def handle_data(self, data: str) -> None:
        if self._a_text:
            self._a_text[-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._in_a:
            href = self._in_a.pop()
            text = self._a_text.pop().strip().casefold()
            if href and any(w in text for w in _unsubscribe_words()):
                self.unsubscribe = True


def lint_html(html: str) -> list[LintFinding]:
    """Every finding for ``html``, errors first. An empty list means nothing to fix."""
    scanner = _Scanner()
    scanner.feed(html)
    scanner.close()
    findings = list(scanner.findings)
    size = len(html.encode("utf-8"))
    if size > CLIP_BYTES:
        findings.append(LintFinding("size", "error", f"{size / 1000:.0f} KB of HTML: Gmail clips messages above "
                                    f"{CLIP_BYTES // 1000} KB and hides the footer with the unsubscribe link",
                                    f"{size} bytes"))
    elif size > WARN_BYTES:
        findings.append(LintFinding("size", "warning", f"{size / 1000:.0f} KB of HTML: close to Gmail's "
                                    f"{CLIP_BYTES // 1000} KB clip", f"{size} bytes"))
    if not scanner.unsubscribe:
        findings.append(LintFinding("unsubscribe", "warning", "no unsubscribe link: bulk mail without one is "
                                    "rejected by Gmail and Yahoo; set SITE_URL or UNSUBSCRIBE_MAILTO"))
    if not scanner.has_lang:
        findings.append(LintFinding("lang", "info", "the <html> element has no lang: screen readers guess "
                                    "the language"))
    order = {"error": 0, "warning": 1, "info": 2}
    return sorted(findings, key=lambda f: order.get(f.severity, 3))
