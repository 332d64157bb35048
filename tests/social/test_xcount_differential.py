"""Differential test: our X counter against X's own JavaScript library.

The reference is npm ``twitter-text`` 3.1.0 (the version behind X's published v3 rules) with
``twemoji-parser`` 14 forced in through an npm ``overrides`` entry: twitter-text asks for
twemoji-parser 11, which predates many emoji that X counts as 2 today. The packages are installed
under a temporary prefix; the test skips with the reason when npm is missing or the install fails.

One long-lived node process reads JSON lines and answers with JSON lines, so thousands of strings
cost well under a second of node time.

The module also holds the generator for ``composer/data/x_emoji.txt`` (run this file with
``python tests/social/test_xcount_differential.py write``): it expands twemoji-parser's emoji
pattern into the plain list of sequences our counter reads, and a test checks the shipped file
against it.
"""

from __future__ import annotations

import json
import random
import shutil
import subprocess
import sys
import threading
import unicodedata
from pathlib import Path

import pytest

from composer.social import xcount

TWITTER_TEXT = "twitter-text@3.1.0"
TWEMOJI_PARSER = "14.0.0"
DATA_FILE = Path(xcount.__file__).resolve().parent.parent / "data" / "x_emoji.txt"


# --- expanding twemoji-parser's pattern into sequences ------------------------------------------
# The pattern is written for JavaScript without the `u` flag: astral characters appear as
# surrogate pairs, and it uses only groups, alternation, classes, `?` and one negative lookahead.
# We parse that subset into a small tree and expand it into the finite set of strings it matches.


def _parse(src: str):
    pos = 0

    def unit() -> int:
        nonlocal pos
        ch = src[pos]
        if ch == "\\":
            nxt = src[pos + 1]
            if nxt == "u":
                pos += 6
                return int(src[pos - 4:pos], 16)
            pos += 2
            return ord(nxt)
        pos += 1
        return ord(ch)

    def klass():
        nonlocal pos
        pos += 1  # [
        units: list[int] = []
        while src[pos] != "]":
            lo = unit()
            if src[pos] == "-" and src[pos + 1] != "]":
                pos += 1
                hi = unit()
                units.extend(range(lo, hi + 1))
            else:
                units.append(lo)
        pos += 1
        return ("class", units)

    def alternation():
        alts = [sequence()]
        while pos < len(src) and src[pos] == "|":
            _advance(1)
            alts.append(sequence())
        return ("alt", alts)

    def _advance(n: int) -> None:
        nonlocal pos
        pos += n

    def sequence():
        nonlocal pos
        items = []
        while pos < len(src) and src[pos] not in "|)":
            if src.startswith("(?:", pos):
                pos += 3
                node = alternation()
                pos += 1
            elif src.startswith("(?!", pos):
                pos += 3
                node = ("lookahead", alternation())
                pos += 1
            elif src[pos] == "(":
                pos += 1
                node = alternation()
                pos += 1
            elif src[pos] == "[":
                node = klass()
            else:
                node = ("class", [unit()])
            if pos < len(src) and src[pos] == "?":
                pos += 1
                node = ("opt", node)
            items.append(node)
        return ("seq", items)

    tree = alternation()
    assert pos == len(src), f"unparsed pattern tail at {pos}"
    return tree


def _expand(node) -> set[tuple[int, ...]]:
    kind = node[0]
    if kind == "class":
        return {(u,) for u in node[1]}
    if kind == "opt":
        return _expand(node[1]) | {()}
    if kind == "lookahead":
        return {()}
    if kind == "alt":
        out: set[tuple[int, ...]] = set()
        for a in node[1]:
            out |= _expand(a)
        return out
    result: set[tuple[int, ...]] = {()}
    for item in node[1]:
        result = {a + b for a in result for b in _expand(item)}
    return result


def _decode(units: tuple[int, ...]) -> str:
    raw = b"".join(u.to_bytes(2, "little") for u in units)
    return raw.decode("utf-16-le", "surrogatepass")


def _codepoints(units_set: set[tuple[int, ...]]) -> list[str]:
    return sorted({_decode(u) for u in units_set if u})


