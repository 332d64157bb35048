"""The extractive summary: its shape and limits, and robustness to dirty pasted text."""

from __future__ import annotations

import re

import pytest

from composer.article import Article, Block, Image, Span, Summary
from composer.summarize import SummaryOptions, shorten, summarise

STORY = [
    "The city council of Riverton approved a new flood barrier on Tuesday after three days of debate.",
    "The barrier will cost 40 million euros and protect about 12,000 homes along the Lune river.",
    "Mayor Anna Berg said the vote was the most important decision of her term.",
    "Construction is expected to start in March and to take two years.",
    "Residents who lost their homes in the 2021 floods welcomed the decision.",
    "Opponents argued that the money should have gone to housing instead.",
    "The national government will pay half of the cost of the flood barrier.",
]


def article(paragraphs: list[str], title: str | None = "Riverton approves flood barrier", **kw) -> Article:
    return Article(title=title, body=tuple(Block("paragraph", p) for p in paragraphs), **kw)


def test_shape_and_limits() -> None:
    s = summarise(article(STORY))
    assert isinstance(s, Summary)
    assert s.title == "Riverton approves flood barrier"
    assert 3 <= len(s.key_points) <= 5
    assert all(p in STORY for p in s.key_points)
    # document order
    assert [STORY.index(p) for p in s.key_points] == sorted(STORY.index(p) for p in s.key_points)
    assert s.tldr in STORY and len(s.tldr) <= 200
    assert 1 <= len(re.findall(r"[.!?](?:\s|$)", s.summary)) <= 3
    assert s.language == "en" and s.reading_time_min == 1
    assert s.keywords and s.hashtags
    assert s.key_points[0] == STORY[0]  # news: the lead carries the story


def test_options_change_counts() -> None:
    s = summarise(article(STORY), SummaryOptions(key_points=5, summary_sentences=3, hashtags=2, keywords=4))
    assert len(s.key_points) == 5
    assert len(re.findall(r"[.!?](?:\s|$)", s.summary)) == 3
    assert len(s.hashtags) <= 2 and len(s.keywords) <= 4


def test_deterministic() -> None:
    a = article(STORY)
    assert summarise(a) == summarise(a)


def test_title_none_and_tiny_articles() -> None:
    s = summarise(article(STORY, title=None))
    assert s.title is None and s.tldr and len(s.key_points) == 3
    one = summarise(article(["Only one sentence here, and it is short."], title=None))
    assert one.key_points == ("Only one sentence here, and it is short.",)
    assert one.tldr == "Only one sentence here, and it is short."
    empty = summarise(Article(title="Just a title", body=()))
    assert empty.key_points == () and empty.tldr == "Just a title" and empty.reading_time_min == 1
    stub = summarise(article(["Share this article", "Flood barrier approved"], title="Riverton"))
    assert stub.key_points == () and stub.tldr == "Flood barrier approved"


def test_title_is_not_repeated_as_a_key_point() -> None:
    s = summarise(article(["Riverton approves flood barrier", *STORY]))
    assert "Riverton approves flood barrier" not in s.key_points


def test_reading_time_grows_with_length() -> None:
    long = article(STORY * 40)
    assert summarise(long).reading_time_min == pytest.approx(len(" ".join(STORY * 40).split()) / 230, abs=1)


def test_tldr_shortened_at_a_boundary_never_mid_word() -> None:
    long_sentence = (
        "The council of the small riverside town of Riverton, which has been flooded four times in the past "
        "decade and whose residents have campaigned for years, finally approved a flood barrier worth forty "
        "million euros on Tuesday evening after a debate that lasted three days and nights."
    )
    s = summarise(article([long_sentence, "It is the biggest project in the town's history."]))
    assert len(s.tldr) <= 200
    words = set(re.findall(r"\w+", long_sentence)) | {"It", "is", "the", "biggest", "project", "in", "town", "s", "history"}
    assert all(w in words for w in re.findall(r"\w+", s.tldr))  # no word was cut in half
    assert s.tldr.count(". ") == 0  # one sentence


