"""Reader for text copied out of a browser (Select All + Copy): the pasted-text format.

A paste is the whole page flattened into lines: menus, the headline, a photo caption (often
twice, once with its credit glued on), the byline and dates, share widgets, the article, then
"You might also like" and the footer. The reader works in three passes, each in its own module
under :mod:`composer.ingest.paste`:

1. every line gets features (length, function-word share, widget vocabulary) — ``lines``;
2. the body is the heaviest run of prose lines — ``body`` (this is what the extraction
   benchmark measures);
3. the lines just above the body are read for the headline (the headline-like line that best
   shares its words with the lead), standfirst, byline, dates and the lead photo, and the lines
   after it for related headlines and tags — ``meta`` plus the functions here.

Nothing here knows any particular outlet: the rules are about shapes of lines that recur across
sites and languages, and the tests hold fixtures in several outlets' styles to keep it so.
"""

from __future__ import annotations

import re
import textwrap
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from composer import regexcache as rx
from composer.article import Article, Block, Doubt, Image, Related, Source, Span
from composer.dates import find_date
from composer.errors import InputError
from composer.ingest.paste import memo, meta, roles
from composer.ingest.paste.body import find_body, is_widget
from composer.ingest.paste.code import code_lines
from composer.ingest.paste.doubts import UNSURE_BELOW, Unsure, doubt
from composer.ingest.paste.lexicon import FOOTER_LINK, RELATED_HEADINGS, STOPWORDS
from composer.ingest.paste.lines import Line, lower_tokens, split_lines
from composer.ingest.paste.toc import contents
from composer.ingest.sanitize import defang_article
from composer.lang import detect_language

_LIST_MARK = rx.compile(r"^(?:[-*•·▪●◦–]\s+)(?P<text>.+)$")
_NUMBERED = rx.compile(r"^\d{1,2}[.)]\s+\S")
_OPEN_QUOTE = "\"“„«‘'‹»"
_CLOSE_QUOTE = "\"”“»’'›«"
_ATTRIBUTION = rx.compile(r"^[—–-]{1,2}\s*(?P<who>\S.{0,80})$")
_INLINE_RELATED = rx.compile(
    r"^(?:read more|read also|related|see also|more|lire aussi|à lire aussi|voir aussi|lesen sie auch|mehr zum thema|"
    r"auch interessant|lee también|leer más|ver también|leggi anche|lees ook|leia também|veja também)\s*[:|»>]\s*\S|"
    r"^【関連(?:記事|ニュース)?】",  # Japanese: "【関連記事】" before the linked headline
    re.I,
)
# A screen reader's link past a box inside the article, whose other end reads "after …": "skip past
# newsletter promotion" … "after newsletter promotion".
_SKIP_PAST = rx.compile(r"^skip past (.{3,40})$", re.I)
_CREDIT_LINE = rx.compile(
    r"^\(?(?:reporting|writing|editing|additional reporting|compiled|edited|translated|graphics?|photos?)\s+by\b.*"
    r"|^\((?:reporting|writing|editing) .*\)$",
    re.I,
)
_COPYRIGHT_YEAR = rx.compile(r"(?:©|\bcopyright\b)\s*(?:\d{4}\s*[-–]\s*)?((?:19|20)\d\d)", re.I)
_DIGIT = rx.compile(r"\d")
_YEAR = rx.compile(r"^((?:19|20)\d\d)")
_LONGEST_STANDFIRST = 60  # words: a longer line at the top of the body is a paragraph of the article
_HEADER_SCAN = 12  # lines at the top of the body run that may still be header (byline, caption)
_TITLE_SCAN = 14  # lines above the body walked for the headline and header lines
_TITLE_WINDOW = 30  # lines above the body searched for a headline that matches the lead
_HANDLE = rx.compile(r"^@\w{2,30}$")  # "@janedoe" under a byline


@dataclass
class _Header:
    title: str | None = None
    standfirst: str | None = None
    authors: list[str] = field(default_factory=list)
    published: str | None = None
    updated: str | None = None
    caption: str | None = None
    credit: str | None = None
    title_at: int | None = None  # the lines the rules took the title, byline and date from
    byline_at: int | None = None
    date_at: int | None = None
    unsure: dict[str, Unsure] = field(default_factory=dict)  # Article field -> the model's doubt


def _headline_like(line: Line) -> bool:
    text = line.text
    return (
        2 <= line.words <= 30
        and len(text) >= 12
        and not is_widget(line)
        and not text.endswith((",", ";"))
        and not (text.endswith(".") and line.words > 20)
        and (text[0].isupper() or text[0].isdigit() or text[0] in _OPEN_QUOTE)
    )


def _standfirst_like(line: Line) -> bool:
    return line.words >= 8 and line.closed and not is_widget(line)


