"""Headline, byline and date of a paste: the learned role model and the exact rules it builds on.

The pages here are invented, each in the shape of a kind of page a reader copies: the rules
(dates, "By …", name cleaning, headline clean-up) are checked directly, the model on whole pages.
"""

from __future__ import annotations

import time

import pytest

from composer.article import Article, Source
from composer.ingest.paste import memo as memo_module
from composer.ingest.paste import meta, roles
from composer.ingest.text import analyse, parse

LEAD = (
    "The harbour authority has ordered twelve electric tugboats, the first of their kind in the port, "
    "to replace its diesel fleet by 2028, the authority said on Monday.\n\n"
    "The tugboats will be charged from the quay overnight and can work a full shift on one charge, "
    "according to the tender documents published by the port.\n\n"
    "Crews will be trained over the winter, and the first boats are due to arrive next autumn from a yard "
    "in the north of the country.\n"
)
MENU = "Skip to content\nHome\nNews\nSport\nBusiness\nCulture\nSearch\n\n"
TITLE = "Harbour orders twelve electric tugboats for the port"


def _parse(text: str) -> Article:
    return parse(text, Source(path="paste.txt", format="text"))


def _page(*header: str, title: str = TITLE) -> Article:
    return _parse(MENU + title + "\n\n" + "\n".join(header) + "\n\n" + LEAD)


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("By Analysis by Chris Cillizza and CNN Editor-at-large", ["Chris Cillizza"]),
        ("Von Katrin Müller, ARD-Hauptstadtstudio", ["Katrin Müller"]),
        ("By Jon Halvorsen in Copenhagen", ["Jon Halvorsen"]),
        ("Kolumne von Carla Siepmann", ["Carla Siepmann"]),
        ("on March 10, 2015 by Nikhil Marathe", ["Nikhil Marathe"]),
        ("by Laura June Topolsky July 10, 2015", ["Laura June Topolsky"]),
        ("Do 25.04.24 | 14:07 Uhr | Von Eva Kirchner-Rätsch", ["Eva Kirchner-Rätsch"]),
        ("Von Felix Schröder und Jörg Soldwisch, dpa", ["Felix Schröder", "Jörg Soldwisch", "dpa"]),
        ("By Martin Untersinger (avec Damien Leloup et Morgane Tual)", ["Martin Untersinger", "Damien Leloup", "Morgane Tual"]),
        ("Autorin/Autor Roman Goncharenko", ["Roman Goncharenko"]),
        # Author labels in other languages never stay in the name; a photo credit after them is cut.
        ("Текст: Иван Петров, фото: Анна Смирнова", ["Иван Петров"]),
        ("Автори: Олена Іваненко, Петро Ткач", ["Олена Іваненко", "Петро Ткач"]),
        ("Tekst: Anna Kowalska", ["Anna Kowalska"]),
        ("Autorka: Jana Nováková", ["Jana Nováková"]),
        ("Yazar: Ahmet Yılmaz", ["Ahmet Yılmaz"]),
        ("Av Anna Svensson", ["Anna Svensson"]),
        ("Texte : Jean Dupont", ["Jean Dupont"]),
        # Chinese, Japanese and Korean bylines: the role word stands where "By" would.
        ("记者 王小明", ["王小明"]),
        ("文／王小明", ["王小明"]),
        ("大渡美咲 記者", ["大渡美咲"]),
        ("홍길동 기자", ["홍길동"]),
        # A theme's ornament before "By", and a date set right after the name with no space.
        ("// By Arun Sai Krishnan • Nov 11, 2020", ["Arun Sai Krishnan"]),
        ("by Lucas Nolan22 Dec 2016651", ["Lucas Nolan"]),
        ("by Taboola", []),  # a recommendation widget's vendor
        # Each name's part in the piece: the photographer is the image's credit, not an author.
        ("by Eleanor Ainge Roy (reporting) and Adrian Malloch (photography)", ["Eleanor Ainge Roy"]),
        ("James Akinaka • 8h", ["James Akinaka"]),  # a name and how long ago
        ("Jane Doe | 2 hours ago", ["Jane Doe"]),
        ("Zimbili Vilakazi|Published 15 hours ago", ["Zimbili Vilakazi"]),  # a bar needs no spaces …
        ("Dana Whitfield|Published November 8, 2025", ["Dana Whitfield"]),
        ("Dana Whitfield • Nov 18", ["Dana Whitfield"]),  # a card's writer and day, no year
        ("Breaking News • Nov 18", []),
        ("Harbour-Fleet-2025", []),  # … a dash does (names have hyphens)
        # The date's label, capitalised, is not the last name: "Updated", "ON" in a byline in capitals.
        ("By Dana Whitfield Updated Nov 13, 2019, 10:28am EST", ["Dana Whitfield"]),
        ("BY DANA WHITFIELD ON 11/13/19 AT 4:00 PM EST", ["DANA WHITFIELD"]),
        ("Von Eva Kirchner Aktualisiert 25.04.2024", ["Eva Kirchner"]),
        # An outlet glued on, starting with its capitals; a name's own inner capital stays.
        ("By Dana WhitfieldFOXBusiness", ["Dana Whitfield"]),
        ("By Sandee LaMotte and Kathy McDONALD", ["Sandee LaMotte", "Kathy McDONALD"]),
        # A handle glued to the name; a date and then the name, with nothing between.
        ("By Dana Whitfield@dwhitfield Nov 19, 2019, 7:53pm EST", ["Dana Whitfield"]),
        ("November 20, 2019 Dana Whitfield", ["Dana Whitfield"]),
        ("2019-11-20 17:27:46 Dana Whitfield", ["Dana Whitfield"]),
        ("November 20, 2019 10:30 AM EST Dana Whitfield, MS, RDN", ["Dana Whitfield"]),
        ("Harbour News : 2025-01-24Buy Now", []),  # a button glued to the date
        ("November 20, 2019 Share This", []),
        ("2019 World Cup Final Results", []),
    ],
)
def test_byline_rules(line: str, authors: list[str]) -> None:
    assert meta.clean_names(meta.byline_names(line) or []) == authors


