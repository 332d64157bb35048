"""Keywords and hashtags: names first, CamelCase, #\\w+, unique ignoring case, no stop words."""

from __future__ import annotations

import re

import pytest

from composer.summarize.keywords import hashtags, keywords, to_hashtag
from composer.summarize.stopwords import stopwords

SENTENCES = [
    "Outgoing Dutch Prime Minister Mark Rutte will become the next head of NATO.",
    "Rutte was appointed by the 32 NATO members on Wednesday.",
    "Hungary's Prime Minister Viktor Orbán lifted his veto after a letter from Rutte.",
    "Rutte has supported Ukraine since Russia invaded the country.",
    "The alliance says Rutte will take office in October and the alliance is ready.",
]


def test_keywords_prefer_full_names_and_recurring_terms() -> None:
    kw = keywords(SENTENCES, "Who is NATO's new secretary general Mark Rutte?", "en")
    assert kw[:2] == ["Mark Rutte", "NATO"] or kw[:2] == ["NATO", "Mark Rutte"]
    assert "Rutte" not in kw  # the surname alone is folded into the full name
    assert "alliance" in kw  # a recurring content word
    assert not any(k.lower() in stopwords("en") for k in kw)
    assert "Wednesday" not in kw and "October" not in kw


def test_tags_come_first_and_limit_holds() -> None:
    kw = keywords(SENTENCES, None, "en", tags=("Defence", "NATO"), limit=4)
    assert kw[:2] == ["Defence", "NATO"] and len(kw) == 4


@pytest.mark.parametrize(
    ("term", "tag"),
    [
        ("Mark Rutte", "#MarkRutte"),
        ("NATO", "#NATO"),
        ("flood barrier", "#FloodBarrier"),
        ("Louis-Dreyfus", "#LouisDreyfus"),
        ("Orbán", "#Orbán"),
        ("the", None),
        ("Bank of England", None),  # a stop word inside
        ("2024", None),
        ("x", None),
        ("a very long name that nobody would ever type as a tag", None),
    ],
)
def test_to_hashtag(term: str, tag: str | None) -> None:
    assert to_hashtag(term) == tag


def test_hashtags_rules() -> None:
    tags = hashtags(["alliance", "Mark Rutte", "mark rutte", "NATO", "the", "Nato", "Ukraine", "Russia"], "en", limit=4)
    assert tags == ["#MarkRutte", "#NATO", "#Ukraine", "#Russia"]  # names first, no duplicates ignoring case
    assert all(re.fullmatch(r"#\w+", t) for t in tags)
    assert len({t.lower() for t in tags}) == len(tags)
    assert hashtags(["Tablets", "tablet", "tablet computers"], "en") == ["#Tablets", "#TabletComputers"]


def test_german_nouns_are_not_all_names() -> None:
    sents = ["Der Bundestag hat am Freitag das neue Gesetz beschlossen.",
             "Das Gesetz soll im Januar in Kraft treten, sagte Kanzler Olaf Scholz.",
             "Olaf Scholz nannte das Gesetz einen Durchbruch."]
    kw = keywords(sents, None, "de")
    assert "Olaf Scholz" in kw
    assert "Januar" not in kw and "Freitag" not in kw


LIBRARY = [
    "Riverside's central library reopened on Friday after a rebuild that cost the city 18 million euros.",
    "The study hall on the ground floor now stays open until midnight, said the head librarian.",
    "The library has a new roof with solar panels, and the city expects them to cover most of its power.",
    "Students queued for an hour before the library opened, and the study hall was full by noon.",
]


def test_title_name_and_noun_become_one_camelcase_tag() -> None:
    kw = keywords(LIBRARY, "Riverside library reopens with solar roof and late-night study hall", "en")
    tags = hashtags(kw, "en")
    assert tags[0] == "#RiversideLibrary"  # the name and the noun after it in the title, joined
    assert "#StudyHall" in tags  # a title phrase the body repeats word for word
    assert not {"#Library", "#Riverside", "#Study", "#Hall"} & set(tags)  # no part of a tag already there


