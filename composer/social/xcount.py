"""X (Twitter) post length, counted exactly as X's own twitter-text v3 library counts it.

A post that X rejects is a visible failure, so this module reproduces the reference
implementation (twitter-text 3.1.0 ``parseTweet``) rule for rule rather than approximating it:

* the text is NFC-normalised first;
* every URL counts 23, found with twitter-text's URL grammar — scheme-less URLs count when their
  top-level domain is on X's list, so ``README.md`` is a URL (``.md`` is Moldova);
* every emoji sequence twemoji-parser 14 recognises counts 2 (ZWJ families, skin tones, flags,
  keycaps, tag flags); a ZWJ sequence from a later Emoji version (🐦‍🔥, Emoji 15.1) counts as its
  parts, exactly as in X's library — an overestimate, so never a rejected post;
* any other code point weighs 1 inside the configured ranges (U+0000–U+10FF, U+2000–U+200D,
  U+2010–U+201F, U+2032–U+2037) and 2 elsewhere;
* U+FFFE, U+FEFF and U+FFFF make a post invalid; the limit is 280.

The reference works on UTF-16 code units and some of its quirks depend on that (a domain may
start on the low half of an emoji; the weight of an astral character is looked up by its low
surrogate; a URL is skipped by the UTF-16 length of its text). We therefore match URLs on the text
with astral characters written as surrogate pairs, match emoji on code points (no emoji starts on
a low surrogate), and walk UTF-16 code units exactly as the reference does, so the results agree
on any input, not only on ordinary text. ``tests/social/test_xcount_differential.py`` checks this
against the JavaScript library itself.

The TLD and emoji lists ship as data files in ``composer/data`` (see their headers for origin and
licence), with the emoji pattern built from its list in advance (``x_emoji_re.txt``); nothing here
reads the conformance corpus at run time.

First use is kept cheap (~50 ms with the import, down from ~0.5 s) because every CLI run pays it:
no pattern holds the TLD list (a set lookup after a small domain pattern replaces a 1,600-name
alternation), the case-folded classes are written out rather than derived from the whole BMP, and
the larger patterns compile only when a text needs them. ``tests/social/test_xcount.py`` holds each
shortcut to the full patterns it replaces.
"""

from __future__ import annotations

import math
import os
import re
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache

from composer import regexcache as rx

TYPE_CHECKING = False
if TYPE_CHECKING:  # typing costs ~5 ms to import and is only needed by type checkers
    from typing import Any

__all__ = ["XConfig", "V2", "V3", "PostCheck", "weighted_length", "parse_post", "extract_urls", "url_spans",
           "is_valid"]


@dataclass(frozen=True)
class XConfig:
    """A twitter-text counting configuration (the shape of its ``v2.json``/``v3.json``)."""

    max_weighted_length: int = 280
    scale: int = 100
    default_weight: int = 200
    transformed_url_length: int = 23
    emoji_parsing: bool = True
    ranges: tuple[tuple[int, int, int], ...] = (
        (0x0000, 0x10FF, 100),
        (0x2000, 0x200D, 100),
        (0x2010, 0x201F, 100),
        (0x2032, 0x2037, 100),
    )

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> XConfig:
        """Build from twitter-text's JSON config (``v1.json``… ``v3.json``)."""
        return cls(
            max_weighted_length=d["maxWeightedTweetLength"],
            scale=d["scale"],
            default_weight=d["defaultWeight"],
            transformed_url_length=d["transformedURLLength"],
            emoji_parsing=bool(d.get("emojiParsingEnabled", False)),
            ranges=tuple((r["start"], r["end"], r["weight"]) for r in d.get("ranges", ())),
        )


V3 = XConfig()
V2 = XConfig(emoji_parsing=False)


