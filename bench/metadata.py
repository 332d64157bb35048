"""Pasted-text metadata benchmark: title, byline and published date on pages nobody here wrote.

Data (read from ``../shared/corpus/extraction``):

* ``readability-pasted.jsonl`` — 59 of Mozilla Readability's test pages as a browser copies
  them, with the curated title and byline (dates from ``readability/<id>/expected-metadata.json``);
* ``pasted-meta/pages.jsonl`` — 153 real news pages with curated title, authors (and whether
  each is visible in the copy) and published date.

**The split.** Pages are grouped by publisher: the second-level label of the page's domain
(``www.nytimes.com`` → ``nytimes``), or for readability's pages, which carry no URL, the first
part of the page id (``nytimes-3`` → ``nytimes``, ``lifehacker-working`` → ``lifehacker``). A
publisher is *held out* when the first byte of SHA-256 of its key is below 77 (about 30 %):
the reader's model (``bench/train_metadata.py``) is fitted and tuned on the other publishers
only, so every held-out figure is on sites it never saw. ``is_held_out`` is the one definition,
shared with the trainer and the corpus tests.

Scoring:

* **title** — exact after Unicode NFKC, dropping invisible characters and folding whitespace;
* **byline** — where a byline is visible in the copy (readability: a curated byline; pasted-meta:
  ``authors_visible``): the set of name words the reader returns equals the set of words of the
  visible curated names (the words "by", "von", "par", "avec", "and"… and the case are ignored);
* **date** — the published day (``YYYY-MM-DD``) equals the curated one; reported over every page
  with a curated date and over those where the date is *visible* (some line of the copy holds
  that day in a shape ``composer.dates.find_date`` reads).

The wave-1 reader (``composer`` at commit ``WAVE1_COMMIT``) is taken from git and run in a
subprocess in the same run, so the table compares like with like; a second table gives both
readers' body F1 on the AEB pages as pasted text (``bench/aeb.py``), and the last line how long
the role model takes to load. Timings: median over pages of each page's fastest of three parses
(wall milliseconds, after a warm-up pass), so that other work on a shared machine does not
decide which reader looks faster.

``--html-reference`` adds what each page's own HTML yields, scored the same way (composer's HTML
reader, trafilatura's metadata as it comes): how far the curated labels agree with what the
publisher's markup states, which bounds what a reader of the copy can be expected to reach.

    python bench/metadata.py [--no-baseline | --baseline REV] [--show-misses] [--html-reference]
"""

from __future__ import annotations

import argparse
import hashlib
import importlib.util
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

REPO = Path(__file__).resolve().parent.parent
CORPUS = REPO.parent / "shared" / "corpus" / "extraction"
WAVE1_COMMIT = "4c44df2"
HELD_OUT_BELOW = 77  # first SHA-256 byte of the publisher key below this → held out (≈30 %)

_SUFFIX_LABELS = {"com", "co", "org", "net", "ac", "gov", "edu"}


def publisher_key(url_or_id: str) -> str:
    """The publisher a page belongs to: its domain's second-level label, or a page id's stem."""
    if "://" in url_or_id:
        host = (urlparse(url_or_id).hostname or "").lower()
        labels = [p for p in host.split(".") if p]
        # "www.telegraph.co.uk" → "telegraph", "roma.repubblica.it" → "repubblica", "www.news.cn" → "news"
        if len(labels) > 1:
            labels.pop()  # the top-level domain
        while len(labels) > 1 and labels[-1] in _SUFFIX_LABELS:
            labels.pop()
        return labels[-1] if labels else host
    return url_or_id.split("-")[0].lower()


def is_held_out(key: str) -> bool:
    return hashlib.sha256(key.encode("utf-8")).digest()[0] < HELD_OUT_BELOW


@dataclass
class Page:
    dataset: str
    id: str
    key: str
    text: str
    title: str | None
    authors: list[str] | None  # visible curated names; None when no byline is visible
    published: str | None
    date_visible: bool = False
    held_out: bool = field(default=False)


def _date_visible(text: str, day: str | None) -> bool:
    if not day:
        return False
    from composer.dates import find_date

    for line in text.split("\n"):
        line = line.strip()
        if 4 <= len(line) <= 200 and any(c.isdigit() for c in line):
            found = find_date(line)
            if found and found[:10] == day:
                return True
    return False