def test_generic_nouns_and_adjectives_are_not_hashtags() -> None:
    assert hashtags(["city", "roof", "study", "people", "year", "report", "plan", "kite"], "en") == ["#Kite"]
    assert hashtags(["Chinese", "Victorian", "French", "Chongqing"], "en") == ["#Chongqing"]
    assert hashtags(["North American", "Mexican", "South African", "Vatican", "Nov"], "en") == ["#Vatican"]
    assert hashtags(["divorced", "two-year", "retirement"], "en") == ["#Retirement"]
    assert hashtags(["fears", "concerns", "Tunisia"], "en") == ["#Tunisia"]  # what people feel, not the topic


@pytest.mark.parametrize(
    ("lang", "terms", "expected"),
    [
        ("de", ["Stadt", "Jahr", "Menschen", "Leipzig", "Schulticket"], ["#Leipzig", "#Schulticket"]),
        ("de", ["Freitagabend", "Leben", "Uhr", "Sonntagsmorgen", "Imam"], ["#Imam"]),
        ("nl", ["zondagmiddag", "leven", "Gouda"], ["#Gouda"]),
        ("fr", ["ville", "année", "gens", "Montpellier", "vélos"], ["#Montpellier", "#Vélos"]),
        ("fr", ["Conseil", "version", "Sénat"], ["#Sénat"]),  # "council" and "version" in any language
        ("es", ["ciudad", "año", "gente", "Madrid", "factura"], ["#Madrid", "#Factura"]),
        ("it", ["città", "anno", "gente", "Roma", "biglietto"], ["#Roma", "#Biglietto"]),
        ("nl", ["stad", "jaar", "mensen", "Utrecht", "fietspaden"], ["#Utrecht", "#Fietspaden"]),
        ("pt", ["cidade", "ano", "pessoas", "Lisboa", "chuva"], ["#Lisboa", "#Chuva"]),
    ],
)
def test_generic_nouns_are_skipped_in_every_language(lang: str, terms: list[str], expected: list[str]) -> None:
    assert hashtags(terms, lang) == expected


def test_near_duplicates_are_dropped() -> None:
    assert hashtags(["library", "libraries", "Riverside"], "en") == ["#Riverside", "#Library"]
    assert hashtags(["treno", "treni", "biglietto"], "it") == ["#Treno", "#Biglietto"]
    assert hashtags(["IMF", "International Monetary Fund", "Greece"], "en") == ["#IMF", "#Greece"]
    assert hashtags(["Mark Rutte", "Rutte", "NATO"], "en") == ["#MarkRutte", "#NATO"]
    assert hashtags(["Austria", "Australia"], "en") == ["#Austria", "#Australia"]  # a shared start is not enough


def test_new_starts_a_place_name() -> None:
    sents = ["The New York Yankees beat the Red Sox on Sunday.", "New York fans cheered all night."]
    kw = keywords(sents, None, "en")
    assert "New York" in kw and "York" not in kw
    assert to_hashtag("New York Yankees") == "#NewYorkYankees"
    assert to_hashtag("New") is None


def test_job_title_before_a_name_is_dropped() -> None:
    sents = ["Librarian Carla Benson said the idea came from a boy.",
             "The librarian said Carla Benson had asked the council for money.",
             "Benson said the rods were popular."]
    kw = keywords(sents, None, "en")
    assert "Carla Benson" in kw and "Librarian Carla Benson" not in kw


def test_seed_style_names_keep_their_place() -> None:
    tags = hashtags(keywords(SENTENCES, "Who is NATO's new secretary general Mark Rutte?", "en"), "en")
    assert tags[:2] in (["#MarkRutte", "#NATO"], ["#NATO", "#MarkRutte"])
    assert all(re.fullmatch(r"#\w+", t) for t in tags) and len(tags) <= 3