def emoji_data_from_pattern(source: str) -> str:
    """The text of ``x_emoji.txt`` for twemoji-parser's pattern source.

    The pattern's top level is eleven alternatives in a fixed order (ZWJ sequences, keycaps,
    characters that need VS16, text-style characters, modifier bases, flags and emoji-style
    characters, a lone VS16). We keep the facts — which sequences and characters — and let
    ``xcount`` rebuild an equivalent pattern.
    """
    tree = _parse(source)
    parts = tree[1]
    assert len(parts) == 11, "twemoji-parser's pattern changed shape"
    sequences: set[str] = set()
    for idx in (0, 1, 2, 3, 4, 9):
        sequences |= {s for s in _codepoints(_expand(parts[idx])) if len(s) > 1}
    singles = {s for s in _codepoints(_expand(parts[9])) if len(s) == 1}
    keycap = _codepoints(_expand(parts[5]))
    assert all(k[-1] == "\u20e3" for k in keycap)
    vs16 = {s[0] for s in _codepoints(_expand(parts[6]))}
    text_style = {s[0] for s in _codepoints(_expand(parts[7])) if len(s) == 1}
    # part 8 is (?:(?:A)(?:\ufe0f|(?!\ufe0e))|(?:B))(?:skin)?
    mod_alts = parts[8][1][0][1]
    mod_text = {s for s in _codepoints(_expand(mod_alts[0][1][0])) if len(s) == 1}
    mod_emoji = {s for s in _codepoints(_expand(mod_alts[1])) if len(s) == 1}
    assert _codepoints(_expand(parts[10])) == ["\ufe0f"]
    # The flag and tag sequences come after the single-character groups in twemoji's pattern;
    # listing them first is only equivalent if none of them starts with such a character.
    early = vs16 | text_style | mod_text | mod_emoji | set("#*0123456789")
    assert not any(s[0] in early for s in _codepoints(_expand(parts[9])) if len(s) > 1)

    def hexes(s: str) -> str:
        return " ".join(f"{ord(c):04X}" for c in s)

    lines = [
        "# Emoji that X counts as one unit (weight 2), as twemoji-parser 14.0.0 recognises them.",
        "# Facts derived from twemoji-parser (Copyright (c) 2018 Twitter, Inc.; MIT licence, see",
        "# twemoji-parser.LICENSE beside this file), which follows Unicode Emoji 14.0.",
        "# Regenerate with: python tests/social/test_xcount_differential.py write",
        "# Sections: seq = whole sequences; keycap = keycap bases; vs16 = emoji only with U+FE0F;",
        "# text = emoji unless followed by U+FE0E; modtext = the same, may take a skin tone;",
        "# mod = emoji that may take a skin tone; single = emoji-style characters.",
    ]
    for name, items in (
        ("keycap", sorted({k[0] for k in keycap})),
        ("vs16", sorted(vs16)),
        ("text", sorted(text_style)),
        ("modtext", sorted(mod_text)),
        ("mod", sorted(mod_emoji)),
        ("single", sorted(singles)),
    ):
        lines.append(f"[{name}]")
        lines.extend(hexes(s) for s in items)
    lines.append("[seq]")
    lines.extend(hexes(s) for s in sorted(sequences, key=lambda s: (len(s), s)))
    return "\n".join(lines) + "\n"


# --- the JavaScript side -----------------------------------------------------------------------

NODE_SCRIPT = r"""
const path = require('path');
const prefix = process.argv[2];
const tt = require(path.join(prefix, 'node_modules', 'twitter-text'));
const ttDir = path.dirname(require.resolve(path.join(prefix, 'node_modules', 'twitter-text')));
const tpPath = require.resolve('twemoji-parser/package.json', {paths: [ttDir]});
const tpVersion = require(tpPath).version;
const rl = require('readline').createInterface({input: process.stdin, terminal: false});
rl.on('line', (line) => {
  const msg = JSON.parse(line);
  if (msg.cmd === 'version') {
    process.stdout.write(JSON.stringify({twemoji: tpVersion, regex: require(path.join(path.dirname(tpPath), 'dist/lib/regex')).default.source}) + '\n');
    return;
  }
  let r;
  try {
    r = tt.parseTweet(msg.text);
  } catch (err) {  // twitter-text itself throws on a few inputs (seen once in isValidUrl)
    process.stdout.write(JSON.stringify({error: String(err).slice(0, 200)}) + '\n');
    return;
  }
  process.stdout.write(JSON.stringify({w: r.weightedLength, v: r.valid, e: r.validRangeEnd}) + '\n');
});
"""