@dataclass(frozen=True)
class PostCheck:
    """The verdict on one post: its weighted length and whether X accepts it.

    ``valid_range_end`` and ``display_range_end`` are inclusive UTF-16 indices into the original
    text, as twitter-text reports them (useful to highlight the overflowing tail in an editor).
    """

    length: int | float
    valid: bool
    permillage: int
    valid_range_end: int
    display_range_end: int
    urls: tuple[str, ...] = field(default=())

    @property
    def remaining(self) -> int | float:
        return V3.max_weighted_length - self.length


def _data_text(name: str) -> str:
    """A data file shipped in ``composer/data`` (read by path: importlib.resources costs ~10 ms to import)."""
    path = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "data", name)
    with open(path, encoding="utf-8") as f:
        return f.read()


# --- URL grammar (twitter-text's regular expressions, rebuilt) ---------------------------------
# twitter-text compiles its patterns with JavaScript's `i` flag and without `u`. In that mode two
# characters match case-insensitively when their upper-case forms are the same single UTF-16 unit,
# and a non-ASCII character never matches an ASCII one (so the Kelvin sign is not "k"). Python's
# IGNORECASE folds differently, so our classes list the case variants explicitly. They are written
# out here already folded: deriving them (`_fold`) scans the whole BMP, which cost every process
# ~0.1 s; the tests check the written-out sets against `_fold`.
#
# The ~1,600 TLDs are not compiled into any pattern (that alone cost ~0.5 s on first use). Small
# patterns find a domain's labels, and the TLD after them is looked up in a set, trying the
# choices in the order the backtracking of twitter-text's single pattern tries them (see
# `_domain_end` and `_tld_end`), so the URLs found are the same.

_PUNCT = "!'#%&()*+,\\-./:;<=>?@[]^_{|}~$"
_SPACES = [(0x09, 0x0D), 0x20, 0x85, 0xA0, 0x1680, 0x180E, (0x2000, 0x200A), 0x2028, 0x2029, 0x202F, 0x205F, 0x3000]
_INVALID = [0xFFFE, 0xFEFF, 0xFFFF]
_DIRECTIONAL = [(0x202A, 0x202E), 0x061C, 0x200E, 0x200F, (0x2066, 0x2069)]
_LATIN_ACCENTS = [(0xC0, 0xD6), (0xD8, 0xF6), (0xF8, 0xFF), (0x100, 0x24F), 0x253, 0x254, 0x256, 0x257, 0x259,
                  0x25B, 0x263, 0x268, 0x26F, 0x272, 0x289, 0x28B, 0x2BB, (0x300, 0x36F), (0x1E00, 0x1EFF)]
_CYRILLIC = [(0x400, 0x4FF)]
# The two sets above with what JavaScript's `/i` adds to them (their upper/lower-case partners
# outside the ranges, e.g. U+0399 because U+0345 upper-cases to it); equal to `_fold` of them.
_LATIN_ACCENTS_FOLDED = [*_LATIN_ACCENTS, 0x260, 0x269, 0x275, 0x280, 0x283, 0x288, 0x28A, 0x28C, 0x292,
                         0x399, 0x3B9, 0x1FBE, (0x2C65, 0x2C66), (0x2C7E, 0x2C7F)]
_CYRILLIC_FOLDED = [*_CYRILLIC, (0x1C80, 0x1C87)]
_ASCII_LETTERS = [(0x41, 0x5A), (0x61, 0x7A)]  # a-z under `/i` (no non-ASCII letter folds to ASCII)
_INVALID_CODE_UNITS = frozenset(_INVALID)
# A TLD must be followed by the end of the text or by a character outside this set.
_TLD_FOLLOWERS = frozenset("0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ@+-")


def _points(spec: Iterable[int | tuple[int, int] | str]) -> set[int]:
    out: set[int] = set()
    for item in spec:
        if isinstance(item, tuple):
            out.update(range(item[0], item[1] + 1))
        elif isinstance(item, str):
            out.update(ord(c) for c in item)
        else:
            out.add(item)
    return out


def _js_canon(c: int) -> int:
    """JavaScript's case canonicalisation for `/i` without `/u` (ECMA-262 Canonicalize)."""
    upper = chr(c).upper()
    if len(upper) != 1:
        return c
    u = ord(upper)
    if u > 0xFFFF or (c >= 128 and u < 128):
        return c
    return u