class _LineKinds:
    """What each line near the body is: caption, credit, byline, date or none of these."""

    def __init__(self, lines: Sequence[Line]) -> None:
        self.lines = lines
        self._caption: dict[int, tuple[str, str | None]] = {}  # index -> (caption, credit)
        self._credit: dict[int, str] = {}
        self._byline: dict[int, list[str]] = {}
        self._date: set[int] = set()
        self._done: set[int] = set()

    # Lines are classified on first use: only those near the body are ever asked about.
    def _ensure(self, i: int) -> None:
        if i not in self._done:
            self._done.add(i)
            if 0 <= i < len(self.lines):
                self._classify(i, self.lines[i])

    def caption(self, i: int) -> tuple[str, str | None] | None:
        self._ensure(i)
        return self._caption.get(i)

    def credit(self, i: int) -> str | None:
        self._ensure(i)
        return self._credit.get(i)

    def byline(self, i: int) -> list[str] | None:
        self._ensure(i)
        return self._byline.get(i)

    def is_date(self, i: int) -> bool:
        self._ensure(i)
        return i in self._date

    def _classify(self, i: int, line: Line) -> None:
        text = line.text
        if line.words > 60:
            return  # a paragraph, not a header line
        if self._labelled_credit(i, line):
            return
        has_digit = _DIGIT.search(text) is not None
        names = meta.byline_names(text) if line.words <= 24 else None
        names = names or self._name_with_role(i) or self._name_after_by(i) or self._organisation(i)
        if names:
            self._byline[i] = names
            if has_digit and meta.find_date(text):
                self._date.add(i)
            return
        if line.words <= 20 and meta.is_date_line(text):
            self._date.add(i)
            return
        label = meta.caption_label(text)
        if label:
            self._caption[i] = (label, None)
            return
        credit = meta.credit_of(text)
        if credit:
            self._credit[i] = credit
            return
        glued = None
        low = text.lower()
        if not line.closed or "photograph" in low or "foto:" in low or "photo:" in low:
            glued = meta.split_glued_credit(text) or meta.trailing_credit(text)
        nxt = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        if glued:
            self._caption[i] = glued
        elif nxt.startswith(text) and len(nxt) > len(text):
            # The caption alone, followed by the same caption with its credit glued on.
            split = meta.split_glued_credit(nxt)
            if split:
                self._caption[i] = (text, split[1])

    def _labelled_credit(self, i: int, line: Line) -> bool:
        """A photo's caption, credit label and credit on three lines ("Fed-Vizechef Michael Barr: …" /
        "Foto:" / "Andrew Harnik / AP"): the label and the credit are credit lines, the line above
        them the caption. Each line decides from its own neighbours, so the answer does not
        depend on which of the three is asked about first."""
        lines = self.lines

        def credit_under(j: int) -> str | None:  # the credit under a bare label at ``j``
            if j >= 0 and j + 1 < len(lines) and meta.credit_label(lines[j].text):
                below = lines[j + 1]
                if 1 <= below.words <= 8 and not below.closed:
                    return below.text
            return None

        if credit := credit_under(i):
            self._credit[i] = credit  # the label
        elif credit := credit_under(i - 1):
            self._credit[i] = credit  # the credit itself
        elif (credit := credit_under(i + 1)) and 4 <= line.words <= 60 and not is_widget(line):
            # (not a name over the photo: in a gallery of people it heads the person's section)
            self._caption[i] = (line.text, credit)
        else:
            return False
        return True

    def _name_with_role(self, i: int) -> list[str] | None:
        text = self.lines[i].text
        nxt = self.lines[i + 1].text if i + 1 < len(self.lines) else ""
        if (
            meta.is_person_name(text)
            and not meta.is_person_name(nxt)
            and (meta.is_role(nxt) or meta.is_date_line(nxt) or _HANDLE.match(nxt))
            and not meta.credit_of(nxt)
        ):
            return [text]
        # "Sam Okafor Environment correspondent": a name, then a role on the same line.
        words = text.split()
        if 3 <= len(words) <= 7 and meta.is_role(text) and words[-1][:1].islower():
            caps = 0
            while caps < len(words) and words[caps][:1].isupper():
                caps += 1
            name = " ".join(words[: caps - 1])
            if caps >= 3 and meta.is_person_name(name):
                return [name]
        return None

    def _name_after_by(self, i: int) -> list[str] | None:
        """A name under a line that ends in "by" ("Written on Mar 17 by" / "Pippin Lee"): the byline
        split where the name is a link. Not under "Photo by" or "Powered by" (a credit, a logo)."""
        if i == 0 or not meta.is_person_name(self.lines[i].text):
            return None
        return [self.lines[i].text] if meta.writer_follows(self.lines[i - 1].text) else None

    def _organisation(self, i: int) -> list[str] | None:
        """An agency or site credited as the byline: "Von dpa" on its own, "Reuters" or "AFP, MANILA"
        only next to a date line (alone, "AFP" is as often a photo credit or a logo)."""
        line = self.lines[i]
        if line.words > 8:
            return None
        found = meta.org_credit(line.text)
        if not found:
            return None
        names, labelled = found
        near = (self.lines[j].text for j in range(max(0, i - 2), min(len(self.lines), i + 3)) if j != i)
        if labelled or any(len(t) <= 100 and meta.is_timestamp(t) for t in near):
            return names
        return None

    def is_meta(self, i: int) -> bool:
        self._ensure(i)
        return (
            i in self._caption
            or i in self._credit
            or i in self._byline
            or i in self._date
            or self._is_role(i)
            or bool(_HANDLE.match(self.lines[i].text))
        )

    def _is_role(self, i: int) -> bool:
        return (
            i > 0 and self.lines[i].words <= 6 and self.byline(i - 1) is not None and meta.is_role(self.lines[i].text)
        )


