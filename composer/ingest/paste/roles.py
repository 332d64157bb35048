"""Learned line roles: which line of a paste is the headline, the byline, the published date.

The exact rules in :mod:`meta` say what a line *could* be ("By …", a date, "Image caption,");
on a real page several lines qualify (a kicker, a sidebar headline, a teaser's author, the date
of a related story). Which one plays the role is decided here by a small learned model: every
candidate line gets a feature vector (its shape, its words' overlap with the lead, where it sits
relative to the body and to the other header lines, and what the hand-written rules say about
it), and a conditional logit (a softmax over the page's candidates, plus a "none" option for
the byline and the date) picks one. The weights live in ``composer/data/paste-roles.json``,
fitted by ``bench/train_metadata.py`` on real pages of publishers the benchmark holds out
(``bench/metadata.py`` says how the split is made); they load in well under a millisecond and
need no network and no numeric library.
"""

from __future__ import annotations

import json
import math
import operator
import re
from collections import Counter
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from typing import Any, Protocol

from composer import regexcache as rx
from composer.dates import find_date
from composer.ingest.paste import meta
from composer.ingest.paste.body import is_widget
from composer.ingest.paste.lexicon import CJK_CHAR, RELATED_HEADINGS, STOPWORDS
from composer.ingest.paste.lines import Line, lower_tokens
from composer.ingest.paste.toc import contents, headless_entries

MODEL_FILE = "paste-roles.json"
_WORDS = rx.compile(r"\w+")
_DIGIT = rx.compile(r"\d")
_YEAR = rx.compile(r"(?:19|20)\d\d")  # composer.dates reads only dates with a four-digit year
_CAP_WORD = rx.compile(r"^[\"'“„«‘(]?[A-ZÀ-ÖØ-ÞĀ-ŽА-ЯΑ-Ω0-9]")
_SEPARATOR = rx.compile(r"\s[|–—-]\s|\s\|\s?|\s?\|\s")
_TIME = rx.compile(r"\b\d{1,2}[:.h]\d{2}\b")
_BY_START = rx.compile(r"^(?:by|von|par|por|di|door|de|av|af|od|autor|author|text|written by)\b\s*:?", re.I)
_PUBLISHED_WORD = rx.compile(
    r"\b(?:published|posted|veröffentlicht|erschienen|publié|publicado|pubblicato|gepubliceerd|stand|"
    r"opublikowano|publicerad|publisert|udgivet|zveřejněno|yayınlanma)\b", re.I,
)
_UPDATED_WORD = rx.compile(
    r"\b(?:updated|modified|aktualisiert|geändert|mis à jour|actualizado|aggiornato|bijgewerkt|atualizado|"
    r"zaktualizowano|oppdatert|uppdaterad|opdateret|aktualizováno|güncelleme)\b", re.I,
)
_FOLLOW = rx.compile(r"\b(?:follow|twitter|folgen|suivre|seguir|email|e-mail|x\.com)\b", re.I)


class Kinds(Protocol):
    """What the rules say about line ``i`` (implemented by the reader's line classifier)."""

    def is_meta(self, i: int) -> bool: ...
    def byline(self, i: int) -> list[str] | None: ...
    def is_date(self, i: int) -> bool: ...
    def caption(self, i: int) -> tuple[str, str | None] | None: ...
    def credit(self, i: int) -> str | None: ...


@dataclass
class Context:
    """One page as the role model sees it."""

    lines: Sequence[Line]
    kinds: Kinds
    start: int  # the body run, after the header lines at its top were trimmed
    end: int
    lead: str  # the first paragraphs of the body
    rule_title: int | None = None  # what the hand-written rules chose
    rule_byline: int | None = None
    rule_date: int | None = None
    toc: tuple[set[int], set[int]] | None = None  # ``toc.contents`` of the lines, when already known
    _cache: dict[str, Any] = field(default_factory=dict)

    def lead_words(self) -> set[str]:
        if "lead" not in self._cache:
            self._cache["lead"] = content_words(self.lead)
        return self._cache["lead"]  # type: ignore[no-any-return]

    def body_words(self) -> set[str]:
        if "body" not in self._cache:
            words: set[str] = set()
            for line in self.lines[self.start : min(self.end, self.start + 25)]:
                words |= content_words(line.text)
            self._cache["body"] = words
        return self._cache["body"]  # type: ignore[no-any-return]

    def counts(self) -> Counter[str]:
        if "counts" not in self._cache:
            self._cache["counts"] = Counter(line.text for line in self.lines)
        return self._cache["counts"]  # type: ignore[no-any-return]

    def body_text(self) -> str:
        """The body lines as one string (for "does this name occur in the article" questions)."""
        if "body_text" not in self._cache:
            self._cache["body_text"] = "\n".join(line.text for line in self.lines[self.start : self.end])
        return self._cache["body_text"]  # type: ignore[no-any-return]

    def lower_words(self) -> set[str]:
        """Words the body writes in lower case (ordinary words, not names)."""
        if "lower" not in self._cache:
            words: set[str] = set()
            for line in self.lines[self.start : self.end]:
                words.update(filter(str.islower, _WORDS.findall(line.text)))
            self._cache["lower"] = words
        return self._cache["lower"]  # type: ignore[no-any-return]

    def top_titles(self) -> set[str]:
        """The page's first three lines as cleaned, case-folded titles: where a copy often starts
        with the page's ``<title>`` or a sticky header holding the headline."""
        if "top" not in self._cache:
            self._cache["top"] = {meta.clean_title(line.text).casefold() for line in self.lines[:3]}
        return self._cache["top"]  # type: ignore[no-any-return]

    def toc_lines(self) -> set[int]:
        """The entries of a table of contents: lines under a "Contents" heading that the page
        prints again further down (the sections' own headings, a live blog's posts), up to the
        first paragraph. A line under the heading that does not recur is not an entry: the
        headline can follow a sidebar's contents directly."""
        if "toc" not in self._cache:
            headed = self.toc if self.toc is not None else contents(self.lines)
            out = headed[1] | headless_entries(self.lines, self.start, self.end)
            self._cache["toc"] = out
        return self._cache["toc"]  # type: ignore[no-any-return]

    def dates(self) -> dict[int, str]:
        """Line index → the day it names, for every short line with a date up to just after the body."""
        if "dates" not in self._cache:
            found: dict[int, str] = {}
            for line in self.lines[: self.end + 40]:
                text = line.text
                if len(text) <= 160 and _YEAR.search(text):
                    day = find_date(text)
                    if day:
                        found[line.index] = day
            self._cache["dates"] = found
        return self._cache["dates"]  # type: ignore[no-any-return]