class NodeCounter:
    """One node process that answers parseTweet for JSON lines on stdin."""

    def __init__(self, prefix: Path) -> None:
        script = prefix / "count.js"
        script.write_text(NODE_SCRIPT, encoding="utf-8")
        self.proc = subprocess.Popen(
            ["node", str(script), str(prefix)], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            text=True, encoding="utf-8", errors="surrogatepass",
        )

    def ask(self, msg: dict) -> dict:
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(msg) + "\n")
        self.proc.stdin.flush()
        line = self.proc.stdout.readline()
        if not line:
            raise RuntimeError("node reference process died")
        return json.loads(line)

    def many(self, texts: list[str]) -> list[dict]:
        """Send every text first, then read every answer: one round trip for the batch."""
        assert self.proc.stdin and self.proc.stdout
        payload = "".join(json.dumps({"text": t}) + "\n" for t in texts)
        out: list[dict] = []
        writer = threading.Thread(target=lambda: (self.proc.stdin.write(payload), self.proc.stdin.flush()))
        writer.start()
        for _ in texts:
            out.append(json.loads(self.proc.stdout.readline()))
        writer.join()
        return out

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)


def _install(prefix: Path) -> str | None:
    """Install the reference packages; return a reason to skip, or None when ready."""
    if shutil.which("npm") is None or shutil.which("node") is None:
        return "npm/node not installed: cannot run X's twitter-text for the differential test"
    (prefix / "package.json").write_text(json.dumps({
        "name": "xcount-reference", "private": True,
        "overrides": {"twemoji-parser": TWEMOJI_PARSER},
    }), encoding="utf-8")
    cmd = ["npm", "install", "--prefix", str(prefix), "--no-audit", "--no-fund", "--ignore-scripts",
           "--loglevel=error", TWITTER_TEXT, f"twemoji-parser@{TWEMOJI_PARSER}"]
    try:
        res = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as exc:
        return f"npm install of {TWITTER_TEXT} failed: {exc}"
    if res.returncode != 0:
        return f"npm install of {TWITTER_TEXT} failed: {res.stderr.strip()[-300:]}"
    return None


@pytest.fixture(scope="module")
def node(tmp_path_factory):
    prefix = tmp_path_factory.mktemp("twitter-text")
    reason = _install(prefix)
    if reason:
        pytest.skip(reason)
    counter = NodeCounter(prefix)
    info = counter.ask({"cmd": "version"})
    if info["twemoji"] != TWEMOJI_PARSER:
        counter.close()
        pytest.fail(f"twitter-text resolved twemoji-parser {info['twemoji']}, not {TWEMOJI_PARSER}")
    counter.regex_source = info["regex"]
    yield counter
    counter.close()


# --- random mixed strings -----------------------------------------------------------------------

WORDS = ["the", "NATO", "summit", "Rutte", "said", "über", "café", "naïve", "Zürich", "x", "I", "a"]
CJK = ["故人西辞黄鹤楼", "日本語", "한국어", "東京", "烟花三月", "ひらがな", "カタカナ"]
RTL = ["مرحبا", "پاکستان", "שלום", "עברית", "سلام", "ٱلْعَرَبِيَّة"]
FILES = ["README.md", "setup.py", "index.html", "app.js", "notes.txt", "data.json", "main.go", "a.co",
         "Makefile", "report.pdf", "photo.jpg", "script.sh", "config.yml", "x.ai", "docs.rs"]