@pytest.mark.parametrize(
    ("line", "authors"),
    [
        ("Michael HiltzikBusiness Columnist", ["Michael Hiltzik"]),
        ("Sarah LazareTwitter", ["Sarah Lazare"]),
        ("Victoria O’Regan Follow", ["Victoria O’Regan"]),
        ("Alex Perry 1 day ago", ["Alex Perry"]),
        ("Julia Vergin | Clare Roth", ["Julia Vergin", "Clare Roth"]),
        ("Jon Halvorsen in Copenhagen", ["Jon Halvorsen"]),
        ("Older Article", None),
        ("Current Issue", None),
        ("On Recent Controversial Events", None),  # a Title Case headline, not a name
        ("Whatsapp Facebook Pint Baixar", None),  # a row of share buttons
        ("Tech Insider", None),  # a publication over its writer's name
        ("São Paulo", None),  # a dateline over the text, not a writer …
        ("Paulo Coelho", ["Paulo Coelho"]),  # … though its words are a writer's
        ("Premier League", None),  # a competition's section label
        ("Last Updated : Nov 20, 2019 01:41 PM IST", None),  # a date's label
        # A role after the names is not one more name.
        ("Dana Whitfield, AP National Political Writer", ["Dana Whitfield"]),
        ("Dana Whitfield and Sam Okafor, Staff Writers", ["Dana Whitfield", "Sam Okafor"]),
        ("Dana Whitfield, Political Correspondent", ["Dana Whitfield"]),
        # … nor is the publication after them; a writer whose surname is a publication word stays.
        ("Dana Whitfield, Business Insider", ["Dana Whitfield"]),
        ("Dana Whitfield, The Daily Herald", ["Dana Whitfield"]),
        ("Dana Whitfield, John Post", ["Dana Whitfield", "John Post"]),
        ("Kommentar von", None),
        ("大渡 美咲", ["大渡 美咲"]),  # a Japanese name alone, family and given name apart
        ("政治", None),
        ("the harbour was quiet", None),
    ],
)
def test_bare_name_rules(line: str, authors: list[str] | None) -> None:
    assert meta.bare_names(line) == authors


def test_remembered_names_are_handed_out_as_copies_and_forgotten_per_paste() -> None:
    first = meta.byline_names("By Jane Doe and John Roe")
    assert first == ["Jane Doe", "John Roe"]
    first.append("Someone Else")  # a caller that changes its answer ...
    assert meta.byline_names("By Jane Doe and John Roe") == ["Jane Doe", "John Roe"]  # ... changes no other
    names, labelled = meta.org_credit("Von dpa") or ([], False)
    names.clear()
    assert meta.org_credit("Von dpa") == (["dpa"], True)
    assert meta.is_person_name("Jane Doe")
    assert any("Jane Doe" in memo for memo in memo_module._MEMOS.values())
    memo_module.forget()
    assert not any(memo for memo in memo_module._MEMOS.values())


def test_a_label_glued_to_a_name_is_dropped_by_the_clean_up() -> None:
    """The HTML reader's author fields pass through the same clean-up ("Текст: …" in a meta tag)."""
    assert meta.clean_names(["Текст: Иван Петров"]) == ["Иван Петров"]
    assert meta.clean_names(["Tekst: Jan Jansen"]) == ["Jan Jansen"]


@pytest.mark.parametrize(
    ("line", "title"),
    [
        ("Start / Ausland / EU und Indien besiegeln Abkommen", "EU und Indien besiegeln Abkommen"),
        ("Du befindest dich hier: Home » Gesellschaft » „Unermüdlicher Einsatz“ für alle", "„Unermüdlicher Einsatz“ für alle"),
        ("What's next for Gaza after the appointment? | CBC News", "What's next for Gaza after the appointment?"),
        ('"Es wird bald beginnen"Trump spricht über Bodeneinsätze', "Trump spricht über Bodeneinsätze"),
        ("ZprávyDomácíKauzyHlavní aktér Dozimetru prodává vilu", "Hlavní aktér Dozimetru prodává vilu"),
        ("Rückschlag im Titelkampf - Liverpool verliert bei Everton", "Rückschlag im Titelkampf - Liverpool verliert bei Everton"),
        ("PlayStation 5 review: faster than ever", "PlayStation 5 review: faster than ever"),
        ("福娘童話集 > きょうのイソップ童話 > １月のイソップ童話 > 欲張りなイヌ", "欲張りなイヌ"),
    ],
)
def test_title_clean_up(line: str, title: str) -> None:
    assert meta.clean_title(line) == title


def test_headline_byline_and_date_of_a_plain_page() -> None:
    a = _page("By Jane Moss", "Published 19 November 2019")
    assert (a.title, a.authors, a.published) == (TITLE, ("Jane Moss",), "2019-11-19")


def test_german_stand_date() -> None:
    a = _page("Von Katrin Müller, ARD-Hauptstadtstudio", "Stand: 12.03.2025 14:05 Uhr",
              title="Hafen bestellt zwölf elektrische Schlepper")
    assert a.title == "Hafen bestellt zwölf elektrische Schlepper"
    assert a.authors == ("Katrin Müller",)
    assert a.published == "2025-03-12T14:05:00"


def test_bare_name_under_the_headline_is_the_byline() -> None:
    a = _page("Jane Moss", "19 November 2019")
    assert a.authors == ("Jane Moss",)
    assert a.published == "2019-11-19"


def test_sidebar_headlines_and_teaser_dates_are_not_taken() -> None:
    sidebar = (
        "Most read\nCouncil approves new bus lanes for the city centre\n3 March 2018\n"
        "Ferry fares to rise by six per cent in April\n4 March 2018\n\n"
    )
    a = _parse(MENU + sidebar + TITLE + "\n\nBy Jane Moss\n19 November 2019\n\n" + LEAD)
    assert (a.title, a.authors, a.published) == (TITLE, ("Jane Moss",), "2019-11-19")


