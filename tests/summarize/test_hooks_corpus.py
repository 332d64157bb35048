"""Hooks on the 181 AEB pages, as HTML and as pasted text, by the definition in ``bench/hooks.py``.

Issue 13's bar: at most 3 % of TL;DRs and first posts (X and Bluesky) open with a back-pointing
word or a dateline, at most 5 % of hashtags fail grounding or the denylists, and none of the
issue's examples recur. Skipped when the team corpus (``../shared/corpus``) is absent.
"""

from __future__ import annotations

import importlib.util
import sys
from functools import lru_cache
from pathlib import Path
from types import ModuleType

import pytest

REPO = Path(__file__).resolve().parents[2]
ISSUE_TAGS = {"#assangerape", "#categoryjupiter", "#programmitv", "#guidatv", "#continue", "#editorial", "#broke",
              "#future", "#close", "#reopen", "#generationausstatten", "#update"}
ISSUE_OPENERS = ("That’s the optimistic view", "That's the optimistic view", "This comes after",
                 "Having recently carried out", "CAIRO (Reuters)")
ISSUE_POINTS = ("You shouldn't just believe them", "You shouldn’t just believe them", "Which is not to say",
                *ISSUE_OPENERS)


@lru_cache(maxsize=1)
def _hooks() -> ModuleType:
    spec = importlib.util.spec_from_file_location("composer_bench_hooks", REPO / "bench" / "hooks.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    module = _hooks()
    if not (module.AEB / "ground-truth.json").is_file():
        pytest.skip(f"AEB benchmark not found at {module.AEB} (it is read from ../shared/corpus)")
    return module


@lru_cache(maxsize=2)
def _articles(which: str) -> list:
    return _hooks().aeb_articles(which, None, None)  # parsed once for all the tests here


@pytest.mark.parametrize("which", ["html", "text"])
def test_aeb_hooks_stand_alone_and_hashtags_are_grounded(hooks: ModuleType, which: str) -> None:
    articles = _articles(which)
    assert len(articles) >= 175
    tldr, first, _times = hooks.measure(articles, with_posts=True)
    assert tldr.texts == len(articles) and first.texts == 2 * len(articles)
    for tally in (tldr, first):
        fails = tally.back + tally.dateline
        assert fails <= 0.03 * tally.texts, tally.examples[:10]
    tag_fails = sum(tldr.tag_fail.values())
    assert tag_fails <= 0.05 * tldr.tags, [e for e in tldr.examples if e[1] == "hashtag"][:20]


def test_the_issues_examples_do_not_recur(hooks: ModuleType) -> None:
    from composer.summarize import summarise

    for which in ("html", "text"):
        for key, article in _articles(which):
            s = summarise(article)
            assert not {t.lower() for t in s.hashtags} & ISSUE_TAGS, (which, key, s.hashtags)
            assert not s.tldr.startswith(ISSUE_OPENERS), (which, key, s.tldr)
            assert not any(p.startswith(ISSUE_POINTS) for p in s.key_points), (which, key, s.key_points)


def test_corpus_tldrs_stand_alone(hooks: ModuleType) -> None:
    if not (hooks.SUMMARIZATION / "xsum-dev.jsonl").is_file():
        pytest.skip("summarisation corpus missing")
    for name in ("cnndm-dev", "xsum-dev"):
        tldr, _first, _times = hooks.measure(hooks.corpus_articles(name, None), with_posts=False)
        assert tldr.back + tldr.dateline <= 0.03 * tldr.texts, (name, tldr.examples[:10])
        assert sum(tldr.tag_fail.values()) <= 0.05 * tldr.tags, (name, tldr.examples[:10])
