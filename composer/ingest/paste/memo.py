"""Answers about a paste's lines, remembered until the next paste.

The reader asks the same question of the same line many times: is it a name when it classifies
the line, again when it scores the line as a byline, and again as the neighbour of the lines
above and below. Remembering the answers for one paste costs a dictionary look-up; keeping them
longer would let memory grow with every paste and would time a benchmark's second parse of a
page as if the first had never happened.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

_T = TypeVar("_T")
_MEMOS: dict[Callable[[str], Any], dict[str, Any]] = {}  # question -> its answers, line by line
_MEMO_LIMIT = 20_000  # answers kept per question (a paste has a few hundred lines)


def per_paste(copy: Callable[[Any], Any] | None = None) -> Callable[[Callable[[str], _T]], Callable[[str], _T]]:
    """Remember a per-line question's answers until the next paste (:func:`forget`).

    The reader asks the same questions of the same line many times (is it a name, when it
    classifies the line, again when it scores it as a byline, and as the neighbour of the
    lines above and below it): three in four of ``is_person_name``'s calls on a paste repeat
    one. The questions are pure functions of the line's text. ``copy`` hands out a copy of a
    mutable answer (a list of names), so that no caller can change what the next one gets.
    """

    def wrap(ask: Callable[[str], _T]) -> Callable[[str], _T]:
        memo: dict[str, Any] = {}

        @wraps(ask)
        def remembered(line: str) -> _T:
            try:
                found = memo[line]
            except KeyError:
                if len(memo) >= _MEMO_LIMIT:
                    memo.clear()
                found = memo[line] = ask(line)
            return copy(found) if copy is not None and found is not None else found  # type: ignore[no-any-return]

        _MEMOS[remembered] = memo
        return remembered

    return wrap


def tell(question: Callable[[str], _T], line: str, answer: _T) -> None:
    """Give a remembered question its answer for ``line`` ahead of time, from a caller that worked
    it out anyway (the line reader has each line's lower-case words before anyone asks)."""
    memo = _MEMOS[question]
    if len(memo) < _MEMO_LIMIT:
        memo[line] = answer


def forget() -> None:
    """Drop the remembered answers: called at the start of each paste, so that memory stays
    bounded by one paste and a benchmark times each paste as if it were the first."""
    for memo in _MEMOS.values():
        memo.clear()
