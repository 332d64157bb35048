"""Fit the pasted-text reader's line-role model (``composer/data/paste-roles.json``).

Training pages, and only these:

* the pages of ``readability-pasted`` and ``pasted-meta`` whose publisher is **not** held out
  (``bench/metadata.py``: ``is_held_out``) — the held-out publishers are never read here;
* the article-extraction benchmark's pages (``aeb/text``) of publishers that are not held out,
  for the headline only: the label is the headline composer's HTML reader finds in the same
  page's HTML, where the copy shows it as a line (the route issue 12 suggests: align the copy
  with what the HTML reader finds);
* the paste fixtures in ``tests/fixtures/paste`` with their expected Articles, and the seed page
  (so that the model agrees with the pages the project's own tests pin down).

For each role (title, byline, date) every candidate line of a page gets the feature vector
:mod:`composer.ingest.paste.roles` computes; the label is which candidate gives the curated
value (several may: a headline printed twice), or "none" for a byline/date the page does not
show. The model is a conditional logit (softmax over a page's candidates) with L2
regularisation, fitted by full-batch gradient descent with Adam; the weights are written as JSON.

    python bench/train_metadata.py [--l2 0.01] [--check]

``--check`` leaves the shipped file alone and prints the training accuracy of each role and a
leave-publishers-out cross-validation on the training pages (the held-out pages stay unseen).
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

_HERE = Path(__file__).resolve().parent
REPO = _HERE.parent
_spec = importlib.util.spec_from_file_location("composer_bench_metadata", _HERE / "metadata.py")
assert _spec and _spec.loader
bm = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = bm
_spec.loader.exec_module(bm)

OUT = REPO / "composer" / "data" / "paste-roles.json"
FIXTURES = REPO / "tests" / "fixtures" / "paste"
SEED = REPO.parent / "shared" / "corpus" / "seed" / "euronews-rutte-nato.txt"


@dataclass
class Example:
    group: str  # publisher, for cross-validation
    x: np.ndarray
    positive: np.ndarray  # bool per row


UNKNOWN = ["?"]  # authors not known for the page: it teaches the title only


def aeb_titles() -> list[tuple[str, str, str]]:
    """(publisher, pasted text, headline) for AEB pages of publishers that are not held out.

    The headline is what composer's HTML reader finds in the page's HTML; a page counts only
    when that headline is a line of the pasted copy (else the HTML title carried a site suffix
    or the copy lost it, and the page would teach nothing).
    """
    from composer.article import Source
    from composer.ingest.html import parse as parse_html

    spec = importlib.util.spec_from_file_location("composer_bench_aeb", _HERE / "aeb.py")
    assert spec and spec.loader
    aeb = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = aeb
    spec.loader.exec_module(aeb)
    out = []
    if not (aeb.AEB / "ground-truth.json").is_file():
        return out
    for page in aeb.pages():
        key = bm.publisher_key(page.url or page.key)
        if not page.url or bm.is_held_out(key):
            continue
        try:
            title = parse_html(page.html(), Source(path=page.url, format="html")).title
        except Exception:  # noqa: BLE001 - a page the HTML reader refuses teaches nothing
            continue
        text = page.pasted()
        line = matching_line(text.split("\n"), title) if title else None
        if line:
            out.append((key, text, line))
    return out


_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "„": '"', "«": '"', "»": '"', "–": "-", "—": "-"})


def _fold(text: str) -> str:
    return bm.norm_title(text).translate(_QUOTES).casefold().rstrip(" .")


def _title_words(text: str) -> set[str]:
    return set(re.findall(r"\w+", _fold(text)))


def matching_line(lines: list[str], title: str) -> str | None:
    """The line of a copy that shows ``title``: the same text, or the same text with other quotes,
    dashes or case, or (for titles of four words or more) nearly the same words (Jaccard ≥ 0.8:
    an HTML title that kept a series name or lost a word). The line's own text is returned, so
    that it labels which line of the copy is the headline.
    """
    want = bm.norm_title(title)
    for line in lines:
        if bm.norm_title(line) == want:
            return line.strip()
    folded = _fold(title)
    for line in lines:
        if _fold(line) == folded:
            return line.strip()
    words = _title_words(title)
    if len(words) < 4:
        return None
    best, best_score = None, 0.8
    for line in lines:
        if len(line) > 3 * len(title):
            continue
        other = _title_words(line)
        score = len(words & other) / len(words | other) if other else 0.0
        if score >= best_score:
            best, best_score = line.strip(), score
    return best


def training_pages() -> list[tuple[str, str, str | None, list[str] | None, str | None, bool]]:
    """(group, text, title, authors, published day, date known) for every training page."""
    out = []
    for page in bm.load_pages():
        if page.held_out:
            continue
        known = page.published is not None or page.dataset == "pasted-meta"
        # Where the curated title differs from the copy only in quotes, dashes or a word, the
        # line that shows it still says which line is the headline.
        title = (matching_line(page.text.split("\n"), page.title) or page.title) if page.title else None
        # Readability's curated metadata leaves the byline empty on many pages that show one
        # ("By Stella Kim and Jennifer Jett"): there an empty byline means "not curated", not
        # "none visible", and teaching "none" from it would teach the model to miss bylines.
        authors = UNKNOWN if page.dataset == "readability-pasted" and not page.authors else page.authors
        out.append((page.key, page.text, title, authors, page.published, known))
    for key, text, title in aeb_titles():
        out.append((key, text, title, UNKNOWN, None, False))
    for path in sorted(FIXTURES.glob("*.expected.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        text = (FIXTURES / path.name.replace(".expected.json", ".txt")).read_text(encoding="utf-8")
        out.append((f"fixture-{path.name}", text, expected["title"], list(expected["authors"]) or None,
                    (expected["published"] or "")[:10] or None, True))
    if SEED.is_file():
        # The seed shows no publication date (only a photo caption's "11 July 2023"): its date is "none".
        out.append(("seed", SEED.read_text(encoding="utf-8"), "Who is NATO's new secretary general Mark Rutte?",
                    ["Paula Soler"], None, True))
    return out


def build_examples() -> dict[str, list[Example]]:
    from composer.errors import InputError
    from composer.ingest import text as reader
    from composer.ingest.paste import meta, roles

    examples: dict[str, list[Example]] = {"title": [], "byline": [], "date": []}
    for group, text, title, authors, published, date_known in training_pages():
        try:
            page = reader.analyse(text)
        except InputError:
            continue
        ctx = page.context()
        cands = roles.title_candidates(ctx)
        if title and cands:
            pos = [bm.norm_title(meta.clean_title(ctx.lines[i].text)) == bm.norm_title(title) for i in cands]
            if any(pos):
                examples["title"].append(Example(group, np.array(roles.title_features(ctx, cands)), np.array(pos)))
        # The byline and the date are placed relative to the headline the model picks; in training
        # that is the true headline where the page shows it.
        title_at = next((i for i in cands if title and bm.norm_title(meta.clean_title(ctx.lines[i].text)) == bm.norm_title(title)),
                        page.head.title_at)
        if authors is not UNKNOWN:
            cands = roles.byline_candidates(ctx, title_at)
            rows = roles.byline_features(ctx, cands, title_at)
            want = bm.name_words(authors)
            pos = [not authors] + [bool(authors) and bm.name_words(reader._names_around(ctx, i)) == want
                                   for i in cands]
            if any(pos):
                examples["byline"].append(Example(group, np.array(rows), np.array(pos)))
        if date_known:
            cands = roles.date_candidates(ctx)
            rows = roles.date_features(ctx, cands, title_at)
            days = [((meta.dates_of(ctx.lines[i].text)[0] or ctx.dates()[i]) or "")[:10] for i in cands]
            hits = [bool(published) and d == published for d in days]
            pos = [not any(hits)] + hits
            examples["date"].append(Example(group, np.array(rows), np.array(pos)))
    return examples


def fit(examples: list[Example], l2: float, steps: int = 1500, lr: float = 0.05) -> np.ndarray:
    d = examples[0].x.shape[1]
    w = np.zeros(d)
    m, v = np.zeros(d), np.zeros(d)
    for t in range(1, steps + 1):
        grad = 2 * l2 * w
        for ex in examples:
            s = ex.x @ w
            p = np.exp(s - s.max())
            p /= p.sum()
            q = p * ex.positive
            q /= q.sum()
            grad += ex.x.T @ (p - q) / len(examples)
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad**2
        w -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    return w


def accuracy(examples: list[Example], w: np.ndarray) -> float:
    return sum(bool(ex.positive[int(np.argmax(ex.x @ w))]) for ex in examples) / max(1, len(examples))


def cross_validate(examples: list[Example], l2: float, folds: int = 5) -> float:
    """Accuracy with whole publishers left out in turn (on the training pages only)."""
    def fold(ex: Example) -> int:
        return hashlib.sha256(ex.group.encode()).digest()[1] % folds

    hits = total = 0
    for k in range(folds):
        train = [ex for ex in examples if fold(ex) != k]
        test = [ex for ex in examples if fold(ex) == k]
        if not train or not test:
            continue
        w = fit(train, l2, steps=600)
        hits += round(accuracy(test, w) * len(test))
        total += len(test)
    return hits / max(1, total)


def main(argv: list[str] | None = None) -> int:
    from composer.ingest.paste import roles

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--l2", type=float, default=0.01)
    parser.add_argument("--check", action="store_true", help="report, do not write the model")
    args = parser.parse_args(argv)
    examples = build_examples()
    names = {"title": roles.TITLE_FEATURES, "byline": roles.BYLINE_FEATURES, "date": roles.DATE_FEATURES}
    model: dict[str, object] = {
        "about": "conditional logit per line role, fitted by bench/train_metadata.py on publishers that "
                 "bench/metadata.py does not hold out, the paste fixtures and the seed",
    }
    for role, exs in examples.items():
        w = fit(exs, args.l2)
        line = f"{role}: {len(exs)} pages, training accuracy {accuracy(exs, w):.3f}"
        if args.check:
            line += f", publisher-grouped 5-fold CV {cross_validate(exs, args.l2):.3f}"
        print(line)
        model[role] = {"features": list(names[role]), "weights": [round(float(x), 5) for x in w]}
    if not args.check:
        OUT.parent.mkdir(parents=True, exist_ok=True)
        OUT.write_text(json.dumps(model, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {OUT.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