_NAME_STOPWORDS = STOPWORDS - {"van", "von", "de", "der", "den", "da", "del", "della", "di", "du", "la", "le", "dos", "das",
                                "y", "bin", "al", "el", "ter", "and", "und", "et", "e", "en", "og", "och", "i", "a"}


_CJK_RUN = rx.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af]{2,}")


def content_words(text: str) -> set[str]:
    """The line's content words; Chinese, Japanese and Korean, written without spaces, give their
    character pairs instead (a whole CJK line would otherwise be one "word" that matches nothing)."""
    if text.isascii():  # (no CJK in it: the common case, answered without a search per word)
        return {w for w in lower_tokens(text) if len(w) >= 4 and w not in STOPWORDS}
    lower = text.lower()
    words = {w for w in lower_tokens(text) if len(w) >= 4 and w not in STOPWORDS and (w.isascii() or not _CJK_RUN.search(w))}
    for run in _CJK_RUN.findall(lower):
        words.update(run[k : k + 2] for k in range(len(run) - 1))
    return words


def _cap_share(text: str) -> float:
    words = text.split()
    return sum(bool(_CAP_WORD.match(w)) for w in words) / len(words) if words else 0.0


class _Nearby:
    """Which lines near the candidates pass ``test``, for "is there one within k lines" questions.

    ``test`` runs once per line that some candidate can see (not on the lines between distant
    candidates), and each question is a few look-ups.
    """

    def __init__(self, n_lines: int, cands: Sequence[int], test: Callable[[int], bool], before: int, after: int) -> None:
        needed: set[int] = set()
        for c in cands:
            needed.update(range(max(0, c - before), min(n_lines, c + after + 1)))
        self.hits = {j for j in needed if test(j)}

    def after(self, i: int, k: int) -> float:
        """1 when one of the ``k`` lines after ``i`` passes."""
        return 1.0 if any(j in self.hits for j in range(i + 1, i + k + 1)) else 0.0

    def before(self, i: int, k: int) -> float:
        """1 when one of the ``k`` lines before ``i`` passes."""
        return 1.0 if any(j in self.hits for j in range(i - k, i)) else 0.0

    def around(self, i: int, k: int) -> float:
        return max(self.after(i, k), self.before(i, k))


def _log_distance(d: int) -> float:
    return math.log1p(abs(d)) * (1 if d >= 0 else -1)


# --- the headline -------------------------------------------------------------------------------

TITLE_FEATURES = (
    "above_body_log", "inside_body", "words_log", "chars_100", "lead_overlap", "body_overlap",
    "content_words_8", "ends_period", "ends_question_or_bang", "ends_colon", "cap_share", "all_caps",
    "starts_upper", "is_meta", "meta_below_6", "meta_above_3", "standfirst_below", "repeated",
    "repeated_after_body", "rule_pick", "separator", "stop_share", "blank_before", "prev_short",
    "has_digit", "headline_like", "related_heading_above", "first_candidate", "best_lead_overlap",
    "is_credit_or_caption", "relative_position", "widget_glued", "ends_comma", "rank_1", "rank_2", "rank_3",
    "rank_log", "prose_between_log", "overlap_words_6", "overlap_x_rank_1", "overlap_x_near", "first_para_overlap",
    "next_is_meta", "standfirst_then_meta", "person_below_4", "date_below_15", "date_above_3",
    "holds_other", "inside_other", "headline_above_1", "headline_below_1", "longer_than_next", "top_echo",
    "best_body_overlap", "overlap_rank_2", "closed_long", "after_headline_then_prose",
    "two_sentences", "long_under_headline",
)  # fmt: skip

