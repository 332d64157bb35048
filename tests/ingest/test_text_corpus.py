"""Pasted-text extraction accuracy on the article-extraction benchmark (AEB) as pasted text.

The 181 pages in ``corpus/extraction/aeb/text`` are what Select All + Copy gives in a browser;
the score is the benchmark's own metric (``bench/aeb.py``) over the body the reader returns.
The reader's rules were hand-tuned while looking at these pages (there is no held-out split), so
this test guards against regressions rather than proving generality; the paste-style fixtures
in ``tests/fixtures/paste`` are the check on generality.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

from composer.article import Source
from composer.errors import InputError
from composer.ingest.text import parse

REPO = Path(__file__).resolve().parents[2]
AEB_DIR = REPO.parent / "shared" / "corpus" / "extraction" / "aeb"

# Measured F1 0.954 (P 0.945, R 0.964); the margin absorbs harmless rule changes, not regressions.
MIN_F1 = 0.94
MIN_PRECISION = 0.93
MIN_RECALL = 0.945


def _aeb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("composer_bench_aeb", REPO / "bench" / "aeb.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def scores() -> tuple[float, float, float]:
    if not (AEB_DIR / "ground-truth.json").is_file() or not (AEB_DIR / "text").is_dir():
        pytest.skip(f"AEB benchmark not found at {AEB_DIR} (it is read from ../shared/corpus)")
    aeb = _aeb()
    per_page = []
    for page in aeb.pages():
        try:
            article = parse(page.pasted(), Source(path=f"{page.key}.txt", format="text"))
            predicted = "\n".join(block.text for block in article.body)
        except InputError:
            predicted = ""
        per_page.append(aeb.page_scores(predicted, page.truth))
    assert len(per_page) == 181
    return aeb.precision_recall_f1(per_page)


def test_pasted_text_f1(scores: tuple[float, float, float]) -> None:
    precision, recall, f1 = scores
    assert f1 >= MIN_F1, f"F1 {f1:.3f} (P {precision:.3f}, R {recall:.3f}) fell below {MIN_F1}"


def test_pasted_text_precision_and_recall(scores: tuple[float, float, float]) -> None:
    precision, recall, _ = scores
    assert precision >= MIN_PRECISION
    assert recall >= MIN_RECALL
