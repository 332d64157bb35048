"""Pasted text as a list of lines with the features the reader decides by.

A browser's Select All + Copy flattens a page into lines: menus become runs of one- or two-word
lines, article paragraphs become long lines full of function words, widgets become fixed labels.
Every later step looks at these per-line features, so they are computed once here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from composer import regexcache as rx
from composer.dates import find_date
from composer.ingest.paste import memo
from composer.ingest.paste.code import statement
from composer.ingest.paste.lexicon import (
    AUTHOR_BIO,
    BOILERPLATE_HINTS,
    BOILERPLATE_RULES,
    CJK_CHAR,
    COMMENT_HEADER,
    END_MARKERS,
    FURNITURE_LINES,
    FURNITURE_PATTERN,
    HATNOTE,
    STOPWORDS,
)
from composer.textutil import normalize_text

# Runs of two or more spaces, and any other space character, become one space. (A lone " " is left
# where it is: matching every single space of a page, only to put it back, took half the time.)
_SPACES = rx.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]{2,}|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_WORD = rx.compile(r"\w+(?:['’]\w+)*")
_TOKEN = rx.compile(r"\w+")


@memo.per_paste()
def lower_tokens(text: str) -> tuple[str, ...]:
    """The line's words in lower case, split at apostrophes: asked by the page's own function
    words and by a line's share of them on each weighing of the page, and by the role model
    and the header for content words. ``make_line`` tells it the answer for most lines."""
    return tuple(_TOKEN.findall(text.lower()))


_CLOSERS = "\"'”’»)]"  # what may follow a sentence's last mark …
_SENTENCE_END = ".!?…:;。！？"  # … which is one of these


def _is_closed(text: str) -> bool:
    """Whether ``text`` ends like a sentence: its last mark, before any closing quotes and brackets,
    ends one, or it ends in a closing quote. (A regular expression anchored at the end tries
    every position of a long paragraph first.)"""
    bare = text.rstrip(_CLOSERS)
    if bare and bare[-1] in _SENTENCE_END:
        return True
    return bool(text) and text[-1] in "\"”»"


# Button labels run together when copied: "Share this articleComments", "Close ButtonCopy".
# (Tried only where a run of lower-case letters starts: from every letter of a long run, the
# search took time quadratic in its length.)
_GLUED = rx.compile(r"(?<![a-z])[a-z]{3,}[A-Z][a-z]")
_WIDGET_WORD = rx.compile(
    r"\b(?:share|comments?|close|button|copy|copied|print|e-?mail|facebook|twitter|whatsapp|menu|subscribe|log ?in|sign ?in|search|save)"
)


_HINTS = rx.compile(rx.any_of(BOILERPLATE_HINTS))
# hint -> the phrases to try when a line holds it (a phrase with several hints sits under each)
_PHRASES_BY_HINT = tuple(
    (hint, rx.compile("|".join(p for hints, p in BOILERPLATE_RULES if hint in hints))) for hint in BOILERPLATE_HINTS
)
_PUNCT = " \t.,;:!?¡¿-–—|•·»«›‹\"'“”„‘’()[]{}*#/\\…_+=~^<>@&%$"


@dataclass(slots=True, eq=False)
class Line:
    """One non-empty line of the paste and what it looks like.

    Treat it as read-only (``dataclasses.replace`` makes a changed copy). It is not declared frozen
    because a frozen dataclass sets each of its twelve fields through ``object.__setattr__``: that
    was a tenth of the time spent reading the lines of a page. Lines compare by identity: within
    one paste no two lines share an index, so comparing their fields told nothing more."""

    index: int  # position among non-empty lines
    text: str
    words: int
    stop: float  # share of function words
    blank_before: bool
    furniture: bool  # a fixed widget/menu label ("Share", "Advertisement")
    boiler: bool  # contains boilerplate phrasing (copyright, cookie, newsletter sign-up)
    key: str  # lower case without surrounding punctuation, for matching fixed labels
    end_marker: bool  # opens comments or otherwise ends the article ("12 Comments", "… says:")
    closed: bool  # ends like a sentence (headlines and menu items usually do not)
    code: bool = False  # reads as a line of program code or its output (``code.py``)
    raw: str = ""  # as copied, spaces kept: a code listing's indentation and columns


def split_lines(text: str) -> list[Line]:
    """The non-empty lines of ``text``, cleaned, with their features."""
    out: list[Line] = []
    blank = True
    text = normalize_text(text)
    # One pass over the whole text for the spaces (no newline among them, so lines still pair up).
    for raw, line in zip(text.split("\n"), _SPACES.sub(" ", text).split("\n"), strict=True):
        line = line.strip()
        if not line:
            blank = True
            continue
        out.append(make_line(len(out), line, blank, raw))
        blank = False
    for n in range(len(out) - 1):
        line = out[n]
        if (line.words <= 8 and not line.end_marker and line.text.endswith(":") and _SAYS_HEADER.search(line.text)
                and out[n + 1].words <= 10 and find_date(out[n + 1].text)):
            out[n] = replace(line, end_marker=True)
    return out


# A comment's header in the languages whose "says" COMMENT_HEADER does not list ("Philipp sagt:"),
# taken only with the comment's date on the next line: "Die Ministerin sagt:" also introduces a
# quotation inside an article.
_SAYS_HEADER = rx.compile(r"\b(?:sagt|zegt|säger|siger|sier|scrive|diz)\s*:$", re.I)


def _boilerplate(low: str) -> bool:
    if not _HINTS.search(low):
        return False
    return any(hint in low and phrases.search(low) for hint, phrases in _PHRASES_BY_HINT)


_BIO_VERBS = (" is ", " was ", " writes ", " covers ")


def _author_bio(text: str) -> bool:
    """"Jane Doe is a reporter for …" (``AUTHOR_BIO``), asked only of lines with one of its verbs."""
    return any(verb in text for verb in _BIO_VERBS) and bool(AUTHOR_BIO.match(text))


def _comment_header(text: str, low: str, words: int) -> bool:
    """A comment's header ("joetoronto says:", "Alex on September 17, 2018 at 6:34 am said:"), not
    the article's own line that introduces a list ("In an interview, the president also said:"):
    a header is a handle of a few words, or carries the comment's date."""
    if not low.endswith(":") or not COMMENT_HEADER.search(low):
        return False  # (every header shape ends in a colon: the cheap test first)
    return any(c.isdigit() for c in text) or (words <= 6 and "," not in text)