def load_pages() -> list[Page]:
    """Every page of both datasets, with its publisher and split; [] when the corpus is absent."""
    pages: list[Page] = []
    rp = CORPUS / "readability-pasted.jsonl"
    if rp.is_file():
        for raw in rp.read_text(encoding="utf-8").splitlines():
            row = json.loads(raw)
            byline = (row.get("byline") or "").split("\n")[0].strip() or None
            meta_path = CORPUS / "readability" / row["id"] / "expected-metadata.json"
            published = None
            if meta_path.is_file():
                published = (json.loads(meta_path.read_text(encoding="utf-8")).get("publishedTime") or "")[:10] or None
            key = publisher_key(row["id"])
            pages.append(Page("readability-pasted", row["id"], key, row["text"], row["title"],
                              [byline] if byline else None, published,
                              _date_visible(row["text"], published), is_held_out(key)))
    pm = CORPUS / "pasted-meta" / "pages.jsonl"
    if pm.is_file():
        for raw in pm.read_text(encoding="utf-8").splitlines():
            row = json.loads(raw)
            authors = None
            if row.get("authors") and row.get("authors_visible"):
                each = row.get("authors_visible_each") or [True] * len(row["authors"])
                authors = [a for a, v in zip(row["authors"], each, strict=False) if v] or None
            key = publisher_key(row.get("url") or row["id"])
            published = (row.get("published") or "")[:10] or None
            pages.append(Page("pasted-meta", row["id"], key, row["text"], row["title"], authors, published,
                              _date_visible(row["text"], published), is_held_out(key)))
    return pages


# --- scoring ----------------------------------------------------------------------------------

_NAME_NOISE = {"by", "von", "par", "avec", "and", "und", "et", "y", "e", "de", "der", "la", "with", "por", "di",
               "door", "en", "og", "och", "i", "a", "ma"}


def norm_title(text: str | None) -> str:
    """Compared as a reader sees it: NFKC, invisible characters (zero-width space…) dropped, spaces folded."""
    from composer.textutil import clean_line

    return " ".join(unicodedata.normalize("NFKC", clean_line(text or "")).split())


def name_words(names: list[str] | None) -> frozenset[str]:
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", " ".join(names or [])).lower())
    return frozenset(w for w in words if w not in _NAME_NOISE)


@dataclass
class Prediction:
    title: str | None
    authors: list[str]
    published: str | None
    ms: float = 0.0
    error: str | None = None
    doubts: tuple[str, ...] = ()  # the fields the reader warned it was unsure of


def title_ok(page: Page, pred: Prediction) -> bool:
    return norm_title(pred.title) == norm_title(page.title)


def byline_ok(page: Page, pred: Prediction) -> bool:
    return bool(page.authors) and name_words(pred.authors) == name_words(page.authors)


def date_ok(page: Page, pred: Prediction) -> bool:
    return bool(page.published) and (pred.published or "")[:10] == page.published


@dataclass
class Figures:
    title: tuple[int, int] = (0, 0)
    byline: tuple[int, int] = (0, 0)
    date_all: tuple[int, int] = (0, 0)
    date_visible: tuple[int, int] = (0, 0)
    median_ms: float = 0.0


def doubt_figures(pages: list[Page], preds: dict[str, Prediction]) -> dict[str, tuple[int, int, int, int]]:
    """For each field: of the wrong answers, how many the reader warned about; of the right ones,
    how many it warned about needlessly (pages scored as in :func:`figures`, visible dates only)."""
    checks = {
        "title": ("title", [p for p in pages if p.title], title_ok),
        "byline": ("authors", [p for p in pages if p.authors], byline_ok),
        "date": ("published", [p for p in pages if p.published and p.date_visible], date_ok),
    }
    out = {}
    for name, (asked, scored, ok) in checks.items():
        wrong = [p for p in scored if not ok(p, preds[p.id])]
        right = [p for p in scored if ok(p, preds[p.id])]
        out[name] = (sum(asked in preds[p.id].doubts for p in wrong), len(wrong),
                     sum(asked in preds[p.id].doubts for p in right), len(right))
    return out


