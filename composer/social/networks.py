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

:data:`TABLE` holds one :class:`Network` row per network — limit, length function, link weight
and the shape of a post written for it — and is the only place those facts live.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cache

from composer.errors import InputError

# The table is read by ``compose --help`` (the --network choices), so this module imports
# nothing heavy: the ``regex`` module and X's counter load on the first count.

__all__ = ["Network", "TABLE", "NETWORKS", "LIMITS", "CountResult", "network", "count", "length", "limit_for",
           "fits", "graphemes", "decode_stdin_line", "count_lines"]

BLUESKY_MAX_BYTES = 3000
MASTODON_URL_LENGTH = 23  # also X's t.co weight, which xcount applies itself



@cache
def _patterns() -> tuple[object, object]:
    import regex

    grapheme = regex.compile(r"\X")
    # A Mastodon mention of a remote account: only "@user" counts, the domain is free.
    remote_mention = regex.compile(r"(?<![\w@])@(\w+)@[\w.\-]+\w", regex.UNICODE)
    return grapheme, remote_mention


def graphemes(text: str) -> int:
    """User-perceived characters (extended grapheme clusters)."""
    return len(_patterns()[0].findall(text))


def _protocol_urls(text: str) -> list[tuple[int, int]]:
    """Spans of URLs written with http(s)://, as Mastodon's extractor (twitter-text, without
    scheme-less URLs) finds them."""
    from composer.social import xcount

    return [(s, e) for s, e, u in xcount.url_spans(text) if u[:8].lower().startswith(("http://", "https://"))]


def _x_length(text: str) -> int:
    from composer.social import xcount

    return int(xcount.parse_post(text).length)


def _x_measure(text: str) -> tuple[int, bool]:
    """X's own library decides validity (length, and characters it refuses) in one parse."""
    from composer.social import xcount

    result = xcount.parse_post(text)
    return int(result.length), bool(result.valid)


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
    countable = _patterns()[1].sub(lambda m: "@" + m.group(1), "".join(pieces))
    return graphemes(countable)


def _threads_length(text: str) -> int:
    from composer.social import xcount

    total = len(text)
    for m in xcount._emoji_pattern().finditer(text):
        total += len(m.group(0).encode("utf-8")) - len(m.group(0))
    return total


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


class Network:
    """One network: how it counts, where its limits are, and the shape of a post written for it.

    Every caller — the ``count`` command, the post writer, the preview — reads this row instead
    of asking "is this X?" in its own if-chain, so adding a network is adding a row. (A plain
    class rather than a dataclass: ``compose --help`` reads the table, and importing
    ``dataclasses`` would cost it a third of its start-up.)
    """

    __slots__ = ("name", "label", "limit", "length", "link_weight", "max_bytes", "limit_setting", "short_links",
                 "facets", "title_line", "key_point_list", "max_hashtags", "replies", "own_measure", "_measured")

    def __init__(
        self,
        name: str,
        label: str,  # as the network writes its own name
        limit: int,  # in the network's own unit (see ``length``)
        length: Callable[[str], int],
        *,
        link_weight: int | None = None,  # what one URL counts, when the network does not count it as typed
        max_bytes: int | None = None,  # a second, byte limit (Bluesky's record size)
        limit_setting: str | None = None,  # the setting that overrides ``limit`` (instances differ)
        short_links: bool = False,  # show a short form of the link (the full URL rides in a facet)
        facets: bool = False,  # rich text as byte-offset facets beside the text (links, hashtags)
        title_line: bool = False,  # room for the headline above the hook (long-form networks)
        key_point_list: bool = False,  # the key points as a bulleted list under the hook
        max_hashtags: int | None = None,  # fewer than the writer's default, where more only clutters
        replies: bool = True,  # threads are reply chains; without them the points are gathered into few posts
        own_measure: Callable[[str], tuple[int, bool]] | None = None,  # the network's library measures and judges
    ) -> None:
        self.name, self.label, self.limit, self.length = name, label, limit, length
        self.link_weight, self.max_bytes, self.limit_setting = link_weight, max_bytes, limit_setting
        self.short_links, self.facets, self.title_line = short_links, facets, title_line
        self.key_point_list, self.max_hashtags, self.replies = key_point_list, max_hashtags, replies
        self.own_measure = own_measure
        self._measured: dict[tuple[str, int | None], tuple[int, bool]] = {}

    def __repr__(self) -> str:
        return f"Network({self.name!r}, limit={self.limit})"

    def measure(self, text: str, limit: int | None = None) -> tuple[int, bool]:
        """``text``'s length in this network's unit and whether the network accepts it.

        Answers are kept per (text, limit): the post writer, trimming a post or packing a
        thread, asks again about the same candidate texts (81 of the 278 questions of the
        example's compose), and X's count parses the text for URLs each time.
        """
        key = (text, limit)
        found = self._measured.get(key)
        if found is None:
            found = self._measure(text, limit)
            if len(self._measured) >= 4096:
                self._measured.clear()
            self._measured[key] = found
        return found

    def _measure(self, text: str, limit: int | None) -> tuple[int, bool]:
        if self.own_measure is not None:
            return self.own_measure(text)
        n = self.length(text)
        valid = 0 < n <= (self.limit if limit is None else limit)
        if valid and self.max_bytes is not None:
            valid = len(text.encode("utf-8", "surrogatepass")) <= self.max_bytes
        return n, valid


