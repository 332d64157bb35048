"""The user's corrections as the manifest keeps them (``composer.corrections``)."""

from __future__ import annotations

import pytest

from composer.article import Article, Block, Doubt
from composer.corrections import Corrections


def _article() -> Article:
    return Article(title="Most read", body=(Block("paragraph", "Bees are back in the city."),), authors=("Tom Reed",),
                   published="2025-03-12", doubts=(Doubt("title", "a guess"), Doubt("authors", "a guess")))


def test_round_trip_keeps_only_what_was_given() -> None:
    given = Corrections(title="Bees are back", authors=())
    assert given.to_dict() == {"title": "Bees are back", "authors": []}
    assert Corrections.from_dict(given.to_dict()) == given
    assert not Corrections() and Corrections().to_dict() == {}


@pytest.mark.parametrize("junk", [None, "title", [], {"title": 3, "authors": "Ann", "published": None}])
def test_a_hand_edited_manifest_counts_as_nothing_said(junk: object) -> None:
    assert Corrections.from_dict(junk) == Corrections()


def test_apply_replaces_the_fields_and_answers_their_doubts() -> None:
    fixed = Corrections(title="Bees are back", published="").apply(_article())
    assert (fixed.title, fixed.authors, fixed.published) == ("Bees are back", ("Tom Reed",), None)
    assert [d.field for d in fixed.doubts] == ["authors"]
    assert Corrections().apply(_article()) is not None and Corrections().apply(_article()).doubts