def test_no_byline_is_none_rather_than_a_menu_item() -> None:
    a = _parse(MENU + "Older Article\nNewer Article\n\n" + TITLE + "\n\n" + LEAD)
    assert a.title == TITLE
    assert a.authors == ()


def test_without_a_model_the_rules_decide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(roles, "load_model", lambda: {})
    a = _page("By Jane Moss", "Published 19 November 2019")
    assert (a.title, a.authors, a.published) == (TITLE, ("Jane Moss",), "2019-11-19")


def test_model_file_loads_fast_and_matches_the_features() -> None:
    roles.load_model.cache_clear()
    start = time.perf_counter()
    model = roles.load_model()
    elapsed_ms = (time.perf_counter() - start) * 1000
    assert elapsed_ms <= 50, f"the role model took {elapsed_ms:.1f} ms to load"
    for role, names in (("title", roles.TITLE_FEATURES), ("byline", roles.BYLINE_FEATURES), ("date", roles.DATE_FEATURES)):
        assert model[role]["features"] == list(names), f"{role}: retrain with bench/train_metadata.py"
        assert len(model[role]["weights"]) == len(names)


def test_drop_cap_is_glued_back_and_footer_links_end_related() -> None:
    text = (
        "Hong Kong protests spread to every district\n\nBy Jane Moss\n\nH\n"
        "ong Kong is burning. The protests that began in June have spread to every district of the city, "
        "and the police used tear gas again on Sunday.\n\n"
        "The government said it would not give in to violence and called for calm across the territory on Monday.\n\n"
        "Most read in World\nFerry fares to rise by six per cent in April\nCouncil approves new bus lanes\n"
        "Complaints & corrections\nTerms of use\n"
    )
    a = _parse(text)
    assert a.body[0].text.startswith("Hong Kong is burning.")
    assert [r.title for r in a.related] == ["Ferry fares to rise by six per cent in April", "Council approves new bus lanes"]


# SHA-256 of the seed's Article JSON as the wave-1 reader (commit 4c44df2) gives it: the role
# model must not change a byte of it (no text of the seed is kept here, only the digest).
SEED_JSON_SHA256 = "53fca22450768d2fb0ad708087a7b7a783f40fb5d0b462512b5f35d39864181e"


def test_seed_article_is_byte_for_byte_what_wave_1_gave(seed_path) -> None:  # type: ignore[no-untyped-def]
    import hashlib

    from composer.ingest import parse_text

    article = parse_text(seed_path.read_text(encoding="utf-8"), path="euronews-rutte-nato.txt")
    assert article.published is None  # the only date on the page is a photo caption's
    assert hashlib.sha256(article.to_json().encode()).hexdigest() == SEED_JSON_SHA256


@pytest.mark.parametrize(
    ("glued", "bare", "expected"),
    [
        ("Hafen Hamburg " + TITLE, TITLE, TITLE),  # a kicker run into the headline
        ("Home » Business » " + TITLE, TITLE, TITLE),  # a breadcrumb trail
        ("Harbour Weekly: " + TITLE, TITLE, "Harbour Weekly: " + TITLE),  # a colon: how the headline is written
    ],
)
def test_a_headline_with_a_kicker_glued_on_gives_way_to_the_bare_one(glued: str, bare: str, expected: str) -> None:
    from composer.ingest.text import analyse

    page = analyse(MENU + bare + "\n\n" + glued + "\n\nBy Jane Moss\n\n" + LEAD)
    ctx = page.context()
    cands = roles.title_candidates(ctx)
    picked = next(n for n, i in enumerate(cands) if ctx.lines[i].text == glued)
    assert ctx.lines[cands[roles.refine_title(ctx, cands, picked)]].text == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("Hafen Hamburg: " + TITLE, "Hafen Hamburg: " + TITLE),  # the page writes the kicker with a colon
        ("Hafen Bremen: " + TITLE, "Hafen Hamburg " + TITLE),  # another kicker: not the same words
        ("Hafen Hamburg " + TITLE, "Hafen Hamburg " + TITLE),  # no colon form on the page
    ],
)
def test_a_kicker_run_into_the_headline_takes_the_colon_the_page_writes(written: str, expected: str) -> None:
    from composer.ingest.text import analyse

    glued = "Hafen Hamburg " + TITLE
    page = analyse(MENU + written + "\n\nNews\n\n" + glued + "\n\nBy Jane Moss\n\n" + LEAD)
    ctx = page.context()
    cands = roles.title_candidates(ctx)
    picked = max(n for n, i in enumerate(cands) if ctx.lines[i].text == glued)
    assert ctx.lines[cands[roles.refine_title(ctx, cands, picked)]].text == expected


def test_a_headline_the_page_opens_with_wins_over_the_standfirst_under_it() -> None:
    from composer.ingest.text import analyse

    standfirst = "Twelve tugboats will replace the diesel fleet. The first arrives next spring."
    page = analyse(TITLE + "\n" + MENU + "News\n\n" + TITLE + "\n\n" + standfirst + "\n\nBy Jane Moss\n\n" + LEAD)
    ctx = page.context()
    cands = roles.title_candidates(ctx)
    picked = next(n for n, i in enumerate(cands) if ctx.lines[i].text == standfirst)
    assert ctx.lines[cands[roles.refine_title(ctx, cands, picked)]].text == TITLE
    # Without the headline at the top of the page there is nothing to go by: the pick stands.
    page = analyse(MENU + "News\n\n" + TITLE + "\n\n" + standfirst + "\n\nBy Jane Moss\n\n" + LEAD)
    ctx = page.context()
    cands = roles.title_candidates(ctx)
    picked = next(n for n, i in enumerate(cands) if ctx.lines[i].text == standfirst)
    assert ctx.lines[cands[roles.refine_title(ctx, cands, picked)]].text == standfirst


