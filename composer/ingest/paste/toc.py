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

from composer import regexcache as rx
from composer.ingest.paste.lexicon import TOC_HEADING, TOC_REACH
from composer.ingest.paste.lines import Line

TOC_MIN_ENTRIES = 4  # lines in a run that recurs below before it counts as contents without a heading
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


def headless_entries(lines: Sequence[Line], start: int, end: int) -> set[int]:
    """A contents list printed without a heading: a run of short lines whose every line the
    page prints again in the article's body ``[start, end)``, in the same order, each time as a
    heading with text between ("Introduction", "Glossary", … "Conclusion" above a long post). A
    menu or a list of teasers printed again in the footer is not taken."""
    keys = [toc_key(line.text) if is_entry_shape(line) else None for line in lines]
    first: dict[str, int] = {}
    later: dict[str, int] = {}
    for j, key in enumerate(keys):
        if key is not None:
            if key in first:
                later.setdefault(key, j)
            else:
                first[key] = j
    out: set[int] = set()
    run: list[tuple[int, int]] = []  # (line, where it recurs)
    for j, key in enumerate([*keys, None]):
        again = later.get(key) if key is not None and first.get(key) == j else None
        if again is not None and not start - 3 <= again < end:
            # printed again in the footer or a teaser list, not as the body's headings (the
            # first heading may sit just above the body's first paragraph)
            again = None
        if again is not None and (not run or again > run[-1][1] > j):
            run.append((j, again))
            continue
        if len(run) >= TOC_MIN_ENTRIES:
            apart = sum(b[1] - a[1] > 1 for a, b in zip(run, run[1:], strict=False))
            if 2 * apart >= len(run) - 1:
                out.update(k for k, _ in run)
        run = [(j, again)] if again is not None else []
    return out