def figures(pages: list[Page], preds: dict[str, Prediction]) -> Figures:
    def frac(items: list[bool]) -> tuple[int, int]:
        return sum(items), len(items)

    out = Figures()
    out.title = frac([title_ok(p, preds[p.id]) for p in pages if p.title])
    out.byline = frac([byline_ok(p, preds[p.id]) for p in pages if p.authors])
    out.date_all = frac([date_ok(p, preds[p.id]) for p in pages if p.published])
    out.date_visible = frac([date_ok(p, preds[p.id]) for p in pages if p.published and p.date_visible])
    times = [preds[p.id].ms for p in pages]
    out.median_ms = statistics.median(times) if times else 0.0
    return out


TIMING_RUNS = 3  # each page is parsed this often and its fastest run counts: other work on a shared machine only adds


def clear_cache() -> None:
    """Forget what composer remembers between parses (the dates it read), where it does."""
    try:
        from composer.dates import clear_cache as clear
    except ImportError:  # a baseline from before the cache
        return
    clear()


def predict_all(pages: list[Page], parse: Callable[[str], object], runs: int = 1) -> dict[str, Prediction]:
    out: dict[str, Prediction] = {}
    for page in pages:
        best = float("inf")
        for _ in range(runs):
            clear_cache()  # timed as a page never seen: no dates remembered from its last run
            start = time.perf_counter()
            try:
                art = parse(page.text)
                pred = Prediction(art.title, list(art.authors), art.published,  # type: ignore[attr-defined]
                                  doubts=tuple(d.field for d in getattr(art, "doubts", ())))
            except Exception as exc:  # noqa: BLE001 - a page the reader refuses scores zero
                pred = Prediction(None, [], None, error=f"{exc.__class__.__name__}: {exc}")
            best = min(best, (time.perf_counter() - start) * 1000)
        pred.ms = best
        out[page.id] = pred
    return out


def page_html(dataset: str, page_id: str) -> str | None:
    """The HTML a page's copy was made from (readability's ``source.html``, pasted-meta's ``html/``)."""
    import gzip

    if dataset == "readability-pasted":
        path = CORPUS / "readability" / page_id / "source.html"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else None
    path = CORPUS / "pasted-meta" / "html" / f"{page_id}.html.gz"
    return gzip.decompress(path.read_bytes()).decode("utf-8", errors="replace") if path.is_file() else None


def html_references(pages: list[Page]) -> dict[str, dict[str, Prediction]]:
    """What the whole page yields, scored the same way: composer's HTML reader, and trafilatura's
    metadata (``og:title``, JSON-LD, ``<title>``…) as it comes. A reference, not a baseline: a copy
    holds less than its page, so these say how far the curated labels agree with what the
    publisher's own markup states."""
    import re as _re

    from composer.ingest import parse_text
    from composer.ingest.trafilatura_import import import_trafilatura

    import_trafilatura()
    import trafilatura
    out: dict[str, dict[str, Prediction]] = {"HTML reader (whole page)": {}, "trafilatura metadata (whole page)": {}}
    for page in pages:
        raw = page_html(page.dataset, page.id)
        if raw is None:
            continue
        try:
            art = parse_text(raw, path=f"{page.id}.html", fmt="html")
            pred = Prediction(art.title, list(art.authors), art.published)
        except Exception as exc:  # noqa: BLE001 - a page the reader refuses scores zero
            pred = Prediction(None, [], None, error=str(exc))
        out["HTML reader (whole page)"][page.id] = pred
        md = trafilatura.extract_metadata(raw)
        authors = [a.strip() for a in _re.split(r";|,| and ", md.author or "") if a.strip()] if md else []
        out["trafilatura metadata (whole page)"][page.id] = Prediction(md.title if md else None, authors,
                                                                       md.date if md else None)
    return out


def composer_parse(text: str) -> object:
    from composer.article import Source
    from composer.ingest.text import parse

    return parse(text, Source(path="paste.txt", format="text"))