URLS = [
    "https://example.com", "http://test.co", "https://www.twitter.com/aloha", "example.com/path?q=1&x=y",
    "https://t.co/abc123", "www.euronews.com/2024/10/01/rutte", "http://foo.bar/(baz)", "https://ä.de/x",
    "http://foobar.پاکستان/", "https://例子.测试", "http://example.com:8080/a#frag", "bit.ly/dJpywL",
    "https://en.wikipedia.org/wiki/Mark_Rutte_(politician)", "foo.com.", "-foo.com", "_x.com", "a@b.com",
    "https://" + "x" * 70 + ".com", "xn--80ak6aa92e.com", "https://xn--fsq.com/ü", "$cashtag.com",
    "http://localhost:8000", "t.co/" + "a" * 45, "https://t.co/" + "b" * 45, "HTTPS://EXAMPLE.COM/ABC",
    "example.CO.UK", "sub.domain.example.org/path/to/file.html?x=1", "ftp://example.com", "1.2.3.4",
]
# URL edge cases: JavaScript case folding (Kelvin sign, long s, Georgian Mtavruli), IDN labels
# near the 63-character punycode limit, IDNA dots, t.co slugs, balanced parentheses, ports.
ADVERSARIAL = [
    "ſ.com", "x.coᴍ", "foo.ΕΛ", "foo.ελ", "test.МОСКВА", "test.москва", "a.ＣＯＭ", "xn--abc.com", "xn--日本.com",
    "foo。com", "日本。com", "http://例え.テスト", "https://a.b.c.d.e.f.co.uk/x_(y)", "http://x.com/a(b(c)d)e",
    "http://x.com/\u1c80", "http://x.com/ͅΙι", "example.co\u212a", "\u212a.com", "https://ǅ.com/ǅ", "www.ĳ.com",
    "x.ᲒᲔ", "x.გე", "x.გეa", "a.भारतम्", "a.भारत", "a.भारतम", "café.com/ü", "http://café.com/ü",
    "https://t.co/abc?x=1&y=2", "https://t.co/" + "a" * 41, "http://" + "a" * 63 + ".com",
    "http://" + "a" * 64 + ".com", "http://" + "ü" * 40 + ".com", "http://" + "あ" * 20 + ".com", ".foo.com",
    "foo..com", "http://-foo.com", "foo-.com", "http://a_b.c_d.com", '"x".com', '#foo.com', "＠foo.com",
    "foo.com@bar", "http://foo.com:80/", "http://foo.com:/", "example.com/?x=1.", "😀.com", "http://😀😀.com/x",
    "日本.example.com/path", "foo.com日本.xyz.com/p", "foo.com.日本.com/p", "a.com/b" + "c" * 5000,
    "https://www.example.com/" + "x" * 4100, "1.2.3.4.com", "x.XN--P1AI", "http://x.co\u0301m",
]
EMOJI = [
    "😷", "👾", "🔥", "🐱", "☺", "☺️", "☺︎", "❤", "❤️", "❤︎", "👍🏽", "👨‍👩‍👧‍👦", "🙋🏽", "👨‍🎤", "🧕🏾",
    "🏴󠁧󠁢󠁥󠁮󠁧󠁿", "🇳🇱", "🇺🇦", "🇦🇦", "🇿", "1⃣", "1️⃣", "#️⃣", "*⃣", "©", "©️", "™️", "♟", "♟️",
    "🏳️‍🌈", "🏳‍🌈", "🏴‍☠️", "👁‍🗨", "👁️‍🗨️", "🫠", "🫱🏻‍🫲🏿", "🧑🏽‍🦯", "🫨", "🩷", "🐦‍🔥", "🙂‍↔️",
    "🏋🏻‍♀️", "🏋️‍♀️", "⛹🏿‍♂️", "👩‍❤️‍💋‍👨", "🧑🏻‍🤝‍🧑🏿", "🐻‍❄️", "🏻", "\ufe0f", "\u200d", "☝🏻",
    "✌️", "✌︎", "🕴🏼", "🤌", "🥷", "🦸‍♀️", "🧜🏾‍♂️", "🫃🏽", "👨🏻‍❤️‍💋‍👨🏼", "\U000e0067",
]
MARKS = ["\u0301", "\u0308", "\u0327", "\u05bc", "\u0651", "\u20dd", "\u1ab0", "\u0345"]
PUNCT = [" ", " ", " ", "\n", ".", ",", "!", "?", "-", "—", "…", "(", ")", "#", "@", "/", "\u2000",
         "\u200b", "\u200c", "\u202a", "\u2066", "\u061c", "‘", "’", "“", "”", "\u3000", "\u00a0", "。"]
RARE = ["\ufffe", "\ufeff", "\uffff", "\u212a", "\u017f", "\u1c80", "ǅ", "ẞ", "ß", "\U0001d400", "\ue50a"]