@cache
def _canon_char(ch: str) -> str:
    return chr(_js_canon(ord(ch)))


def _js_upper(s: str) -> str:
    """``s`` with each character replaced by its `/i` canonical form: two strings match each
    other case-insensitively in JavaScript exactly when these forms are equal."""
    if s.isascii():
        return s.upper()
    return "".join(map(_canon_char, s))


@cache
def _canon_groups() -> dict[int, tuple[int, ...]]:
    groups: dict[int, list[int]] = defaultdict(list)
    for c in range(0x10000):
        if not 0xD800 <= c <= 0xDFFF:
            groups[_js_canon(c)].append(c)
    return {k: tuple(v) for k, v in groups.items()}


def _fold(points: set[int]) -> set[int]:
    """Every BMP character that `/i` matches to one of ``points``. Slow (it scans the BMP): the
    run-time patterns use sets folded in advance, and the tests check those against this."""
    groups = _canon_groups()
    out: set[int] = set()
    for p in points:
        out.update(groups.get(_js_canon(p), (p,)) if p <= 0xFFFF else (p,))
    return out


def _esc(c: int) -> str:
    # Non-ASCII characters go in literally: the pattern is large and escapes are slow to parse.
    if c >= 0xA0 and not 0xD800 <= c <= 0xDFFF:
        return chr(c)
    return f"\\x{c:02X}" if c <= 0xFF else f"\\u{c:04X}"


def _class(points: set[int], *, negate: bool = False, fold: bool = False) -> str:
    """A regex class for ``points`` as compact ranges (case-folded the JavaScript way if ``fold``)."""
    pts = sorted(_fold(points) if fold else points)
    parts: list[str] = []
    i = 0
    while i < len(pts):
        j = i
        while j + 1 < len(pts) and pts[j + 1] == pts[j] + 1:
            j += 1
        parts.append(_esc(pts[i]) if i == j else f"{_esc(pts[i])}-{_esc(pts[j])}")
        i = j + 1
    return ("[^" if negate else "[") + "".join(parts) + "]"


def _literal_ci(word: str) -> str:
    """``word`` (ASCII) matched the `/i` way: a letter matches its two ASCII cases and nothing else."""
    return "".join(f"[{ch.upper()}{ch.lower()}]" if ch.isalpha() else re.escape(ch) for ch in word)


class _TldTable:
    """One of twitter-text's TLD lists, by `/i` canonical spelling (see :func:`_js_upper`).

    Names made only of characters that may not follow a TLD (ASCII letters, digits, "@+-") are
    kept apart: such a name can only match the whole run of those characters where it starts,
    so one set lookup finds it. The others (non-ASCII names) are tried length by length.
    """

    __slots__ = ("plain", "plain_max", "other", "other_lengths", "other_firsts", "other_max")

    def __init__(self, tlds: Iterable[str]) -> None:
        names = {_js_upper(t) for t in tlds}
        plain = {n for n in names if _TLD_FOLLOWERS.issuperset(n)}
        other = names - plain
        self.plain = frozenset(plain)
        self.plain_max = max(map(len, plain), default=0)
        self.other = frozenset(other)
        self.other_lengths = tuple(sorted({len(n) for n in other}, reverse=True))  # longest first
        self.other_firsts = frozenset(n[0] for n in other)
        self.other_max = max(map(len, other), default=0)

    def longest_other(self, text: str, p: int, shorter_than: int) -> int:
        """Length of the longest non-plain name matching at ``p`` and followed by a character that
        cannot continue it, if longer than ``shorter_than`` (else 0)."""
        canon = _js_upper(text[p:p + self.other_max])
        for n in self.other_lengths:
            if n <= shorter_than:
                break
            if n <= len(canon) and canon[:n] in self.other and (
                    p + n == len(text) or text[p + n] not in _TLD_FOLLOWERS):
                return n
        return 0


