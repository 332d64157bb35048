"""Tables of contents in pasted text (``composer/ingest/paste/toc.py``): a wiki article's lead
and a tutorial's introduction stay in the body across the contents list, which never becomes
body text; a header above the list is still the header."""

from __future__ import annotations

import pytest

from composer.article import Article, Source
from composer.ingest.paste.body import find_body
from composer.ingest.paste.lines import split_lines
from composer.ingest.paste.toc import contents, toc_key
from composer.ingest.text import parse

LEAD = [
    "Harbourtown is a port city on the east coast, known for its ferries, its fish market and a "
    "lighthouse that has stood on the breakwater since 1871.",
    "The city grew around the harbour in the eighteenth century, when the timber trade brought "
    "ships from across the northern sea to its quays every summer.",
]
SECTIONS = [
    ("History", "The first quay was built of oak in 1742 and replaced with stone after the storm of "
                "1803, which sank eleven ships at anchor and flooded the lower town."),
    ("Economy", "Fishing and the ferry services employ about a fifth of the working population, and "
                "the market hall sells the morning catch to restaurants across the region."),
    ("Culture", "The lighthouse festival each August draws visitors from the whole coast, with boat "
                "races, music on the breakwater and a parade of the harbour's working vessels."),
]


def _wiki(lead: list[str]) -> str:
    toc = "Contents\n" + "\n".join(f"{n} {name}" for n, (name, _text) in enumerate(SECTIONS, start=1))
    sections = "\n\n".join(f"{name}[edit]\n\n{text}" for name, text in SECTIONS)
    return ("Harbourtown\nFrom Wikipedia, the free encyclopedia\nJump to navigation Jump to search\n\n"
            + "\n\n".join(lead) + "\n\n" + toc + "\n\n" + sections + "\n\nPrivacy policy\nAbout Wikipedia\n")


def _parse(text: str) -> Article:
    return parse(text, Source(path="paste.txt", format="text"))


def test_entries_are_the_lines_the_page_prints_again() -> None:
    lines = split_lines(_wiki(LEAD))
    headings, entries = contents(lines)
    assert [lines[i].text for i in headings] == ["Contents"]
    assert [lines[i].text for i in sorted(entries)] == ["1 History", "2 Economy", "3 Culture"]
    assert toc_key("1.2 Reality of quadratic forms") == toc_key("Reality of quadratic forms[edit]")


def test_a_sidebar_list_that_is_not_printed_again_is_no_contents() -> None:
    lines = split_lines("Contents\nLatest issue\nArchive\n\n" + "\n\n".join(LEAD))
    assert contents(lines) == (set(), set())


def test_the_lead_above_the_contents_stays_in_the_body() -> None:
    lines = split_lines(_wiki(LEAD))
    start, end = find_body(lines)
    assert lines[start].text == LEAD[0]
    article = _parse(_wiki(LEAD))
    texts = [block.text for block in article.body]
    assert texts[:2] == LEAD
    assert not {"Contents", "1 History", "2 Economy", "3 Culture"} & set(texts)
    assert SECTIONS[-1][1] in texts


def test_a_header_above_the_contents_is_not_the_body() -> None:
    """One paragraph above the list (a standfirst) is the page's header: the body starts after it."""
    text = _wiki(LEAD[:1]).replace("Harbourtown\nFrom Wikipedia, the free encyclopedia\n", "Harbourtown guide\n")
    lines = split_lines(text)
    start, _end = find_body(lines)
    assert lines[start].text.startswith(("History", SECTIONS[0][1]))


def test_a_wiki_article_is_named_by_the_line_above_its_tagline() -> None:
    """A wiki article's name ("Harbourtown", "Mozilla") is shorter than any headline the model is
    offered; the line above MediaWiki's tagline is the name."""
    assert _parse(_wiki(LEAD)).title == "Harbourtown"


def test_a_wiki_article_names_no_author() -> None:
    """Its infobox names people and organisations ("Harbourtown Port Authority" as operator),
    none of them the author: a wiki article is written by its editors."""
    text = _wiki(LEAD).replace("Jump to navigation Jump to search\n",
                               "Jump to navigation Jump to search\nOperator\nHarbourtown Port Authority\n"
                               "Mayor\nDana Whitfield\n")
    assert _parse(text).authors == ()


def test_a_lead_whose_paragraphs_end_in_citation_marks_stays_too() -> None:
    """A wiki paragraph ends in its reference ("… every summer.[3]"), not in a full stop."""
    cited = [f"{LEAD[0]} It is the county's largest port and a regional centre for fishing[1]",
             f"{LEAD[1]} Its population passed forty thousand in the census of 2021, a record[2]"]
    lines = split_lines(_wiki(cited))
    start, _end = find_body(lines)
    assert lines[start].text == cited[0]


@pytest.mark.parametrize(
    "tagline",
    ["From Wikipedia, the free encyclopedia", "Aus Wikipedia, der freien Enzyklopädie",
     "Z Wikipedii, wolnej encyklopedii", "Origem: Wikipédia, a enciclopédia livre."],
)
def test_the_wiki_tagline_in_several_languages(tagline: str) -> None:
    text = _wiki(LEAD).replace("From Wikipedia, the free encyclopedia", tagline)
    assert _parse(text).title == "Harbourtown"