@pytest.mark.parametrize("limit", [40, 80, 120, 200])
def test_shorten(limit: int) -> None:
    text = ("Alpha beta gamma delta, epsilon zeta eta theta iota kappa lambda mu nu xi omicron pi rho sigma "
            "tau upsilon phi chi psi omega and then some more words to make it long enough for every limit.")
    out = shorten(text, limit)
    assert len(out) <= limit
    assert out.endswith((".", "…"))
    assert all(w in text.split() or w.rstrip(".,…") in text.replace(",", "").split() for w in out.split())
    assert shorten("Short.", limit) == "Short."


DIRTY = [
    "Skip to main content",
    "Who approves the Riverton flood barrier?",
    "The council voted on Tuesday evening.\u00a0Photo: Jane Doe/Reuters",
    "Mayor Anna Berg at the council meeting in Riverton, 3 May 2024",
    "Copyright Reuters/Jane Doe",
    "By Paula Soler",
    "Published on 03/05/2024 - 10:15 CET Updated",
    "Share this article",
    "Share this articleComments",
    "Follow us on Facebook and X for the latest news.",
    "Sign up for our newsletter to get the best stories every morning.",
    "Read more: Riverton's flood history in pictures.",
    STORY[0],
    "Image caption: The Lune river burst its banks in 2021.",
    STORY[1],
    "Media playback is not supported on this device",
    STORY[2],
    "Click here to subscribe to our daily briefing.",
    STORY[3],
    "Advertisement",
    STORY[4],
    "You might also like",
    "Riverton's mayor says the town is ready for the next flood",
    "Getty Images",
    "RIVERTON, May 3 (Reuters) -",
    "3 May 2024",
    "Contact us at news@example.com for corrections.",
    "More on this story: https://example.com/riverton",
    "Comments (12)",
]


def test_dirty_pasted_text_gives_clean_key_points() -> None:
    a = article(DIRTY, title=None, image=Image(url=None, caption="The Lune river burst its banks in 2021.", credit="Getty Images"))
    s = summarise(a, SummaryOptions(key_points=5))
    assert s.key_points, "the real sentences must survive"
    # "The council voted…" is real prose; the photo credit glued after it is not
    assert set(s.key_points) <= {*STORY, "The council voted on Tuesday evening."}, s.key_points
    assert s.tldr in STORY
    assert all(k.lower() not in {"share", "follow", "getty images", "reuters"} for k in s.keywords)
    assert not any("Share" in h or "Follow" in h or "Photo" in h for h in s.hashtags)


def test_furniture_glued_to_prose_is_cut() -> None:
    text = "Share this withEmailFacebookTwitterCopy this linkResearchers found that most pupils liked the new lunches."
    s = summarise(article([text, *STORY[1:4]], title=None))
    assert s.key_points[0] == "Researchers found that most pupils liked the new lunches."


def test_agency_tag_is_stripped() -> None:
    s = summarise(article(["(CNN) — " + STORY[0], *STORY[1:]], title=None))
    assert s.key_points[0] == STORY[0]


