"""Extraction benchmark: composer's HTML and pasted-text readers beside the usual baselines.

One run scores every extractor on the article-extraction benchmark (AEB) with the benchmark's
own metric (``bench/aeb.py``) and prints a Markdown table:

* on ``aeb/html`` — composer's HTML reader, trafilatura alone (library defaults),
  readability-lxml, and keep-all (every visible text node of the page);
* on ``aeb/text`` — composer's pasted-text reader and keep-all (every line).

Composer's rows score ``"\\n".join(block.text for block in article.body)``: the body only,
as the ground truth holds the body only. Timing is the median wall time per page of the
extractor call alone (decoding and scoring excluded), on whatever machine runs it; below the
table, composer's HTML reader and trafilatura are timed again alternately page by page (each
page's best of three), the fair comparison when other work shares the machine.

    python bench/extraction.py [--limit N] [--steps]

``--steps`` prints only where composer's HTML reader spends its time, step by step, beside
``trafilatura.extract`` on the same pages in the same run.

Metadata of pasted text (title, byline, published date) on pages of publishers the reader's
role model never saw, beside the wave-1 reader, with both readers' body F1 on ``aeb/text``:
``python bench/metadata.py`` (its docstring documents the publisher split).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

_HERE = Path(__file__).resolve().parent
_spec = importlib.util.spec_from_file_location("composer_bench_aeb", _HERE / "aeb.py")
assert _spec and _spec.loader
aeb = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = aeb
_spec.loader.exec_module(aeb)

Extractor = Callable[[str, "aeb.Page"], str]


@dataclass
class Row:
    name: str
    data: str
    f1: float = 0.0
    precision: float = 0.0
    recall: float = 0.0
    median_ms: float = 0.0
    pages: int = 0
    errors: int = 0
    note: str = ""


# --- extractors -------------------------------------------------------------------------------


def composer_html(html: str, page: aeb.Page) -> str:
    from composer.article import Source
    from composer.ingest.html import parse

    article = parse(html, Source(path=page.url or "", format="html"))
    return "\n".join(b.text for b in article.body)


def trafilatura_defaults(html: str, page: aeb.Page) -> str:
    import trafilatura

    return trafilatura.extract(html) or ""


def trafilatura_no_comments(html: str, page: aeb.Page) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def readability_lxml(html: str, page: aeb.Page) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html).summary(html_partial=True)
    root = lxml.html.fromstring(summary)
    for el in root.iter("p", "div", "br", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "blockquote"):
        el.tail = "\n" + (el.tail or "")
    return root.text_content()


def keep_all_html(html: str, page: aeb.Page) -> str:
    import lxml.html

    root = lxml.html.fromstring(html)
    for el in root.xpath("//script | //style | //noscript | //template"):
        el.drop_tree()
    return root.text_content()


def composer_text(text: str, page: aeb.Page) -> str:
    from composer.article import Source
    from composer.ingest.text import parse

    article = parse(text, Source(path=f"{page.key}.txt", format="text"))
    return "\n".join(b.text for b in article.body)


def keep_all_lines(text: str, page: aeb.Page) -> str:
    return text


# --- running ----------------------------------------------------------------------------------


def run(row: Row, extractor: Extractor, pages: list[aeb.Page], load: Callable[[aeb.Page], str]) -> Row:
    per_page, times = [], []
    for page in pages:
        source = load(page)
        start = time.perf_counter()
        try:
            out = extractor(source, page)
        except Exception:  # noqa: BLE001 - an extractor failing on a page scores zero on it
            out = ""
            row.errors += 1
        times.append((time.perf_counter() - start) * 1000)
        per_page.append(aeb.page_scores(out, page.truth))
    row.precision, row.recall, row.f1 = aeb.precision_recall_f1(per_page)
    row.median_ms = statistics.median(times) if times else 0.0
    row.pages = len(per_page)
    return row


def paired_timing(first: Extractor, second: Extractor, pages: list[aeb.Page],
                  load: Callable[[aeb.Page], str], tries: int = 3) -> tuple[float, float]:
    """Median ms/page of two extractors timed alternately on each page, each page's best of
    ``tries``: on a busy machine, rows timed one after the other see different loads."""
    a, b = [], []
    for page in pages:
        source = load(page)
        best = [float("inf"), float("inf")]
        for _ in range(tries):
            for i, extractor in enumerate((first, second)):
                start = time.perf_counter()
                with contextlib.suppress(Exception):  # timing only; failures are scored by run()
                    extractor(source, page)
                best[i] = min(best[i], (time.perf_counter() - start) * 1000)
        a.append(best[0])
        b.append(best[1])
    return statistics.median(a), statistics.median(b)


_STEPS = (
    ("_load_tree", "parse the page (trafilatura's load_html, once)"),
    ("extract_metadata", "composer's metadata from the page"),
    ("_marked_elements", "class/id scan for furniture and related boxes"),
    ("_prune_furniture", "drop furniture"),
    ("_trafilatura_body", "trafilatura, composer's options (both passes)"),
    ("_paragraph_chars", "paragraph text, the test for a second pass"),
    ("_body_blocks", "trafilatura's XML to blocks"),
    ("_fallback_blocks", "fallback blocks (pages trafilatura rejects)"),
    ("_fill_gaps", "trafilatura's metadata for missing fields"),
    ("_language", "language"),
)


def step_times(pages: list[aeb.Page], load: Callable[[aeb.Page], str]) -> None:
    """Where composer's HTML reader spends its time, step by step, beside ``trafilatura.extract``
    on the same pages in the same run: the steps that are trafilatura's own work (loading the
    page, its extraction with composer's options) bound how close to 1× composer can get."""
    import trafilatura

    from composer.article import Source
    from composer.ingest import html

    spent: dict[str, float] = dict.fromkeys((name for name, _ in _STEPS), 0.0)
    passes = {"precision": [0, 0.0], "default": [0, 0.0]}
    originals = {name: getattr(html, name) for name, _ in _STEPS}

    def timed(name: str) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            start = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                elapsed = time.perf_counter() - start
                spent[name] += elapsed
                if name == "_trafilatura_body":
                    mode = passes["precision" if args[2] else "default"]
                    mode[0] += 1
                    mode[1] += elapsed
        return call

    texts = [load(p) for p in pages]
    for name in originals:
        setattr(html, name, timed(name))
    total = theirs = 0.0
    try:
        # Page by page, composer then trafilatura, so that a change of load weighs on both.
        for text, page in zip(texts, pages, strict=True):
            start = time.perf_counter()
            with contextlib.suppress(Exception):  # timing only; failures are scored by run()
                html.parse(text, Source(path=f"{page.key}.html", format="html"))
            total += time.perf_counter() - start
            start = time.perf_counter()
            with contextlib.suppress(Exception):
                trafilatura.extract(text)
            theirs += time.perf_counter() - start
    finally:
        for name, original in originals.items():
            setattr(html, name, original)
    print(f"\ncomposer HTML reader step by step, {len(pages)} pages, one parse each "
          f"(python bench/extraction.py --steps):\n")
    print("| step | ms (all pages) | share of composer |")
    print("|---|---:|---:|")
    for name, label in _STEPS:
        print(f"| {label} | {spent[name] * 1000:.0f} | {100 * spent[name] / total:.1f} % |")
        if name == "_trafilatura_body":
            for mode, (count, secs) in passes.items():
                print(f"| … of which the {mode}-mode pass ({count} pages) | {secs * 1000:.0f} | {100 * secs / total:.1f} % |")
    print(f"| composer HTML reader, whole | {total * 1000:.0f} | 100 % |")
    print(f"| trafilatura.extract alone (defaults), same pages, timed alternately | {theirs * 1000:.0f} | 1 : {total / theirs:.2f} |")
    floor = spent["_load_tree"] + passes["precision"][1]
    print(f"\ntrafilatura's own work inside composer (page parse + precision pass): {floor * 1000:.0f} ms ="
          f" {floor / theirs:.2f}× trafilatura.extract; with the default-mode pass:"
          f" {(floor + passes['default'][1]) / theirs:.2f}×")