# --- organisations credited as the byline -------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Von dpa", (["dpa"], True)),
        ("By AFP", (["AFP"], True)),
        ("Von tagesschau.de", (["tagesschau.de"], True)),
        ("Reuters", (["Reuters"], False)),
        ("dpa/AFP", (["dpa", "AFP"], False)),
        ("AFP, MANILA", (["AFP"], False)),  # the dateline's place is not an author
        ("Haberler - Anadolu Ajansı", (["Anadolu Ajansı"], False)),  # a section label before the agency
        ("Agence France-Presse", (["Agence France-Presse"], False)),
        # Furniture, sections and people are not organisation credits.
        ("Share on Facebook", None),
        ("Politics", None),
        ("News - Politics", None),
        ("Reuters home", None),
        ("Jane Moss", None),
        ("Photo: AFP", None),
        ("Ap", None),
    ],
)
def test_organisation_credit_rules(line: str, credit: tuple[list[str], bool] | None) -> None:
    assert meta.org_credit(line) == credit


@pytest.mark.parametrize(
    ("header", "authors"),
    [
        (("Von dpa", "Stand: 19.11.2019 14:05 Uhr"), ("dpa",)),
        (("By Associated Press", "19 November 2019"), ("Associated Press",)),
        (("19 November 2019", "Reuters"), ("Reuters",)),
        (("Von tagesschau.de",), ("tagesschau.de",)),
        (("The port will pay for the boats from its own funds and an EU grant, the harbour master said.",
          "AFP, ROTTERDAM"), ("AFP",)),  # under the standfirst, in the byline's slot
    ],
)
def test_an_organisation_in_the_byline_slot_is_the_author(header: tuple[str, ...], authors: tuple[str, ...]) -> None:
    assert _page(*header).authors == authors


def test_organisation_names_in_furniture_are_not_bylines() -> None:
    """A site's domain in the menu or footer, next to a video's "1 Min", is no credit."""
    footer = "\nVideos\n1 Min\nHarbour ferries in winter\nportnews.example\nContact\nImprint\n"
    a = _parse("kicker.example\nHome\nNews\nShare on Facebook\n\n" + TITLE + "\n\n" + LEAD + footer)
    assert a.title == TITLE
    assert a.authors == ()


def test_table_of_contents_entries_are_not_the_headline() -> None:
    """The entries under "Contents" are the sections' names: never offered as the headline or the
    byline (an entry such as "Adding Thresholds" reads like a name), while a headline right under a
    sidebar's contents, which the page does not print again, still is."""
    from composer.ingest.text import analyse

    sections = ("Adding Thresholds", "Charging Overnight", "Training Crews")
    paragraphs = [p for p in LEAD.split("\n\n") if p.strip()]
    body = "\n\n".join(f"{head}\n\n{para.strip()}" for head, para in zip(sections, paragraphs, strict=True))
    toc = "Contents\n" + "\n".join(sections) + "\n"
    for text in (MENU + TITLE + "\n\n" + toc + "\n" + body, MENU + toc + TITLE + "\n\n" + body):
        page = analyse(text)
        ctx = page.context()
        heading = next(i for i, line in enumerate(page.lines) if line.text == "Contents")
        entries = {heading + 1, heading + 2, heading + 3}
        assert entries == ctx.toc_lines()
        offered = set(roles.title_candidates(ctx))
        assert TITLE in {page.lines[i].text for i in offered} and not offered & entries
        assert not set(roles.byline_candidates(ctx, None)) & entries
        assert _parse(text).title == TITLE


def test_contents_without_a_heading_are_not_the_headline() -> None:
    """A long post lists its sections above the text with no "Contents" heading; each entry is
    printed again below as its section's heading, in order, with text between. A menu the page
    prints again in its footer recurs as one block and is not such a list."""
    from composer.ingest.text import analyse

    sections = ("Introduction", "Charging Overnight", "Training Crews", "Conclusion")
    paragraphs = [p.strip() for p in LEAD.split("\n\n") if p.strip()]
    paragraphs.append("The port expects the fleet to be complete within three years of the first delivery.")
    body = "\n\n".join(f"{head}\n\n{para}" for head, para in zip(sections, paragraphs, strict=True))
    text = MENU + TITLE + "\n\nBy Dana Whitfield\n" + "\n".join(sections) + "\n\n" + body + "\n\n" + MENU
    page = analyse(text)
    ctx = page.context()
    first = next(i for i, line in enumerate(page.lines) if line.text == "Introduction")
    menu = {i for i, line in enumerate(page.lines) if line.text in ("Home", "News", "Sport")}
    assert set(range(first, first + 4)) <= ctx.toc_lines()
    assert not menu & ctx.toc_lines()
    article = _parse(text)
    assert article.title == TITLE
    assert article.authors == ("Dana Whitfield",)


def test_title_candidates_skip_credits_and_table_rows() -> None:
    """The rest of a "Powered by" credit, a breadcrumb trail of short sections and an infobox row
    are never headlines; a Japanese headline of six characters is long enough."""
    from composer.ingest.text import analyse

    text = MENU + TITLE + "\n\n" + LEAD + "\nPowered by\nA Very Old Fork of a Static Site Generator\n"
    page = analyse(text)
    offered = {page.lines[i].text for i in roles.title_candidates(page.context())}
    assert TITLE in offered
    assert "A Very Old Fork of a Static Site Generator" not in offered
    trail = analyse(MENU + "Blog > Harbour > Port News\n" + TITLE + "\n\n" + LEAD)
    assert "Blog > Harbour > Port News" not in {trail.lines[i].text for i in roles.title_candidates(trail.context())}
    assert meta.is_trail("Blog > Harbour > Port News") and not meta.is_trail("Start / Ausland / EU und Indien besiegeln Abkommen")
    assert meta.is_trail("Home » News") and not meta.is_trail("Israel / Gaza")
    rows = analyse("Industry\tOpen-source software\nFounder\tHarbour Boat Company\n\n" + TITLE + "\n\n" + LEAD)
    ctx = rows.context()
    assert not {rows.lines[i].text for i in roles.title_candidates(ctx)} & {"Industry Open-source software"}
    assert not set(roles.byline_candidates(ctx, None)) & {0, 1}
    ja = analyse("ホーム\n\n欲張りなイヌ\n\n" + "肉をくわえたイヌが、橋を渡っていました。ふと下を見ると、川の中にも肉をくわえたイヌがいます。" * 3)
    assert "欲張りなイヌ" in {ja.lines[i].text for i in roles.title_candidates(ja.context())}