MULTI = {
    "de": ["Der Stadtrat von Flussheim hat am Dienstag einen neuen Hochwasserschutz beschlossen.",
           "Die Anlage kostet 40 Millionen Euro und schützt etwa 12.000 Häuser am Fluss.",
           "Bürgermeisterin Anna Berg sprach von der wichtigsten Entscheidung ihrer Amtszeit.",
           "Der Bau soll am 3. März beginnen und zwei Jahre dauern."],
    "fr": ["Le conseil municipal de Rivière a approuvé mardi une nouvelle digue contre les crues.",
           "La digue coûtera 40 millions d'euros et protégera environ 12 000 logements.",
           "La maire Anna Berg a parlé de la décision la plus importante de son mandat.",
           "Les travaux doivent commencer en mars et durer deux ans."],
    "es": ["El ayuntamiento de Ribera aprobó el martes una nueva barrera contra inundaciones.",
           "La barrera costará 40 millones de euros y protegerá unas 12.000 viviendas.",
           "La alcaldesa Anna Berg habló de la decisión más importante de su mandato.",
           "Las obras comenzarán en marzo y durarán dos años."],
    "it": ["Il consiglio comunale di Riva ha approvato martedì una nuova barriera contro le alluvioni.",
           "La barriera costerà 40 milioni di euro e proteggerà circa 12.000 case.",
           "La sindaca Anna Berg ha parlato della decisione più importante del suo mandato.",
           "I lavori inizieranno a marzo e dureranno due anni."],
    "nl": ["De gemeenteraad van Rivierstad heeft dinsdag een nieuwe waterkering goedgekeurd.",
           "De kering kost 40 miljoen euro en beschermt ongeveer 12.000 woningen.",
           "Burgemeester Anna Berg sprak van het belangrijkste besluit van haar ambtstermijn.",
           "De bouw begint in maart en duurt twee jaar."],
    "pt": ["A câmara municipal de Ribeira aprovou na terça-feira uma nova barreira contra cheias.",
           "A barreira vai custar 40 milhões de euros e proteger cerca de 12.000 casas.",
           "A presidente da câmara, Anna Berg, falou da decisão mais importante do seu mandato.",
           "As obras começam em março e duram dois anos."],
}


@pytest.mark.parametrize("lang", sorted(MULTI))
def test_languages(lang: str) -> None:
    s = summarise(article(MULTI[lang], title=None, language=lang))
    assert s.language == lang
    assert len(s.key_points) == 3 and set(s.key_points) <= set(MULTI[lang])
    assert s.tldr in MULTI[lang]
    assert all(re.fullmatch(r"#\w+", h) for h in s.hashtags)


def test_language_comes_from_the_article_even_if_unsupported() -> None:
    s = summarise(article(STORY, language="en-GB"))
    assert s.language == "en"
    s = summarise(article(STORY, language="sv"))
    assert s.language == "sv" and len(s.key_points) == 3


@pytest.mark.parametrize("text", [
    "— Nous ne reculerons pas, a déclaré la ministre devant les députés réunis à Paris.",
    "– No vamos a retroceder, dijo la ministra ante los diputados reunidos en Madrid.",
    "“We will not step back,” the minister told the members gathered in the chamber.",
])
def test_a_dialogue_dash_opens_a_quotation_like_quote_marks(text: str) -> None:
    """French, Spanish, Italian, Portuguese and Russian set speech off with a dash, not marks."""
    from composer.summarize.extractive import _OPENS_WITH_QUOTE, _style

    assert _style(text, "fr") & _OPENS_WITH_QUOTE
    assert not _style("The minister — speaking in Paris — said nothing new.", "en") & _OPENS_WITH_QUOTE


@pytest.mark.parametrize(("sentence", "bad"), [
    # Inside a quotation or brackets: the cut would leave it open.
    ("The founders say the practice encourages 'connection, trust and a sense of belonging' among the people "
     "who come to the weekly sessions in the old mill.", "encourages 'connection."),
    ("The committee (which met on Monday, Tuesday and Wednesday of last week in the town hall) approved the "
     "plan for the new bridge over the river.", "(which met on Monday."),
    # A subordinate clause first: its main clause comes after the break.
    ("While the council debated the cost of the barrier for three days, residents of the flooded streets "
     "waited in the town hall and many said they had lost hope.", "for three days."),
    # A name and its appositive: no verb before the break that closes it.
    ("Christie, a longtime backer of the president who later broke with him over the election, said on "
     "Sunday that she would not run again.", "over the election."),
    # The aside after a conjunction, and the first of two dashes.
    ("The practice marries sex with mindfulness and, according to its founders, encourages trust among "
     "the people who come to the weekly sessions.", "founders."),
    ("The samples must be examined quickly because the cosmic – and slightly radioactive – rays leave "
     "traces that fade within days of the fall.", "the cosmic."),
    # A comma inside a number is no clause break.
    ("Students will spend a third of their budgets on the new ritual, according to a survey of 3,000 "
     "families in twelve states published on Monday.", "survey of 3."),
])
def test_a_clause_cut_never_leaves_a_fragment_it_can_see(sentence: str, bad: str) -> None:
    for limit in (90, 110, 130):
        out = shorten(sentence, limit)
        assert len(out) <= limit and not out.endswith(bad), (limit, out)