def _aeb() -> Any:
    spec = importlib.util.spec_from_file_location("composer_bench_aeb", Path(__file__).resolve().parent / "aeb.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def aeb_bodies() -> dict[str, tuple[str, float]]:
    """page key → (body text, ms) of the pasted-text reader on the AEB pages as pasted ({} without AEB)."""
    from composer.article import Source
    from composer.errors import InputError
    from composer.ingest.text import parse

    aeb = _aeb()
    if not (aeb.AEB / "ground-truth.json").is_file():
        return {}
    out = {}
    for page in aeb.pages():
        text = page.pasted()
        best = float("inf")
        for _ in range(TIMING_RUNS):
            clear_cache()
            start = time.perf_counter()
            try:
                body = "\n".join(b.text for b in parse(text, Source(path=f"{page.key}.txt", format="text")).body)
            except InputError:
                body = ""
            best = min(best, (time.perf_counter() - start) * 1000)
        out[page.key] = (body, best)
    return out


def aeb_scores(bodies: dict[str, tuple[str, float]]) -> tuple[float, float, float, float]:
    """(F1, precision, recall, median ms) of ``bodies`` against the AEB ground truth."""
    aeb = _aeb()
    per_page = [aeb.page_scores(bodies[p.key][0], p.truth) for p in aeb.pages() if p.key in bodies]
    precision, recall, f1 = aeb.precision_recall_f1(per_page)
    return f1, precision, recall, statistics.median(ms for _b, ms in bodies.values())


def extract_composer(commit: str, dest: Path) -> str | None:
    """Put the ``composer`` package of ``commit`` (with its model file) into ``dest``, for a
    subprocess to import from; git's complaint when there is no such revision, else None."""
    archive = subprocess.run(["git", "-C", str(REPO), "archive", commit, "composer"], capture_output=True, check=False)
    if archive.returncode != 0:
        return archive.stderr.decode(errors="replace").strip() or f"git archive {commit} failed"
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive.stdout, check=True)
    return None


def wave1_predictions(pages: list[Page], commit: str = WAVE1_COMMIT
                      ) -> tuple[dict[str, Prediction], dict[str, tuple[str, float]]] | None:
    """Run the reader of another revision (composer at ``commit``, wave 1 unless told, taken from
    git with its own model file) in a subprocess."""
    with tempfile.TemporaryDirectory() as tmp:
        if extract_composer(commit, Path(tmp)) is not None:
            return None
        env = dict(os.environ, PYTHONPATH=tmp)
        proc = subprocess.run([sys.executable, __file__, "--predict-only"], env=env, capture_output=True,
                              text=True, check=False, cwd=tmp)
        if proc.returncode != 0:
            print(proc.stderr, file=sys.stderr)
            return None
        rows = json.loads(proc.stdout)
        meta = {k: Prediction(**v) for k, v in rows["meta"].items()}
        return meta, {k: (v[0], v[1]) for k, v in rows["aeb"].items()}


def _fmt(pair: tuple[int, int]) -> str:
    n, d = pair
    return f"{n}/{d} ({100 * n / d:.1f} %)" if d else "–"