@cache
def _tlds() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(generic, country) TLDs in twitter-text's order."""
    text = _data_text("x_tlds.txt")
    sections: dict[str, list[str]] = {}
    current = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("[") and line.endswith("]"):
            current = sections.setdefault(line[1:-1], [])
        elif current is not None:
            current.append(line)
    return tuple(sections["generic"]), tuple(sections["country"])


class _UrlPatterns:
    """twitter-text's URL grammar as the small patterns and TLD tables our matcher uses.

    (Plain classes here, not dataclasses: each dataclass costs ~2 ms to create at import.)
    """

    __slots__ = ("candidate", "before", "scheme", "labels", "tail_source", "ascii_labels", "punycode", "tco",
                 "no_protocol_before", "followers", "tld_tables")

    def __init__(self) -> None:
        generic, country = _tlds()
        a_z = _points(_ASCII_LETTERS)
        digits = _points([(ord("0"), ord("9"))])
        latin, cyr = _points(_LATIN_ACCENTS_FOLDED), _points(_CYRILLIC_FOLDED)

        invalid_domain = _points(_PUNCT) | _points(_SPACES) | _points(_INVALID) | _points(_DIRECTIONAL)
        dchar = _class(invalid_domain, negate=True)
        # twitter-text's subdomain; its domain name is the same without "_" (checked in _domain_end).
        subdomain = f"(?:(?:{dchar}(?:[_\\-]|{dchar})*)?{dchar}\\.)"
        before = (
            "(?:" + _class(_points([(65, 90), (97, 122), (48, 57), "@＠$#＃"]) | _points(_INVALID), negate=True)
            + "|" + _class(_points(_DIRECTIONAL)) + ")"
        )
        path_char = _class(a_z | cyr | digits | _points("!*';:=+,.$/%#[]-\u2013_~@|&") | latin)
        parens = (f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)")
        path_end = _class(_points("+-") | a_z | cyr | digits | _points("=_#/") | latin)
        # twitter-text splices its ending-character pattern ("[…]|(?:parens)") into the path
        # pattern without a group, so the "|" splits the whole alternative: a path is general
        # characters ending in an ending character, OR balanced parentheses alone, OR "@…/".
        # Kept exactly so: "example.com/a:(0)" links only "example.com/a", as X does.
        path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end}|(?:{parens}))|(?:@{path_char}+/))"
        query_char = _class(a_z | digits | _points("!?*'@();:&=+$/%#[]-_.,~|"))
        query_end = _class(a_z | digits | _points("-_&=#/"))
        scheme = _literal_ci("http") + _literal_ci("s") + "?://"
        tco = f"^{scheme}{_literal_ci('t.co')}/({_class(a_z | digits)}+)(?:\\?{query_char}*{query_end})?"

        # Where a URL may start: a necessary condition, checked fast so that Python code only runs
        # for a text's likely domains. A TLD starts with an ASCII letter that begins a listed name
        # (either case; "x" for punycode) or with a non-ASCII character.
        tld_start = "".join(sorted({c for t in generic + country for c in (t[0].lower(), t[0].upper())
                                    if t[0].isascii()} | {"x", "X"}))
        tld_start = f"[{re.escape(tld_start)}\\x80-\\U0010FFFF]"
        self.candidate = rx.compile(f"(?:{before}|^)(?:{scheme})?(?={subdomain}+{tld_start})")
        self.before = rx.compile(before)  # the character before a URL (or the start of the text)
        self.scheme = rx.compile(scheme)
        self.labels = rx.compile(f"{subdomain}*")  # as many domain labels as possible, with their dots
        # Port, path (group 1) and query: the largest pattern, compiled when a URL first has one.
        self.tail_source = f"(?::[0-9]+)?(/{path}*)?(?:\\?{query_char}*{query_end})?"
        # One or more labels of twitter-text's validAsciiDomain.
        self.ascii_labels = rx.compile("(?:" + _class(_points("-") | a_z | digits | latin) + "+\\.)+")
        self.punycode = rx.compile(_literal_ci("xn--") + _class(_points("-") | digits | a_z) + "+")
        self.tco = rx.compile(tco)
        self.no_protocol_before = rx.compile(r"[\-_./]\Z")
        self.followers = rx.compile("[0-9a-zA-Z@+\\-]*")  # a run of characters that may not follow a TLD
        self.tld_tables = (_TldTable(generic), _TldTable(country))