def random_text(rng: random.Random) -> str:
    pools = [WORDS, CJK, RTL, FILES, URLS, EMOJI, MARKS, PUNCT, RARE, ADVERSARIAL]
    weights = [6, 2, 2, 2, 3, 5, 1, 8, 0.3, 0.5]
    parts = []
    for _ in range(rng.randint(1, 30)):
        pool = rng.choices(pools, weights)[0]
        piece = rng.choice(pool)
        if pool is WORDS and rng.random() < 0.2:
            piece = piece.upper()
        parts.append(piece)
        if rng.random() < 0.6:
            parts.append(" ")
    text = "".join(parts)
    if rng.random() < 0.05:
        text = text * rng.randint(5, 15)
    return text


def _compare(node: NodeCounter, texts: list[str]) -> list[tuple[str, dict, xcount.PostCheck]]:
    answers = node.many(texts)
    refused = sum("error" in ans for ans in answers)
    assert refused <= len(texts) // 100, f"twitter-text threw on {refused} of {len(texts)} texts"
    bad = []
    for text, ans in zip(texts, answers, strict=True):
        if "error" in ans:  # the reference cannot count it: nothing to compare against
            continue
        mine = xcount.parse_post(text)
        if (mine.length, mine.valid, mine.valid_range_end) != (ans["w"], ans["v"], ans["e"]):
            bad.append((text, ans, mine))
    return bad


def test_shipped_emoji_data_matches_twemoji_parser(node):
    """The shipped emoji list is exactly what twemoji-parser 14 recognises."""
    assert DATA_FILE.read_text(encoding="utf-8") == emoji_data_from_pattern(node.regex_source)


def test_every_listed_emoji_counts_as_two(node):
    """Each emoji sequence alone: our count equals X's (2), which checks match order too."""
    texts = list(xcount._emoji_strings())
    assert _compare(node, texts) == []


def test_url_edge_cases_agree_with_twitter_text(node):
    texts = ADVERSARIAL + [f"see {t} now" for t in ADVERSARIAL] + [f"👍{t}👍" for t in ADVERSARIAL]
    assert _compare(node, texts) == []


def test_random_mixed_strings_agree_with_twitter_text(node):
    rng = random.Random(20261127)
    texts = [random_text(rng) for _ in range(5000)]
    bad = _compare(node, texts)
    assert not bad, f"{len(bad)} of {len(texts)} differ; first: {bad[0][0]!r} js={bad[0][1]} py={bad[0][2]}"


def test_hypothesis_strings_agree_with_twitter_text(node):
    from hypothesis import HealthCheck, assume, given, settings
    from hypothesis import strategies as st

    piece = st.one_of(
        st.sampled_from(WORDS + CJK + RTL + FILES + URLS + EMOJI + MARKS + PUNCT + RARE + ADVERSARIAL),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=4),
        st.text(alphabet="abcxyz.-_/:@#?&=()", max_size=12),
    )

    @settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
    @given(st.lists(piece, max_size=25).map("".join))
    def check(text: str) -> None:
        ans = node.ask({"text": text})
        assume("error" not in ans)  # twitter-text threw on it: no reference answer to compare with
        mine = xcount.parse_post(text)
        assert (mine.length, mine.valid, mine.valid_range_end) == (ans["w"], ans["v"], ans["e"]), text

    check()


def test_normalisation_is_applied_like_twitter_text(node):
    texts = [unicodedata.normalize("NFD", t) for t in ("Ápple café", "Aשּׁ", "ÁB", "ǅemal")]
    assert _compare(node, texts) == []


if __name__ == "__main__":  # regenerate composer/data/x_emoji.txt from an installed twemoji-parser
    if len(sys.argv) > 2 and sys.argv[1] == "write":
        regex_js = Path(sys.argv[2]) / "node_modules" / "twemoji-parser" / "dist" / "lib" / "regex.js"
        src = regex_js.read_text(encoding="utf-8")
        source = src[src.index("= /") + 3: src.rindex("/g;")]
        DATA_FILE.write_text(emoji_data_from_pattern(source), encoding="utf-8")
        print(f"wrote {DATA_FILE}")
    else:
        print("usage: python tests/social/test_xcount_differential.py write NPM_PREFIX")
