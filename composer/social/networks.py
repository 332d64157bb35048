"""Post length as each network counts it, and the ``count`` command's input rule.

Every network counts differently, and a post the network rejects is a visible failure, so each
counter follows the network's own rule rather than ``len(text)``:

=========  ======  ==========================================================================
network    limit   unit
=========  ======  ==========================================================================
x          280     twitter-text v3 weighted length (:mod:`composer.social.xcount`)
bluesky    300     extended grapheme clusters, and at most 3000 UTF-8 bytes (the lexicon's
                   ``maxGraphemes``/``maxLength`` for ``app.bsky.feed.post``)
mastodon   500     grapheme clusters; each http(s) URL counts 23 and ``@user@domain`` counts
                   as ``@user`` (Mastodon's StatusLengthValidator); the limit is per server
threads    500     characters, with every emoji counted as its UTF-8 byte length (Threads API)
linkedin   3000    UTF-16 code units (what LinkedIn's composer counts; emoji count 2)
=========  ======  ==========================================================================

An empty text is never valid: no network publishes a post without text or media.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import regex

from composer.errors import InputError
from composer.social import xcount

__all__ = ["NETWORKS", "LIMITS", "CountResult", "count", "length", "limit_for", "decode_stdin_line", "count_lines"]

NETWORKS = ("x", "bluesky", "mastodon", "threads", "linkedin")
LIMITS = {"x": 280, "bluesky": 300, "mastodon": 500, "threads": 500, "linkedin": 3000}
BLUESKY_MAX_BYTES = 3000
MASTODON_URL_LENGTH = 23

_GRAPHEME = regex.compile(r"\X")
# A Mastodon mention of a remote account: only "@user" counts, the domain is free.
_REMOTE_MENTION = regex.compile(r"(?<![\w@])@(\w+)@[\w.\-]+\w", regex.UNICODE)


@dataclass(frozen=True)
class CountResult:
    """One counted text, in the JSON shape the ``count`` command prints."""

    text: str
    network: str
    length: int
    limit: int
    valid: bool

    def to_dict(self) -> dict[str, Any]:
        return {"text": self.text, "network": self.network, "length": self.length, "limit": self.limit,
                "valid": self.valid}


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters)."""
    return len(_GRAPHEME.findall(text))


def _mastodon_length(text: str) -> int:
    pieces: list[str] = []
    pos = 0
    for start, end in _protocol_urls(text):
        if start < pos:
            continue
        pieces.append(text[pos:start])
        pieces.append("x" * MASTODON_URL_LENGTH)
        pos = end
    pieces.append(text[pos:])
    countable = _REMOTE_MENTION.sub(lambda m: "@" + m.group(1), "".join(pieces))
    return graphemes(countable)


def _protocol_urls(text: str) -> list[tuple[int, int]]:
    """Spans of URLs written with http(s)://, as Mastodon's extractor (twitter-text, without
    scheme-less URLs) finds them."""
    return [(s, e) for s, e, u in xcount.url_spans(text) if u[:8].lower().startswith(("http://", "https://"))]


def _threads_length(text: str) -> int:
    total = len(text)
    for m in xcount._emoji_pattern().finditer(text):
        total += len(m.group(0).encode("utf-8")) - len(m.group(0))
    return total


def limit_for(network: str, *, mastodon_limit: int = 500) -> int:
    if network not in LIMITS:
        raise InputError(f"unknown network {network!r}: use one of {', '.join(NETWORKS)}")
    return mastodon_limit if network == "mastodon" else LIMITS[network]


def length(text: str, network: str) -> int:
    """The length of ``text`` in ``network``'s own unit (see the module table)."""
    if network == "x":
        return int(xcount.parse_post(text).length)
    if network == "bluesky":
        return graphemes(text)
    if network == "mastodon":
        return _mastodon_length(text)
    if network == "threads":
        return _threads_length(text)
    if network == "linkedin":
        return len(text.encode("utf-16-le", "surrogatepass")) // 2
    raise InputError(f"unknown network {network!r}: use one of {', '.join(NETWORKS)}")


def count(text: str, network: str, *, mastodon_limit: int = 500) -> CountResult:
    """Count ``text`` for ``network`` and say whether the network accepts it."""
    limit = limit_for(network, mastodon_limit=mastodon_limit)
    if network == "x":
        check = xcount.parse_post(text)
        return CountResult(text, network, int(check.length), limit, check.valid)
    n = length(text, network)
    valid = 0 < n <= limit
    if network == "bluesky":
        valid = valid and len(text.encode("utf-8", "surrogatepass")) <= BLUESKY_MAX_BYTES
    return CountResult(text, network, n, limit, valid)


def fits(text: str, network: str, *, mastodon_limit: int = 500) -> bool:
    """True when ``network`` accepts ``text`` (used by the post writer while it trims)."""
    return count(text, network, mastodon_limit=mastodon_limit).valid


def decode_stdin_line(line: str) -> str:
    """One stdin line as the text to count.

    The line ending is dropped. A line that is a JSON string literal (``"two\\nlines"``) is
    decoded, so texts with newlines or invisible characters can be counted one per line; any
    other line, including one that only looks like JSON, is counted as typed.
    """
    line = line.removesuffix("\n").removesuffix("\r")
    stripped = line.strip()
    if len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"':
        try:
            value = json.loads(stripped)
        except json.JSONDecodeError:
            return line
        if isinstance(value, str):
            return value
    return line


def count_lines(lines: Any, network: str, *, mastodon_limit: int = 500) -> list[dict[str, Any]]:
    """The ``count`` command over stdin lines: one result dict per line."""
    return [count(decode_stdin_line(line), network, mastodon_limit=mastodon_limit).to_dict() for line in lines]
