"""The per-line features of pasted text: the fast forms give exactly what the plain patterns give."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from composer.ingest.paste import lines as L
from composer.ingest.paste import memo
from composer.ingest.paste.lexicon import BOILERPLATE_RULES
from composer.textutil import normalize_text
from tests.deadline import deadline

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "paste"

# Every boilerplate phrase in one alternation, as the reader searched them before the hints.
BOILERPLATE = re.compile("|".join(pattern for _hints, pattern in BOILERPLATE_RULES))

# The sentence-end test as it was written before: a regular expression anchored at the end.
_CLOSED_RE = re.compile(r"[.!?…:;。！？][\"'”’»)\]]*$|[\"”»]$")


@pytest.mark.parametrize(
    "text",
    ["A sentence.", "A headline", "He said: “No.”", "Quoted»", "(Aside.)", "Ends with a quote'", "What?!",
     "句子。", "", ".", "”", "a)", "Number 3", "Colon:", "Dots…)]", "'"],
)
def test_is_closed_matches_the_anchored_pattern(text: str) -> None:
    assert L._is_closed(text) == bool(_CLOSED_RE.search(text))


def _corpus_lines(corpus: Path) -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in sorted((corpus / "extraction" / "aeb" / "text").glob("*.txt"))]
    for path in (corpus / "extraction" / "readability-pasted.jsonl", corpus / "extraction" / "pasted-meta" / "pages.jsonl"):
        texts += [json.loads(row)["text"] for row in path.read_text(encoding="utf-8").splitlines()]
    texts += [p.read_text(encoding="utf-8") for p in sorted(FIXTURES.glob("*.txt"))]
    return [line.strip() for text in texts for line in normalize_text(text).split("\n") if line.strip()]


def test_boilerplate_by_hints_is_the_whole_alternation_on_every_corpus_line(corpus: Path) -> None:
    lines = _corpus_lines(corpus)
    assert len(lines) > 50_000
    hits = 0
    for line in lines:
        low = line.lower()
        want = bool(BOILERPLATE.search(low))
        hits += want
        assert L._boilerplate(low) == want, line
    assert hits > 500  # the phrases do occur: the comparison is not between two empty answers
    for line in lines:
        assert L._is_closed(line) == bool(_CLOSED_RE.search(line)), line


@pytest.mark.parametrize(
    "line",
    ["cliquez ici pour lire", "klicken sie hier", "haga clic aquí", "clicca qui", "klik hier",
     "this video is not available", "this content is supported", "all rights reserved",
     "sign up for our weekly newsletter", "save this article and read it later", "articoli salvati",
     "den nächsten abschnitt ähnliche themen überspringen", "skip next section related topics",
     "diese audioversion wurde künstlich generiert.", "wir freuen uns über ihr feedback zu diesem angebot.",
     "we would love your feedback on this feature", "like this story? share it with a friend!",
     # paywall notices where the free part ends
     "la suite est réservée à nos abonnés. déjà abonné ? se connecter", "article réservé aux abonnés",
     "already a subscriber? log in", "this story is available only to subscribers",
     "bereits abonnent? hier anmelden", "¿ya eres suscriptor? inicia sesión", "sei già abbonato? accedi",
     "já é assinante? entre", "al abonnee? log in", "best gifts for co-workers under $50... see full gallery",
     "using an ad blocker?", "ad block users: some site features may not work", "want to see fewer ads?",
     "become a member.", "this advertisement has not loaded yet, but your article continues below.",
     "story continues below gallery",
     # a site's plea to be followed on Google News
     "follow the harbour post on google news and add us as a preferred source.",
     "add the harbour post to your google news feed.", "cek berita dan artikel lain di google news",
     "mit meiner anmeldung zum newsletter stimme ich der werbevereinbarung zu.",
     "have a tip? dana whitfield may be reached at dana@example.org.",
     "ihre meinung ist uns wichtig. senden sie uns ihr feedback zu diesem artikel an: briefe@example.org"],
)
def test_each_phrase_is_found_through_its_hints(line: str) -> None:
    assert BOILERPLATE.search(line)
    assert L._boilerplate(line)



@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("See also: New Zealand place names", True),
        ("Main articles: Government of New Zealand and Politics of New Zealand", True),
        ("Article détaillé : Histoire de la Nouvelle-Zélande", True),
        ("Siehe auch: Liste der Städte in Neuseeland", True),
        ("See also", False),  # a heading over a list of links: the related-stories rules judge it
        ("See also the council's reply, published on Friday, which disputes the figures.", False),
    ],
)
def test_wiki_hatnotes_are_furniture(line: str, furniture: bool) -> None:
    assert L.make_line(0, line).furniture is furniture


def test_a_line_that_introduces_a_list_is_not_a_comment_header() -> None:
    assert not L.make_line(0, "In a wide-ranging interview, President Obama also said:").end_marker
    assert L.make_line(0, "joetoronto says:").end_marker
    assert L.make_line(0, "Alex on September 17, 2018 at 6:34 am said:").end_marker


@pytest.mark.parametrize(
    ("line", "marker"),
    [("Response", False), ("Responses", True), ("1 Response", True), ("12 Responses", True), ("Comments", True),
     ("There are 13 comments", True), ("There is one reply", True), ("There are 13 ways to comment", False),
     ("ABOUT THE AUTHOR", True), ("Über die Autor:in", True), ("About the author's new book", False),
     ("Enviá tu comentario", True)],
)
def test_a_bare_response_heading_does_not_end_the_article(line: str, marker: bool) -> None:
    """"Response" is a section of an API post ("Request", "Response", "Headers") as often as it is a
    comment thread's heading; the thread's heading is plural or counted."""
    assert L.make_line(0, line).end_marker is marker


@pytest.mark.parametrize(
    ("line", "furniture"),
    [
        ("Follow on Facebook", True),
        ("Follow by Email", True),
        ("Folgen Sie uns auf Instagram", True),
        ("Weitere Beiträge anzeigen", True),
        ("Load more stories", True),
        ("Voir plus", True),
        ("Paylaş", True),  # "Share" in Turkish, Polish, Czech, Swedish
        ("Udostępnij", True),
        ("Sdílet", True),
        ("Dela", True),
        ("Article content", True),  # an ad slot's labels inside the article
        ("Advertisement 2", True),
        ("REKLAMA", True),  # "Advertisement" in Polish and Czech, Norwegian, Russian
        ("ANNONSØRINNHOLD", True),
        ("Реклама:", True),
        ("Czytaj więcej", True),  # "Read more", "Related", "Show more Show less"
        ("Související", True),
        ("Vis mer Vis mindre", True),
        ("Reklama na billboardach zniknie z miast", False),  # a headline about advertising
        ("View 6 Images", True),  # a gallery's button
        ("See all 12 photos", True),
        ("View 6 images of the new harbour", False),
        ("この記事の画像を見る(2枚)", True),  # "see this article's pictures (2)"
        ("À découvrir", True),
        ("Continue Reading Below", True),  # an ad slot's label
        ("Follow the money", False),  # a headline, not a button
        ("Show more of the harbour to visitors, council told", False),
    ],
)
def test_follow_and_show_more_buttons_are_furniture(line: str, furniture: bool) -> None:
    assert L.make_line(0, line).furniture is furniture


@pytest.mark.parametrize(
    "line",
    ["ad blocking: the unnecessary internet apocalypse", "more readers now use ad blockers than ever",
     "become a member of the harbour club, the council urged",
     "google news changed how the harbour post reaches its readers"],
)
def test_a_story_about_ad_blockers_or_members_is_not_boilerplate(line: str) -> None:
    assert not L._boilerplate(line)


def test_space_runs_and_odd_spaces_become_one_space() -> None:
    lines = L.split_lines("one\u00a0two  three \t four\u2009five six\n  x\u3000\u3000y  ")
    assert [line.text for line in lines] == ["one two three four five six", "x y"]
    assert lines[0].raw == "one\u00a0two  three \t four\u2009five six"  # (the copy as it was, for listings)


def test_a_very_long_word_is_read_in_linear_time() -> None:
    """A paste with a 30,000-letter run (an inline image's data, a minified script) took nearly
    nine seconds: a glued-label pattern tried the run from each of its letters. Five seconds is
    far above what the reader now needs (tens of milliseconds) and far below what it took."""
    from composer.article import Source
    from composer.ingest.text import parse

    paste = "A headline for the test\n\n" + ("A paragraph of the article, with enough words in it to count. " * 4 + "\n") * 5
    with deadline(5, "reading one long word"):
        for blob in ("a" * 30000, "a-" * 15000):
            art = parse(paste + blob + "\n", Source(path="p.txt", format="text"))
            assert art.title == "A headline for the test"
    assert L._GLUED.search("Share this articleComments") and not L._GLUED.search("a" * 50)


@pytest.mark.parametrize(
    "text",
    ["Share this article", "It's the workers’ day, O'Neill said", "İstanbul'da İKİ kişi", "ΟΔΟΣ.Β και", "Straße 12a"],
)
def test_the_words_the_line_reader_tells_are_the_words_asked_for(text: str) -> None:
    """``make_line`` hands ``lower_tokens`` its answer for a line without apostrophes or "İ";
    told or worked out, the answer is the line's lower-case \\w+ runs."""
    memo.forget()
    L.make_line(0, text)
    told = L.lower_tokens(text)
    memo.forget()
    assert told == L.lower_tokens(text) == tuple(re.findall(r"\w+", text.lower()))


def test_a_told_answer_is_used_until_the_next_paste_and_memory_stays_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    memo.forget()
    memo.tell(L.lower_tokens, "Jane Doe", ("told",))
    assert L.lower_tokens("Jane Doe") == ("told",)  # (not asked again)
    memo.forget()
    assert L.lower_tokens("Jane Doe") == ("jane", "doe")
    monkeypatch.setattr(memo, "_MEMO_LIMIT", 1)
    memo.tell(L.lower_tokens, "John Roe", ("told",))  # (the memo is full: not kept)
    assert L.lower_tokens("John Roe") == ("john", "roe")
