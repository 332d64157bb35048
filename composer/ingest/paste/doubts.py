"""Telling the user which of the pasted page's headline, byline and date are guesses.

On pages of publishers the role model never saw it picks the wrong headline on about three
pastes in ten (22 of the 73 held-out pages of ``bench/metadata.py``), and every output carries
that headline: the outbox folder's name, the subject, the opening of each
post. Where the model's own probability for its pick is low, the pick is wrong far more often
than elsewhere (``bench/train_metadata.py --check`` measures how often, by publisher-grouped
cross-validation, and ``bench/metadata.py`` on the held-out publishers). So the reader says so,
naming what it took and what came next, and the user can look before anything is sent.
"""

from __future__ import annotations

from dataclasses import dataclass

from composer.article import Doubt

# Below this share of the model's belief a pick is reported. "Less likely than all the other
# answers together" needs no tuning. In the whole-reader CV on the training publishers' pages
# (``bench/train_metadata.py --check``, two partitions) it warned about 8 of 18 and 8 of 16 wrong
# headlines against 14 of 134 and 15 of 136 right ones, 9 of 22 and 9 of 21 wrong bylines against
# 1 of 100 and 1 of 101 right ones, and all 3 and 3 wrong dates against 1 and 2 of 101 right ones.
UNSURE_BELOW = 0.5

_FLAGS = {"title": "--title", "authors": "--authors", "published": "--published"}
_WHAT = {"title": "headline", "authors": "byline", "published": "published date"}


@dataclass(frozen=True, slots=True)
class Unsure:
    """A pick the model was unsure of: its probability and what it would have taken next
    (None: "none", for the byline and the date; the headline always has a line)."""

    probability: float
    runner_up: str | None


def _shown(text: str, limit: int = 70) -> str:
    text = " ".join(text.split())
    return f"“{text if len(text) <= limit else text[: limit - 1].rstrip() + '…'}”"


def doubt(field: str, taken: str | None, unsure: Unsure) -> Doubt:
    """The warning for a field the model was unsure of: ``taken`` is what the article now holds
    (None when it holds nothing)."""
    what, flag = _WHAT[field], _FLAGS[field]
    sure = f"{unsure.probability:.0%} sure"
    if taken is None:
        nearly = _shown(unsure.runner_up) if unsure.runner_up else "another line"
        return Doubt(field, f"no {what} was taken, but {nearly} nearly was ({sure} there is none): "
                            f"check the paste, or give it with {flag}")
    runner = _shown(unsure.runner_up) if unsure.runner_up else "none"
    return Doubt(field, f"the {what} {_shown(taken)} is a guess ({sure}; next best: {runner}): "
                        f"check it, or give it with {flag}")