@cache
def _url_patterns() -> _UrlPatterns:
    return _UrlPatterns()


@cache
def _url_tail() -> re.Pattern[str]:
    return rx.compile(_url_patterns().tail_source)


def _tld_end(text: str, p: int, pats: _UrlPatterns) -> int | None:
    """Where twitter-text's ``(?:gTLD|ccTLD|punycode)`` ends when matched at ``p`` (None: no match).

    Each TLD alternative is a trie, tried name by name with longer names first, followed by a
    lookahead for a character that cannot continue a name; so the regex takes, among the names
    that match here, the longest one so followed — generic names before country names, punycode
    (greedy, no lookahead) last. A test checks that no two names share a canonical spelling.
    """
    run = pats.followers.match(text, p).end() - p  # type: ignore[union-attr]  # `*` always matches
    word = text[p:p + run].upper()
    first = _canon_char(text[p]) if p < len(text) else ""
    for table in pats.tld_tables:  # generic, then country
        best = run if run and word in table.plain else 0
        if first in table.other_firsts:
            best = table.longest_other(text, p, best) or best
        if best:
            return p + best
    m = pats.punycode.match(text, p)
    return m.end() if m else None


def _domain_end(text: str, d: int, pats: _UrlPatterns) -> int | None:
    """Where twitter-text's ``subdomain* domain_name TLD`` ends when matched at ``d`` (None: no match).

    Labels cannot contain dots, so the pattern's only choice is how many labels it takes: as many
    as it can at first, then one fewer at a time, and the last one it takes (the domain name)
    may not contain "_".
    """
    run = pats.labels.match(text, d).group()  # type: ignore[union-attr]  # `*` always matches
    end = d + len(run)
    for label in reversed(run.split(".")[:-1]):
        if "_" not in label:
            e = _tld_end(text, end, pats)
            if e is not None:
                return e
        end -= len(label) + 1
    return None


# One match of twitter-text's URL pattern: the character before it ("" at the start of the
# text), start, end, protocol ("" if none), domain, path (None if none).
_UrlMatch = tuple[str, int, int, str, str, "str | None"]


def _url_at(text: str, s: int, pats: _UrlPatterns) -> _UrlMatch | None:
    """twitter-text's URL pattern matched at ``s``: the preceding character (or the start of the
    text, tried second, only at 0), an optional scheme, the domain, then port, path and query,
    which are all optional, so the first domain that matches decides."""
    heads = [s + 1] if pats.before.match(text, s) else []
    if s == 0:
        heads.append(0)
    for b in heads:
        scheme = pats.scheme.match(text, b)
        for d in (scheme.end(), b) if scheme else (b,):
            e = _domain_end(text, d, pats)
            if e is not None:
                if e < len(text) and text[e] in ":/?":
                    tail = _url_tail().match(text, e)
                    assert tail is not None  # everything in it is optional
                    return text[s:b], b, tail.end(), text[b:d], text[d:e], tail.group(1)
                return text[s:b], b, e, text[b:d], text[d:e], None  # the tail can only be empty
    return None


def _url_matches(text: str, pats: _UrlPatterns) -> Iterator[_UrlMatch]:
    """What ``finditer`` of twitter-text's URL pattern yields on ``text``."""
    pos = 0
    while (c := pats.candidate.search(text, pos)) is not None:
        hit = _url_at(text, c.start(), pats)
        if hit is None:
            pos = c.start() + 1
        else:
            yield hit
            pos = hit[2]


