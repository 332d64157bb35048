"""Find the article body among the lines of a paste.

The body is the densest run of prose: long lines rich in function words, interrupted at most by
short subheadings, captions and the odd widget. Every line gets a weight (positive for prose,
negative for menus and widgets) and the body is the run with the largest total, the classic
maximum-subarray answer; then the furniture inside that run is dropped.

Page-level facts sharpen the weights:

* function words are counted per page as well as from fixed lists, so a language without a list
  (Indonesian, Russian) still shows its prose;
* text repeated on the page is template (menus, teaser lists, share bars);
* article paragraphs come in runs, while teaser summaries stand alone between a headline, an
  author and a date, so isolated prose counts for less and long gaps cost more per line;
* readers' comments follow the article: once a thread opens, later prose counts for little, so a
  long discussion cannot outweigh a short article. A bare counter ("12 Comments") opens the thread
  only after a whole article's worth of prose: in a header it sits above the article or under a
  standfirst, while "3 Kommentare" after 300 words of prose is the thread's heading.
* a page that shows no prose by its function words is weighed once more by line length alone
  (languages that write their function words into longer words, such as isiZulu);
* a long run of table rows (short lines with figures: standings, a calendar) can be the article
  itself, so eight or more rows in a row weigh as prose; a few rows stay a sidebar widget.

The numbers in :class:`BodySettings` were tuned by hand on the AEB pasted-text pages (see
``tests/ingest/test_text_corpus.py``); they are kept in one settings object, in the manner of
trafilatura's ``settings.py``, rather than scattered through the code.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace

from composer import regexcache as rx
from composer.ingest.paste.code import code_lines
from composer.ingest.paste.lexicon import RELATED_HEADINGS, TOC_REACH
from composer.ingest.paste.lines import Line, lower_tokens
from composer.ingest.paste.meta import WIRE_DATELINE
from composer.ingest.paste.toc import contents

_COMMENT_COUNT = rx.compile(r"^\d+\s+\w+$")  # "12 Comments": a counter, often in the header
# A headline glued to its teaser text: "…Student-AthleteA 24-year-old woman…"
_GLUED_TEASER = rx.compile(r"[a-z?!’'\")][A-Z][a-z]")
_DIGITS = rx.compile(r"\d")
_BARRIER = -1000.0


@dataclass(frozen=True)
class BodySettings:
    """Line weights for the body search (tuned on AEB pasted text; see the module docstring)."""

    min_words: int = 8  # shorter lines are never prose
    min_stop_ratio: float = 0.12  # share of function words a prose line needs
    max_line_weight: int = 80  # one huge line must not outweigh a whole article
    unclosed_factor: float = 0.3  # prose that does not end like a sentence (headline-ish)
    short: float = -3.0  # menu items, labels, headings
    data_row: float = -0.5  # short lines with numbers: table rows, results, list items
    furniture: float = -15.0  # widgets and boilerplate ("Share", "© 2025 …")
    related_heading: float = -40.0  # "You might also like": the article is over
    repeated: float = -6.0  # text that occurs twice on the page
    teaser: float = -5.0  # "HeadlineSummary…" glued together
    isolated_factor: float = 0.5  # prose with no prose on either side
    gap_growth: float = 2.0  # each further line of a gap costs this much more …
    gap_cap: float = 3.0  # … up to this multiple
    after_comments_factor: float = 0.2  # prose after the comment thread opens
    comments_after_prose: float = 60.0  # prose weight that must precede a marker to count
    counter_after_prose: float = 300.0  # … and a bare counter ("3 Kommentare"), which headers show too
    flat_widgets: bool = True
    extend_tables: bool = True
    table_run: int = 8  # this many data rows in a row are a table the article may be …
    table_row: float = 4.0  # … and then each row weighs this much
    min_body_weight: float = 20.0  # below this the page is searched again, repeats allowed
    code_listings: bool = True  # a code listing (``code.py``) weighs nothing and ends no run
    contents_lists: bool = True  # nor does a table of contents (``toc.py``)


DEFAULT_SETTINGS = BodySettings()


def page_stopwords(lines: Sequence[Line], size: int = 25) -> frozenset[str]:
    """The page's own most frequent short words in its longer lines (its function words)."""
    counts: Counter[str] = Counter()
    for line in lines:
        if line.words >= 10:
            counts.update({t for t in lower_tokens(line.text) if len(t) <= 4 and not t.isdigit()})
    return frozenset(w for w, n in counts.most_common(size) if n >= 3)