def _trim_start(lines: Sequence[Line], kinds: _LineKinds, start: int, end: int) -> int:
    """Move the body start past header lines (byline, dates, caption, widgets) caught in the run.

    Only a standfirst (one prose line) may sit above such header lines; once the run has shown
    two prose lines, later bylines or dates belong to the article (an embedded post, a quote).
    A widget under a prose line ("ADVERTISING" after the lead) is inside the article already: it
    moves the start only where no prose has been seen since the last header line.
    """
    new_start = start
    prose = 0
    for i in range(start, min(end, start + _HEADER_SCAN)):
        line = lines[i]
        if kinds.is_meta(i) or (is_widget(line) and prose == 0):
            new_start = i + 1
            prose = 0
        elif line.words >= 8 and line.closed:
            prose += 1
            if prose >= 2 or line.words >= _LONGEST_STANDFIRST:
                break  # (a paragraph that long is the article's, even with a photo's caption under it)
    # Never trim away the whole body.
    return new_start if new_start < end else start


def _content_words(text: str) -> set[str]:
    return {w for w in lower_tokens(text) if len(w) >= 4 and w not in STOPWORDS}


def _menu_item(lines: Sequence[Line], i: int) -> bool:
    """A short line between two one- or two-word labels: an entry of a menu or a section's tabs
    ("Liveticker / Medaillen heute / Zeitplan"), whose words the lead may share by chance."""
    if lines[i].words > 3 or i == 0 or i + 1 >= len(lines):
        return False
    return all(lines[j].words <= 2 and not lines[j].closed for j in (i - 1, i + 1))


def _walk_to_title(lines: Sequence[Line], kinds: _LineKinds, start: int) -> int | None:
    """The headline by position: the first headline-like line above the header lines."""
    i = start - 1
    skipped_standfirst = False
    while i >= max(0, start - _TITLE_SCAN):
        line = lines[i]
        if kinds.is_meta(i) or is_widget(line) or _HANDLE.match(line.text):
            i -= 1
            continue
        prev = lines[i - 1] if i > 0 else None
        if not skipped_standfirst and prev is not None and _is_standfirst(line, prev) and not kinds.is_meta(i - 1):
            skipped_standfirst = True
            i -= 1
            continue
        return i if _headline_like(line) else None
    return None


def _find_title(lines: Sequence[Line], kinds: _LineKinds, start: int, lead: str) -> int | None:
    """The headline: the line above the body that best shares its words with the lead.

    A headline restates the first paragraphs, so word overlap finds it among kickers, menus and
    teasers; position alone (the nearest headline-like line) is the fallback.
    """
    lead_words = _content_words(lead)
    best, best_score = None, 0.0
    for i in range(max(0, start - _TITLE_WINDOW), start):
        line = lines[i]
        if not _headline_like(line) or kinds.is_meta(i) or _HANDLE.match(line.text) or _menu_item(lines, i):
            continue
        words = _content_words(line.text)
        if len(words) < 2:
            continue
        overlap = len(words & lead_words) / len(words)
        # Short kickers ("DUBAI AIRSHOW") overlap fully by chance; full headlines say more.
        score = overlap * min(1.0, len(words) / 4) - 0.005 * (start - i) - (0.3 if line.text.endswith(".") else 0.0)
        if overlap >= 0.34 and score > best_score:
            best, best_score = i, score
    walked = _walk_to_title(lines, kinds, start)
    if best is None or (walked is not None and lines[walked].text == lines[best].text):
        return walked
    return best


def _is_standfirst(line: Line, title: Line) -> bool:
    """A summary under the headline: a sentence, or a line clearly longer than the headline."""
    return (
        _headline_like(title)
        and (not title.closed or title.text[-1] in "\"”»“")  # a headline may end in a quotation
        and title.words >= 3
        and not is_widget(line)
        and (_standfirst_like(line) or (line.words >= 12 and line.words > 1.3 * title.words))
    )


