"""X weighted counting against X's own conformance suite (read from the shared corpus at run time).

Run this file directly (``python tests/social/test_xcount.py``) to regenerate the shipped TLD
list ``composer/data/x_tlds.txt`` from the corpus's ``tld_lib.yml``.
"""

from __future__ import annotations

import functools
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from composer.social import xcount
from composer.social.xcount import V2, V3, parse_post, weighted_length

CORPUS = Path(__file__).resolve().parents[2] / ".." / "shared" / "corpus" / "twitter-text"
TLD_DATA = Path(xcount.__file__).resolve().parent.parent / "data" / "x_tlds.txt"
TLD_HEADER = [
    "# Top-level domains that X's twitter-text treats as URL endings, in its matching order.",
    "# Generated from twitter-text's tld_lib.yml (Copyright 2011 Twitter, Inc.; Apache License 2.0,",
    "# see twitter-text.LICENSE beside this file). Regenerate with: python tests/social/test_xcount.py",
]


def _load(name: str) -> dict:
    path = CORPUS / name
    if not path.exists():
        pytest.skip(f"twitter-text conformance corpus not found at {path} (needs ../shared/corpus)")
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def tld_data_from_yaml(data: dict) -> str:
    return "\n".join([*TLD_HEADER, "[generic]", *data["generic"], "[country]", *data["country"]]) + "\n"


# Which twitter-text configuration each group of the suite is written for.
GROUPS = {
    "WeightedTweetsCounterTest": V2,
    "WeightedTweetsWithDiscountedEmojiCounterTest": V3,
    "UnicodeDirectionalMarkerCounterTest": V3,
}


def _weighted_cases() -> list:
    path = CORPUS / "validate.yml"
    if not path.exists():
        return [pytest.param(None, None, None, marks=pytest.mark.skip(reason=f"corpus not found at {path}"))]
    tests = yaml.safe_load(path.read_text(encoding="utf-8"))["tests"]
    return [
        pytest.param(group, case["text"], case["expected"], id=f"{group}:{case['description'][:50]}")
        for group in GROUPS
        for case in tests[group]
    ]


WEIGHTED = _weighted_cases()


def test_suite_has_all_44_weighted_cases():
    if WEIGHTED[0].values[0] is None:
        pytest.skip("twitter-text conformance corpus not found")
    assert len(WEIGHTED) == 44


@pytest.mark.parametrize(("group", "text", "expected"), WEIGHTED)
def test_weighted_length_conformance(group, text, expected):
    got = parse_post(text, GROUPS[group])
    assert got.length == expected["weightedLength"]
    assert got.valid == expected["valid"]
    assert got.permillage == expected["permillage"]
    assert got.valid_range_end == expected["validRangeEnd"]
    assert got.display_range_end == expected["displayRangeEnd"]


def test_shipped_tld_list_matches_corpus():
    assert TLD_DATA.read_text(encoding="utf-8") == tld_data_from_yaml(_load("tld_lib.yml"))


def test_configs_match_corpus():
    import json

    for name, config in (("v2.json", V2), ("v3.json", V3)):
        path = CORPUS / name
        if not path.exists():
            pytest.skip(f"corpus not found at {path}")
        assert xcount.XConfig.from_dict(json.loads(path.read_text())) == config


def test_extract_urls_conformance():
    """The URL cases of twitter-text's extraction suite (our counter relies on the same finder)."""
    cases = _load("extract.yml")["tests"]["urls"]
    failures = [(c["text"], c["expected"], xcount.extract_urls(c["text"])) for c in cases
                if xcount.extract_urls(c["text"]) != c["expected"]]
    assert not failures, failures[:3]


# --- behaviour that matters for our posts, independent of the corpus -------------------------------


@pytest.mark.parametrize(("text", "length"), [
    ("", 0),
    ("hello", 5),
    ("README.md", 23),  # .md is Moldova's TLD: X links it
    ("see README.md now", 31),
    ("https://example.com/a/very/long/path/that/goes/on?and=on&on=1", 23),
    ("example.com", 23),
    ("file.txt", 8),  # not a TLD
    ("日本", 4),
    ("é", 1),
    ("e\u0301", 1),  # NFC first
    ("👍🏽", 2),
    ("👨‍👩‍👧‍👦", 2),
    ("🇳🇱", 2),
    ("🫠", 2),  # Emoji 14
    ("\u2014", 1),  # em dash is in the light range
    ("\u2026", 2),  # the ellipsis is not
])
def test_known_lengths(text, length):
    assert weighted_length(text) == length