def is_widget(line: Line) -> bool:
    """Furniture that never belongs in a body, wherever it sits."""
    return line.furniture or line.end_marker or (line.boiler and line.words < 30)


class Weigher:
    """Turns the lines of one page into weights for the maximum-subarray search."""

    def __init__(self, lines: Sequence[Line], settings: BodySettings = DEFAULT_SETTINGS,
                 toc: tuple[set[int], set[int]] | None = None) -> None:
        self.settings = settings
        self.extra = page_stopwords(lines)
        self._stop: dict[tuple[int, str], float] = {}
        seen: Counter[str] = Counter(line.text for line in lines if line.words >= 3)
        self.repeated = {text for text, n in seen.items() if n > 1}
        # Lines that weigh nothing and open no gap: code listings and tables of contents.
        self.neutral = code_lines(lines) if settings.code_listings else set()
        # ``toc``: the page's ``toc.contents``, when the caller has it already
        self.toc: tuple[set[int], set[int]] = (
            (toc if toc is not None else contents(lines)) if settings.contents_lists else (set(), set())
        )
        self.neutral |= self.toc[0] | self.toc[1]

    def stop_ratio(self, line: Line) -> float:
        """Function-word share by the fixed lists or by the page's own frequent words.

        Remembered per line: a prose line is asked twice per weighing (is it prose, how heavy),
        and a page may be weighed twice."""
        if not self.extra or line.stop >= 0.3:
            return line.stop
        key = (line.index, line.text)
        found = self._stop.get(key)
        if found is None:
            tokens = lower_tokens(line.text)
            own = sum(t in self.extra for t in tokens) / len(tokens) if tokens else 0.0
            found = self._stop[key] = max(line.stop, own)
        return found

    def is_prose(self, line: Line) -> bool:
        return (
            line.words >= self.settings.min_words
            and not is_widget(line)
            and self.stop_ratio(line) >= self.settings.min_stop_ratio
        )

    def weight(self, line: Line) -> float:
        """The weight of one line on its own."""
        s = self.settings
        if line.end_marker:
            return _BARRIER
        if RELATED_HEADINGS.match(line.key):
            return s.related_heading
        if is_widget(line):
            return s.furniture
        if line.text in self.repeated:
            return s.repeated
        if self.is_prose(line):
            if self._glued_teaser(line.text):
                return s.teaser
            w = float(min(line.words, s.max_line_weight))
            w *= min(1.0, 0.4 + self.stop_ratio(line) * 2.5)
            return w if line.closed or line.words >= 40 else w * s.unclosed_factor - 3
        if line.words >= 4 and _DIGITS.search(line.text):
            return s.data_row
        return s.short

    @staticmethod
    def _glued_teaser(text: str) -> bool:
        m = _GLUED_TEASER.search(text[:160])
        if not m or text[:1].islower() or WIRE_DATELINE.match(text):
            return False  # ("LOS ANGELES (AP) — To LeBron James, …": a lead, its capitals the dateline's)
        head = text[: m.start() + 1].split()
        return len(head) >= 3 and sum(w[:1].isupper() for w in head) >= 0.6 * len(head)

    def weights(self, lines: Sequence[Line]) -> list[float]:
        """Line weights adjusted by their neighbours (isolation, gaps, comment threads)."""
        s = self.settings
        out = [self.weight(line) for line in lines]
        # A long table (standings, a calendar, a recipe's quantities) can be the article itself.
        # A row is a short line with figures that does not read as prose ("5a etapa: 20 de maio –
        # Santa Cruz do Sul" is long enough to be weighed as weak prose, and is still a row).
        run = 0
        for i in range(len(out) + 1):
            if i < len(out) and s.short < out[i] <= 0 and lines[i].words >= 4 and _DIGITS.search(lines[i].text):
                run += 1
                continue
            if s.table_run and run >= s.table_run:
                for j in range(i - run, i):
                    out[j] = s.table_row
            run = 0
        # A code listing or a table of contents neither adds to the article nor breaks it: the
        # paragraphs around it belong together, as they do around a widget.
        for i in self.neutral:
            if out[i] > _BARRIER:
                out[i] = 0.0
        # Isolated prose: widgets between paragraphs ("Advertisement") do not separate them.
        text_at = [i for i, line in enumerate(lines) if (not is_widget(line) or line.end_marker) and i not in self.neutral]
        for n, i in enumerate(text_at):
            before = out[text_at[n - 1]] if n > 0 else 0.0
            after = out[text_at[n + 1]] if n + 1 < len(text_at) else 0.0
            if out[i] > 0 and before <= 0 and after <= 0:
                out[i] *= s.isolated_factor
        # Growing gaps: a subheading between paragraphs is normal; headline + author + date is a list.
        k = 0
        for i, w in enumerate(out):
            if w > 0:
                k = 0
            elif (s.flat_widgets and is_widget(lines[i])) or i in self.neutral:
                continue
            elif w > _BARRIER:
                k += 1
                out[i] = w * min(1 + s.gap_growth * (k - 1), s.gap_cap)
        # Comment threads: prose after the first marker that follows the article counts little.
        seen, discount = 0.0, False
        for i, w in enumerate(out):
            if discount and w > 0:
                out[i] = w * s.after_comments_factor
            elif w > 0:
                seen += w
            elif w <= _BARRIER and seen >= s.comments_after_prose and (
                seen >= s.counter_after_prose or not _COMMENT_COUNT.match(lines[i].text)
            ):
                discount = True
        return out


