"""Summarise an Article into a Summary: offline, deterministic, a few milliseconds.

``summarise(article, options)`` is the whole public surface of the extractive path; the
optional LLM path lives in :mod:`composer.summarize.llm` and falls back to this one.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

from composer import regexcache as rx
from composer.article import Article, Summary
from composer.lang import SUPPORTED, normalize_language
from composer.summarize import extractive
from composer.summarize.boilerplate import is_furniture, strip_glued_furniture, strip_leading_tag
from composer.summarize.keywords import hashtags as make_hashtags
from composer.summarize.keywords import keywords_and_terms
from composer.summarize.sentences import split_sentences
from composer.summarize.standalone import stand_alone
from composer.summarize.stopwords import stopwords

__all__ = ["SummaryOptions", "Summary", "summarise", "summarize", "shorten"]

_WORDS = rx.compile(r"\w+")
_LEAD_SENTENCES = 3  # the lead, for hashtags: a news story names its subject in its first sentences


@dataclass(frozen=True)
class SummaryOptions:
    """What the summary should look like; the defaults suit a newsletter and social posts.

    ``key_points`` is the number of key-point sentences (3–5 reads well; fewer when the article
    is short). ``summary_sentences`` is the length of the prose summary (2–3). ``tldr_max_chars``
    is a soft limit: the TL;DR is the publisher's standfirst when it fits (its whole sentences
    within the limit), else one whole sentence that stands on its own, shortened at a clause or
    word boundary only when no sentence fits. ``words_per_minute`` sets ``reading_time_min``.
    """

    key_points: int = 3
    summary_sentences: int = 2
    tldr_max_chars: int = 200
    keywords: int = 8
    hashtags: int = 3
    words_per_minute: int = 230
    weights: extractive.Weights = extractive.DEFAULT_WEIGHTS


# Where a sentence may end early: a comma, semicolon, colon or spaced dash. Not an opening
# parenthesis: the phrase it interrupts goes on after it ("the cosmic (…) rays").
_CLAUSE_BREAK = rx.compile(r"\s*(?:[,;:](?=\s)|\s[-–—]\s)\s*")  # "3,000" and "10:30" are no breaks
# A sentence that opens with a subordinate clause has its main clause after the first break (or
# later, when clauses nest): a cut there leaves a fragment ("While the council debated the cost.",
# "В то время как все … на переговоры."). The words are those of the seven template languages
# and Russian; an ambiguous one ("Als Kanzlerin…", "Se espera…") only costs the clause cut.
_SUBORDINATE_OPENER = rx.compile(
    r"(?:while|when|whereas|although|though|because|since|unless|until|once|if|as|even if|even though"
    r"|während|als|obwohl|weil|wenn|nachdem|bevor|falls|sobald|da"
    r"|alors que|lorsque|quand|bien que|parce que|puisque|tandis que|si|comme|dès que"
    r"|mientras|cuando|aunque|porque|ya que|como"
    r"|mentre|quando|anche se|sebbene|benché|poiché|perché|se"
    r"|terwijl|toen|hoewel|omdat|nadat|voordat|wanneer|zodra|indien"
    r"|enquanto|embora|já que"
    r"|в то время как|когда|хотя|поскольку|так как|если|пока|после того как|несмотря на то что)\b",
    re.IGNORECASE,
)
# "… and, according to its founders, encourages …": a break right after a conjunction opens an
# aside, and the next break closes it; a cut at either ends on "and" or on the aside.
_CONJUNCTION_BEFORE_BREAK = rx.compile(
    r"\b(?:and|or|but|und|oder|aber|et|ou|mais|y|o|pero|e|ma|en|of|maar|и|но|а)(?:\s*[,;:]\s*[^,;:]*)?$", re.IGNORECASE)
# "Christie, a longtime backer who …, said": a name, then an appositive; a cut where the appositive
# ends keeps no verb. (Not after "In March," or "On Monday,": those open a full clause.)
_APPOSITIVE_HEAD = rx.compile(
    r"^(?!(?i:in|on|at|by|for|from|after|before|during|last|this|since|with|under|over|until|across)\b)"
    r"[A-Z][\w'’.-]*(?: [A-Z][\w'’.-]*){0,2}, (?i:a|an|the|who|which|whose|one)\b[^,;:]*$")
_SPACED_DASH = rx.compile(r"\s[-–—]\s")
_SINGLE_OPEN = rx.compile(r"(?<!\w)['‘](?=\w)")
_SINGLE_CLOSE = rx.compile(r"(?<=[\w.,!?])['’](?!\w)")


def _open_quote_or_bracket(text: str) -> bool:
    """A bracket or quotation opened in ``text`` and not closed in it: a cut here would split it."""
    if text.count("(") > text.count(")") or text.count("[") > text.count("]") or text.count("«") > text.count("»"):
        return True
    if _curly_quotes_open(text) > 0:
        return True
    if text.count('"') % 2:
        return True
    return len(_SINGLE_OPEN.findall(text)) > len(_SINGLE_CLOSE.findall(text))


def shorten(sentence: str, limit: int) -> str:
    """``sentence`` within ``limit`` characters, cut at a clause or word boundary, never mid-word.

    A cut at a clause boundary ends with a full stop (it still reads as a sentence); a cut inside
    a clause ends with an ellipsis so the reader sees that something is missing. A clause cut is
    made only where what is kept can be a sentence: not inside a quotation or brackets, not where
    a name's appositive or an aside after a conjunction ends, not at the first of two dashes, and
    not when the sentence opens with a subordinate clause (its main clause comes later).
    """
    sentence = " ".join(sentence.split())
    if len(sentence) <= limit:
        return sentence
    # Prefer the longest leading clause that fits and still says something (≥ 40% of the limit).
    best = ""
    if not _SUBORDINATE_OPENER.match(sentence):
        dashes = [m.start() for m in _SPACED_DASH.finditer(sentence)]
        for m in _CLAUSE_BREAK.finditer(sentence):
            head = sentence[: m.start()].rstrip()
            if len(head) + 1 > limit:
                break
            if len(head) < 0.4 * limit or _open_quote_or_bracket(head) or _CONJUNCTION_BEFORE_BREAK.search(head):
                continue
            if _APPOSITIVE_HEAD.match(head):
                continue
            if m.group().strip() in ("-", "–", "—"):
                before = sum(1 for d in dashes if d < m.start())
                if before % 2 == 0 and any(d > m.start() for d in dashes):
                    continue  # the first of two dashes opens an aside ("the cosmic – that is, … – rays")
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


def _text_language(declared: str, sentences: list[extractive.Sentence]) -> str:
    """The language the prose is written in, when it plainly is not the declared one.

    A page can declare ``lang="en"`` around German text; its stop words, hashtags and
    connectives would then be read as English ("#DieDigitalisierung"). Only a clear verdict
    (twice the declared language's stop words, a fifth of all words) overrides the declaration;
    ``Summary.language`` keeps what the article says.
    """
    words = _WORDS.findall(" ".join(s.text for s in sentences[:8]).lower())
    if len(words) < 30:
        return declared
    own = stopwords(declared)
    declared_hits = sum(1 for w in words if w in own)
    if declared_hits >= 0.2 * len(words):
        return declared  # the usual case: one pass, and the declaration stands
    counts = Counter(words)
    best, best_hits = declared, declared_hits
    for lang in SUPPORTED:
        stop = stopwords(lang)
        hits = sum(n for w, n in counts.items() if w in stop)
        if hits > best_hits:
            best, best_hits = lang, hits
    if best_hits >= 2 * max(1, declared_hits) and best_hits >= 0.2 * len(words):
        return best
    return declared


def _curly_quotes_open(text: str) -> int:
    """Curly double quotes opened in ``text`` and not closed (negative: closed and never opened).

    A low opening mark („) closes with “ in German and Czech and with ” in Polish, Hungarian and
    Romanian, so where it occurs both count as closers; elsewhere “ opens and ” closes."""
    low = text.count("„")
    if low:
        return low - text.count("“") - text.count("”")
    return text.count("“") - text.count("”")


_CUT_QUOTE = 1000.0  # (more than any score: a whole sentence always ranks first)


def _unbalanced_quotes(text: str) -> bool:
    return _curly_quotes_open(text) != 0 or text.count("«") != text.count("»") or text.count('"') % 2 == 1


def _norm_text(text: str) -> str:
    return " ".join(_WORDS.findall(text.lower()))


def standfirst_hook(article: Article, lang: str, limit: int, body_terms: set[str] | None = None) -> str | None:
    """The publisher's standfirst as a TL;DR, when it makes one; else None.

    The standfirst is written as the hook, so it wins over any sentence we could pick — when it
    fits: its leading whole sentences within ``limit`` characters (a description cut off with
    "…" loses its unfinished sentence), at least six words, no question, no furniture, not the
    title again, standing alone once a dateline or droppable connective is cut, and about the
    article (two content words shared with the body, when ``body_terms`` is given) rather than
    a site-wide blurb.
    """
    raw = " ".join((article.standfirst or "").split())
    if not raw:
        return None
    raw = strip_glued_furniture(strip_leading_tag(raw))
    sents = split_sentences(raw, lang)
    if sents and sents[-1].endswith(("...", "…")):
        sents = sents[:-1]
    text = ""
    for sent in sents:
        if len(text) + 1 + len(sent) > limit:
            break
        text = f"{text} {sent}".strip()
    if not text:
        return None
    text, ok = stand_alone(text, lang)
    if (not ok or len(_WORDS.findall(text)) < 6 or text.rstrip("\"'”’») ").endswith("?")
            or any(is_furniture(s) for s in split_sentences(text, lang))):
        return None
    if article.title and (_norm_text(text).startswith(_norm_text(article.title))
                          or _norm_text(article.title) in _norm_text(text) and len(text) < 1.3 * len(article.title)):
        return None  # the headline again, or the headline with a blurb glued after it
    if _unbalanced_quotes(text):
        return None  # a quotation cut in the middle by the sentence limit
    if body_terms is not None:
        terms = set(extractive.terms_of(text, stopwords(lang)))
        if len(terms & body_terms) < min(2, len(terms)):
            return None  # a site-wide description, not this article's
    return text


def summarise(article: Article, options: SummaryOptions | None = None) -> Summary:
    """The extractive Summary of ``article`` (pure: same article and options, same summary)."""
    opts = options or SummaryOptions()
    lang = normalize_language(article.language)
    text_lang = lang if lang in SUPPORTED else "en"
    sentences = extractive.candidate_sentences(article, text_lang)
    checked = _text_language(text_lang, sentences)
    if checked != text_lang:
        text_lang = checked
        sentences = extractive.candidate_sentences(article, text_lang)
    stop = stopwords(text_lang)
    guide = " ".join(x for x in (article.title, article.standfirst) if x)
    title_terms = extractive.terms_of(guide, stop)
    central = extractive.centrality(sentences)
    # A quotation the sentence splitter cut in two ('"I was the CIA director.' / 'We lied, we
    # cheated, we stole."') reads as a fragment on its own: such a sentence comes after every
    # whole one, for the key points and the TL;DR alike, and is taken only when nothing else is left.
    cut = [_CUT_QUOTE if _unbalanced_quotes(s.text) else 0.0 for s in sentences]
    scores = [v - c for v, c in zip(extractive.rank_sentences(sentences, title_terms, opts.weights, central=central),
                                    cut, strict=True)]

    n_points = max(1, min(opts.key_points, len(sentences)))
    points = extractive.select(sentences, scores, n_points, opts.weights)
    n_summary = max(1, min(opts.summary_sentences, len(points)))
    summary_sents = points[:n_summary]

    body_terms: set[str] = set()
    for sent in sentences:
        body_terms.update(sent.terms)
    tldr = standfirst_hook(article, text_lang, opts.tldr_max_chars, body_terms if sentences else None) or ""
    if tldr:
        pass
    elif sentences:
        tldr_scores = [v - c for v, c in zip(extractive.rank_sentences(
            sentences, title_terms, opts.weights, tldr_chars=opts.tldr_max_chars, central=central), cut, strict=True)]
        best = max(range(len(sentences)), key=lambda i: (tldr_scores[i], -i))
        tldr = shorten(sentences[best].text, opts.tldr_max_chars)
    else:
        # Nothing passed the prose filters (a stub, or a script the filters do not know): the
        # standfirst, else the first block that is not furniture, else the title.
        fallback = article.standfirst or next(
            (b.text for b in article.body
             if b.type != "heading" and not b.is_listing and b.text.strip() and not is_furniture(b.text)),
            None,
        )
        tldr = shorten(fallback or article.title or "", opts.tldr_max_chars)

    kw, candidates = keywords_and_terms([s.text for s in sentences], article.title, text_lang, article.tags, opts.keywords)
    # Hashtags name what the post visibly is about: words of the title, standfirst, lead or TL;DR.
    lead = [s.text for s in sentences[:_LEAD_SENTENCES]]
    grounding = "\n".join(x for x in (article.title, article.standfirst, *lead, tldr) if x)
    prose = "\n".join([article.title or "", *(s.text for s in sentences[:40])])  # how words are used
    # A language without stop words and determiners here (Korean, Russian, Indonesian…) gives no
    # hashtags: its function words would pass as names ("#Dan"), and none beats a bad one.
    tags = make_hashtags(candidates, text_lang, opts.hashtags, grounding=grounding, text=prose,
                         headline=article.title) if lang in SUPPORTED else []
    return Summary(
        title=article.title,
        tldr=tldr,
        summary=" ".join(s.text for s in summary_sents),
        key_points=tuple(s.text for s in points),
        keywords=tuple(kw),
        hashtags=tuple(tags),
        language=lang,
        reading_time_min=_reading_time(article, opts.words_per_minute),
    )


summarize = summarise  # American spelling, as in the CLI verb