def test_a_clean_clause_cut_still_ends_with_a_full_stop() -> None:
    sentence = ("The council approved the barrier on Tuesday, and the work will start in the spring, the mayor "
                "said after a long debate in the town hall.")
    assert shorten(sentence, 100) == "The council approved the barrier on Tuesday, and the work will start in the spring."


def test_an_opening_phrase_that_is_no_name_keeps_its_clause_cut() -> None:
    sentence = ("Yesterday evening, the council voted to approve the new flood barrier for the river, the mayor "
                "said after a long debate in the hall.")
    assert shorten(sentence, 100) == "Yesterday evening, the council voted to approve the new flood barrier for the river."


@pytest.mark.parametrize(
    ("standfirst", "lang", "kept"),
    [
        ("Der Rat von Riverton stimmt für den Damm: „Die wichtigste Entscheidung“, sagt Anna Berg.", "de", True),
        ("Rada Riverton głosuje za tamą: „Najważniejsza decyzja”, mówi burmistrz Anna Berg.", "pl", True),
        ("The Riverton council backs the barrier: “the most important decision” of the mayor's term.", "en", True),
        ("Der Rat von Riverton stimmt für den Damm: „Die wichtigste Entscheidung meiner", "de", False),
        ("The Riverton council backs the barrier: “the most important decision of the mayor", "en", False),
    ],
)
def test_a_standfirst_quoting_in_its_own_languages_marks_is_balanced(standfirst: str, lang: str, kept: bool) -> None:
    from composer.summarize import standfirst_hook

    body = [
        "Der Rat von Riverton hat am Dienstag den Bau eines Damms beschlossen, Anna Berg nennt es die wichtigste Entscheidung.",
        "Riverton council barrier mayor decision Damm Rat Entscheidung Tamą Rada Riverton decyzja burmistrz Anna Berg.",
    ]
    hook = standfirst_hook(article(body, standfirst=standfirst, language=lang), lang, 200)
    assert (hook is not None) == kept


def test_a_code_listing_is_never_a_sentence_of_the_summary() -> None:
    """A listing (a fenced block, a copied ``<pre>``) is shown as it stands, never quoted as prose:
    "x = 1." would otherwise pass for a short sentence of the lead."""
    listing = "rows = db.execute(REPORT_SQL, (42,)).fetchall()\nprint(len(rows), elapsed)."
    body = (Block("paragraph", listing, (Span(0, len(listing), "code"),)),
            *(Block("paragraph", p) for p in STORY))
    s = summarise(Article(title="Riverton approves flood barrier", body=body))
    assert "rows" not in s.tldr and all("fetchall" not in p for p in s.key_points)
    assert "fetchall" not in s.summary and s.key_points[0] == STORY[0]


def test_a_quotation_cut_in_two_is_not_a_key_point() -> None:
    """The splitter cuts a quoted epigraph at its inner full stop; either half alone is a fragment."""
    epigraph = '"The flood barrier is the best thing this council has built. It will stand for a century." — Mayor Anna Berg'
    s = summarise(article([STORY[0], epigraph, *STORY[1:]]))
    assert not any(p.startswith('"The flood barrier') or p.endswith('century."') for p in s.key_points)
    assert s.tldr == STORY[0]
    only = summarise(article([epigraph]))  # nothing else to say: the fragment is still better than nothing
    assert only.key_points