# A short label that ends in "by" goes on on the next line: "Powered by", "Posted by", "Foto von".
_DANGLING_BY = rx.compile(r"^(?:\w+ ){0,2}(?:by|von|par|por|door|di|af|av)$", re.I)

TITLE_WINDOW = 45  # lines above the body searched for the headline …
TITLE_TOP = 10  # … and the first lines of the page
TITLE_INSIDE = 10  # lines into the body run (a headline the body search swallowed)


def title_candidates(ctx: Context) -> list[int]:
    """Lines near the top of the page or above the body (and a few into it) that could be the headline."""
    lo = max(0, ctx.start - TITLE_WINDOW)
    hi = min(len(ctx.lines), ctx.start + TITLE_INSIDE, max(ctx.end, ctx.start + 1))
    cut = _cut_off_start(ctx, lo)
    above = range(max(TITLE_TOP, cut - TITLE_CUT_WINDOW), cut) if cut is not None else range(0)
    out = []
    toc = ctx.toc_lines()
    for i in (*range(min(TITLE_TOP, lo)), *above, *range(lo, hi)):
        if i in toc:
            continue
        line = ctx.lines[i]
        if i >= ctx.start and line.words >= 8 and (
            line.text.endswith((".", ".\"", ".”", ".»")) or (line.closed and _SENTENCE_BREAK.search(line.text))
        ):
            break  # the lead paragraph (a question after a statement, too): a headline comes before it
        if i > 0 and _DANGLING_BY.match(ctx.lines[i - 1].text):
            continue  # "Powered by" / "A Very Old Fork of Jekyll": the rest of a credit, cut by a link
        if _table_row(line):
            continue  # an infobox or table row ("Industry<tab>Open-source software")
        if line.words <= 16 and meta.is_trail(line.text):
            continue  # "Blog > Weight Loss > Weight Loss Tips": where the page sits, not what it says
        # CJK headlines say more in fewer characters: "欲張りなイヌ" is six
        long_enough = len(line.text) >= 8 or (len(line.text) >= 4 and CJK_CHAR.search(line.text) is not None)
        if line.end_marker or line.furniture:
            continue
        if 2 <= line.words <= 45 and long_enough:
            out.append(i)
    return out


TITLE_CUT_REACH = 150  # lines above the body searched for the article's cut-off first part …
TITLE_CUT_WINDOW = 15  # … and lines above that part offered as headlines


def _cut_off_start(ctx: Context, lo: int) -> int | None:
    """Where the article's first part begins when a long block cuts it off from the body run.

    A paywall pitch or a video player's settings list can sit between the first paragraphs and
    the rest; the body search then keeps the heavier part, and the headline is far above it. The
    sign is a long paragraph above the window that speaks of what the body speaks of, with no
    comment or "related" heading between it and the body. Returns that part's first line.
    """
    lines, body = ctx.lines, ctx.body_words()
    best, best_words = None, 0
    for i in range(ctx.start - 1, max(-1, ctx.start - TITLE_CUT_REACH), -1):
        line = lines[i]
        if line.end_marker or RELATED_HEADINGS.match(line.key):
            break
        if i >= lo or line.words < 30 or line.words <= best_words or not line.closed or is_widget(line):
            continue
        words = content_words(line.text)
        if words and len(words & body) / len(words) >= 0.2:
            best, best_words = i, line.words
    if best is None:
        return None
    top, gap = best, 0
    for j in range(best - 1, max(-1, best - 12), -1):
        line = lines[j]
        if line.words >= 8 and line.closed and not is_widget(line):
            top, gap = j, 0
        elif (gap := gap + 1) > 2:
            break
    return top