def _read_header(lines: Sequence[Line], kinds: _LineKinds, start: int, lead: str) -> _Header:
    """Headline, standfirst, byline, dates and lead photo from the lines above the body."""
    head = _Header()
    title_at = _find_title(lines, kinds, start, lead)
    lowest = max(0, start - _TITLE_SCAN)
    if title_at is not None:
        lowest = title_at
        _set_title(head, lines, kinds, title_at, start)
    for i in range(lowest, start):
        _collect(head, kinds, i)
    return head


def _set_title(head: _Header, lines: Sequence[Line], kinds: _LineKinds, title_at: int, start: int) -> None:
    """The headline at ``title_at`` and the standfirst under it, if there is one.

    A page that prints its headline twice (a hero block, then the article's own header) may
    have the standfirst under the first copy only, so every copy a few lines up is looked under.
    """
    head.title, head.title_at, head.standfirst = meta.clean_title(lines[title_at].text), title_at, None
    text = lines[title_at].text
    copies = [title_at, *(j for j in range(title_at - 1, max(-1, title_at - 10), -1) if lines[j].text == text)]
    for at in copies:
        nxt = at + 1
        while nxt < start and lines[nxt].text == text:
            nxt += 1  # the headline printed twice in a row
        while nxt < min(start, at + 3) and kinds.is_meta(nxt):
            nxt += 1  # the lead photo's caption, a date or a byline between the headline and the standfirst
        if nxt < start and not kinds.is_meta(nxt) and _is_standfirst(lines[nxt], lines[at]):
            head.standfirst = lines[nxt].text
            return


def _collect(head: _Header, kinds: _LineKinds, i: int) -> None:
    text = kinds.lines[i].text
    names = kinds.byline(i)
    if names and not head.authors:
        head.authors, head.byline_at = names, i
    if kinds.is_date(i):
        if head.published is None and head.date_at is None:
            head.date_at = i
        _take_dates(head, text)
    caption = kinds.caption(i)
    if caption and head.caption is None:
        head.caption = caption[0]
        head.credit = head.credit or caption[1]
    credit = kinds.credit(i)
    if credit and head.credit is None:
        head.credit = credit


def _take_dates(head: _Header, text: str) -> None:
    """Published and updated dates from a date line (one line may hold both); the first wins."""
    published, updated = meta.dates_of(text)
    head.published = head.published or published
    head.updated = head.updated or updated


def _reference_year(head: _Header, text: str) -> int | None:
    for value in (head.published, head.updated):
        if value and _YEAR.match(value):
            return int(value[:4])
    m = _COPYRIGHT_YEAR.search(text)
    return int(m.group(1)) if m else None


def _listing(raw: list[str]) -> Block:
    """A code listing as one block, its lines' indentation and columns as copied (less the margin
    they share), marked as code the way the Markdown reader marks a fenced block."""
    text = textwrap.dedent("\n".join(raw)).strip("\n")
    return Block("paragraph", text, (Span(0, len(text), "code"),))


def _blocks(lines: Sequence[Line], kinds: _LineKinds, start: int, end: int,
            toc: tuple[set[int], set[int]]) -> list[Block]:
    code = code_lines(lines[start:end])
    headings, entries = toc
    keep: list[int] = []
    skip_to = -1
    for i in range(start, end):
        line = lines[i]
        text = line.text
        if i <= skip_to:
            continue
        if (m := _SKIP_PAST.match(text)) and (
            after := next((j for j in range(i + 1, min(end, i + 16)) if lines[j].text.lower() == "after " + m.group(1).lower()), None)
        ):
            skip_to = after  # a box inside the article (a newsletter's sign-up form), with labels that skip it
            continue
        if i - start in code:
            keep.append(i)  # a listing's lines, figures and dates included, are one code block
            continue
        if is_widget(line) or kinds.is_meta(i) or i in headings or i in entries:
            continue  # furniture, header lines, and a table of contents (its sections follow)
        if (
            _CREDIT_LINE.match(text)
            or _INLINE_RELATED.match(text.lstrip("[(«"))
            or RELATED_HEADINGS.match(line.key)
            or (line.words <= 30 and (m := meta.TAG_HEADING.match(text)) and m.group("inline"))
        ):
            continue
        # A caption before a credit line ("Kevin Mayer … streaming service" / "(Walt Disney Co.)").
        if i + 1 < end and not line.closed and line.words < 40 and kinds.credit(i + 1) and not (
            meta.credit_label(lines[i + 1].text) and meta.is_person_name(text)
        ):  # (a name over "Фото:" and its credit heads that person's part of a gallery)
            continue
        if _drop_cap(lines, i):
            continue  # "H" over "ong Kong is burning.": glued back onto its paragraph below
        keep.append(i)
    blocks: list[Block] = []
    listing: list[str] = []
    skip_next = False
    for n, i in enumerate(keep):
        if skip_next:
            skip_next = False
            continue
        line = lines[i]
        text = line.text
        if i - start in code:
            listing.append(line.raw.rstrip())
            following = keep[n + 1] if n + 1 < len(keep) else None
            if following != i + 1 or i + 1 - start not in code:
                blocks.append(_listing(listing))  # the listing's last line: one block for all of it
                listing = []
            continue
        nxt = lines[keep[n + 1]] if n + 1 < len(keep) else None
        marked = _LIST_MARK.match(text)
        if marked:
            blocks.append(Block("list_item", marked.group("text")))
        elif _NUMBERED.match(text) and line.words <= 40:
            blocks.append(Block("list_item", text))
        elif text[0] in _OPEN_QUOTE and text[-1] in _CLOSE_QUOTE and nxt is not None and _ATTRIBUTION.match(nxt.text):
            blocks.append(Block("quote", f"{text} — {_ATTRIBUTION.match(nxt.text).group('who')}"))  # type: ignore[union-attr]
            skip_next = True
        elif (
            line.words <= 12
            and not line.closed
            and nxt is not None
            and nxt.words >= 8
            and blocks
            and not text.endswith((",", ";"))
        ):
            blocks.append(Block("heading", text))
        else:
            if i > 0 and _drop_cap(lines, i - 1):
                text = lines[i - 1].text + text
            blocks.append(Block("paragraph", text))
    return blocks


