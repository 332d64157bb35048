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
