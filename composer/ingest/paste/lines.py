"""Pasted text as a list of lines with the features the reader decides by.

A browser's Select All + Copy flattens a page into lines: menus become runs of one- or two-word
lines, article paragraphs become long lines full of function words, widgets become fixed labels.
Every later step looks at these per-line features, so they are computed once here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from composer import regexcache as rx
from composer.ingest.paste.lexicon import (
    AUTHOR_BIO,
    BOILERPLATE,
    BOILERPLATE_HINTS,
    COMMENT_HEADER,
    END_MARKERS,
    FURNITURE_LINES,
    FURNITURE_PATTERN,
    STOPWORDS,
)
from composer.textutil import normalize_text

_SPACES = rx.compile("[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]+")
_WORD = rx.compile(r"\w+(?:['’]\w+)*")
_CJK = rx.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")
_CLOSED = rx.compile(r"[.!?…:;。！？][\"'”’»)\]]*$|[\"”»]$")
# Button labels run together when copied: "Share this articleComments", "Close ButtonCopy".
_GLUED = rx.compile(r"[a-z]{3,}[A-Z][a-z]")
_WIDGET_WORD = rx.compile(
    r"\b(?:share|comments?|close|button|copy|copied|print|e-?mail|facebook|twitter|whatsapp|menu|subscribe|log ?in|sign ?in|search|save)"
)
_HINTS = rx.compile("|".join(re.escape(h) for h in BOILERPLATE_HINTS))
_PUNCT = " \t.,;:!?¡¿-–—|•·»«›‹\"'“”„‘’()[]{}*#/\\…_+=~^<>@&%$"


@dataclass(frozen=True)
class Line:
    """One non-empty line of the paste and what it looks like."""

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


def split_lines(text: str) -> list[Line]:
    """The non-empty lines of ``text``, cleaned, with their features."""
    out: list[Line] = []
    blank = True
    for raw in normalize_text(text).split("\n"):
        line = _SPACES.sub(" ", raw).strip()
        if not line:
            blank = True
            continue
        out.append(make_line(len(out), line, blank))
        blank = False
    return out


def _boilerplate(low: str) -> bool:
    return bool(_HINTS.search(low)) and bool(BOILERPLATE.search(low))


def make_line(index: int, text: str, blank_before: bool = False) -> Line:
    """Features of one cleaned line (also used by tests to build lines directly)."""
    tokens = _WORD.findall(text)
    cjk = len(_CJK.findall(text)) if not text.isascii() else 0
    if cjk > len(text) / 3:
        # No spaces between words: count roughly two characters a word and treat as prose-like.
        words, stop = max(len(tokens), cjk // 2), 0.3
    else:
        words = len(tokens)
        stop = sum(t.lower() in STOPWORDS for t in tokens) / words if words else 0.0
    low = text.lower()
    key = low.strip(_PUNCT)
    return Line(
        index=index,
        text=text,
        words=words,
        stop=stop,
        blank_before=blank_before,
        furniture=key in FURNITURE_LINES
        or (words <= 5 and bool(FURNITURE_PATTERN.match(key)))
        or (words <= 12 and not _CLOSED.search(text) and bool(_GLUED.search(text)) and bool(_WIDGET_WORD.search(low))),
        boiler=words < 40 and (_boilerplate(low) or bool(AUTHOR_BIO.match(text))),
        key=key,
        end_marker=len(text) < 120 and bool(END_MARKERS.search(key) or COMMENT_HEADER.search(low)),
        closed=bool(_CLOSED.search(text)),
    )