def _ascii_domains(domain: str, pats: _UrlPatterns) -> Iterator[str]:
    """What ``finditer`` of twitter-text's validAsciiDomain (labels, then a TLD) yields on ``domain``."""
    pos = 0
    while (m := pats.ascii_labels.search(domain, pos)) is not None:
        end = m.end()
        for label in reversed(m.group().split(".")[:-1]):
            e = _tld_end(domain, end, pats)
            if e is not None:
                yield domain[m.start():e]
                pos = e
                break
            end -= len(label) + 1
        else:
            pos = m.start() + 1


def _u16(s: str) -> int:
    """Length in UTF-16 code units, the unit of every length in the reference."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2


_ASTRAL = rx.compile("[\U00010000-\U0010FFFF]")


def _split_pair(m: re.Match) -> str:
    c = ord(m.group(0)) - 0x10000
    return chr(0xD800 + (c >> 10)) + chr(0xDC00 + (c & 0x3FF))


def _as_units(text: str) -> str:
    """``text`` with every astral character written as its two surrogates.

    twitter-text matches URLs on UTF-16 code units, where a domain may start on the low half of
    an emoji ("#🔥-t.sh" holds the URL "-t.sh"). Matching on this form reproduces that exactly,
    and every index and length we read from it is already in UTF-16 units.
    """
    return _ASTRAL.sub(_split_pair, text) if not text.isascii() else text


def _from_units(units: str) -> str:
    """Back from :func:`_as_units`: surrogate pairs recombined, a lone half left as it is."""
    return units.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "surrogatepass")


_MAX_URL_LENGTH = 4096
_MAX_TCO_SLUG = 40


_IDNA_DOTS = rx.compile("[.\u3002\uff0e\uff61]")
_NON_PRINTABLE_ASCII = rx.compile("[^\x20-\x7e]")


def _punycode_label_length(label: str) -> int:
    """Length of punycode.js 1.4.1 ``toASCII(label)``: it splits on IDNA dots and encodes non-ASCII parts.

    ``label`` is in UTF-16 unit form; punycode.js reads surrogate pairs as one code point.
    """
    if not _NON_PRINTABLE_ASCII.search(label):
        return len(label)
    pieces = _IDNA_DOTS.split(_from_units(label))
    total = len(pieces) - 1
    for piece in pieces:
        if _NON_PRINTABLE_ASCII.search(piece):
            total += 4 + len(piece.encode("punycode"))
        else:
            total += _u16(piece)
    return total


def _domain_ok(domain: str, protocol: str, url: str) -> bool:
    """twitter-text's ``isValidUrl``: every DNS label 1–63 characters once punycoded, URL ≤ 4096."""
    if domain.startswith("xn--") and next(_ascii_domains(domain, _url_patterns()), None) is None:
        return False
    for label in domain.split("."):
        n = _punycode_label_length(label)
        if n < 1 or n > 63:
            return False
    return len(protocol) + len(url) <= _MAX_URL_LENGTH


def _url_entities(units: str) -> list[tuple[int, str]]:
    """(start, url) pairs for a text in UTF-16 unit form (:func:`_as_units`), as twitter-text's
    ``extractUrlsWithIndices`` returns them: indices and URL lengths are in UTF-16 units."""
    text = units
    if "." not in text:
        return []
    pats = _url_patterns()
    found: list[tuple[int, str]] = []
    for before, start, end, protocol, domain, path in _url_matches(text, pats):
        url = text[start:end]
        if not _domain_ok(domain, protocol or "https://", url):
            continue
        if not protocol:
            if pats.no_protocol_before.search(before):
                continue
            last: list | None = None
            search_from = 0
            for am in _ascii_domains(domain, pats):
                a_start = domain.index(am, search_from)
                search_from = a_start + len(am)
                last = [start + a_start, am]
                found.append(last)  # type: ignore[arg-type]
            if last is None:
                continue
            if path:
                last[1] = url.replace(domain, last[1], 1)
        else:
            tco = pats.tco.search(url)
            if tco:
                if len(tco.group(1)) > _MAX_TCO_SLUG:
                    continue
                url = tco.group(0)
            found.append((start, url))
    return [(s, u) for s, u in found]