def title_features(ctx: Context, cands: Sequence[int]) -> list[list[float]]:
    lines, kinds = ctx.lines, ctx.kinds
    lead, body = ctx.lead_words(), ctx.body_words()
    counts = ctx.counts()
    after = Counter(line.text for line in lines[ctx.end :])
    cand_words = [content_words(lines[i].text) for i in cands]
    overlaps = [len(words & lead) / len(words) if words else 0.0 for words in cand_words]
    best = max(overlaps, default=0.0)
    related_at = next((j for j in range(ctx.start - 1, -1, -1) if RELATED_HEADINGS.match(lines[j].key)), -1)

    def meta_line(j: int) -> bool:
        return kinds.byline(j) is not None or kinds.is_date(j)

    def person(j: int) -> bool:
        line = lines[j]
        if not 1 <= line.words <= 12:
            return False
        if _BY_START.match(line.text) or _DIGIT.search(line.text):
            return kinds.byline(j) is not None
        return line.text[:1].isupper() and bool(meta.bare_names(line.text))

    dates = ctx.dates()

    def has_date(j: int) -> bool:
        return j in dates

    # Rank of each candidate among the headline-like lines above the body, counted upwards.
    rank: dict[int, int] = {}
    k = 0
    for i in reversed(cands):
        if i < ctx.start and _headline_like(lines[i]) and not kinds.is_meta(i):
            k += 1
            rank[i] = k
    prose_above = [0] * (ctx.start + 1)
    for j in range(ctx.start - 1, -1, -1):
        line = lines[j]
        prose_above[j] = prose_above[j + 1] + (1 if line.words >= 12 and line.closed and not is_widget(line) else 0)
    first_para = content_words(ctx.lead.split("\n")[0][:400])
    near_meta = _Nearby(len(lines), cands, meta_line, 3, 6)
    near_person = _Nearby(len(lines), cands, person, 0, 4)
    near_date = _Nearby(len(lines), cands, has_date, 3, 15)
    holds, inside = _nested(lines, cands)
    body_overlaps = [len(words & body) / len(words) if words else 0.0 for words in cand_words]
    best_body = max(body_overlaps, default=0.0)
    second = sorted(set(overlaps), reverse=True)[1:2]
    top = ctx.top_titles()
    rows = []
    for n, i in enumerate(cands):
        line = lines[i]
        text = line.text
        words = cand_words[n]
        r = rank.get(i, 0)
        nxt_i = i + 1
        near = 1.0 / (1.0 + math.log1p(max(0, ctx.start - i)))
        prev = lines[i - 1] if i > 0 else None
        nxt = lines[i + 1] if i + 1 < len(lines) else None
        rows.append([
            _log_distance(ctx.start - i) if i < ctx.start else 0.0,
            1.0 if i >= ctx.start else 0.0,
            math.log1p(line.words),
            len(text) / 100,
            overlaps[n],
            len(words & body) / len(words) if words else 0.0,
            min(len(words), 8) / 8,
            1.0 if text.endswith(".") else 0.0,
            1.0 if text.endswith(("?", "!")) else 0.0,
            1.0 if text.endswith(":") else 0.0,
            _cap_share(text),
            1.0 if text.isupper() else 0.0,
            1.0 if _CAP_WORD.match(text) else 0.0,
            1.0 if kinds.is_meta(i) else 0.0,
            near_meta.after(i, 6),
            near_meta.before(i, 3),
            1.0 if nxt is not None and nxt.words >= 12 and nxt.closed and not is_widget(nxt) else 0.0,
            1.0 if counts[text] > 1 else 0.0,
            1.0 if after[text] else 0.0,
            1.0 if i == ctx.rule_title else 0.0,
            1.0 if _SEPARATOR.search(text) else 0.0,
            line.stop,
            1.0 if line.blank_before else 0.0,
            1.0 if prev is not None and prev.words <= 3 else 0.0,
            1.0 if _DIGIT.search(text) else 0.0,
            1.0 if _headline_like(line) else 0.0,
            1.0 if related_at >= 0 and related_at < i else 0.0,
            1.0 if n == 0 else 0.0,
            1.0 if overlaps[n] == best and best > 0 else 0.0,
            1.0 if kinds.caption(i) is not None or kinds.credit(i) is not None else 0.0,
            i / max(1, len(lines)),
            1.0 if is_widget(line) else 0.0,
            1.0 if text.endswith((",", ";")) else 0.0,
            1.0 if r == 1 else 0.0,
            1.0 if r == 2 else 0.0,
            1.0 if r == 3 else 0.0,
            math.log1p(r) if r else 0.0,
            math.log1p(prose_above[i + 1]) if i < ctx.start else 0.0,
            min(len(words & lead), 6) / 6,
            overlaps[n] if r == 1 else 0.0,
            overlaps[n] * near,
            len(words & first_para) / len(words) if words else 0.0,
            1.0 if nxt_i < len(lines) and meta_line(nxt_i) else 0.0,
            1.0 if nxt_i + 1 < len(lines) and lines[nxt_i].words >= 8 and meta_line(nxt_i + 1) else 0.0,
            near_person.after(i, 4),
            near_date.after(i, 15),
            near_date.before(i, 3),
            1.0 if i in holds else 0.0,
            1.0 if i in inside else 0.0,
            1.0 if prev is not None and _headline_like(prev) and not kinds.is_meta(i - 1) else 0.0,
            1.0 if nxt is not None and _headline_like(nxt) and not nxt.closed and not kinds.is_meta(i + 1) else 0.0,
            1.0 if nxt is not None and line.words > nxt.words else 0.0,
            1.0 if i >= 3 and meta.clean_title(text).casefold() in top else 0.0,
            1.0 if body_overlaps[n] == best_body and best_body > 0 else 0.0,
            1.0 if second and overlaps[n] == second[0] and overlaps[n] > 0 else 0.0,
            1.0 if line.closed and line.words >= 15 else 0.0,
            1.0 if prev is not None and _headline_like(prev) and nxt is not None and nxt.words >= 12 and nxt.closed else 0.0,
            1.0 if _SENTENCE_BREAK.search(text) else 0.0,
            1.0 if line.words >= 14 and prev is not None and _headline_like(prev) and prev.words < line.words
            and not kinds.is_meta(i - 1) else 0.0,
        ])
    return rows


