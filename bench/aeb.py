"""The article-extraction benchmark (AEB) metric and data loading, shared by the benchmarks
and the corpus tests.

Metric, as in the benchmark's own evaluation: tokens are ``\\w+`` matches; each text becomes a
multiset of word 4-grams (shingles); per page, true/false positives and false negatives are
multiset overlaps normalised by their sum; precision and recall are averaged over pages and F1
is taken from the averages.
"""

from __future__ import annotations

import gzip
import json
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
AEB = CORPUS / "extraction" / "aeb"
_TOKEN = re.compile(r"\w+")


@dataclass(frozen=True)
class Page:
    key: str
    truth: str
    url: str | None

    def html(self) -> str:
        with gzip.open(AEB / "html" / f"{self.key}.html.gz", "rb") as fh:
            data = fh.read()
        return data.decode("utf-8", errors="replace")

    def pasted(self) -> str:
        return (AEB / "text" / f"{self.key}.txt").read_text(encoding="utf-8")


def pages() -> Iterator[Page]:
    truth = json.loads((AEB / "ground-truth.json").read_text(encoding="utf-8"))
    for key in sorted(truth):
        yield Page(key=key, truth=truth[key].get("articleBody") or "", url=truth[key].get("url"))


def shingles(text: str, n: int = 4) -> Counter:
    tokens = _TOKEN.findall(text)
    return Counter(tuple(tokens[i : i + n]) for i in range(max(0, len(tokens) - n + 1)))


def page_scores(predicted: str, truth: str) -> tuple[float, float, float]:
    """(tp, fp, fn) for one page, normalised so that they sum to 1."""
    pred, true = shingles(predicted), shingles(truth)
    tp = sum((pred & true).values())
    fp = sum((pred - true).values())
    fn = sum((true - pred).values())
    total = tp + fp + fn
    if total == 0:
        return (1.0, 0.0, 0.0)
    return (tp / total, fp / total, fn / total)


def precision_recall_f1(per_page: list[tuple[float, float, float]]) -> tuple[float, float, float]:
    precisions, recalls = [], []
    for tp, fp, fn in per_page:
        precisions.append(tp / (tp + fp) if tp + fp > 0 else 0.0)
        recalls.append(tp / (tp + fn) if tp + fn > 0 else 0.0)
    p = sum(precisions) / len(precisions)
    r = sum(recalls) / len(recalls)
    f1 = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f1