def test_limit_and_invalid_characters():
    assert parse_post("a" * 280).valid
    assert not parse_post("a" * 281).valid
    assert not parse_post("").valid
    for bad in ("\ufffe", "\ufeff", "\uffff"):
        assert not parse_post(f"ok {bad} ok").valid
    assert parse_post("日" * 140).valid and not parse_post("日" * 141).valid


def test_domain_may_start_on_the_low_half_of_an_emoji():
    """twitter-text matches on UTF-16 units: after "#🔥" the low surrogate opens a domain, so the
    ASCII part "-t.sh" is a URL (found by the differential test; we reproduce it on purpose)."""
    assert weighted_length("#🔥-t.sh") == 1 + 2 + 23
    assert parse_post("#🔥-t.sh").urls == ("-t.sh",)
    assert weighted_length("#-t.sh") == 6  # without the emoji "-" only precedes: no URL


def test_urls_reported():
    assert parse_post("Read https://example.com/x and notes.md").urls == ("https://example.com/x", "notes.md")



# --- the fast paths find exactly what twitter-text's patterns, written out in full, find -----------
# xcount no longer compiles the ~1,600 TLDs into its URL pattern, uses case-folded classes written
# out in advance and ships its emoji pattern ready-made (first use went from ~0.5 s to ~50 ms).
# These tests hold those shortcuts to the full patterns they replace.

P = xcount._points


def _ci(word: str) -> str:
    """``word`` matched the `/i` way, each character as its full folded class (the slow, sure way)."""
    return "".join(xcount._class({ord(c)}, fold=True) if c.isalpha() or ord(c) > 127 else re.escape(c)
                   for c in word)