# A full stop, "?" or "!" between two sentences inside one line: a caption or a standfirst says
# two things, a headline rarely does ("(2010). Am 13.04.2025 ist …").
_SENTENCE_BREAK = rx.compile(r"(?:[a-zß-öø-ÿа-я]{3}|\d\)|[a-zß-ÿа-я][”\"»])[.!?] +[\"“„«]?[A-ZÀ-ÖØ-ÞА-Я]\w")


# MediaWiki prints its tagline right under the article's name ("From Wikipedia, the free
# encyclopedia", "Aus Wikipedia, der freien Enzyklopädie", "Origem: Wikipédia, a enciclopédia livre").
_WIKI_TAGLINE = rx.compile(r"^(?:from|aus|un article de|de|da|uit|origem:|z|från|fra) wikip[eé]di[aei], .{5,40}$", re.I)


def wiki_title(ctx: Context) -> int | None:
    """The article's name on a wiki page: the line right above the wiki's tagline.

    A wiki article's name is often one or two words ("Mozilla", "New Zealand"), shorter than
    anything the headline model is offered, and an infobox of short lines follows it, so the
    page's own marker is the surer sign.
    """
    for i, line in enumerate(ctx.lines[1:TITLE_TOP + 5], start=1):
        if _WIKI_TAGLINE.match(line.text):
            above = ctx.lines[i - 1]
            return i - 1 if 1 <= above.words <= 15 and not above.furniture else None
    return None


def refine_title(ctx: Context, cands: Sequence[int], pick: int) -> int:
    """The headline among ``cands`` once the model has picked ``cands[pick]``: a line that is
    another candidate with a kicker or breadcrumb glued before it ("Premier League Rückschlag im
    Titelkampf …", "Home » Gesellschaft » „Unermüdlicher Einsatz“", "MSV-Interimstrainer …")
    gives way to the bare headline printed on its own line.

    A prefix that ends in a colon stays ("The Open Journalism Project: …" is how that headline
    is written); the per-line scores cannot see that one line is the other plus a prefix. And a
    kicker run into the headline without a separator ("Ausschuss zur Ahrtal-Flut Zwei Rücktritte")
    takes the colon where the page also writes it so (a breadcrumb or the SEO headline): a title
    that reads as one garbled sentence is worse than either part.
    """
    lines = ctx.lines
    text = lines[cands[pick]].text
    echoed = _echo_of_top(ctx, cands, pick)
    if echoed is not None:
        return echoed
    for n, j in enumerate(cands):
        if n != pick and _colon_of(lines[j].text, text):
            return n
    for n, j in enumerate(cands):
        other = lines[j].text
        if n == pick or lines[j].words < 2 or len(other) >= len(text) or not text.endswith(other):
            continue
        prefix = text[: -len(other)].rstrip()
        if len(prefix.split()) <= 8 and not prefix.endswith(":") and not ctx.kinds.is_meta(j):
            return n
    return pick


def _echo_of_top(ctx: Context, cands: Sequence[int], pick: int) -> int | None:
    """The candidate that repeats, word for word, a headline printed in the page's first lines.

    A copy often opens with the page's ``<title>`` or a sticky header that holds the headline;
    a headline-like line of five or more words further down that says exactly the same is the
    headline, whatever a standfirst or caption beside it scored (a two-sentence standfirst under
    the headline came within 0.03 of it). Only where the pick is not such an echo itself.
    """
    lines = ctx.lines
    top = ctx.top_titles()
    if meta.clean_title(lines[cands[pick]].text).casefold() in top:
        return None
    for n, j in enumerate(cands):
        line = lines[j]
        if (j >= 3 and n != pick and line.words >= 5 and _headline_like(line) and not ctx.kinds.is_meta(j)
                and meta.clean_title(line.text).casefold() in top):
            return n
    return None


def _colon_of(written: str, glued: str) -> bool:
    """Whether ``written`` is ``glued`` with a colon after one of its words: the page's own
    "Kicker: Headline" (a breadcrumb, the headline's SEO form) beside the headline element whose
    kicker span the copy runs into it without a separator ("Kicker Headline")."""
    at = written.find(": ")
    while at > 0:
        if written[:at] + written[at + 1 :] == glued:
            return True
        at = written.find(": ", at + 2)
    return False


def _nested(lines: Sequence[Line], cands: Sequence[int]) -> tuple[set[int], set[int]]:
    """Candidates that hold another candidate's text glued to more words (a kicker or breadcrumb
    run into the headline: "Premier League Rückschlag im Titelkampf"), and those held by one.

    The shorter line is usually the headline itself, printed once bare and once with its kicker.
    """
    holds: set[int] = set()
    inside: set[int] = set()
    texts = [(i, lines[i].text) for i in cands if lines[i].words >= 3]
    by_len = sorted(texts, key=lambda t: len(t[1]))
    for a, (i, short) in enumerate(by_len):
        for j, long in by_len[a + 1 :]:
            if len(long) > len(short) + 3 and short in long:
                holds.add(j)
                inside.add(i)
    return holds, inside


def _headline_like(line: Line) -> bool:
    text = line.text
    return 2 <= line.words <= 30 and len(text) >= 12 and not is_widget(line) and not text.endswith((",", ";"))


