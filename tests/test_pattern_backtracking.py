"""Every fixed pattern that reads article text answers in bounded time on adversarial lines.

A pasted line is arbitrary text: a pattern whose repeats can share the same characters in many
ways (``(?:\\s*X?\\s*)+``) backtracks exponentially when the rest fails, and the command hangs.
The date shapes did, behind "Updated 14:05" and a run of " - " (not back after five minutes).
This sweep feeds each pattern short runs of the characters such patterns trip on, after the
prefixes that lead into them (a time, a date, a byline label, a link). A search takes
microseconds; one second means backtracking without bound.
"""

from __future__ import annotations

import importlib
import pkgutil
import re

import composer
from composer import regexcache as rx
from tests.deadline import DeadlineExceeded, deadline

_PREFIXES = ("", "14:05 ", "12 march 2025 ", "By Jane Doe ", "Foto: ", "http://a.b/")
_RUNS = ("  ", " - ", ", ", "a ", "A", "1 ", ". ", "| ", "Ab ", "1:", " — ", "a.", "-a", "é")
_READERS = ("composer.ingest", "composer.dates", "composer.lang", "composer.summarize", "composer.social",
            "composer.embed", "composer.textutil")


def _fixed_patterns() -> dict[str, re.Pattern[str]]:
    found: dict[str, re.Pattern[str]] = {}
    for info in pkgutil.walk_packages(composer.__path__, "composer."):
        if not info.name.startswith(_READERS) or info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.setdefault(f"{info.name}.{name}", value)
            elif isinstance(value, rx.AnyCase):
                for n, pattern in enumerate(value.patterns):
                    found.setdefault(f"{info.name}.{name}[{n}]", pattern)
    from composer import dates

    twins = [*dates._case_sensitive(dates._shapes), *dates._case_sensitive(dates._no_year)]
    for n, shape in enumerate([*dates._shapes(), *dates._no_year(), *twins]):
        found[f"composer.dates shape {n}"] = shape
    return found


def test_no_fixed_pattern_backtracks_without_bound() -> None:
    patterns = _fixed_patterns()
    assert len(patterns) > 150  # (the sweep found the readers' patterns)
    slow = []
    for name, pattern in patterns.items():
        for prefix in _PREFIXES:
            for run in _RUNS:
                line = prefix + run * 25 + "!"
                try:
                    with deadline(1.0, name):
                        pattern.search(line)
                except DeadlineExceeded:
                    slow.append((name, line))
    assert not slow, f"patterns that backtracked for over a second: {slow[:5]}"