def test_an_infobox_date_is_not_the_page_date() -> None:
    """"Founded<tab>28 February 1998" dates the subject; a row labelled "Published" still dates the page."""
    from composer.ingest.text import analyse

    page = analyse("Founded\t28 February 1998\nPublished\t3 March 2025\n\n" + TITLE + "\n\n" + LEAD)
    offered = {page.lines[i].text for i in roles.date_candidates(page.context())}
    assert offered == {"Published 3 March 2025"}


def test_related_cards_give_each_headline_once_without_its_teaser() -> None:
    """A card prints its headline, a teaser, a date and the headline again as its link."""
    cards = ("More on this story\nWhale stranded in a Scottish loch\nThe animal is believed to have been caught "
             "in rope near the shore\n Published: 3 Jan 2019\nWhale stranded in a Scottish loch\n"
             "Thirty whales stranded on a remote beach\nPilot whales among those beached in a national park\n"
             " Published: 27 Nov 2018\nThirty whales stranded on a remote beach\n")
    article = _parse(MENU + TITLE + "\n\n" + LEAD + "\n" + cards)
    assert [r.title for r in article.related] == ["Whale stranded in a Scottish loch",
                                                  "Thirty whales stranded on a remote beach"]


def test_related_lists_leave_out_the_article_itself_section_labels_teasers_and_reading_times() -> None:
    """A related box prints section names between its headlines, a teaser sentence under each
    card's headline, a reading time, and often the article being read."""
    cards = ("Read more\nLATEST IN SHIPPING\nFerry fares to rise by six per cent in April\n"
             "The operator blames fuel prices and says the rise is the first in three years.\n"
             "Oct 6 4 mins read\nWaterfront News\n" + TITLE + "\nCouncil approves new bus lanes for the bridge\n")
    article = _parse(MENU + TITLE + "\n\n" + LEAD + "\n" + cards)
    assert [r.title for r in article.related] == ["Ferry fares to rise by six per cent in April",
                                                  "Council approves new bus lanes for the bridge"]


def test_a_label_printed_all_over_the_page_is_not_a_related_story() -> None:
    """Some publishers print "Article content" between every two paragraphs."""
    body = LEAD.replace("\n\n", "\nArticle content\n") + "\nArticle content\nArticle content\nArticle content\n"
    cards = "Read more\nFerry fares to rise by six per cent in April\nArticle content\nCouncil approves new bus lanes\n"
    article = _parse(MENU + TITLE + "\n\n" + body + cards)
    assert [r.title for r in article.related] == ["Ferry fares to rise by six per cent in April",
                                                  "Council approves new bus lanes"]


def test_a_related_heading_over_a_menu_of_sections_gives_no_related_stories() -> None:
    """The Guardian's "Most viewed" sits over its sections menu ("World", "Europe", "US" …); the
    two-word entries and the newsletter pitch under it had been taken for related stories."""
    menu = ("Most viewed\nWorld\nEurope\nUS\nAmericas\nAsia\nMiddle East\nAfrica\nGlobal development\n"
            "Original reporting and incisive analysis, direct from the harbour every morning\nSign up for our email\n")
    article = _parse(MENU + TITLE + "\n\n" + LEAD + "\n" + menu)
    assert article.related == ()


def test_another_lists_heading_and_the_sites_pitches_are_not_related_stories() -> None:
    cards = ("Read more\nGet our best stories every morning\nFerry fares to rise by six per cent "
             "in April\nMore to explore\nCouncil approves new bus lanes for the bridge\nConnect with the Harbour Times\n"
             "P.O. Box 500 Station A\n")
    article = _parse(MENU + TITLE + "\n\n" + LEAD + "\n" + cards)
    assert [r.title for r in article.related] == ["Ferry fares to rise by six per cent in April",
                                                  "Council approves new bus lanes for the bridge"]


def test_a_cards_writers_a_section_name_and_a_footers_links_are_not_related_stories() -> None:
    cards = ("Read more\nFerry fares to rise by six per cent in April\nDana Whitfield und Ola Berg, dpa\n"
             "Jobs und Karriere\nCouncil approves new bus lanes for the bridge\nHarbour-Abo RSS Newsletter Archiv Sitemap\n"
             "Lighthouse keeper retires after forty years\n")
    article = _parse(MENU + TITLE + "\n\n" + LEAD + "\n" + cards)
    assert [r.title for r in article.related] == ["Ferry fares to rise by six per cent in April",
                                                  "Council approves new bus lanes for the bridge"]
    assert meta.agency_byline("Dana Whitfield und Ola Berg, dpa")
    assert not meta.agency_byline("Space Tech Expo Europe")


def test_related_items_in_capitals_stay_when_the_whole_list_is_in_capitals() -> None:
    cards = "Read more\nFERRY FARES TO RISE BY SIX PER CENT IN APRIL\nCOUNCIL APPROVES NEW BUS LANES\n"
    article = _parse(MENU + TITLE + "\n\n" + LEAD + "\n" + cards)
    assert [r.title for r in article.related] == ["FERRY FARES TO RISE BY SIX PER CENT IN APRIL",
                                                  "COUNCIL APPROVES NEW BUS LANES"]


def test_the_standfirst_under_the_lead_photo_caption_and_the_first_copy_of_the_headline() -> None:
    """Headline, the lead photo's caption, standfirst; the page prints its headline again lower
    down, and whichever copy is chosen, the standfirst under the first is found."""
    from composer.ingest import text

    standfirst = "Twelve electric boats will replace the diesel fleet, the first of their kind in the port"
    header = (f"{TITLE}\nA tug at the quay. Photograph: Dana Whitfield\n{standfirst}\nBy Dana Whitfield\n"
              f"{TITLE}\nAbout this content\n")
    page = text.analyse(MENU + header + "\n" + LEAD)
    copies = [i for i, line in enumerate(page.lines) if line.text == TITLE]
    assert len(copies) == 2
    for at in copies:
        head = text._Header()
        text._set_title(head, page.lines, page.kinds, at, page.start)
        assert (head.title, head.standfirst) == (TITLE, standfirst)