def iter_groups(pages: list[Page]) -> Iterator[tuple[str, str, list[Page]]]:
    for dataset in ("readability-pasted", "pasted-meta"):
        mine = [p for p in pages if p.dataset == dataset]
        yield dataset, "held-out", [p for p in mine if p.held_out]
        yield dataset, "all", mine


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--no-baseline", action="store_true", help="skip the wave-1 reader")
    parser.add_argument("--baseline", default=WAVE1_COMMIT, metavar="REV",
                        help="git revision whose reader is the baseline (default: wave 1), e.g. the previous model's commit")
    parser.add_argument("--show-misses", action="store_true", help="list the held-out pages each field misses")
    parser.add_argument("--predict-only", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--html-reference", action="store_true",
                        help="also score what each page's HTML yields (composer's HTML reader, trafilatura's metadata)")
    args = parser.parse_args(argv)
    pages = load_pages()
    if not pages:
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    if args.predict_only:
        predict_all(pages, composer_parse)  # warm-up: imports and first-use costs out of the timings
        preds = predict_all(pages, composer_parse, runs=TIMING_RUNS)
        json.dump({"meta": {k: v.__dict__ for k, v in preds.items()}, "aeb": aeb_bodies()}, sys.stdout)
        return 0
    wave1 = None if args.no_baseline else wave1_predictions(pages, args.baseline)
    base_name = "wave 1" if args.baseline == WAVE1_COMMIT else f"at {args.baseline}"
    if not args.no_baseline and wave1 is None:
        print(f"baseline {args.baseline}: could not be run", file=sys.stderr)
    predict_all(pages, composer_parse)  # warm-up, as for the baseline
    new = predict_all(pages, composer_parse, runs=TIMING_RUNS)
    new_aeb = aeb_bodies()
    old = wave1[0] if wave1 else None
    held = sorted({p.key for p in pages if p.held_out})
    print("command: python bench/metadata.py " + " ".join(argv if argv is not None else sys.argv[1:]))
    print(f"split: publisher key SHA-256 first byte < {HELD_OUT_BELOW} → held out; "
          f"{sum(p.held_out for p in pages)} of {len(pages)} pages, {len(held)} publishers held out:")
    print("  " + ", ".join(held) + "\n")
    print("| dataset | pages | reader | title exact | byline (visible) | date (all) | date (visible) | median ms/page |")
    print("|---|---|---|---:|---:|---:|---:|---:|")
    for dataset, part, group in iter_groups(pages):
        for name, preds in ((base_name, old), ("new", new)):
            if preds is None:
                continue
            f = figures(group, preds)
            print(f"| {dataset} | {part} ({len(group)}) | {name} | {_fmt(f.title)} | {_fmt(f.byline)} | "
                  f"{_fmt(f.date_all)} | {_fmt(f.date_visible)} | {f.median_ms:.1f} |")
    print("\nWhat the reader warns is a guess (a warning names the field, what was taken and what came next):"
          " wrong answers warned about, and right answers warned about needlessly:\n")
    print("| dataset | pages | title: wrong warned | right warned | byline: wrong warned | right warned "
          "| date (visible): wrong warned | right warned |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for dataset, part, group in iter_groups(pages):
        d = doubt_figures(group, new)
        print(f"| {dataset} | {part} ({len(group)}) | "
              + " | ".join(f"{d[f][0]}/{d[f][1]} | {d[f][2]}/{d[f][3]}" for f in ("title", "byline", "date")) + " |")
    if args.html_reference:
        refs = html_references(pages)
        print("\nThe same pages' HTML, scored the same way (a reference for the labels, not a baseline):\n")
        print("| dataset | pages | reader | title exact | byline (visible) | date (all) | date (visible) |")
        print("|---|---|---|---:|---:|---:|---:|")
        for dataset, part, group in iter_groups(pages):
            for name, preds in refs.items():
                have = [p for p in group if p.id in preds]
                f = figures(have, preds)
                print(f"| {dataset} | {part} ({len(have)}) | {name} | {_fmt(f.title)} | {_fmt(f.byline)} | "
                      f"{_fmt(f.date_all)} | {_fmt(f.date_visible)} |")
    if new_aeb:
        print("\nBody on the article-extraction benchmark as pasted text (aeb/text, 181 pages; bench/aeb.py metric):\n")
        print("| reader | F1 | precision | recall | median ms/page |")
        print("|---|---:|---:|---:|---:|")
        for name, bodies in ((base_name, wave1[1] if wave1 else None), ("new", new_aeb)):
            if bodies:
                f1, p, r, ms = aeb_scores(bodies)
                print(f"| {name} | {f1:.3f} | {p:.3f} | {r:.3f} | {ms:.1f} |")
    from composer.ingest.paste import roles

    roles.load_model.cache_clear()
    start = time.perf_counter()
    roles.load_model()
    print(f"\nrole model: composer/data/{roles.MODEL_FILE} loads in {(time.perf_counter() - start) * 1000:.2f} ms")
    if args.show_misses:
        for p in pages:
            if not p.held_out:
                continue
            pred = new[p.id]
            if p.title and not title_ok(p, pred):
                print(f"title  {p.dataset}/{p.id}: {pred.title!r} ≠ {p.title!r}")
            if p.authors and not byline_ok(p, pred):
                print(f"byline {p.dataset}/{p.id}: {pred.authors!r} ≠ {p.authors!r}")
            if p.published and p.date_visible and not date_ok(p, pred):
                print(f"date   {p.dataset}/{p.id}: {pred.published!r} ≠ {p.published!r}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