def best_run(weights: Sequence[float]) -> tuple[int, int]:
    """[start, end) of the run of lines with the largest total weight (Kadane's algorithm)."""
    best, best_span = float("-inf"), (0, 0)
    total, start = 0.0, 0
    for i, w in enumerate(weights):
        if total <= 0:
            total, start = 0.0, i
        total += w
        if total > best:
            best, best_span = total, (start, i + 1)
    return best_span


def find_body(lines: Sequence[Line], settings: BodySettings = DEFAULT_SETTINGS, *,
              toc: tuple[set[int], set[int]] | None = None) -> tuple[int, int]:
    """[start, end) of the body run among ``lines``; (0, 0) when there is no prose at all.

    ``toc`` is the page's ``toc.contents(lines)`` when the caller has computed it already.
    """
    if not lines:
        return (0, 0)
    weigher = Weigher(lines, settings, toc)
    weights = weigher.weights(lines)
    start, end = best_run(weights)
    if sum(weights[start:end]) < settings.min_body_weight and weigher.repeated:
        # Hardly any unique prose: a page that prints its article twice still has an article.
        weigher.repeated = set()
        weights = weigher.weights(lines)
        start, end = best_run(weights)
    weak = end <= start or sum(weights[start:end]) < settings.min_body_weight
    lone = not weak and sum(1 for line in lines[start:end] if weigher.is_prose(line)) <= 1
    if (weak or lone) and settings.min_stop_ratio > 0:
        # Still no article, or one paragraph of it: a language whose function words are
        # prefixes and suffixes of longer words (isiZulu, isiXhosa) shows no short function words
        # at all, and its page's one English paragraph (a footer's code of ethics) would be taken
        # for the article. Long lines then count as prose by their length alone, as long as that
        # finds a heavier run — for a lone paragraph, a run of several paragraphs, far heavier.
        plain = replace(settings, min_stop_ratio=0.0)
        plain_weigher = Weigher(lines, plain, weigher.toc)
        if not weigher.repeated:
            plain_weigher.repeated = set()  # (the first pass found the article printed twice: so it is)
        weights_plain = plain_weigher.weights(lines)
        s2, e2 = best_run(weights_plain)
        found = sum(weights_plain[s2:e2]) if e2 > s2 else 0.0
        before = max(0.0, sum(weights[start:end]))
        if weak and found > before or lone and found > 3 * before and _paragraphs(lines[s2:e2], plain_weigher) >= 3:
            weigher, weights, (start, end) = plain_weigher, weights_plain, (s2, e2)
    if end <= start or weights[start] <= 0:
        return (0, 0)
    start = _after_header_contents(lines, weigher, start, end)
    start = _after_related_list(lines, weigher, start, end)
    if settings.extend_tables:
        end = _extend_rows(lines, weigher, end)
    return start, end