def url_spans(text: str) -> list[tuple[int, int, str]]:
    """(start, end, url) for each URL X finds in ``text``, as Python string indices.

    ``text`` is taken as it is (callers that want X's view normalise it to NFC first). A URL whose
    text is not a plain slice of ``text`` (a scheme-less URL with an IDN part dropped) spans the
    original characters from its start to the end of its path.
    """
    units = _as_units(text)
    entities = _url_entities(units)
    if units is text:
        return [(s, s + len(u), u) for s, u in entities]
    cp_at: dict[int, int] = {}
    pos = 0
    for i, ch in enumerate(text):
        cp_at[pos] = i
        pos += 2 if ord(ch) > 0xFFFF else 1
    cp_at[pos] = len(text)
    out = []
    for s, u in entities:
        start = cp_at.get(s, 0)
        end = cp_at.get(s + len(u))
        if end is None:  # ends inside a surrogate pair: include the whole character
            end = cp_at.get(s + len(u) + 1, len(text))
        out.append((start, end, _from_units(u)))
    return out


def extract_urls(text: str) -> list[str]:
    """URLs in ``text`` as X finds them (after NFC), scheme-less ones included."""
    return [u for _, _, u in url_spans(unicodedata.normalize("NFC", text))]


# --- emoji ----------------------------------------------------------------------------------------


@cache
def _emoji_data() -> dict[str, list[str]]:
    text = _data_text("x_emoji.txt")
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        elif current is not None:
            current.append("".join(chr(int(h, 16)) for h in line.split()))
    return sections


@cache
def _emoji_strings() -> tuple[str, ...]:
    """Every listed emoji on its own (used by tests to check counting, sequence by sequence)."""
    d = _emoji_data()
    keycaps = [k + "\u20e3" for k in d["keycap"]] + [k + "\ufe0f\u20e3" for k in d["keycap"]]
    return tuple(d["seq"] + keycaps + [v + "\ufe0f" for v in d["vs16"]] + d["text"] + d["modtext"]
                 + d["mod"] + d["single"] + [m + "\U0001f3fd" for m in d["mod"]])


_EMOJI_PATTERN_FILE = "x_emoji_re.txt"


@cache
def _emoji_pattern() -> re.Pattern[str]:
    """One pattern trying the groups in twemoji-parser's order; longest listed sequence first.

    Its source ships ready-made in ``composer/data/x_emoji_re.txt`` (reading and compiling it takes
    a few ms; building it from ``x_emoji.txt`` took ~15 ms more). A test checks the file against
    :func:`_emoji_pattern_source`.
    """
    lines = [line for line in _data_text(_EMOJI_PATTERN_FILE).split("\n") if line and not line.startswith("#")]
    return rx.compile(lines[0])


def _emoji_pattern_source() -> str:
    """The source of :func:`_emoji_pattern`, built from the emoji lists in ``x_emoji.txt``."""
    d = _emoji_data()

    def cls(items: list[str]) -> str:
        return _class({ord(c) for c in items})

    trie: dict = {}
    for seq in d["seq"]:
        node = trie
        for ch in seq:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternation(node: dict) -> str:
        # Longer continuations are tried before stopping, so the longest listed sequence wins,
        # which is what twemoji-parser's pattern does for every sequence it lists. Branches start
        # with distinct characters, so at most one of them can match and their order is free:
        # branches with the same continuation become one class ("[🏻-🏿]…"), which makes the
        # pattern a third of the size and that much cheaper to compile.
        by_rest: dict[str, set[int]] = {}
        for ch, child in node.items():
            if ch:
                by_rest.setdefault(alternation(child), set()).add(ord(ch))
        if not by_rest:
            return ""
        body = "|".join((_esc(min(firsts)) if len(firsts) == 1 else _class(firsts)) + rest
                        for rest, firsts in by_rest.items())
        return f"(?:{body})" + ("?" if "" in node else "")

    not_text = "(?:\\uFE0F|(?!\\uFE0E))"
    skin = "[\\U0001F3FB-\\U0001F3FF]"
    alternatives = [
        alternation(trie),
        cls(d["keycap"]) + "\\uFE0F?\\u20E3",
        cls(d["vs16"]) + "\\uFE0F",
        cls(d["text"]) + not_text,
        f"(?:{cls(d['modtext'])}{not_text}|{cls(d['mod'])}){skin}?",
        cls(d["single"]),
        "\\uFE0F",
    ]
    return "|".join(f"(?:{a})" for a in alternatives)


