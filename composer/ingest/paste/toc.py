"""Tables of contents in pasted text: the section list a long article prints above its text.

A copied contents list ("Contents", then "1 Etymology", "2 History", … or "In this article" and
the sections' names) is a run of short lines, which the body search weighs as a menu. Printed
between a wiki article's lead and its first section, or between a tutorial's introduction and
its steps, it cut the article in two, and the body search kept the longer half: the lead of a
Wikipedia article, the part a summary needs most, was lost.

An entry is recognised by what the page does with it: it prints the same name again further
down, as its section's heading (numbering and "[edit]" links aside). A line under the heading
that never recurs is not an entry; the page's headline can follow a sidebar's contents directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from composer import regexcache as rx
from composer.ingest.paste.lexicon import TOC_HEADING, TOC_REACH


class Line(Protocol):
    """What this module reads of a ``lines.Line``."""

    @property
    def text(self) -> str: ...
    @property
    def words(self) -> int: ...
    @property
    def closed(self) -> bool: ...


_TOC_NUMBER = rx.compile(r"^\d+(?:\.\d+)*\.?\s+")
_EDIT_LINK = rx.compile(r"\s*\[(?:edit|modifier|bearbeiten|editar|modifica|bewerken)(?:[^\]]{0,20})\]$")


def toc_key(text: str) -> str:
    """A section's name as both its contents entry ("1.2 Reality of quadratic forms") and its
    heading ("Reality of quadratic forms[edit]") print it."""
    if text[:1].isdigit():
        text = _TOC_NUMBER.sub("", text)
    if text.endswith("]"):
        text = _EDIT_LINK.sub("", text)
    return text.casefold()


def is_entry_shape(line: Line) -> bool:
    """Short, and not a sentence: what a contents entry looks like."""
    return line.words <= 14 and not (line.words >= 8 and line.closed)


def contents(lines: Sequence[Line]) -> tuple[set[int], set[int]]:
    """``(headings, entries)``: the "Contents" headings and the entries under them that the page
    prints again further down, up to the first line that is not entry-shaped."""
    headings: set[int] = set()
    entries: set[int] = set()
    last: dict[str, int] | None = None
    for i, line in enumerate(lines):
        if line.words > 5 or len(line.text) > 30 or not TOC_HEADING.match(line.text):
            continue  # (the length test first: asked of every line of every paste)
        if last is None:
            last = {toc_key(other.text): j for j, other in enumerate(lines)}
        found = set()
        for j in range(i + 1, min(len(lines), i + 1 + TOC_REACH)):
            entry = lines[j]
            if not is_entry_shape(entry):
                break
            if last.get(toc_key(entry.text), j) > j:
                found.add(j)
        if found:
            headings.add(i)
            entries |= found
    return headings, entries
