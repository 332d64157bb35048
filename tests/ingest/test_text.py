"""The pasted-text reader (composer.ingest.text): the seed page, fixtures in several outlets'
paste styles, and edge cases."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer.article import Article, Source
from composer.errors import InputError
from composer.ingest.text import parse

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "paste"
CORPUS = Path(__file__).resolve().parents[2].parent / "shared" / "corpus"
SEED = CORPUS / "seed" / "euronews-rutte-nato.txt"
STYLES = sorted(p.name.removesuffix(".expected.json") for p in FIXTURES.glob("*.expected.json"))


def _parse(text: str, name: str = "paste.txt") -> Article:
    return parse(text, Source(path=name, format="text"))


@pytest.fixture(scope="module")
def seed() -> Article:
    if not SEED.exists():
        pytest.skip(f"corpus not found at {CORPUS} (the seed article is read from ../shared/corpus)")
    return _parse(SEED.read_text(encoding="utf-8"), SEED.name)


def test_seed_title_author_language(seed: Article) -> None:
    assert seed.title == "Who is NATO's new secretary general Mark Rutte?"
    assert seed.authors == ("Paula Soler",)
    assert seed.language == "en"
    assert seed.standfirst is None


def test_seed_image(seed: Article) -> None:
    assert seed.image is not None
    assert seed.image.caption == (
        "NATO Secretary General Jens Stoltenberg greets Dutch PM Mark Rutte during arrivals for a NATO "
        "summit in Vilnius, 11 July 2023"
    )
    assert seed.image.credit == "AP Photo/Pavel Golovkin, File"
    assert seed.image.url is None


def test_seed_body(seed: Article) -> None:
    assert seed.body[0].text.startswith("On Wednesday, ambassadors of the 32 NATO members")
    assert seed.body[-1].text == "Once in office, Rutte will serve a minimum term of four years."
    assert len(seed.body) == 25
    assert all(b.type == "paragraph" for b in seed.body)
    text = seed.text
    assert "“Obviously, if we can buy full European, fantastic" in text  # quotes kept
    for junk in (
        "Find Us",
        "Share this article",
        "Copy/paste",
        "Published on",
        "Copyright",
        "Close Button",
        "You might also like",
        "Comments",
        "Paula Soler",
    ):
        assert junk not in text, junk
        assert junk not in (seed.title or "")


def test_seed_related(seed: Article) -> None:
    assert [r.title for r in seed.related] == [
        "Sweden joins NATO’s exercises as full member for the first time",
        "'It's an honour', Rutte says as he secures NATO chief post",
        "Mark Rutte set to be next NATO chief after securing Romania's backing",
    ]
    assert all(r.url is None for r in seed.related)


@pytest.mark.parametrize("style", STYLES)
def test_paste_style_fixture(style: str) -> None:
    """Each fixture (invented text in one outlet's paste style) parses to exactly its expected Article."""
    text = (FIXTURES / f"{style}.txt").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{style}.expected.json").read_text(encoding="utf-8"))
    got = _parse(text, f"{style}.txt").to_dict()
    assert got == expected


def test_there_are_enough_styles() -> None:
    assert len(STYLES) >= 5


def test_wire_dateline_gives_the_date_and_stays_in_the_text() -> None:
    a = _parse((FIXTURES / "wire-dockworkers.txt").read_text(encoding="utf-8"))
    assert a.published == "2025-03-12"
    assert a.body[0].text.startswith("ROTTERDAM, March 12 (Reuters) - Dockworkers")
    assert not any("Reporting by" in b.text for b in a.body)


def test_boilerplate_only_page_is_an_input_error() -> None:
    text = (FIXTURES / "boilerplate-only.txt").read_text(encoding="utf-8")
    with pytest.raises(InputError, match="no article text found in boilerplate-only.txt"):
        _parse(text, "boilerplate-only.txt")


@pytest.mark.parametrize("text", ["", "   \n\n\t\n", "\u200b\ufeff"])
def test_empty_input_is_an_input_error(text: str) -> None:
    with pytest.raises(InputError, match="empty"):
        _parse(text)


def test_bare_article_without_any_page_around_it() -> None:
    text = (
        "The council voted on Tuesday to close the old library and move its books to the school.\n\n"
        "Residents said they had not been consulted and would ask for the decision to be reviewed.\n"
    )
    a = _parse(text)
    assert [b.text for b in a.body] == [line for line in text.split("\n") if line]
    assert a.title is None
    assert a.authors == ()


def test_windows_line_ends_nbsp_and_zero_width_characters() -> None:
    text = (FIXTURES / "newspaper-bees.txt").read_text(encoding="utf-8")
    noisy = text.replace("\n", "\r\n").replace("Britain's", "Britain\u200b's").replace(" honey ", "\u00a0honey\u00a0")
    clean = _parse(text).to_dict()
    assert _parse(noisy).to_dict() == clean


def test_comment_thread_is_not_body() -> None:
    a = _parse((FIXTURES / "blog-sourdough.txt").read_text(encoding="utf-8"))
    assert not any("Tom B" in b.text or "same problem" in b.text for b in a.body)
    assert a.body[-1].text.startswith("After a week of this routine")


def test_title_with_control_characters_is_one_clean_line() -> None:
    text = "Storm\u0007 closes\x0b ferry routes\n\nBy Ann Lee\n\n" + (
        "Ferries between the islands were cancelled on Monday as winds reached ninety miles an hour.\n\n" * 2
    )
    a = _parse(text)
    assert a.title == "Storm closes ferry routes"
    assert a.authors == ("Ann Lee",)


def test_markup_is_not_interpreted() -> None:
    text = (
        "A <script>alert(1)</script> headline about the harbour\n\n"
        "The harbour master said on Monday that <b>all</b> berths would reopen after the repairs are done.\n"
    )
    a = _parse(text)
    # Kept as plain text, but an active tag's brackets become ‹ ›: renderers escape HTML, and a
    # post or an e-mail's text part carries no "<script>" either. An inert "<b>" stays as written.
    assert a.title == "A ‹script›alert(1)‹/script› headline about the harbour"
    assert a.body[0].text.startswith("The harbour master said on Monday that <b>all</b> berths")


def test_headline_is_found_by_its_words_among_kickers_and_teasers() -> None:
    text = (
        "Markets\nAIRSHOW\nTop stories\nShares slip as oil climbs for a third day\n"
        "Harbour authority orders twelve electric tugboats for the port\n\n"
        "Jane Moss\n@janemoss\nMonday 6:30PM\n\n"
        "The harbour authority has ordered twelve electric tugboats, the first of their kind in the port, "
        "to replace its diesel fleet by 2028.\n\n"
        "The tugboats will be charged from the quay overnight and can work a full shift on one charge, "
        "the authority said in a statement on Monday.\n"
    )
    a = _parse(text)
    assert a.title == "Harbour authority orders twelve electric tugboats for the port"
    assert a.authors == ("Jane Moss",)
    assert a.body[0].text.startswith("The harbour authority has ordered")
    assert len(a.body) == 2


def test_tags_after_the_body_skip_separators() -> None:
    text = (
        "Ferry fares to rise in spring\n\nBy Ann Lee\n\n"
        "Ferry fares between the islands will rise by six per cent in April, the operator said on Monday.\n\n"
        "The operator blamed higher fuel costs and said discounts for residents would stay.\n\n"
        "Topics\nTransport\n,\nIslands\n"
    )
    assert _parse(text).tags == ("Transport", "Islands")


def test_teaser_list_after_the_article_is_not_body() -> None:
    article = [
        "The city council approved a plan on Tuesday to plant ten thousand trees along its busiest roads by 2030.",
        "Officials said the trees would cut summer temperatures on the pavements and soak up rain during storms.",
        "Residents can ask for a tree outside their home through a form on the council's website from next month.",
    ]
    teasers = []
    for n in range(4):
        teasers += [
            f"Other headline number {n} about something else",
            "Sam Writer",
            f"Tuesday November {n + 10}, 2025",
            f"This is the summary of another story number {n}, long enough to look like a paragraph of prose text.",
        ]
    # No "More stories" heading: the list is told apart by its shape (headline, author, date, summary).
    text = "Trees for every street\n\n" + "\n\n".join(article) + "\n\n" + "\n".join(teasers) + "\n"
    a = _parse(text)
    assert [b.text for b in a.body] == article
    assert a.title == "Trees for every street"


def test_a_long_table_can_be_the_article() -> None:
    """A standings page is a sentence or two over a long table; a short sidebar blurb with more
    prose must not win over it, and a table of a few rows still does not make a body."""
    rows = [f"{n} Driver Number{n} {5000 - 40 * n} {n % 3} {n % 2} {20 - n} {27 - n}" for n in range(1, 15)]
    sidebar = (
        "Subscribe to our weekly newsletter and we will send you the best stories of the season, "
        "with interviews, analysis and the photos of the week, every Friday morning in your inbox."
    )
    intro = "This page always shows the latest championship standings, updated after the last race of the weekend."
    text = "\n".join(["Home", "Racing", "Standings", "", "Championship standings", "", intro, "",
                      "Pos. Driver Points Wins Poles Top 5 Top 10", *rows, "", "Contact", "", sidebar, ""])
    a = _parse(text)
    body = [b.text for b in a.body]
    assert intro in body[0]
    assert any(rows[-1] in b for b in body), body

    # Rows long enough to be weighed as weak prose are rows all the same.
    calendar = [f"Round {n}: {n + 3} May at Santa Cruz do Sul track" for n in range(1, 11)]
    a = _parse("\n".join(["Home", "", "Season calendar", "", intro, "", *calendar, "", "Contact", "", sidebar, ""]))
    assert any(calendar[-1] in b.text for b in a.body), [b.text for b in a.body]

    few = "\n".join(["Home", "Standings", *rows[:5], "Contact", "", intro, "", sidebar, ""])
    assert all(rows[0] not in b.text for b in _parse(few).body)


def test_a_comment_counter_after_a_whole_article_opens_the_thread() -> None:
    """"3 comments" under a full article heads the readers' thread, which must not outweigh the
    article even when the comments are longer; the same counter in the header stays harmless."""
    article = [
        f"The ferry operator said on Monday that crossing number {n} would run every hour from April, "
        "and that the extra sailings would be paid for by the island council, which agreed the plan "
        "after a long debate about fares, timetables and the state of the old harbour walls last year."
        for n in range(6)
    ]
    comments = [
        f"Reader {n} wrote that the plan was a waste of money and that the council should have fixed the "
        "roads first, because the buses are always late and nobody asked the people who live on the "
        "island what they wanted from the ferries, the harbour or the town centre in the first place, "
        "and that the last consultation was a sham that nobody in the village even heard about."
        for n in range(9)
    ]
    lines = ["Island ferries to run every hour", "", *article, "", "3 Comments", "", *comments, ""]
    body = [b.text for b in _parse("\n".join(lines)).body]
    assert body == article

    header = ["Island ferries to run every hour", "", "12 Comments", "", *article, ""]
    assert [b.text for b in _parse("\n".join(header)).body] == article


def test_a_save_this_article_notice_does_not_start_the_body() -> None:
    """A reading-list notice is prose-shaped; printed between a teaser and the headline it must
    not pull the body's start (and so the headline window) above the headline."""
    article = [
        "The harbour authority has ordered twelve electric tugboats, the first of their kind in the port, "
        "to replace its diesel fleet by 2028, its director said on Monday.",
        "The tugboats will be charged from the quay overnight and can work a full shift on one charge, "
        "the authority said in a statement, adding that the order was worth forty million euros.",
        "Crews will be trained over the winter, and the first two boats are due to arrive next summer "
        "from a yard in the north, where they are being built to the authority's own design.",
    ]
    text = "\n".join([
        "Home", "World", "",
        "Rail strike: the unions say the talks with the ministry have failed again after a long night",
        "My favourites",
        "Save this article and read it whenever you like. The service is for registered readers.",
        "You saved a new article",
        "You will find all your saved articles in your personal area, under favourites, and in the app.",
        "Harbour authority orders twelve electric tugboats for the port",
        "By Jane Moss",
        "",
        *article,
        "",
    ])
    a = _parse(text)
    assert a.title == "Harbour authority orders twelve electric tugboats for the port"
    assert a.authors == ("Jane Moss",)
    assert [b.text for b in a.body] == article


def test_prose_without_short_function_words_is_still_an_article() -> None:
    """Languages that glue their function words onto longer words (isiZulu, isiXhosa) show no
    short function words: the body is then found by line length alone, not refused."""
    stems = ["ukuhamba", "abantwana", "emgwaqweni", "kwamasipala", "ngokushesha", "yezindaba",
             "abashayeli", "ukuphepha", "ezikoleni", "bephawula", "izakhamuzi", "nokwakhiwa"]
    article = [
        " ".join(stems[(n + k) % len(stems)] for k in range(14)).capitalize() + "."
        for n in range(6)
    ]
    text = "\n".join(["Izindaba", "Ezemidlalo", "", "Abashayeli bacela ukuphepha emgwaqweni", "", *article, "",
                      "Subscribe", "Privacy Policy", ""])
    a = _parse(text)
    assert [b.text for b in a.body] == article
    assert a.title == "Abashayeli bacela ukuphepha emgwaqweni"

def test_a_wire_lead_with_a_camel_case_name_is_not_a_glued_teaser() -> None:
    """"LOS ANGELES (AP) — To LeBron James, …": the capitals before "LeBron" are the dateline's, not
    a headline glued to its teaser ("HeadlineSummary…"), so the lead stays the first paragraph."""
    lead = "ROTTERDAM (AP) — To DeShawn Whitfield, electric tugboats are not a novelty."
    rest = [
        "They are only the latest step in a harbour that has been replacing its diesel fleet for a decade, "
        f"the port's director said on Monday, number {n} of the briefings this month."
        for n in range(4)
    ]
    text = "\n".join(["Harbour orders twelve electric tugboats", "By Jane Moss", "", lead, *rest, ""])
    a = _parse(text)
    assert [b.text for b in a.body] == [lead, *rest]


def test_one_english_footer_paragraph_does_not_outweigh_an_isizulu_article() -> None:
    """The same page with an English footer paragraph (a press code) below it: by function words
    that paragraph is the only prose on the page, but eight paragraphs of the article by length
    are far heavier, so the article is the body, not the footer."""
    stems = ["ukuhamba", "abantwana", "emgwaqweni", "kwamasipala", "ngokushesha", "yezindaba",
             "abashayeli", "ukuphepha", "ezikoleni", "bephawula", "izakhamuzi", "nokwakhiwa"]
    article = [
        " ".join(stems[(n + k) % len(stems)] for k in range(30)).capitalize() + "."
        for n in range(8)
    ]
    footer = ("The newspaper subscribes to the Code of Ethics and Conduct for Print and Online Media, which "
              "asks that news is truthful, accurate and fair, and that it is presented in a balanced manner. "
              "If we do not live up to the Code, contact the Press Ombud at the number on this page.")
    related = ["Kumiswe abaphathi ngezinsolo zenkohlakalo", "Unyazi lugxeka intsha ezinkanjeni",
               "Kulindelwe ezimbi ngentengo kaphethiloli", "Siboshelwe izitifiketi zomgunyathi",
               "Zizovalwa izitolo ezithinteka ezigamekweni"]
    text = "\n".join(["Izindaba", "Ezemidlalo", "", "Abashayeli bacela ukuphepha emgwaqweni", "", *article, "",
                      "Related Posts", *related, "", footer, "", "Quick Links", "Privacy Policy"])
    a = _parse(text)
    assert [b.text for b in a.body] == article


def test_a_short_article_of_one_paragraph_stays_the_body() -> None:
    """A one-paragraph article is not traded for a run of long lines that is only somewhat
    heavier by length (a shop's keyword-stuffed product lines under it): the length-only search
    must find a far heavier run of several paragraphs."""
    lead = ("The harbour authority has ordered twelve electric tugboats for the port, the first of their "
            "kind on this coast, to replace its ageing diesel fleet by 2028, its director said on Monday. "
            "The boats will be charged at the quay overnight and can work a whole shift on one charge.")
    products = [
        "Marine Tugboat Model Kit Scale Wooden Hull Electric Motor Remote Control Harbour Collector Edition Navy.",
        "Lighthouse Lamp Brass Nautical Decor Desk Light Vintage Ship Cabin Ornament Handmade Copper Finish.",
        "Captain Sailor Costume Adult Fancy Dress Hat Jacket Anchor Badge Stripes Navy Party Outfit Halloween.",
    ]
    text = "\n".join(["News", "Harbour authority orders twelve electric tugboats", "", lead, "", *products, ""])
    a = _parse(text)
    assert [b.text for b in a.body] == [lead]


def test_headline_over_a_first_part_cut_off_by_a_video_player() -> None:
    """A video player's settings list (or a paywall pitch) between the first paragraphs and the
    rest: the body search keeps the longer second part, and the headline over the first part,
    far above it, must still be among the candidates."""
    first = [
        "The harbour authority has ordered twelve electric tugboats for the port, the first of their kind "
        "on this coast, to replace its ageing diesel fleet by 2028, its director told reporters on Monday.",
        "The electric tugboats will be charged from the quay overnight and can work a full shift on one charge, "
        "the harbour authority said in a statement, adding that the order was worth forty million euros.",
    ]
    player = ["Play Video", "Play", "Mute", "Current Time 0:00", "Duration 0:00", "Fullscreen"]
    for _ in range(12):
        player += ["Colour", "White", "Black", "Red", "Opaque", "Transparent", "---"]
    rest = [
        f"Harbour crews will be trained on the twelve electric tugboats over winter number {n}, and the "
        "harbour authority expects the quieter boats to please residents who have long complained about "
        "diesel noise from the ageing fleet at night along the quay, its director told reporters."
        for n in range(6)
    ]
    text = "\n".join([
        *(f"Section {n}" for n in range(15)), "",
        "Harbour authority orders twelve electric tugboats",
        "By Jane Moss", "",
        *first, *player, *rest, "",
    ])
    a = _parse(text)
    assert a.title == "Harbour authority orders twelve electric tugboats"


def test_a_credit_label_alone_on_its_line_takes_the_credit_below_and_the_caption_above() -> None:
    """DER SPIEGEL sets "Foto:" and the credit as two elements: the label is not the credit (it
    had given the credit ":"), the line under it is, and the line over it is the caption."""
    paste = "\n".join([
        "Menü",
        "Startseite",
        "Brücken im Land: Die Sanierung kommt langsamer voran als geplant",
        "Ein Bericht des Rechnungshofs zählt die maroden Bauwerke und nennt die Gründe für den Verzug.",
        "28.04.2023, 20.15 Uhr",
        "Gesperrte Brücke bei Lüdenscheid: Der Abriss dauerte Monate",
        "Foto:",
        "Marta Beispiel / dpa",
        "Der Rechnungshof hat in einem Bericht die Lage der Brücken im Land untersucht und kommt zu einem klaren Ergebnis.",
        "Von den gut achttausend Bauwerken seien mehr als tausend in einem schlechten Zustand, heißt es in dem Papier.",
        "Die Verwaltung habe zu wenige Ingenieure, um die Prüfungen und die Planung in der vorgesehenen Zeit zu schaffen.",
    ])
    article = _parse(paste)
    assert article.title == "Brücken im Land: Die Sanierung kommt langsamer voran als geplant"
    assert article.image is not None
    assert article.image.caption == "Gesperrte Brücke bei Lüdenscheid: Der Abriss dauerte Monate"
    assert article.image.credit == "Marta Beispiel / dpa"
    assert article.authors == ()
    assert article.body[0].text.startswith("Der Rechnungshof")


def _german_article(after: list[str]) -> str:
    return "\n".join([
        "Startseite",
        "Kultur",
        "Warum alte Rezepte im Netz so viele Klicks bekommen",
        "Von Erika Beispiel",
        "Kochvideos mit Omas Rezepten erreichen auf den Plattformen ein Millionenpublikum, und das hat mehrere Gründe.",
        "Die Videos zeigen eine Küche, in der alles seine Ordnung hat, und die Zuschauer finden darin eine Ruhe, die sie im Alltag vermissen.",
        "Wer die Kommentare unter den Videos liest, stößt immer wieder auf dieselbe Sehnsucht nach einem einfacheren Leben.",
        "Die Forschung zu dem Trend steht noch am Anfang, doch erste Umfragen zeigen, dass vor allem junge Menschen zuschauen.",
        *after,
    ])


def test_a_comment_header_in_german_ends_the_article_when_the_comment_date_follows() -> None:
    """WordPress's German comments ("Philipp sagt:" over "28. April 2024 um 12:34 Uhr") had run on
    as the article's body; "sagt:" only counts with the date under it."""
    article = _parse(_german_article([
        "Philipp sagt:",
        "28. April 2024 um 12:34 Uhr",
        "Das ist ein sehr interessanter Artikel, und ich habe mir die Videos danach selbst angesehen, aber sie gefallen mir nicht.",
        "Antworten",
        "Anna sagt:",
        "28. April 2024 um 13:10 Uhr",
        "Ich finde die Videos schön und sehe sie mir abends gern an, wenn ich nach der Arbeit müde nach Hause komme.",
        "Antworten",
        "Jonas sagt:",
        "29. April 2024 um 08:02 Uhr",
        "Meine Großmutter hat genauso gekocht, und ich vermisse ihre Küche jeden Tag, auch wenn das schon lange her ist.",
        "Es ist schön, dass sich junge Leute wieder dafür interessieren, wie man früher gekocht und gelebt hat.",
    ]))
    assert article.body[-1].text.startswith("Die Forschung")
    assert not any("sagt:" in b.text or "Großmutter" in b.text for b in article.body)


def test_a_quotation_introduced_by_sagt_stays_in_the_article() -> None:
    article = _parse(_german_article([
        "Die Ministerin sagt:",
        "„Wir nehmen diese Entwicklung sehr ernst und werden die Forschung dazu in den kommenden Jahren fördern.“",
        "Ob das reicht, um die Fragen zu beantworten, die der Trend aufwirft, ist unter Fachleuten umstritten.",
    ]))
    assert article.body[-1].text.startswith("Ob das reicht")


def test_in_a_gallery_of_people_the_name_over_a_credit_label_stays_as_the_section_s_head() -> None:
    """"Фото:" and the credit under it are not the article's words; the name over them heads
    the part of the article about that person, and is not dropped as a caption."""
    people = []
    for name, credit, dish in (
        ("Anna Smirnova", "личный архив Анны Смирновой", "суп из свежих овощей"),
        ("Oleg Petrov", "личный архив Олега Петрова", "пирог с яблоками и корицей"),
        ("Irina Volkova", "личный архив Ирины Волковой", "рыба, запечённая с травами"),
    ):
        people += [
            name, "Фото:", credit,
            f"{name} готовит каждый день и рассказывает о своих рецептах в блоге, который читают тысячи людей.",
            f"Любимое блюдо автора — {dish}, и этот рецепт появился в блоге одним из первых.",
        ]
    paste = "\n".join([
        "Главная",
        "Лучшие кулинарные блоги года по версии наших читателей",
        "Мы попросили авторов рассказать, как они начали готовить и что любят больше всего на кухне.",
        *people,
    ])
    texts = [b.text for b in _parse(paste).body]
    assert "Oleg Petrov" in texts and "Irina Volkova" in texts
    assert not any(t == "Фото:" or t.startswith("личный архив") for t in texts)


def test_a_newsletter_box_between_skip_labels_and_japanese_related_links_leave_the_body() -> None:
    paras = [
        f"{opening}, and the harbour authority said on Thursday that the work on the new terminal, which began two "
        "years ago, is now in its last phase and that the builders expect the last of the cranes to leave in March."
        for opening in ("The new ferry terminal will open in the spring", "The old ferry pier will close in the summer",
                        "Residents have asked for a footbridge to the quay", "The first ferries will run every half hour",
                        "Ticket prices will stay the same for a year", "The council will vote on the parking plan in May")
    ]
    paste = "\n".join([
        "Ferry terminal to open in the spring, harbour authority says",
        *paras[:3],
        "skip past newsletter promotion",
        "Sign up to Harbour Weekly",
        "Free weekly newsletter",
        "The week's stories from the quays, told by the people who work on them",
        "Enter your email address",
        "Sign up",
        "Privacy Notice: Newsletters may contain info about charities, online ads, and content funded by outside parties.",
        "after newsletter promotion",
        *paras[3:],
        "【関連記事】港の新しいフェリーターミナル、春に開業へ",
    ])
    texts = [b.text for b in _parse(paste).body]
    assert texts == paras


@pytest.mark.parametrize("heading", ["MOST POPULAR", "More on Harbour Weekly"])
def test_a_list_of_other_stories_over_the_article_is_not_its_start(heading: str) -> None:
    """A sidebar's teasers printed right above the article weigh a little as prose and had become
    the body's first blocks; under a "related" heading, three or more of them are passed over."""
    paragraphs = [
        f"{opening}, the harbour authority said on Thursday, and the work on the terminal, which began two "
        "years ago, is now in its last phase; the builders expect the last of the cranes to leave in March."
        for opening in ("The new ferry terminal will open in the spring", "The old pier will close in the summer",
                        "Ticket prices will stay the same for a year")
    ]
    paste = "\n".join([
        "Ferry terminal to open in the spring",
        "Photo by Dana Whitfield.",
        heading,
        "Council approves the new parking plan for the quay after a long debate",
        "Fishing fleet returns early as the storm moves in from the west",
        "Tow boats to the rescue: a sailboat frozen in the bay gets good news",
        "Lighthouse keeper retires after forty years on the point",
        *paragraphs,
    ])
    assert [b.text for b in _parse(paste).body] == paragraphs


def test_an_article_printed_twice_in_a_language_without_listed_function_words_is_still_found() -> None:
    """A page that prints its article twice has its repeats forgiven; the second pass, by line
    length alone (for languages such as isiZulu), had counted them as repeats again and refused
    the paste as "only page furniture"."""
    paragraph = ("Lorem ipsum dolor sit amet, consectetur adipisicing elit, sed do eiusmod tempor incididunt "
                 "ut labore et dolore magna aliqua. Ut enim ad minim veniam, quis nostrud exercitation ullamco "
                 "laboris nisi ut aliquip ex ea commodo consequat. Duis aute irure dolor in reprehenderit in "
                 "voluptate velit esse cillum dolore eu fugiat nulla pariatur.")
    article = _parse(f"{paragraph}\n{paragraph}\n")
    assert [b.text for b in article.body] == [paragraph, paragraph]
