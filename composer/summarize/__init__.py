"""Summarise an Article into a Summary: offline, deterministic, a few milliseconds.

``summarise(article, options)`` is the whole public surface of the extractive path; the
optional LLM path lives in :mod:`composer.summarize.llm` and falls back to this one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from composer.article import Article, Summary
from composer.lang import SUPPORTED, normalize_language
from composer.summarize import extractive
from composer.summarize.boilerplate import is_furniture
from composer.summarize.keywords import hashtags as make_hashtags
from composer.summarize.keywords import keywords as make_keywords
from composer.summarize.stopwords import stopwords

__all__ = ["SummaryOptions", "Summary", "summarise", "summarize", "shorten"]

_WORDS = re.compile(r"\w+")


@dataclass(frozen=True)
class SummaryOptions:
    """What the summary should look like; the defaults suit a newsletter and social posts.

    ``key_points`` is the number of key-point sentences (3–5 reads well; fewer when the article
    is short). ``summary_sentences`` is the length of the prose summary (2–3). ``tldr_max_chars``
    is a soft limit: the TL;DR is one whole sentence, shortened at a clause or word boundary only
    when no sentence fits. ``words_per_minute`` sets ``reading_time_min``.
    """

    key_points: int = 3
    summary_sentences: int = 2
    tldr_max_chars: int = 200
    keywords: int = 8
    hashtags: int = 3
    words_per_minute: int = 230
    weights: extractive.Weights = extractive.DEFAULT_WEIGHTS


_CLAUSE_BREAK = re.compile(r"\s*(?:,|;|:|\s[-–—]\s|\s\()\s*")


def shorten(sentence: str, limit: int) -> str:
    """``sentence`` within ``limit`` characters, cut at a clause or word boundary, never mid-word.

    A cut at a clause boundary ends with a full stop (it still reads as a sentence); a cut inside
    a clause ends with an ellipsis so the reader sees that something is missing.
    """
    sentence = " ".join(sentence.split())
    if len(sentence) <= limit:
        return sentence
    # Prefer the longest leading clause that fits and still says something (≥ 40% of the limit).
    best = ""
    for m in _CLAUSE_BREAK.finditer(sentence):
        head = sentence[: m.start()].rstrip()
        if len(head) + 1 > limit:
            break
        if len(head) >= 0.4 * limit:
            best = head
    if best:
        return best.rstrip(",;:–—- ") + "."
    cut = sentence[: limit - 1]  # one character is left for the ellipsis
    if not sentence[limit - 1].isspace() and " " in cut:
        cut = cut[: cut.rfind(" ")]  # the next character continues a word: back up to a space
    return cut.rstrip(",;:–—- ") + "…"


def _reading_time(article: Article, wpm: int) -> int:
    words = sum(len(_WORDS.findall(b.text)) for b in article.body)
    words += len(_WORDS.findall(article.title or "")) + len(_WORDS.findall(article.standfirst or ""))
    return max(1, math.ceil(words / max(1, wpm)))


def summarise(article: Article, options: SummaryOptions | None = None) -> Summary:
    """The extractive Summary of ``article`` (pure: same article and options, same summary)."""
    opts = options or SummaryOptions()
    lang = normalize_language(article.language)
    text_lang = lang if lang in SUPPORTED else "en"
    sentences = extractive.candidate_sentences(article, text_lang)
    stop = stopwords(text_lang)
    guide = " ".join(x for x in (article.title, article.standfirst) if x)
    title_terms = extractive.terms_of(guide, stop)
    central = extractive.centrality(sentences)
    scores = extractive.rank_sentences(sentences, title_terms, opts.weights, central=central)

    n_points = max(1, min(opts.key_points, len(sentences)))
    points = extractive.select(sentences, scores, n_points, opts.weights)
    n_summary = max(1, min(opts.summary_sentences, len(points)))
    summary_sents = points[:n_summary]

    tldr = ""
    if sentences:
        tldr_scores = extractive.rank_sentences(
            sentences, title_terms, opts.weights, tldr_chars=opts.tldr_max_chars, central=central
        )
        best = max(range(len(sentences)), key=lambda i: (tldr_scores[i], -i))
        tldr = shorten(sentences[best].text, opts.tldr_max_chars)
    else:
        # Nothing passed the prose filters (a stub, or a script the filters do not know): the
        # standfirst, else the first block that is not furniture, else the title.
        fallback = article.standfirst or next(
            (b.text for b in article.body if b.type != "heading" and b.text.strip() and not is_furniture(b.text)), None
        )
        tldr = shorten(fallback or article.title or "", opts.tldr_max_chars)

    kw = make_keywords([s.text for s in sentences], article.title, text_lang, article.tags, opts.keywords)
    return Summary(
        title=article.title,
        tldr=tldr,
        summary=" ".join(s.text for s in summary_sents),
        key_points=tuple(s.text for s in points),
        keywords=tuple(kw),
        hashtags=tuple(make_hashtags(kw, text_lang, opts.hashtags)),
        language=lang,
        reading_time_min=_reading_time(article, opts.words_per_minute),
    )


summarize = summarise  # American spelling, as in the CLI verb
