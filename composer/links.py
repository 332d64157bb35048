"""URLs on their way out: the check every renderer applies, UTM tagging and a short display form.

This is the output side. :func:`checked_link` never repairs: it returns the URL unchanged or
None. Its input-side counterpart, :func:`composer.ingest.sanitize.resolve_url`, resolves and
normalises what a source gives; both run, because an Article may also come from JSON that no
reader of ours has cleaned.

Article URLs come from pasted text, scraped pages and JSON from other tools, so any of them may
be ``javascript:``, ``data:`` or some other scheme that runs code when clicked. Every renderer
passes URLs through :func:`checked_link`; anything that is not plainly http(s) is dropped rather than
"fixed", because a repaired URL is still one an attacker chose.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from composer import regexcache as rx

__all__ = ["checked_link", "add_utm", "display_url"]

# Browsers strip these before parsing a URL, which is how "java\tscript:" tricks get through
# naive checks; we refuse URLs containing them instead of stripping.
_CONTROL_OR_SPACE = rx.compile(r"[\x00-\x20\x7f-\x9f\u2028\u2029\ufeff\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


def checked_link(url: str | None) -> str | None:
    """``url`` when it is an absolute http(s) URL with a host, else None.

    Surrounding whitespace is trimmed; whitespace, control characters, quotes or angle brackets
    inside (a real URL has them percent-encoded), a missing host,
    credentials in the authority (``https://bank.com@evil.example``) or any other scheme reject it.
    """
    if not url or not isinstance(url, str):
        return None
    url = url.strip()
    if not url or _CONTROL_OR_SPACE.search(url) or any(c in url for c in '\\"<>`'):
        return None
    try:
        parts = urlsplit(url)
        port_ok = parts.port is None or 0 < parts.port < 65536
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname or not port_ok:
        return None
    if "@" in parts.netloc or not url.lower().startswith(("http://", "https://")):
        return None
    return url


def add_utm(url: str, utm: Mapping[str, str] | None) -> str:
    """``url`` with the UTM parameters added; parameters the URL already has are kept as they are.

    Existing query order and the fragment are preserved, so a link the editor pasted keeps
    working and only gains the tracking parameters it lacked.
    """
    if not utm:
        return url
    parts = urlsplit(url)
    existing = parse_qsl(parts.query, keep_blank_values=True)
    have = {k for k, _ in existing}
    extra = [(k, v) for k, v in utm.items() if v and k not in have]
    if not extra:
        return url
    query = parts.query + ("&" if parts.query else "") + urlencode(extra)
    return urlunsplit((parts.scheme, parts.netloc, parts.path, query, parts.fragment))


def display_url(url: str, max_path: int = 20) -> str:
    """A short human form of ``url`` (host and start of the path), as Bluesky's app shows links.

    Only for display: the full URL still goes into the link facet.
    """
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host.startswith("www."):
        host = host[4:]
    rest = parts.path.rstrip("/")
    if parts.query:
        rest += "?" + parts.query
    if len(rest) > max_path:
        rest = rest[: max_path - 1] + "…"
    return host + rest