# "More on Slate Book Review", "More from Politics": a heading over other stories. Only over a
# list of teasers at the top of the run: in an article, "More on the budget" heads a section.
_MORE_ON = rx.compile(r"^more (?:on|from|in) .{2,40}$")


def _list_heading(line: Line) -> bool:
    return line.words <= 12 and (RELATED_HEADINGS.match(line.key) is not None or _MORE_ON.match(line.key) is not None)


def _after_related_list(lines: Sequence[Line], weigher: Weigher, start: int, end: int) -> int:
    """Where the body starts when the run opens with a list of other stories.

    A sidebar's "Most Popular" or "More on …" list printed above the article ends where the
    article starts, and its teaser headlines, ten or fifteen words each, weigh a little as prose:
    the run can take them in. Three or more teasers right under a "related" heading (in the run
    or just above it) are passed over, up to the first long paragraph.
    """
    i = start
    if not (start > 0 and _list_heading(lines[start - 1])):
        # the heading at the top of the run, perhaps under a photo's caption or credit
        while i < min(end, start + 3) and not _list_heading(lines[i]) and lines[i].words < 12:
            i += 1
        if i >= end or not _list_heading(lines[i]):
            return start
        i += 1
    teasers = 0
    while i < end and 3 <= lines[i].words <= 25 and not (lines[i].closed and lines[i].words >= 20):
        i += 1
        teasers += 1
    if teasers >= 3 and i < end and lines[i].closed and weigher.is_prose(lines[i]):
        return i
    return start


def _paragraphs(lines: Sequence[Line], weigher: Weigher) -> int:
    """How many lines of ``lines`` are paragraphs: prose that ends like a sentence."""
    return sum(1 for line in lines if line.closed and weigher.is_prose(line))


def _after_header_contents(lines: Sequence[Line], weigher: Weigher, start: int, end: int) -> int:
    """Where the body starts when a table of contents lies inside the run.

    A contents list weighs nothing, so a wiki's lead and a tutorial's introduction stay joined
    to the sections after it. When no more than one paragraph comes before the list (a headline,
    a standfirst and a byline above "Contents"), what precedes it is the page's header, and the
    article starts after the list's last entry.
    """
    headings, entries = weigher.toc
    for h in sorted(headings):
        if not start <= h < end:
            continue
        # a paragraph: prose that ends like a sentence, or is long (a wiki's ends in "[3]")
        prose = sum(1 for line in lines[start:h] if (line.closed or line.words >= 30) and weigher.is_prose(line))
        if prose < 2:
            last = max((j for j in entries if h < j <= h + TOC_REACH), default=h)
            if last + 1 < end:
                return last + 1
        break
    return start


def _extend_rows(lines: Sequence[Line], weigher: Weigher, end: int) -> int:
    """Take in a table or list of data rows (dates, scores, venues) that ends the article.

    Rows like "June 9 -- Coral Sky Amphitheatre, West Palm Beach, FL" weigh a little below zero
    each, so a long list right after the last paragraph is never worth adding by weight alone.
    """
    s = weigher.settings
    i = end
    if i < len(lines) and weigher.weight(lines[i]) == s.short and lines[i].words <= 8:
        i += 1  # a heading over the table ("Tour dates")
    rows = 0
    while i < len(lines) and weigher.weight(lines[i]) == s.data_row:
        rows += 1
        i += 1
    return i if rows >= 3 else end


def select_body(lines: Sequence[Line], settings: BodySettings = DEFAULT_SETTINGS) -> list[Line]:
    """The lines of the article body, in order (the bare extractor, without metadata)."""
    start, end = find_body(lines, settings)
    return [line for line in lines[start:end] if not is_widget(line)]