# --- the byline ---------------------------------------------------------------------------------

BYLINE_FEATURES = (
    "none", "rule_names", "rule_pick", "person_name", "by_start", "has_date", "words_log", "cap_share",
    "after_title_log", "before_title", "above_body_log", "inside_body", "after_body", "date_near",
    "role_near", "follow", "has_digit", "closed", "is_caption_or_credit", "repeated", "names_found",
    "separator", "single_word", "first_rule_names", "lower_elsewhere", "has_stopword", "near_title_3",
    "near_title_8", "name_after_body", "name_far_away",
    "clean_name", "in_top_lines", "surname_in_body", "between_title_and_body", "title_words_in_name",
    "clean_name_near_title", "first_clean_name", "clean_name_above_title", "clean_name_at_body_end",
)  # fmt: skip

BYLINE_BEFORE = 40
BYLINE_INSIDE = 25
BYLINE_AFTER = 25


_CELLS = rx.compile(r"\S\t+\S")


def _table_row(line: Line) -> bool:
    """A row of an infobox or table, its cells copied with a tab between them."""
    return "\t" in line.raw and _CELLS.search(line.raw) is not None


def byline_candidates(ctx: Context, title_at: int | None) -> list[int]:
    lines = ctx.lines
    lo = ctx.start - BYLINE_BEFORE if title_at is None else min(ctx.start - BYLINE_BEFORE, title_at - 10)
    spans = [range(max(0, lo), min(len(lines), ctx.start + BYLINE_INSIDE)),
             range(max(ctx.end, ctx.start + BYLINE_INSIDE), min(len(lines), ctx.end + BYLINE_AFTER))]
    out = []
    toc = ctx.toc_lines()
    parts = _title_parts(lines[title_at].text) if title_at is not None else frozenset()
    for span in spans:
        for i in span:
            line = lines[i]
            if not 1 <= line.words <= 30 or len(line.text) > 200 or line.furniture or i in toc:
                continue
            if line.text.rstrip(" :").casefold() in parts:
                continue  # the headline's own part on a line of its own ("Better Student Journalism")
            if _table_row(line) and not meta.byline_hint(line.text):
                continue  # an infobox or table row ("Founder<tab>Netscape Communications Corporation")
            plausible = (
                (line.words <= 12 and line.text[:1].isupper())
                or meta.byline_hint(line.text)
                or meta.cjk_name_line(line.text)
                or meta.org_credit(line.text) is not None
            )
            if not plausible or _pictured(ctx, i):
                continue  # (the person a photo shows: "Friedrich Merz" / "Foto: REUTERS/…" / the writer)
            if names_of(ctx, i):
                out.append(i)
            elif title_at is not None and title_at < i < ctx.start + 3:
                # An agency alone in the byline's slot, under the headline ("AFP, MANILA"): the
                # slot is the evidence the line is a credit, so only here is it a candidate.
                org = meta.org_credit(line.text)
                if org:
                    ctx._cache[("names", i)] = org[0]
                    out.append(i)
    return out


def _pictured(ctx: Context, i: int) -> bool:
    """A bare name over a photo's credit line with another name under it: the photo's caption
    naming the person shown, and under the credit the writer ("Friedrich Merz" / "Foto:
    REUTERS/Nadja Wohlleben" / "Piotr Jendroszczyk"). A name over a credit with the caption under
    it is the writer's ("Radek Nohl" / "Foto: Seznam Zprávy" / "Hlavní aktér kauzy …")."""
    lines = ctx.lines
    if i + 2 >= len(lines) or not meta.is_person_name(lines[i].text) or not meta.credit_of(lines[i + 1].text):
        return False  # (the cheap tests first: most lines are not a bare name over a credit)
    return (meta.is_person_name(lines[i + 2].text) and ctx.kinds.byline(i) is None
            and not meta.byline_hint(lines[i].text))


_TITLE_SPLIT = rx.compile(r"\s*(?::|\s[-–—|]\s)\s*")


def _title_parts(title: str) -> frozenset[str]:
    """The parts of a headline around its colon or dash ("The Open Journalism Project: Better
    Student Journalism"), which a page may also print on lines of their own, like a name."""
    parts = _TITLE_SPLIT.split(title)
    return frozenset(p.casefold() for p in parts if p) if len(parts) > 1 else frozenset()


def names_of(ctx: Context, i: int) -> list[str] | None:
    """The names line ``i`` would give as a byline (rules first, then the line as a bare name)."""
    key = ("names", i)
    if key in ctx._cache:
        return ctx._cache[key]  # type: ignore[no-any-return]
    text = ctx.lines[i].text
    names = ctx.kinds.byline(i) or meta.byline_names(text) or meta.bare_names(text)
    names = meta.clean_names(names) if names else None
    ctx._cache[key] = names or None
    return names or None