def _available(module: str) -> str | None:
    """None if ``module`` imports, else a note saying why its row is skipped."""
    try:
        importlib.import_module(module)
    except Exception as exc:  # noqa: BLE001 - any import failure means "skip this row"
        return f"skipped: cannot import {module} ({exc.__class__.__name__}: {exc})"
    return None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--limit", type=int, default=None, help="score only the first N pages (sorted by key)")
    parser.add_argument("--steps", action="store_true",
                        help="only time composer's HTML reader step by step beside trafilatura.extract (no scores)")
    args = parser.parse_args(argv)
    if not (aeb.AEB / "ground-truth.json").is_file():
        print(f"AEB benchmark not found at {aeb.AEB}", file=sys.stderr)
        return 2
    pages = list(aeb.pages())[: args.limit] if args.limit else list(aeb.pages())
    html_pages = {p.key: p.html() for p in pages}
    if args.steps:
        step_times(pages, lambda p: html_pages[p.key])
        return 0
    text_pages = {p.key: p.pasted() for p in pages}

    plan: list[tuple[Row, Extractor, dict[str, str], str | None]] = [
        (Row("composer HTML reader (`composer.ingest.html.parse`)", "aeb/html"), composer_html, html_pages, "composer.ingest.html"),
        (Row("trafilatura alone (defaults)", "aeb/html"), trafilatura_defaults, html_pages, "trafilatura"),
        (Row("trafilatura alone, comments off", "aeb/html"), trafilatura_no_comments, html_pages, "trafilatura"),
        (Row("readability-lxml", "aeb/html"), readability_lxml, html_pages, "readability"),
        (Row("keep-all (all text of the page)", "aeb/html"), keep_all_html, html_pages, None),
        (Row("composer pasted-text reader (`composer.ingest.text.parse`)", "aeb/text"), composer_text, text_pages, "composer.ingest.text"),
        (Row("keep-all lines", "aeb/text"), keep_all_lines, text_pages, None),
    ]
    print("command: python " + " ".join(["bench/extraction.py", *(argv if argv is not None else sys.argv[1:])]))
    print(f"pages: {len(pages)} of the article-extraction benchmark; metric: bench/aeb.py (word 4-gram overlap)\n")
    print("| extractor | input | F1 | precision | recall | median ms/page |")
    print("|---|---|---:|---:|---:|---:|")
    notes: list[str] = []
    for row, extractor, sources, module in plan:
        skip = _available(module) if module else None
        if skip:
            print(f"| {row.name} | {row.data} | – | – | – | – |")
            notes.append(f"{row.name}: {skip}")
            continue
        run(row, extractor, pages, lambda p, s=sources: s[p.key])
        errors = f" ({row.errors} pages failed, scored 0)" if row.errors else ""
        print(f"| {row.name}{errors} | {row.data} | {row.f1:.3f} | {row.precision:.3f} | {row.recall:.3f} | {row.median_ms:.1f} |",
              flush=True)
    if not _available("trafilatura"):
        ours, theirs = paired_timing(composer_html, trafilatura_defaults, pages, lambda p: html_pages[p.key])
        print(f"\ncomposer HTML reader vs trafilatura alone (defaults), timed alternately page by page (best of 3):"
              f" {ours:.1f} vs {theirs:.1f} median ms/page = {ours / theirs:.2f}×")
    for note in notes:
        print(f"\nnote: {note}")
    print("\npasted-text metadata (title/byline/date, held-out publishers, vs wave 1): python bench/metadata.py")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