def _drop_cap(lines: Sequence[Line], i: int) -> bool:
    """Line ``i`` is a paragraph's first letter set apart (a drop cap) and the paragraph follows."""
    text = lines[i].text
    return (
        len(text) == 1
        and text.isupper()
        and i + 1 < len(lines)
        and lines[i + 1].text[:1].islower()
        and lines[i + 1].words >= 8
    )


# Lines of a related box that are not stories: another list's heading ("More to explore", "More in
# Good Deals", "Elsewhere on pv magazine", "Sur le même thème", "From the section US & Canada") …
_OTHER_LIST = rx.compile(
    r"^(?:more (?:to explore|in|on|from|stories)\b|elsewhere on\b|from the section\b|sur le même (?:thème|sujet)|"
    r"recommended (?:video|for you)|partner (?:news|content)|sponsored (?:stories|links|content))"
)
# … and the site's pitches ("Connect with CBC", "Login — Register to add your comments!", "Get our
# analysis delivered right to your inbox").
_PITCH = rx.compile(r"^(?:connect with|log ?in|register|sign (?:up|in)|subscribe|get our|follow us)\b")
# A footer's links run together ("Focus-Heft-Abo RSS Newsletter Archiv Sitemap"): two of these words.
_FOOTER_WORD = rx.compile(r"\b(?:rss|newsletters?|sitemap|archiv|archive|impressum|imprint|datenschutz|privacy|faq)\b")


_SECTION_JOINS = frozenset({"and", "und", "et", "y", "e", "en", "og", "och", "i", "&"})


def _section_label(line: Line, items: Sequence[Related], nxt: str) -> bool:
    """A section's name between the headlines of a related list ("Wilkes-Barre News", "Websites &
    Apps", "LATEST IN AI PLATFORMS & ASSISTANTS"): three capitalised words or fewer, or capitals
    only where the headlines around it (taken, or the next line) are not."""
    words = line.text.split()
    if len(words) <= 3 and all(not w[:1].isalpha() or w[:1].isupper() or w in _SECTION_JOINS for w in words):
        return True  # ("Jobs und Karriere", "Arts and Culture": the joining word in lower case)
    return line.text.isupper() and not nxt.isupper() and not any(item.title.isupper() for item in items)


def _teaser(line: Line, item: str) -> bool:
    """The sentence a card prints under its headline: it ends with a full stop where the
    headline above it did not."""
    return line.words >= 8 and line.text.rstrip("\"'”’»").endswith(".") and not item.endswith(".")