def byline_features(ctx: Context, cands: Sequence[int], title_at: int | None) -> list[list[float]]:
    lines, kinds = ctx.lines, ctx.kinds
    counts = ctx.counts()
    anchor = title_at if title_at is not None else ctx.start - 1
    first_rule = next((i for i in cands if kinds.byline(i) is not None and i >= anchor), None)
    lower = ctx.lower_words()
    dates = ctx.dates()

    def has_date(j: int) -> bool:
        return j in dates

    def role(j: int) -> bool:
        return meta.is_role(lines[j].text)

    near_date = _Nearby(len(lines), cands, has_date, 2, 2)
    near_role = _Nearby(len(lines), cands, role, 1, 1)
    top = {line.text for line in lines[:3]}
    body_text = ctx.body_text()
    title_words = content_words(lines[title_at].text) if title_at is not None else set()
    clean = {i for i in cands if _clean_name(lines[i].text, lower)}
    first_clean = next((i for i in sorted(clean) if i > anchor), None)
    rows = [[1.0] + [0.0] * (len(BYLINE_FEATURES) - 1)]
    for i in cands:
        line = lines[i]
        text = line.text
        names = names_of(ctx, i) or []
        name_tokens = [w for w in _WORDS.findall(" ".join(names)) if len(w) >= 3]
        rows.append([
            0.0,
            1.0 if kinds.byline(i) is not None else 0.0,
            1.0 if i == ctx.rule_byline else 0.0,
            1.0 if meta.is_person_name(text) else 0.0,
            1.0 if _BY_START.match(text) else 0.0,
            1.0 if i in ctx.dates() else 0.0,
            math.log1p(line.words),
            _cap_share(text),
            _log_distance(i - anchor) if i > anchor else 0.0,
            1.0 if i <= anchor else 0.0,
            _log_distance(ctx.start - i) if i < ctx.start else 0.0,
            1.0 if ctx.start <= i < ctx.end else 0.0,
            1.0 if i >= ctx.end else 0.0,
            near_date.around(i, 2),
            near_role.around(i, 1),
            1.0 if _FOLLOW.search(text) else 0.0,
            1.0 if _DIGIT.search(text) else 0.0,
            1.0 if line.closed else 0.0,
            1.0 if kinds.caption(i) is not None or kinds.credit(i) is not None else 0.0,
            1.0 if counts[text] > 1 else 0.0,
            min(len(names), 4) / 4,
            1.0 if _SEPARATOR.search(text) else 0.0,
            1.0 if len(text.split()) == 1 else 0.0,
            1.0 if i == first_rule else 0.0,
            sum(w.lower() in lower for w in name_tokens) / len(name_tokens) if name_tokens else 0.0,
            1.0 if any(w.lower() in _NAME_STOPWORDS for w in _WORDS.findall(" ".join(names))) else 0.0,
            1.0 if abs(i - anchor) <= 3 else 0.0,
            1.0 if abs(i - anchor) <= 8 else 0.0,
            1.0 if names and any(names[0] in line.text for line in lines[ctx.end : ctx.end + 60]) else 0.0,
            1.0 if names and _elsewhere(ctx, names[0], i) else 0.0,
            1.0 if i in clean else 0.0,
            1.0 if text in top else 0.0,
            1.0 if name_tokens and name_tokens[-1] in body_text else 0.0,
            1.0 if title_at is not None and title_at < i < ctx.start else 0.0,
            1.0 if content_words(text) & title_words else 0.0,
            1.0 if i in clean and abs(i - anchor) <= 6 else 0.0,
            1.0 if i == first_clean else 0.0,
            1.0 if i in clean and 0 < anchor - i <= 10 else 0.0,
            1.0 if i in clean and 0 <= i - ctx.end <= 3 else 0.0,
        ])
    return rows


_CLEAN_NAME = rx.compile(r"^[^\W\d_][\w'’.-]*(?: [^\W\d_][\w'’.-]*){1,3}$")


def _clean_name(text: str, lower: set[str]) -> bool:
    """A line that is a person's name and nothing else: two to four capitalised words, none of
    them a function word or a word the article itself writes in lower case."""
    if not _CLEAN_NAME.match(text):
        return False
    words = text.split()
    return all(w[:1].isupper() and w.lower() not in STOPWORDS and w.lower() not in lower for w in words)


def _elsewhere(ctx: Context, name: str, i: int) -> bool:
    """The name also appears ten or more lines away (an author box, a bio, a second byline)."""
    if "text" not in ctx._cache:
        ctx._cache["text"] = "\n".join(line.text for line in ctx.lines)
    total = ctx._cache["text"].count(name)
    near = sum(line.text.count(name) for line in ctx.lines[max(0, i - 9) : i + 10])
    return total > near


# --- the published date -------------------------------------------------------------------------

DATE_FEATURES = (
    "none", "rule_pick", "date_line", "published_word", "updated_word", "has_time", "words_log",
    "after_title_log", "before_title", "above_body_log", "inside_body", "after_body", "byline_near",
    "first_after_title", "same_day_count", "latest_day", "earliest_day", "copyright", "relative_position",
    "day_only", "caption_or_credit", "sentence",
)  # fmt: skip