def test_a_headline_that_opens_the_body_is_not_its_first_paragraph_too() -> None:
    """A long headline reads like a paragraph and can open the body run; once it is the title it
    is not repeated as the body's first paragraph."""
    headline = "Meet the harbour pilots who guide every tanker through the narrow channel - and the ones who won't"
    text = MENU + "Inside Harbour\n200 Comments. Click to view comments\n" + headline + "\n" + LEAD
    article = _parse(text)
    assert article.title == headline
    assert article.body[0].text != headline
    assert article.body[0].text.startswith("The harbour authority")


@pytest.mark.parametrize(
    ("line", "credit"),
    [
        ("Photo by Joan Bardeletti", "Joan Bardeletti"),
        ("Photo illustration by Slate", "Slate"),
        ("Images by Getty Images and US Presswire", "Getty Images and US Presswire"),
        ("Photo courtesy of the harbour authority", "the harbour authority"),
        ("Photo of the day: a tug at dawn", None),  # a heading, not a credit
        ("Image Credits: Harbour Works", "Harbour Works"),  # "Image credit(s):", bare or in brackets
        ("(Image credit: Harbour Works)", "Harbour Works"),
        ("Photo credit", None),
        ("Photographs by the dozen were taken at the quay, and every one of them shows the new tugs at work", None),
        ("Foto:", None),  # a label alone: the credit is on the next line (``credit_label``)
        ("GETTY", "GETTY"),  # the agency alone under a photo
        ("Getty / Harbour Works", "Getty / Harbour Works"),
        ("Getty Center reopens", None),  # a headline that names the museum
        ("(Robert Harbour / AP)", "Robert Harbour / AP"),  # a photographer and an agency, in brackets
        ("(either / or)", None),
    ],
)
def test_photo_by_lines_are_credits(line: str, credit: str | None) -> None:
    assert meta.credit_of(line) == credit


def test_a_widget_under_the_lead_paragraph_does_not_cut_the_lead_off() -> None:
    """Caption, its "Photo by" credit, the lead, then an advertising label and the rest: the
    label sits inside the article, so the lead stays its first paragraph."""
    lead, rest = LEAD.split("\n\n", 1)
    header = f"{TITLE}\nBy Dana Whitfield\nA tug at the quay at dawn on Monday.\nPhoto by Dana Whitfield\n"
    article = _parse(MENU + header + lead + "\nADVERTISING\n" + rest)
    assert article.body[0].text == lead
    assert article.authors == ("Dana Whitfield",)


def test_a_part_of_the_headline_on_its_own_line_is_not_a_byline() -> None:
    """A page prints "Open Harbour Project: Better Port Journalism" and then both parts again on
    lines of their own; the part after the colon reads like a name but is the headline's."""
    from composer.ingest.text import analyse

    title = "Open Harbour Project: Better Port Journalism"
    page = analyse(MENU + title + "\nShare on Twitter\nOpen Harbour Project:\nBetter Port Journalism\n" + LEAD)
    offered = {page.lines[i].text for i in roles.byline_candidates(page.context(), MENU.count("\n") - 1)}
    assert page.lines[MENU.count("\n") - 1].text == title
    assert "Better Port Journalism" not in offered


@pytest.mark.parametrize(
    ("line", "split"),
    [
        ("Kevin Mayer at the premiere in Los Angeles. (AP Photo/Chris Pizzello)",
         ("Kevin Mayer at the premiere in Los Angeles.", "AP Photo/Chris Pizzello")),
        # Indonesian captions credit "Dok." (dokumentasi), glued to the caption when copied
        ("Wisuda Magister Manajemen ke-XV di Jakarta(Dok.IGI )", ("Wisuda Magister Manajemen ke-XV di Jakarta", "Dok.IGI")),
        ("The harbour authority (and its new board) met on Monday", None),
        # an agency's or "Name/Agency" credit after the caption's last sentence, without brackets
        ("Tugs wait at the quay before the new fleet arrives. AP Photo/Dana Whitfield",
         ("Tugs wait at the quay before the new fleet arrives.", "AP Photo/Dana Whitfield")),
        ("Der Hafen wird bis 2028 elektrisch. Getty Images/Dana Whitfield",
         ("Der Hafen wird bis 2028 elektrisch.", "Getty Images/Dana Whitfield")),
        ("The fleet was ordered in 2024. Reuters reported the order on Monday.", None),
        # … or glued to its full stop, caption and credit set in two elements
        ("A tug waits outside the harbour office in Rotterdam.Reuters",
         ("A tug waits outside the harbour office in Rotterdam.", "Reuters")),
        ("A tug waits outside the harbour office in Rotterdam.Dana Whitfield/Harbour Times",
         ("A tug waits outside the harbour office in Rotterdam.", "Dana Whitfield/Harbour Times")),
        ("The fleet was ordered by the U.S.AP teams inspected it.", None),
        # a photographer's bare name after a caption in sentence case; not a Title Case headline's
        # second sentence, nor a teaser's writer
        ("The harbour master at the quay in Rotterdam on Monday. Dana Whitfield",
         ("The harbour master at the quay in Rotterdam on Monday.", "Dana Whitfield")),
        ("Markets Fall Sharply As Oil Prices Spike. Harbour Traders Respond", None),
        ("Das Hotel ist seit Jahren geschlossen, jetzt zieht wieder Leben ein. Von Dana Whitfield", None),
        # Le Monde's "NAME SURNAME / AGENCY" after the caption
        ("The harbour master at the quay in Rotterdam, on 12 July 2023. DANA WHITFIELD / AFP",
         ("The harbour master at the quay in Rotterdam, on 12 July 2023.", "DANA WHITFIELD / AFP")),
        # an agency's short name in brackets is written as the agency writes it: "(ePA)" defines
        # an abbreviation ("elektronische Patientenakte"), "(EPA)" credits the photo agency
        ("Die Kasse führt die elektronische Patientenakte (ePA)", None),
        ("Die Kasse führt die elektronische Patientenakte ein (EPA)", ("Die Kasse führt die elektronische Patientenakte ein", "EPA")),
        ("The crew fixed the hull after the storm (repair)", None),
        # square brackets: a credit that names its source ("via", "File:") or an agency, not a citation
        ("A drawing of the lander the company hopes to send to the Moon [Harbour Works via Nasa]",
         ("A drawing of the lander the company hopes to send to the Moon", "Harbour Works via Nasa")),
        ("Troops remain in the country, years after the invasion [File: Reuters]",
         ("Troops remain in the country, years after the invasion", "File: Reuters")),
        ("The alliance lasted a millennium and then the war came to the planet. [M1 SP / MP]", None),
        # a Japanese caption's credit: provided by (提供), photographed by (撮影); a date is not one
        ("新型の無線機を積んだ車で通話試験を行う技官（警視庁提供）", ("新型の無線機を積んだ車で通話試験を行う技官", "警視庁提供")),
        ("試合後に会見する監督（撮影・山田太郎）", ("試合後に会見する監督", "撮影・山田太郎")),
        ("国会で答弁する首相の様子（1月20日）", None),
        ("Dana Whitfield leads a rally of harbour workers in Rotterdam. (Courtesy of Dana Whitfield)",
         ("Dana Whitfield leads a rally of harbour workers in Rotterdam.", "Courtesy of Dana Whitfield")),
    ],
)
def test_trailing_credits_in_brackets(line: str, split: tuple[str, str] | None) -> None:
    assert meta.trailing_credit(line) == split