TABLE: dict[str, Network] = {
    n.name: n
    for n in (
        Network("x", "X", 280, _x_length, link_weight=23, own_measure=_x_measure),
        Network("bluesky", "Bluesky", 300, graphemes, max_bytes=BLUESKY_MAX_BYTES, short_links=True, facets=True),
        Network("mastodon", "Mastodon", 500, _mastodon_length, link_weight=MASTODON_URL_LENGTH, limit_setting="MASTODON_LIMIT",
                title_line=True),
        Network("threads", "Threads", 500, _threads_length, title_line=True, max_hashtags=1),
        Network("linkedin", "LinkedIn", 3000, _utf16_units, title_line=True, key_point_list=True, replies=False),
    )
}
NETWORKS = tuple(TABLE)
LIMITS = {name: n.limit for name, n in TABLE.items()}


class CountResult:
    """One counted text, in the JSON shape the ``count`` command prints."""

    __slots__ = ("text", "network", "length", "limit", "valid")

    def __init__(self, text: str, network: str, length: int, limit: int, valid: bool) -> None:
        self.text, self.network, self.length, self.limit, self.valid = text, network, length, limit, valid

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "network": self.network, "length": self.length, "limit": self.limit,
                "valid": self.valid}


def network(name: str) -> Network:
    """The table row for ``name``; an unknown name is the user's mistake (exit code 2)."""
    try:
        return TABLE[name]
    except KeyError:
        raise InputError(f"unknown network {name!r}: use one of {', '.join(NETWORKS)}") from None


def limit_for(name: str, *, mastodon_limit: int = 500) -> int:
    """The limit in force: the table's, or the configured one where the network lets servers differ."""
    net = network(name)
    return mastodon_limit if net.limit_setting == "MASTODON_LIMIT" else net.limit


def length(text: str, name: str) -> int:
    """The length of ``text`` in the network's own unit (see the module table)."""
    return network(name).length(text)


def count(text: str, name: str, *, mastodon_limit: int = 500) -> CountResult:
    """Count ``text`` for network ``name`` and say whether the network accepts it."""
    limit = limit_for(name, mastodon_limit=mastodon_limit)
    n, valid = network(name).measure(text, limit)
    return CountResult(text, name, n, limit, valid)


def fits(text: str, name: str, *, mastodon_limit: int = 500) -> bool:
    """True when the network accepts ``text`` (used by the post writer while it trims)."""
    return count(text, name, mastodon_limit=mastodon_limit).valid


def decode_stdin_line(line: str) -> str:
    """One stdin line as the text to count.

    The line ending is dropped. A line that is a JSON string literal (``"two\\nlines"``) is
    decoded, so texts with newlines or invisible characters can be counted one per line; any
    other line, including one that only looks like JSON, is counted as typed.
    """
    line = line.removesuffix("\n").removesuffix("\r")
    stripped = line.strip()
    if len(stripped) >= 2 and stripped[0] == '"' and stripped[-1] == '"':
        import json

        try:
            value = json.loads(stripped)
        except json.JSONDecodeError:
            return line
        if isinstance(value, str):
            return value
    return line


def count_lines(lines: Iterable[str], network: str, *, mastodon_limit: int = 500) -> list[dict[str, object]]:
    """The ``count`` command over stdin lines: one result dict per line."""
    return [count(decode_stdin_line(line), network, mastodon_limit=mastodon_limit).to_dict() for line in lines]