def _tld_trie(words) -> str:
    trie: dict = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        branches = [_ci(ch) + emit(child) for ch, child in node.items() if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 and "" not in node else "(?:" + "|".join(branches) + ")"
        return body + ("?" if "" in node else "")

    return "(?:" + emit(trie) + ")"


@functools.cache
def _full_url_patterns() -> tuple[re.Pattern, re.Pattern]:
    """twitter-text's extractUrl and validAsciiDomain patterns with every TLD and fold spelled out."""
    C = functools.partial(xcount._class, fold=True)
    generic, country = xcount._tlds()
    end = r"(?=[^0-9a-zA-Z@+\-]|\Z)"
    a_z, digits = P([(97, 122)]), P([(48, 57)])
    latin, cyr = P(xcount._LATIN_ACCENTS), P(xcount._CYRILLIC)
    tld = (f"(?:(?:{_tld_trie(generic)}{end})|(?:{_tld_trie(country)}{end})"
           f"|(?:{_ci('xn--')}{C(P('-') | digits | a_z)}+))")
    invalid = P(xcount._PUNCT) | P(xcount._SPACES) | P(xcount._INVALID) | P(xcount._DIRECTIONAL)
    dchar = C(invalid, negate=True)
    domain = (f"(?:(?:(?:{dchar}(?:[_\\-]|{dchar})*)?{dchar}\\.)*(?:(?:{dchar}(?:-|{dchar})*)?{dchar}\\.){tld})")
    before = ("(?:" + C(P([(65, 90), (97, 122), (48, 57), "@＠$#＃"]) | P(xcount._INVALID), negate=True)
              + "|" + C(P(xcount._DIRECTIONAL)) + "|^)")
    path_char = C(a_z | cyr | digits | P("!*';:=+,.$/%#[]-\u2013_~@|&") | latin)
    parens = f"\\((?:{path_char}+|(?:{path_char}*\\({path_char}+\\){path_char}*))\\)"
    path_end = "(?:" + C(P("+-") | a_z | cyr | digits | P("=_#/") | latin) + f"|(?:{parens}))"
    path = f"(?:(?:{path_char}*(?:{parens}{path_char}*)*{path_end})|(?:@{path_char}+/))"
    query = C(a_z | digits | P("!?*'@();:&=+$/%#[]-_.,~|")) + "*" + C(a_z | digits | P("-_&=#/"))
    scheme = _ci("http") + C({ord("s")}) + "?://"
    extract = f"(({before})(({scheme})?({domain})(?::([0-9]+))?(/{path}*)?(\\?{query})?))"
    ascii_domain = "(?:(?:" + C(P("-") | a_z | digits | latin) + f"+)\\.)+{tld}"
    return re.compile(extract), re.compile(ascii_domain)


def _tricky_texts(n: int, seed: int) -> list[str]:
    """Texts dense in what the URL grammar cares about: dots, TLDs in any case, schemes, labels with
    "_" and "-", non-ASCII letters that fold oddly, emoji (surrogate pairs), paths and queries."""
    rnd = random.Random(seed)
    generic, country = xcount._tlds()
    tlds = [*generic, *country]
    atoms = ["a", "Z", "0", ".", ".", ".", "-", "_", "/", ":", "?", "#", "@", "$", "(", ")", " ", "\n",
             "http://", "HTTPS://", "www.", "xn--", "XN--p1ai", "t.co/", "T.CO/abc", "é", "Ж", "\u0345", "ı",
             "\u212a", "ſ", "🔥", "👍🏽", "\u200e", "\u202a", "\ufeff", "＠", "＃", ":8080", "?q=1&b=2", "&", "=",
             "~", "'", ",", "\u3002", "\uff0e", "日本", "\u2013", "%", "[", "]", "\u0399", "\u1fbe", "\u1c80"]
    out = []
    for _ in range(n):
        parts = []
        for _ in range(rnd.randint(1, 14)):
            r = rnd.random()
            if r < 0.25:
                t = rnd.choice(tlds)
                parts.append(("." if r < 0.18 else "") + (t.upper() if rnd.random() < 0.3 else t))
            elif r < 0.35:
                parts.append("".join(rnd.choice("abcxyz0-_") for _ in range(rnd.randint(1, 8))))
            elif r < 0.4:
                parts.append(chr(rnd.randint(0x80, 0x2FFF)))
            else:
                parts.append(rnd.choice(atoms))
        out.append(xcount._as_units("".join(parts)))
    return out


def test_url_matching_equals_the_full_patterns():
    extract, ascii_domain = _full_url_patterns()
    pats = xcount._url_patterns()
    texts = _tricky_texts(3000, seed=20261127)
    found = 0
    for text in texts:
        want = [(m.group(2), m.start(3), m.end(3), m.group(4) or "", m.group(5), m.group(7))
                for m in extract.finditer(text)]
        assert list(xcount._url_matches(text, pats)) == want, text
        assert list(xcount._ascii_domains(text, pats)) == [m.group() for m in ascii_domain.finditer(text)], text
        found += len(want)
    assert found > 500  # the texts do exercise the grammar


def test_prefolded_classes_equal_the_javascript_fold():
    assert xcount._fold(P(xcount._LATIN_ACCENTS)) == P(xcount._LATIN_ACCENTS_FOLDED)
    assert xcount._fold(P(xcount._CYRILLIC)) == P(xcount._CYRILLIC_FOLDED)
    assert xcount._fold(P([(97, 122)])) == P(xcount._ASCII_LETTERS)
    for unchanged in (xcount._PUNCT, xcount._SPACES, xcount._INVALID, xcount._DIRECTIONAL, "@＠$#＃",
                      "!*';:=+,.$/%#[]-\u2013_~@|&", "!?*'@();:&=+$/%#[]-_.,~|", "0123456789"):
        assert xcount._fold(P(unchanged)) == P(unchanged)
    for ch in "httpsconx":  # _literal_ci writes a letter as its two ASCII cases
        assert xcount._fold({ord(ch)}) == {ord(ch.upper()), ord(ch.lower())}
    assert re.fullmatch(xcount._literal_ci("t.co"), "T.cO") and not re.fullmatch(xcount._literal_ci("t.co"), "txco")


def test_tld_lookup_assumptions():
    """The set lookup stands in for a trie tried longest-first: that needs every TLD (and prefix of
    one) to have its own `/i` spelling."""
    for names in xcount._tlds():
        prefixes = {n[:i] for n in names for i in range(1, len(n) + 1)}
        assert len({xcount._js_upper(p) for p in prefixes}) == len(prefixes)
        assert all(c < "\ud800" or "\ue000" <= c <= "\uffff" for n in names for c in n)
    assert xcount._js_upper("ſ\u212aéı") == "ſ\u212aÉı"  # non-ASCII never folds onto ASCII


EMOJI_RE_DATA = TLD_DATA.with_name(xcount._EMOJI_PATTERN_FILE)
EMOJI_RE_HEADER = [
    "# The emoji pattern composer/social/xcount.py compiles, built from x_emoji.txt beside this file",
    "# (see its header for origin and licence). Generated: regenerate with python tests/social/test_xcount.py",
]


def emoji_re_data() -> str:
    return "\n".join([*EMOJI_RE_HEADER, xcount._emoji_pattern_source()]) + "\n"


def test_shipped_emoji_pattern_is_current():
    assert EMOJI_RE_DATA.read_text(encoding="utf-8") == emoji_re_data(), (
        "composer/data/x_emoji_re.txt is stale: regenerate with python tests/social/test_xcount.py")


def _unmerged_emoji_pattern() -> re.Pattern:
    """The emoji pattern with its sequence trie as a plain alternation, one branch per character."""
    trie: dict = {}
    for seq in xcount._emoji_data()["seq"]:
        node = trie
        for ch in seq:
            node = node.setdefault(ch, {})
        node[""] = {}

    def alternation(node: dict) -> str:
        branches = [xcount._esc(ord(ch)) + alternation(child) for ch, child in node.items() if ch]
        return f"(?:{'|'.join(branches)})" + ("?" if "" in node else "") if branches else ""

    merged = xcount._emoji_pattern_source()
    first = merged[:merged.index(")|(?:")]
    return re.compile("(?:" + alternation(trie) + merged[len(first):])


def test_emoji_pattern_equals_the_unmerged_one():
    plain, shipped = _unmerged_emoji_pattern(), xcount._emoji_pattern()
    assert plain.pattern != shipped.pattern
    rnd = random.Random(7)
    listed = list(xcount._emoji_strings())
    extra = ["\u200d", "\ufe0f", "\ufe0e", "\u20e3", "#", "1", " ", "\U0001F3FB", "\U0001F3FF", "\U000E0067",
             "\U000E007F", "\U0001F3F4", "\U0001F1FA", "©", "™"]
    for _ in range(20000):
        parts = []
        for _ in range(rnd.randint(1, 6)):
            e = rnd.choice(listed)
            i = rnd.randint(0, len(e))
            parts.append(rnd.choice([e, e[i:] or e, e[:i] or e, rnd.choice(extra)]))
        text = "".join(parts)
        assert [m.span() for m in shipped.finditer(text)] == [m.span() for m in plain.finditer(text)], text


def test_ascii_text_holds_no_emoji():
    """parse_post skips the emoji pattern on ASCII text: every emoji needs a non-ASCII character."""
    data = xcount._emoji_data()
    assert not [s for group in ("seq", "vs16", "text", "modtext", "mod", "single") for s in data[group] if s.isascii()]
    ascii_text = "".join(map(chr, range(128))) + "".join(k + k + "\ufe0f" for k in data["keycap"])
    assert xcount._emoji_pattern().search(ascii_text.replace("\ufe0f", "")) is None


def test_first_use_takes_no_slow_path():
    """A fresh process counting a post (URL, emoji, CJK) never folds the BMP, builds the emoji
    pattern from its lists, or compiles a TLD."""
    code = (
        "import re\n"
        "sizes = []\n"
        "compile = re.compile\n"
        "re.compile = lambda p, *a: sizes.append(len(p)) or compile(p, *a)\n"
        "from composer.social import xcount as x\n"
        "check = x.parse_post('Read https://example.com/x?a=1 and notes.md, it\u2019s \U0001F44D\U0001F3FD \u65e5\u672c')\n"
        "assert check.urls == ('https://example.com/x?a=1', 'notes.md') and check.length == 70, check\n"
        "assert x._canon_groups.cache_info().currsize == 0 and x._emoji_data.cache_info().currsize == 0\n"
        "assert sizes and max(sizes) < 5000, sizes\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=60)


if __name__ == "__main__":
    TLD_DATA.write_text(tld_data_from_yaml(yaml.safe_load((CORPUS / "tld_lib.yml").read_text(encoding="utf-8"))),
                        encoding="utf-8")
    print(f"wrote {TLD_DATA}", file=sys.stderr)
    EMOJI_RE_DATA.write_text(emoji_re_data(), encoding="utf-8")
    print(f"wrote {EMOJI_RE_DATA}", file=sys.stderr)


@pytest.mark.parametrize(("text", "linked", "length"), [
    ("café.com/ü:(0)", "café.com/ü", 27),  # found by the differential test against twitter-text 3.1.0
    ("example.com/a:(b)", "example.com/a", 27),
    ("example.com/a:b(0)", "example.com/a:b(0)", 23),
    ("https://en.wikipedia.org/wiki/Primer_(film)", "https://en.wikipedia.org/wiki/Primer_(film)", 23),
])
def test_path_ending_follows_twitter_texts_unparenthesised_alternation(text: str, linked: str, length: int) -> None:
    """twitter-text's path pattern ends in "[…]|(?:parens)" without a group around it, so a path
    is characters ending in an ending character, or balanced parentheses alone: ":(0)" after a
    path character does not continue the link."""
    assert [u for _s, _e, u in xcount.url_spans(text)] == [linked]
    assert xcount.parse_post(text).length == length