def _related(lines: Sequence[Line], end: int, title: str | None, printed: Counter[str]) -> list[Related]:
    """Headlines listed under a "You might also like"-style heading after the body (the article's
    own headline, section labels and the cards' teasers left out). ``printed`` counts how often
    the page prints each line (the role model's ``Context.counts``)."""
    own = meta.clean_title(title).casefold() if title else None
    for i in range(end, min(len(lines), end + 40)):
        if not RELATED_HEADINGS.match(lines[i].key):
            continue
        if sum(1 for line in lines[i + 1 : i + 9] if line.words <= 2) >= 6:
            continue  # a menu of sections under it ("Most viewed" / "World" / "Europe" / "US" …), not stories
        items: list[Related] = []
        seen: set[str] = set()
        last_item = -1  # the line index of the last item taken
        spaced = None  # whether the list has blank lines between items; a change ends it
        for j in range(i + 1, len(lines)):
            line = lines[j]
            if line.end_marker or line.boiler or RELATED_HEADINGS.match(line.key) or FOOTER_LINK.match(line.key):
                break
            if len(items) >= 2 and spaced is False and line.blank_before:
                break
            nxt = lines[j + 1].text if j + 1 < len(lines) else ""
            if (line.furniture or meta.is_date_line(line.text) or meta.byline_names(line.text)
                    or meta.ends_in_read_time(line.text)):
                continue  # a card's date, author or reading time
            if line.text in seen or printed[line.text] >= 5:
                continue  # a card's headline printed again as its link; "Article content" between paragraphs
            if last_item == j - 1 and (
                (not line.blank_before and meta.is_date_line(nxt)) or _teaser(line, items[-1].title)
            ):
                continue  # a card's teaser, under its headline (and above its date)
            if _PITCH.match(line.key) or len(_FOOTER_WORD.findall(line.key)) >= 2:
                if items:
                    break  # the site's pitch or its footer's links after the list: the list is over
                continue
            if line.words <= 12 and meta.agency_byline(line.text):
                continue  # a card's writers and agency ("Ulrich Steinkohl und Carsten Hoffmann, dpa")
            if (_section_label(line, items, nxt) or _OTHER_LIST.match(line.key)
                    or (own is not None and meta.clean_title(line.text).casefold() == own)):
                continue  # a section's name or another list's heading among the headlines, or the article itself
            if line.words > 30 or not _headline_like(line):
                if items and line.words > 3:
                    break
                continue  # a section label between headlines ("Markets")
            if len(items) == 1:
                spaced = line.blank_before
            items.append(Related(title=line.text))
            seen.add(line.text)
            last_item = j
            if len(items) >= 10:
                break
        if items:
            return items
    return []


def _tags(lines: Sequence[Line], end: int) -> list[str]:
    """Topic labels listed after the body ("Tags", "Archivado en", "Explore more on these topics")."""
    for i in range(end, min(len(lines), end + 30)):
        m = meta.TAG_HEADING.match(lines[i].text)
        if not m or lines[i].words > 40:
            continue
        if m.group("inline"):
            parts = re.split(r"\s*[,;|•·]\s*", m.group("inline"))
            return [p for p in parts if p and len(p.split()) <= 5][:20]
        tags: list[str] = []
        for line in lines[i + 1 :]:
            if line.words > 5 or line.end_marker or line.boiler or line.furniture or (tags and line.blank_before):
                break
            if line.words:  # not a stray separator ("," or "|") between tag links
                tags.append(line.text)
            if len(tags) >= 20:
                break
        return tags
    return []


@dataclass
class Analysis:
    """A paste cut into lines, its body found and its header read by the rules (before the model)."""

    lines: list[Line]
    kinds: _LineKinds
    start: int
    end: int
    blocks: list[Block]
    head: _Header
    toc: tuple[set[int], set[int]]  # ``toc.contents(lines)``: computed once, read by all three steps

    def context(self) -> roles.Context:
        """What the role model sees: the lines, the body and what the rules chose."""
        lead = " ".join(b.text for b in self.blocks[:3])
        return roles.Context(self.lines, self.kinds, self.start, self.end, lead,
                             self.head.title_at, self.head.byline_at, self.head.date_at, self.toc)


def analyse(text: str, where: str = "the input") -> Analysis:
    """Lines, body and rule-read header of a paste (the model's input; used by the trainer too)."""
    memo.forget()  # answers about the last paste's lines
    lines = split_lines(text)
    if not lines:
        raise InputError(f"{where} is empty: paste the article text, or give a file or URL that has one")
    toc = contents(lines)
    start, end = find_body(lines, toc=toc)
    prose_words = sum(line.words for line in lines[start:end] if line.words >= 8 and not is_widget(line))
    if end <= start or prose_words < 15:
        raise InputError(
            f"no article text found in {where}: it holds only page furniture (menus, buttons, links); "
            "copy the article itself, or pass the page's URL or saved HTML"
        )
    kinds = _LineKinds(lines)
    start = _trim_start(lines, kinds, start, end)
    blocks = _blocks(lines, kinds, start, end, toc)
    if not blocks:
        raise InputError(
            f"no article text found in {where}: copy the article itself, or pass the page's URL or saved HTML"
        )
    head = _read_header(lines, kinds, start, " ".join(b.text for b in blocks[:3]))
    return Analysis(lines, kinds, start, end, blocks, head, toc)