def make_line(index: int, text: str, blank_before: bool = False, raw: str = "") -> Line:
    """Features of one cleaned line (also used by tests to build lines directly)."""
    low = text.lower()
    # The words in lower case, read from the lower-cased line in one go; but lower() turns "İ" into
    # two characters, the second not a letter, and with it one word into two.
    if "\u0130" in text:
        tokens = [t.lower() for t in _WORD.findall(text)]
    else:
        tokens = _WORD.findall(low)
        if "'" not in low and "’" not in low:  # (then the words are also the apostrophe-free ones)
            memo.tell(lower_tokens, text, tuple(tokens))
    cjk = len(CJK_CHAR.findall(text)) if not text.isascii() else 0
    if cjk > len(text) / 3:
        # No spaces between words: count roughly two characters a word and treat as prose-like.
        words, stop = max(len(tokens), cjk // 2), 0.3
    else:
        words = len(tokens)
        stop = sum(map(STOPWORDS.__contains__, tokens)) / words if words else 0.0
    key = low.strip(_PUNCT)
    closed = _is_closed(text)
    return Line(
        index=index,
        text=text,
        words=words,
        stop=stop,
        blank_before=blank_before,
        furniture=key in FURNITURE_LINES
        or (words <= 5 and bool(FURNITURE_PATTERN.match(key)))
        or (words <= 12 and not closed and bool(_GLUED.search(text)) and bool(_WIDGET_WORD.search(low)))
        or (words <= 30 and bool(HATNOTE.match(text))),
        boiler=words < 40 and (_boilerplate(low) or _author_bio(text)),
        key=key,
        end_marker=len(text) < 120 and bool(END_MARKERS.search(key) or _comment_header(text, low, words)),
        closed=closed,
        code=statement(text, words, stop),
        raw=raw or text,
    )