def date_candidates(ctx: Context) -> list[int]:
    """Lines with a date, except a table or infobox row whose label is not a publishing label
    ("Founded<tab>February 28, 1998" is the subject's date, not the page's)."""
    lines = ctx.lines
    return sorted(
        i for i in ctx.dates()
        if not (_table_row(lines[i]) and not meta.is_date_label(lines[i].text))
    )


def date_features(ctx: Context, cands: Sequence[int], title_at: int | None) -> list[list[float]]:
    lines, kinds = ctx.lines, ctx.kinds
    dates = ctx.dates()
    days = Counter(d[:10] for d in dates.values())
    latest = max((d[:10] for d in dates.values()), default="")
    earliest = min((d[:10] for d in dates.values()), default="")
    anchor = title_at if title_at is not None else ctx.start - 1
    first_after = next((i for i in cands if i > anchor), None)

    def byline(j: int) -> bool:
        return kinds.byline(j) is not None

    near_byline = _Nearby(len(lines), cands, byline, 3, 3)
    rows = [[1.0] + [0.0] * (len(DATE_FEATURES) - 1)]
    for i in cands:
        line = lines[i]
        text = line.text
        day = dates[i][:10]
        rows.append([
            0.0,
            1.0 if i == ctx.rule_date else 0.0,
            1.0 if kinds.is_date(i) else 0.0,
            1.0 if _PUBLISHED_WORD.search(text) else 0.0,
            1.0 if _UPDATED_WORD.search(text) else 0.0,
            1.0 if _TIME.search(text) else 0.0,
            math.log1p(line.words),
            _log_distance(i - anchor) if i > anchor else 0.0,
            1.0 if i <= anchor else 0.0,
            _log_distance(ctx.start - i) if i < ctx.start else 0.0,
            1.0 if ctx.start <= i < ctx.end else 0.0,
            1.0 if i >= ctx.end else 0.0,
            near_byline.around(i, 3),
            1.0 if i == first_after else 0.0,
            min(days[day], 4) / 4,
            1.0 if day == latest else 0.0,
            1.0 if day == earliest else 0.0,
            1.0 if "©" in text or "copyright" in text.lower() else 0.0,
            i / max(1, len(lines)),
            1.0 if len(dates[i]) == 10 else 0.0,
            1.0 if kinds.caption(i) is not None or kinds.credit(i) is not None else 0.0,
            1.0 if line.words > 12 and not kinds.is_date(i) else 0.0,
        ])
    return rows


# --- the model ----------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def load_model() -> dict[str, Any]:
    """The fitted weights (``composer/data/paste-roles.json``); empty when none is shipped."""
    try:
        raw = resources.files("composer").joinpath("data", MODEL_FILE).read_text(encoding="utf-8")
    except (FileNotFoundError, OSError):
        return {}
    return json.loads(raw)  # type: ignore[no-any-return]


def scores(role: str, rows: Sequence[Sequence[float]], names: Sequence[str]) -> list[float] | None:
    model = load_model().get(role)
    if not model or list(model["features"]) != list(names):
        return None
    weights = model["weights"]
    if any(len(row) != len(weights) for row in rows):
        raise ValueError(f"{role}: a row has a different number of features than the model")
    # (products summed in the same order as a loop would, so the same scores to the last bit)
    return [sum(map(operator.mul, weights, row)) for row in rows]


@dataclass(frozen=True, slots=True)
class Choice:
    """The row the model picks, and the model's probability for every row.

    The probabilities are the model's own: the softmax of the scores over the page's rows, as
    the conditional logit was fitted. A low one for the pick means the page offered other lines
    the model found about as plausible, which is when its pick is most often wrong; the reader
    passes that on to the user instead of keeping quiet about it."""

    index: int
    probabilities: tuple[float, ...]

    def certainty(self, answer: Callable[[int], Hashable]) -> tuple[float, int | None]:
        """How sure the model is of the pick's *answer*, and a row giving the likeliest other one.

        Rows that give the same answer share the model's belief: a headline printed twice (in a
        breadcrumb and over the article) splits its probability between two lines that say the
        same, a byline is shown above and below the article, and a tutorial's hundred log lines
        of one day each hold a sliver of the date's. ``answer`` maps a row to what it would give."""
        mass: dict[Hashable, float] = {}
        row_of: dict[Hashable, int] = {}  # answer -> its likeliest row (the first of equals)
        for row, p in enumerate(self.probabilities):
            key = answer(row)
            mass[key] = mass.get(key, 0.0) + p
            if key not in row_of or p > self.probabilities[row_of[key]]:
                row_of[key] = row
        mine = answer(self.index)
        others = [key for key in mass if key != mine]
        other = max(others, key=lambda k: (mass[k], -row_of[k])) if others else None
        return mass[mine], (row_of[other] if others else None)


def choose(role: str, rows: Sequence[Sequence[float]], names: Sequence[str]) -> Choice | None:
    """The model's pick among ``rows`` (the first of equal scores), or None without a model."""
    values = scores(role, rows, names)
    if not values:
        return None
    top = max(values)
    weights = [math.exp(v - top) for v in values]
    total = math.fsum(weights)
    return Choice(values.index(top), tuple(w / total for w in weights))