def _apply_roles(page: Analysis) -> roles.Context:
    """Let the learned role model choose the headline, byline and published date among candidates.

    Returns the context it read, whose cached answers (how often each line is printed) the rest
    of the parse reuses."""
    ctx = page.context()
    head, lines = page.head, page.lines
    wiki = roles.wiki_title(ctx)
    cands = roles.title_candidates(ctx) if wiki is None else []
    if wiki is not None and wiki != head.title_at:
        _set_title(head, lines, page.kinds, wiki, page.start)
    if cands:
        choice = roles.choose("title", roles.title_features(ctx, cands), roles.TITLE_FEATURES)
        pick = None if choice is None else roles.refine_title(ctx, cands, choice.index)
        if pick is not None and cands[pick] != head.title_at:
            _set_title(head, lines, page.kinds, cands[pick], page.start)
        if choice is not None and pick == choice.index and choice.probabilities[pick] < UNSURE_BELOW:
            _weigh_doubt(head, "title", choice, lambda j: _title_key(lines[cands[j]].text),
                         lambda j: lines[cands[j]].text)
    if wiki is not None:
        head.authors = []  # a wiki article is written by its editors, and names none of them
    else:
        cands = roles.byline_candidates(ctx, head.title_at)
        choice = roles.choose("byline", roles.byline_features(ctx, cands, head.title_at), roles.BYLINE_FEATURES)

        def names(j: int) -> list[str]:  # what row ``j`` gives as the byline (row 0: none)
            return _names_around(ctx, cands[j - 1]) if j else []

        if choice is not None:
            head.authors = names(choice.index)
            head.byline_at = cands[choice.index - 1] if choice.index else None
            if choice.probabilities[choice.index] < UNSURE_BELOW:
                def shown(j: int) -> str | None:
                    return ", ".join(names(j)) or None

                _weigh_doubt(head, "authors", choice, shown, shown)
    cands = roles.date_candidates(ctx)
    choice = roles.choose("date", roles.date_features(ctx, cands, head.title_at), roles.DATE_FEATURES)

    def published(j: int) -> str | None:  # the published date row ``j`` gives (row 0: none)
        return (meta.dates_of(lines[cands[j - 1]].text)[0] or ctx.dates()[cands[j - 1]]) if j else None

    if choice is not None:
        pick = choice.index
        if pick == 0:
            head.published = None
        elif cands[pick - 1] != head.date_at:
            head.published = published(pick)
        head.date_at = cands[pick - 1] if pick else None
        if choice.probabilities[pick] < UNSURE_BELOW:
            _weigh_doubt(head, "published", choice, lambda j: (published(j) or "")[:10] or None, published)
    return ctx


def _drop_from_top(blocks: list[Block], texts: set[str | None]) -> list[Block]:
    """``blocks`` without those of the first two that read ``texts`` (header lines the body run took in)."""
    return [b for n, b in enumerate(blocks) if not (n < 2 and b.text in texts)]


def _title_key(text: str) -> str:
    return " ".join(text.casefold().split())


def _weigh_doubt(head: _Header, field_name: str, choice: roles.Choice, answer: Callable[[int], object],
                 shown: Callable[[int], str | None]) -> None:
    """Note a doubt about ``field_name`` when the rows that give the pick's answer (``answer``)
    hold less than ``UNSURE_BELOW`` of the model's belief between them."""
    sure, other = choice.certainty(answer)
    if sure < UNSURE_BELOW:
        head.unsure[field_name] = Unsure(sure, shown(other) if other is not None else None)


def _doubts(head: _Header) -> tuple[Doubt, ...]:
    """The model's doubts as warnings about what the article ends up holding."""
    held = {"title": head.title, "authors": ", ".join(head.authors) or None, "published": head.published}
    return tuple(doubt(name, held[name], unsure) for name, unsure in head.unsure.items())


def _names_around(ctx: roles.Context, i: int) -> list[str]:
    """The names on line ``i``, with co-authors named alone on the lines right next to it."""
    names = list(roles.names_of(ctx, i) or [])
    if len(names) == 1 and meta.is_person_name(ctx.lines[i].text):
        for j in (i - 1, i + 1):
            if (
                0 <= j < len(ctx.lines)
                and meta.is_person_name(ctx.lines[j].text)
                and not meta.is_role(ctx.lines[j].text)
                and not ctx.kinds.is_date(j)
            ):
                other = ctx.lines[j].text
                if other not in names and ctx.lines[j].words <= 4:
                    names.insert(0 if j < i else len(names), other)
    return names


_URL_IN_LINE = rx.compile(
    r"^(?:(?P<label>[^\s:]{0,20}(?:\s+[^\s:]+){0,6})\s*:?\s+)?(?P<url>https?://[^\s<>\"']+?)[.,;)]?$", re.I
)
_PERMALINK_LABEL = rx.compile(
    r"\b(?:permalink|perma-link|short ?link|kurz-?link|kurz-?url|copy link|share link|link (?:to|zum|zu) (?:this|diesem|dem)|"
    r"adresse|url|lien|enlace|collegamento|link|source|quelle|originally published)\b",
    re.I,
)
_SLUG_WORDS = rx.compile(r"[^\W\d_]{3,}")
_NOT_ARTICLE_PATH = rx.compile(r"/(?:social|users?|profiles?|authors?|tags?|comments?|search|login|share)(?:/|\?|$)", re.I)


