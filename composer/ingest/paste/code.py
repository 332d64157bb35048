"""Code listings in pasted text: a programming post's examples, copied as lines of their own.

A browser copies a ``<pre>`` block line by line, with its indentation and without any mark that
it was code. To the body search those lines look like a menu: short, no function words, some
repeated ("FROM series"), so a post that alternates paragraphs and listings was cut at its first
listing and only its longest stretch of prose was kept (on one SQL tutorial, 21 % of the text).

One line rarely shows it is code ("SELECT" is also a button, "[Video]" ends like an array), but
a run of them does: two or more lines that open with a keyword or a prompt, end with a bracket
or semicolon, call a function or assign, with at most a few bare words or figures between them
(a column name, a result, a closing parenthesis). Such a run is a listing.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from composer import regexcache as rx


class Line(Protocol):
    """What this module reads of a ``lines.Line`` (which imports this module to set ``code``)."""

    @property
    def text(self) -> str: ...
    @property
    def words(self) -> int: ...
    @property
    def blank_before(self) -> bool: ...
    @property
    def closed(self) -> bool: ...
    @property
    def code(self) -> bool: ...


# Box-drawing characters: psql, MySQL and tree outputs, and text tables drawn in a listing.
_BOX = rx.compile(r"[\u2500-\u257f]")
# Lines that open like a statement in the languages most posts show (SQL in capitals only).
_KEYWORD = rx.compile(
    r"^(?:(?:SELECT|FROM|WHERE|WITH|JOIN|LEFT JOIN|INNER JOIN|GROUP BY|ORDER BY|HAVING|LIMIT|INSERT INTO|UPDATE|"
    r"DELETE FROM|CREATE (?:TABLE|INDEX|VIEW|FUNCTION)|ALTER TABLE|UNION(?: ALL)?|VALUES)(?:$| (?![A-Z]{2,}\b)\S)|"
    r"(?:def|class|import|return|yield|const|let|var|function|async|await|elif|except|raise|lambda|fn|pub|impl|"
    r"struct|enum|package|public|private|protected|static|void|echo|export|npm|pip|git|docker|sudo|cd|curl)\b"
    r"(?=[ (]\S)|from [\w.]+ import\b|#include\b|(?:if|for|while|switch|catch) ?\(|\.\.\. |//|/\*|\*/)"
)
# An identifier called ("avg(n)", "console.log(data)") — not a label with a count ("WordPress(53)")
# — or assigned ("x = 1", "a += b", "=>").
_CALL = rx.compile(r"(?<![\w.])[A-Za-z_][\w.]*\((?!\d+\))[^()]*\)")
_ASSIGN = rx.compile(r"[\w\])]\s*(?:==|!=|<=|>=|=>|->|:=|\+=|-=|\|\||&&|=)\s*[\w\"'(\[{-]")
_PROMPT = rx.compile(r"^(?:\$ |>>> |[a-z]{2,12}(?:=?[>#$]|=#) |In \[\d+\]: )\S")
_TAG = rx.compile(r"</?!?[A-Za-z][\w-]*[ />]")
# Code ends lines with these; prose and menus do not.
_OPEN_END = rx.compile(r"(?:[;{}(\[]|\)[,;]|\],?)$")
# What a listing holds between its statements: a column name, a figure, a closing bracket.
_FILLER = rx.compile(r"^[\w.,;:()\[\]{}<>'\"`+\-*/%=|&!~^@#$\\ ]{1,60}$")

MIN_CODE_LINES = 2  # statements in one run …
MIN_SHARE = 0.5  # … which are at least this share of its lines …
MAX_FILLER = 3  # … with at most this many other lines between two statements

_MARK = rx.compile(r"[(){}\[\];=\u2500-\u257f]")


def statement(text: str, words: int, stop: float) -> bool:
    """Whether one line reads as a statement or a listing's output, by its own shape.

    Asked of every line of every paste, so the common answers come first and cheaply: prose
    (function words), then lines with none of the marks code is written with.
    """
    if stop >= 0.25 and words >= 6:
        return False  # prose, even with a parenthesis in it
    if _KEYWORD.match(text) or _PROMPT.match(text):
        return True
    if _TAG.match(text):
        # An HTML listing's line holds whole tags ("<div id="app"></div>", "<head>"); markup a
        # page leaked is a tracking pixel with its address or a label run into the text after it.
        return text.endswith(">") and "://" not in text and len(text) <= 120
    if not _MARK.search(text):
        return False  # none of the marks code is written with
    if _BOX.search(text):
        return True
    tail = text[-3:]
    if _OPEN_END.search(tail) and not text.endswith("]") and words <= 12:
        return True  # "} else {", "list: [", "console.log(data.entries);"
    called = ("(" in text and _CALL.search(text)) or (
        any(mark in text for mark in "=>&|") and _ASSIGN.search(text)
    )
    return bool(called and (_OPEN_END.search(tail) or "_" in text or words <= 6))


def _filler(line: Line) -> bool:
    return line.words <= 6 and bool(_FILLER.match(line.text))


def code_lines(lines: Sequence[Line]) -> set[int]:
    """Indexes of the lines that belong to a code listing (see the module docstring).

    A listing also takes the bare lines printed right under its last statement with no blank
    line between (a query's result, a command's output), and a single prompt line ("$ pip
    install …", "sqlite> EXPLAIN …") counts as a listing when such output follows it.
    """
    out: set[int] = set()
    statements = [i for i, line in enumerate(lines) if line.code]
    group: list[int] = []
    for i in [*statements, -1]:
        if group and i >= 0 and i - group[-1] - 1 <= MAX_FILLER and all(
            _filler(lines[j]) for j in range(group[-1] + 1, i)
        ):
            group.append(i)
            continue
        if group:
            last = group[-1]
            while (last + 1 < len(lines) and last - group[-1] < MAX_FILLER and not lines[last + 1].blank_before
                   and not lines[last + 1].code and not lines[last + 1].closed and _filler(lines[last + 1])):
                last += 1
            enough = len(group) >= MIN_CODE_LINES or (last > group[-1] and _PROMPT.match(lines[group[0]].text))
            if enough and len(group) >= MIN_SHARE * (group[-1] - group[0] + 1):
                out.update(range(group[0], last + 1))
        group = [i]
    return out