def test_image_copyright_lines_are_credits() -> None:
    """The BBC prints "Image copyright Getty Images" over each photo: the credit, with no caption."""
    assert meta.credit_of("Image copyright Getty Images") == "Getty Images"
    assert meta.credit_of("Image copyright Dana Whitfield/Harbour Times") == "Dana Whitfield/Harbour Times"
    assert meta.credit_of("Image copyright") is None


@pytest.mark.parametrize(
    ("line", "caption"),
    [
        ("Above: a tug at the quay in the morning.", "a tug at the quay in the morning."),
        ("Pictured: the harbour master", "the harbour master"),
        ("Above all, the council wants cleaner air", None),  # no colon: a sentence
        # the BBC's labels, with a comma, without one, or glued on
        ("Image caption, The harbour master at the quay", "The harbour master at the quay"),
        ("Media caption The harbour master explains the plan", "The harbour master explains the plan"),
        ("Media captionWho runs the harbour?", "Who runs the harbour?"),
        ("Image caption", None),
        ("Caption this photo and win a prize", None),
    ],
)
def test_caption_labels(line: str, caption: str | None) -> None:
    assert meta.caption_label(line) == caption


def test_the_standfirst_under_a_date_line_and_under_a_headline_that_ends_in_a_quotation() -> None:
    """Headline (ending in its closing quotation mark), the time it went up, the standfirst, the
    lead photo's caption with its credit glued on after a bar, then the article."""
    from composer.ingest import text

    title = 'Harbour master: "Twelve electric tugs by 2028"'
    standfirst = "The port replaces its diesel fleet, and the first of the new boats arrives in the spring."
    header = f"{title}\n2 hours ago\n{standfirst}\nA tug at the quay in the morning. | Foto: Dana Whitfield.\n"
    page = text.analyse(MENU + header + LEAD)
    text._apply_roles(page)
    assert page.head.title == title
    assert page.head.standfirst == standfirst
    assert page.kinds.caption(title_at := page.head.title_at) is None
    assert page.kinds.caption(title_at + 3) == ("A tug at the quay in the morning.", "Dana Whitfield.")


def test_a_credit_line_in_brackets_is_a_credit() -> None:
    """"(Photo: Dana Whitfield)" is a credit, not a caption "(" with a credit glued on."""
    assert meta.credit_of("(Photo: Dana Whitfield)") == "Dana Whitfield"
    assert meta.credit_of("(Foto: Pool via REUTERS)") == "Pool via REUTERS"
    assert meta.credit_of("(photo AFP)") == "(photo AFP)"
    assert meta.split_glued_credit("(Photo: Dana Whitfield)") is None


def test_a_short_caption_with_its_credit_in_brackets_is_a_caption() -> None:
    """"Jane Doe bleibt vage. (Foto: REUTERS)" is short enough to pass for a credit line, but the
    brackets say which part is the credit."""
    assert meta.credit_of("Jane Doe bleibt vage. (Foto: REUTERS)") is None
    assert meta.trailing_credit("Jane Doe bleibt vage. (Foto: REUTERS)") == ("Jane Doe bleibt vage.", "Foto: REUTERS")


def test_a_credit_in_brackets_after_its_caption_takes_its_brackets_along() -> None:
    """"Caption (Foto: Agency | Name)": neither the caption keeps the "(" nor the credit the ")"."""
    assert meta.split_glued_credit("Zwei Schlepper warten am Kai (Foto: picture alliance/dpa | Dana Whitfield)") == (
        "Zwei Schlepper warten am Kai", "picture alliance/dpa | Dana Whitfield")
    # "(Photo Credit : …)": the label's two words stay together, and the brackets go with them
    assert meta.split_glued_credit("The bar sells clean air to shoppers. (Photo Credit : Harbour Times File Photo )") == (
        "The bar sells clean air to shoppers.", "Harbour Times File Photo")
    # "Bildquelle:" (picture source) is a credit's label like "Bild:"
    assert meta.split_glued_credit("Zwei Schlepper warten am Kai | Bildquelle: Hafenamt") == (
        "Zwei Schlepper warten am Kai", "Hafenamt")