def canonical_url(lines: Sequence[Line], title_at: int | None, start: int, end: int, title: str | None) -> str | None:
    """The article's own address when the paste shows it: a permalink or share link line.

    Only lines outside the body count (links inside the article point elsewhere). A URL whose
    path spells the headline's words is taken first; then one under a label that names it
    ("Permalink https://…", "Kurzlink:", "printed from the address: …"); then a bare URL line
    right under the headline. Site roots ("https://example.org/") are never the article.
    """
    from composer.ingest.sanitize import resolve_url

    title_words = {w.lower() for w in _SLUG_WORDS.findall(title or "")}
    best: tuple[int, str] | None = None
    for line in lines:
        if start <= line.index < end or line.words > 25 or "http" not in line.text:
            continue
        m = _URL_IN_LINE.match(line.text)
        url = resolve_url(m.group("url")) if m else None
        if not m or not url or url.split("://", 1)[1].rstrip("/").count("/") == 0 or _NOT_ARTICLE_PATH.search(url):
            continue
        slug = {w.lower() for w in _SLUG_WORDS.findall(url.split("://", 1)[1].split("/", 1)[-1])}
        label = m.group("label") or ""
        if len(slug & title_words) >= 2:
            rank = 3
        elif label and _PERMALINK_LABEL.search(label):
            rank = 2
        elif not label and title_at is not None and 0 < line.index - title_at <= 5:
            rank = 1
        else:
            continue
        if best is None or rank > best[0]:
            best = (rank, url)
    return best[1] if best else None


def parse(text: str, source: Source) -> Article:
    """The article in text pasted from a web page.

    Raises :class:`InputError` when the text holds no article, only page furniture.
    """
    page = analyse(text, source.path or "the input")
    ctx = _apply_roles(page)
    lines, kinds, start, end, blocks, head = page.lines, page.kinds, page.start, page.end, page.blocks, page.head
    title_line = lines[head.title_at] if head.title_at is not None else None
    if (title_line is not None and start <= title_line.index < end and len(blocks) > 1 and title_line.words <= 25
            and not title_line.text.rstrip("\"”’»").endswith((".", "!", ":", "…"))):
        # The headline opened the body run (a long headline reads like a paragraph): it is the
        # title now, not the body's first paragraph as well. A line that ends like a sentence
        # stays in the body, whatever the headline model made of it.
        said = {title_line.text, head.title}
        blocks = _drop_from_top(blocks, said)
    # The line the byline or the date was read from, caught at the body's start ("Le Monde |
    # 04.05.2015 à 13h36 | Par Martin Untersinger"): a header line, not the first paragraph. (Only
    # a line that does not end like a sentence: "Reuters reported on Monday, 12 May, that …" stays.)
    header = {lines[i].text for i in (head.byline_at, head.date_at) if i is not None and not lines[i].closed}
    if header and len(blocks) > 1:
        blocks = _drop_from_top(blocks, header)
    # A caption that only appears inside the body still describes the lead photo.
    if head.caption is None:
        for i in range(start, end):
            caption = kinds.caption(i)
            if caption:
                head.caption, head.credit = caption[0], caption[1] or head.credit
                if head.credit is None and i > 0:
                    head.credit = kinds.credit(i - 1)
                break
    if head.caption is not None and head.credit is None:
        for i in range(max(0, start - _TITLE_SCAN), start):
            if kinds.credit(i):
                head.credit = kinds.credit(i)
                break
    dateline = meta.wire_dateline(blocks[0].text)
    if dateline and head.published is None:
        head.published = find_date(blocks[0].text[: dateline.end()], year=_reference_year(head, text))
    image = None
    if head.caption or head.credit:
        image = Image(url=None, caption=head.caption, credit=head.credit, alt=head.caption)
    sample = " ".join(b.text for b in blocks)[:2000]
    return defang_article(Article(
        title=head.title,
        body=tuple(blocks),
        standfirst=head.standfirst,
        authors=tuple(head.authors),
        published=head.published,
        updated=head.updated,
        url=canonical_url(lines, head.title_at, start, end, head.title),
        language=detect_language(sample),
        image=image,
        related=tuple(_related(lines, end, head.title, ctx.counts())),
        tags=tuple(_tags(lines, end)),
        source=source,
        doubts=_doubts(head),
    ))  # (a paste holds whatever the page showed, "<script>" as text too: no output carries it)