# --- the count ------------------------------------------------------------------------------------


def _utf16_offsets(text: str) -> list[int] | None:
    """Code point index → UTF-16 index, or None when the two are the same (no astral characters)."""
    if text.isascii() or max(text) <= "\uffff":
        return None
    offsets = [0] * (len(text) + 1)
    pos = 0
    for i, ch in enumerate(text):
        offsets[i] = pos
        pos += 2 if ord(ch) > 0xFFFF else 1
    offsets[len(text)] = pos
    return offsets


@cache
def _weight_table(config: XConfig) -> bytes | list[int]:
    """Weight of every UTF-16 code unit under ``config``, looked up once instead of per character."""
    table = [config.default_weight] * 0x10000
    for start, end, weight in reversed(config.ranges):
        for unit in range(start, min(end, 0xFFFF) + 1):
            table[unit] = weight
    return table


def parse_post(text: str, config: XConfig = V3) -> PostCheck:
    """Weigh ``text`` as X does and say whether X accepts it (twitter-text ``parseTweet``)."""
    normalized = unicodedata.normalize("NFC", text)
    offsets = _utf16_offsets(normalized)
    urls = _url_entities(_as_units(normalized))
    url_at: dict[int, int] = {s: len(u) for s, u in urls}
    emoji_at: dict[int, int] = {}
    if config.emoji_parsing and not normalized.isascii():  # every emoji needs a non-ASCII character
        for m in _emoji_pattern().finditer(normalized):
            emoji_at[offsets[m.start()] if offsets else m.start()] = _u16(m.group(0))
    units = memoryview(normalized.encode("utf-16-le", "surrogatepass")).cast("H")
    n = len(units)
    table = _weight_table(config)
    scale_max = config.max_weighted_length * config.scale
    url_weight = config.transformed_url_length * config.scale
    emoji_weight = config.default_weight
    weighted = 0
    valid = True
    valid_index = 0
    i = 0
    # The walk mirrors twitter-text's parseTweet loop step by step, including where it checks
    # validity (on the last code unit of each URL, emoji or character).
    while i < n:
        if i in url_at:
            weighted += url_weight
            i += url_at[i] - 1
        elif i in emoji_at:
            weighted += emoji_weight
            i += emoji_at[i] - 1
        else:
            if 0xD800 <= units[i] <= 0xDBFF and i < n - 1 and 0xDC00 <= units[i + 1] <= 0xDFFF:
                i += 1
            weighted += table[units[i]]
        if valid and i < n:
            valid = units[i] not in _INVALID_CODE_UNITS
        if valid and weighted <= scale_max:
            valid_index = i
        i += 1
    length: int | float = weighted // config.scale if weighted % config.scale == 0 else weighted / config.scale
    valid = valid and length > 0 and length <= config.max_weighted_length
    permillage = math.floor(length / config.max_weighted_length * 1000)
    original_len = _u16(text)
    return PostCheck(
        length=length,
        valid=valid,
        permillage=permillage,
        valid_range_end=valid_index + original_len - n,
        display_range_end=original_len - 1 if text else 0,
        urls=tuple(_from_units(u) for _, u in urls),
    )


def weighted_length(text: str, config: XConfig = V3) -> int:
    """X's weighted length of ``text`` (280 is the limit)."""
    return int(parse_post(text, config).length)


def is_valid(text: str, config: XConfig = V3) -> bool:
    """True when X would accept ``text`` as a post: non-empty, within 280, no invalid characters."""
    return parse_post(text, config).valid
