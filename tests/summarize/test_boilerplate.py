"""Furniture detection: catch page furniture, but never drop real prose that merely looks similar."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from composer.article import Article, Block, Source
from composer.summarize import shorten, summarise
from composer.summarize.boilerplate import is_furniture, looks_like_caption, strip_glued_furniture, strip_leading_tag


@pytest.mark.parametrize(
    "line",
    [
        "Share this article", "Share this articleComments", "Share on Facebook", "Follow us on X",
        "Sign up for our newsletter", "Subscribe", "Read more: flood defences explained", "Related articles",
        "You might also like", "Advertisement", "Image caption The river in 2021", "Image copyright Getty Images",
        "Photo: Jane Doe/AP", "Picture credit: Reuters", "Getty Images", "© 2024 Example Media",
        "Copyright AP Photo/Pavel Golovkin, File", "By Paula Soler", "By Jane Doe and John Roe",
        "Published on 03/05/2024", "Updated: 10:15 CET", "Published on Updated", "LONDON (Reuters) -",
        "11 July 2023", "Media playback is not supported on this device", "Comments (12)",
        "Mehr zum Thema", "Lesen Sie auch: Die Flut", "Lire aussi", "Suivez-nous sur Instagram", "Leer más",
        "Síguenos en X", "Leggi anche", "Lees ook", "Leia também", "Visit https://example.com for more",
        "Write to news@example.com", "Click here to find out more.",
        "You can keep up to date with all the scores, fixtures and results with BBC Sport.",
    ],
)
def test_furniture(line: str) -> None:
    assert is_furniture(line)


@pytest.mark.parametrize(
    "line",
    [
        "Shares in Apple rose 3% on Monday.",
        "By the end of the year, prices had doubled.",
        "Published in 1990, the novel sold a million copies.",
        "Subscribers will pay more from January.",
        "Comments by the minister angered the opposition.",
        "Related research found the same effect in mice.",
        "The photographer, who works for Reuters, was injured.",
        "Following the vote, the mayor thanked residents.",
        "Readers of the newspaper were surprised.",
        "Der Bundestag hat das Gesetz am Freitag beschlossen.",
        "Sponsored by the council, the festival drew 10,000 people.",
        "Recommended doses were exceeded in three cases.",
        "More from the minister's speech is expected tomorrow, aides said.",
    ],
)
def test_prose_is_not_furniture(line: str) -> None:
    assert not is_furniture(line)


def test_caption_shape() -> None:
    assert looks_like_caption("Mayor Anna Berg at the council meeting in Riverton, 3 May 2024")
    assert not looks_like_caption("The council voted on Tuesday.")
    assert not looks_like_caption('"We will build it," she said.”'.rstrip("”"))


def test_strippers() -> None:
    assert strip_glued_furniture("Share this withEmailCopy this linkResearchers found a cure.") == "Researchers found a cure."
    assert strip_glued_furniture("Researchers found a cure.") == "Researchers found a cure."
    assert strip_leading_tag("(CNN) — The flood barrier was approved on Tuesday.") == "The flood barrier was approved on Tuesday."
    assert strip_leading_tag("LONDON (Reuters) - The flood barrier was approved.") == "The flood barrier was approved."
    assert strip_leading_tag("The BBC reported it first.") == "The BBC reported it first."


@given(st.lists(st.text(alphabet="abcdefghij ,;-", min_size=1, max_size=12), min_size=1, max_size=40),
       st.integers(min_value=20, max_value=200))
def test_shorten_never_cuts_a_word(parts: list[str], limit: int) -> None:
    sentence = " ".join(parts)
    out = shorten(sentence, limit)
    assert len(out) <= limit
    words = set(sentence.replace(",", " ").replace(";", " ").replace("-", " ").split())
    for w in out.rstrip(".…").replace(",", " ").replace(";", " ").replace("-", " ").split():
        assert w in words


def test_a_flattened_page_s_video_prompt_is_not_part_of_the_sentence() -> None:
    from composer.summarize.boilerplate import strip_video_prompt

    assert strip_video_prompt("Scroll down for video A mother was holding the boy when he slipped.") == (
        "A mother was holding the boy when he slipped.")
    assert strip_video_prompt("Scroll down for videos 2500 passengers are at the mercy of the seas.") == (
        "2500 passengers are at the mercy of the seas.")
    assert strip_video_prompt("Scroll down for video .") == ""
    assert strip_video_prompt("Scroll down for the latest scores from the match.") == (
        "Scroll down for the latest scores from the match.")


def test_no_key_point_opens_with_the_video_prompt() -> None:
    text = ("The council approved the flood barrier on Tuesday after a three-day debate in the town hall. "
            "Scroll down for video The barrier will protect four hundred homes along the river from spring floods. "
            "Work starts in April and should take two years, the mayor said after the vote on Tuesday evening.")
    s = summarise(Article(title="Barrier approved", body=(Block("paragraph", text),), source=Source(path="x.txt", format="text")))
    assert all("Scroll down" not in p for p in (s.tldr, *s.key_points))


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        ("A regular eating pattern was linked to less binge eating (5).", "A regular eating pattern was linked to less binge eating."),
        ("Two trials found the same (12, 13).", "Two trials found the same."),
        ("The town was founded in 1201.[3][4] It grew fast.", "The town was founded in 1201. It grew fast."),
        ("The river[2] floods every spring.", "The river floods every spring."),
        ("The game ended in a draw (3-3).", "The game ended in a draw (3-3)."),  # a score
        ("Police were called (12.3.) to the square.", "Police were called (12.3.) to the square."),
        ("Step (2) is where most people stop.", "Step (2) is where most people stop."),  # not at the end
    ],
)
def test_reference_markers_are_stripped(sentence: str, expected: str) -> None:
    from composer.summarize.boilerplate import strip_citations

    assert strip_citations(sentence) == expected