@pytest.mark.parametrize("model", [True, False])
def test_a_tab_among_one_word_tabs_is_not_the_headline(model: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    # "Electric tugboats" shares both its words with the lead, but it sits among the section's
    # one-word tabs ("Ports / Electric tugboats / Shipping"): a menu entry, however well it overlaps.
    if not model:
        monkeypatch.setattr(roles, "load_model", lambda: {})
    title = "A quieter harbour: the port goes green on the water"
    a = _parse(MENU + "Ports\nElectric tugboats\nShipping\nFerries\n\n" + title + "\n\n" + LEAD)
    assert a.title == title


def test_a_long_lead_paragraph_over_a_photo_caption_stays_in_the_body() -> None:
    """Standfirst, photo and credit, a lead of sixty-odd words, then a second photo with its
    credit: a standfirst is never that long, so the lead is the body's first paragraph."""
    standfirst = "The port will run its tugs on electricity from the quay, starting next autumn."
    lead = (
        "The harbour authority has ordered twelve electric tugboats, the first of their kind in the port, "
        "to replace its whole diesel fleet by the end of 2028, the authority said on Monday after a meeting "
        "with the city council, the unions and the two towing companies that work in the port, which will "
        "share the cost of the chargers on the quay with the city."
    )
    rest = LEAD.split("\n\n", 1)[1]
    header = f"{TITLE}\nBy Dana Whitfield\n{standfirst}\nA tug at the quay at dawn.\nPhoto: Dana Whitfield\n"
    article = _parse(MENU + header + lead + "\nThe new chargers on the east quay.\nPhoto: Port Authority\n" + rest)
    assert article.body[0].text == lead
    assert article.standfirst == standfirst


@pytest.mark.parametrize(
    ("label", "names"),
    [("Written on Mar 17 by", ["Dana Whitfield"]), ("By", ["Dana Whitfield"]), ("Geschrieben von", ["Dana Whitfield"]),
     ("Photo by", None), ("Powered by", None)],
)
def test_a_name_under_a_line_that_ends_in_by_is_a_byline(label: str, names: list[str] | None) -> None:
    # The byline split where the name is a link; under "Photo by" or "Powered by" it is a credit or a logo.
    page = analyse(MENU + TITLE + "\n\n" + LEAD + "\nShare this article\n" + label + "\nDana Whitfield\nFollow\n")
    at = next(i for i, line in enumerate(page.lines) if line.text == "Dana Whitfield")
    assert page.kinds.byline(at) == names


@pytest.mark.parametrize(
    ("line", "date_line"),
    [("vor 1 Std.", True), ("vor 3 Stunden", True), ("vor einer Stunde", True), ("vor 12 Min.", True),
     ("2 hours ago", True), ("vor 3 Stunden begann die Sitzung", False)],
)
def test_relative_times_are_date_lines(line: str, date_line: bool) -> None:
    """A teaser's or header's age ("vor 1 Std.") is a date line, not a paragraph of the body."""
    assert meta.is_date_line(line) is date_line


@pytest.mark.parametrize(
    "line",
    ["Jane Doe | 12 March", "Jane Doe – Reporter", "x-1", "-\n1", "a|b\nc-2", "Do 25.04.24 | 14:07", "1 - a", "a—b—c",
     "Jan Kowalski • 3 min", "a-" * 2000],
)
def test_separator_then_digit_answers_as_the_pattern_did(line: str) -> None:
    """The byline hint's "separator, then a digit" test, written without the pattern that tried every
    separator of a long hyphenated run against the rest of the line."""
    import re

    assert meta._separator_then_digit(line) == bool(re.search(r"[|•·–—-].*\d", line))


def test_a_name_over_a_photo_credit_with_the_writer_under_it_is_the_person_pictured() -> None:
    """"Anna Kowalska" / "Foto: REUTERS/Jan Nowak" / "Marek Zieliński": the lead photo's caption
    names the mayor it shows, and the writer's name follows the credit."""
    a = _page("Publikacja: 02.02.2025 21:52", "Anna Kowalska", "Foto: REUTERS/Jan Nowak", "Marek Zieliński")
    assert a.authors == ("Marek Zieliński",)
    # With the caption under the credit instead, the name over it is the writer's.
    a = _page("Marek Zieliński", "Foto: Agencja Miejska",
              "The new electric tugboats moored at the quay before their first shift in the port, on Monday.")
    assert a.authors == ("Marek Zieliński",)


_TUGBOATS = (
    "The harbour authority has ordered twelve electric tugboats, the first of their kind in the port, to replace "
    "its diesel fleet by 2028.\n"
    "The tugboats will be charged from the quay overnight and can work a full shift on one charge, the authority "
    "said in a statement on Monday.\n"
    "Crews will be trained over the winter, and the first two boats arrive in spring, according to the "
    "authority's plan.\n"
)


def test_the_header_line_the_byline_and_date_come_from_is_not_the_first_paragraph() -> None:
    paste = ("Harbour Gazette\nNews\nHarbour orders twelve electric tugboats\n"
             "Harbour Gazette | 14.03.2025 à 09h30 • Mis à jour le 15.03.2025 à 10h00 | Par Jeanne Moss "
             "(avec Tom Reed et Ana Pereira)\n" + _TUGBOATS)
    article = parse(paste, Source("p.txt", "text"))
    assert article.authors == ("Jeanne Moss", "Tom Reed", "Ana Pereira")
    assert (article.published or "")[:10] == "2025-03-14"
    assert article.body[0].text.startswith("The harbour authority has ordered")


def test_a_first_paragraph_that_carries_the_date_stays() -> None:
    lead = ("HAMBURG, March 14, 2025 - The harbour authority said on Friday it had ordered twelve electric "
            "tugboats from a shipyard in the north.")
    article = parse("Harbour orders twelve electric tugboats\nBy Jeanne Moss\n" + lead + "\n" + _TUGBOATS,
                    Source("p.txt", "text"))
    assert article.body[0].text == lead
