"""HTML metadata as pages really state it: a template's wrong ``lang``, site names after the
headline, CMS and tracking tags, and bylines with roles, affiliations and places glued on."""

from __future__ import annotations

import pytest
from lxml.html import document_fromstring

from composer.article import Article, Source
from composer.ingest.html import extract_metadata, is_cms_tag, parse

GERMAN = (
    "Die Bundesregierung hat am Mittwoch beschlossen, dass die Schulen im Land mehr Geld für die "
    "Sanierung ihrer Gebäude bekommen sollen. Die Länder hatten seit Jahren darauf gedrängt, weil viele "
    "Schulen in einem schlechten Zustand sind und die Kommunen das nicht allein bezahlen können. "
    "Nach dem Beschluss soll das Geld bereits im kommenden Jahr fließen, bzw. im Herbst beantragt werden. "
    "Die Opposition kritisierte, dass der Betrag nicht ausreiche und die Verfahren zu lange dauerten."
)
ENGLISH = (
    "The council voted on Tuesday to rebuild the old library on the river, and the work will start in "
    "the spring. Residents said they had waited for years for the decision, which was taken after a long "
    "debate about the cost of the building and the future of the books that are kept in the basement."
)


def _page(*, lang: str = "en", head: str = "", title: str = "Schulen bekommen mehr Geld", body: str = GERMAN,
          byline: str = "") -> Article:
    html = (
        f'<!doctype html><html lang="{lang}"><head><title>{title}</title>{head}</head><body>'
        f"<article><h1>{title.split(' | ')[0]}</h1>{byline}<p>{body}</p><p>{body}</p></article></body></html>"
    )
    return parse(html, Source(path="https://news.example.org/politik/schulen-123", format="html"))


def test_text_overrules_a_wrong_html_lang() -> None:
    assert _page(lang="en").language == "de"


RUSSIAN = (
    "Городской совет заявил во вторник, что новый мост откроется весной, после многих лет задержек, а его "
    "бюджет вырос более чем на треть с начала работ, и это вызвало споры среди жителей и депутатов."
)
POLISH = (
    "Rada miasta powiedziała we wtorek, że nowy most zostanie otwarty wiosną, po latach opóźnień, a jego "
    "budżet jest już o jedną trzecią wyższy niż na początku, ale prace nie są jeszcze zakończone i nie "
    "wiadomo, czy to się uda, bo jak mówią radni, tego nie można być pewnym przez cały rok. Według "
    "urzędu most będzie też oświetlony, a dla pieszych i rowerzystów zostanie przygotowana osobna droga."
)


def test_text_in_a_language_outside_the_seven_overrules_a_template_lang() -> None:
    assert _page(lang="en", title="Новый мост", body=RUSSIAN).language == "ru"
    assert _page(lang="en", title="Nowy most", body=POLISH + " " + POLISH).language == "pl"
    # Between two languages outside the seven the page's own declaration is the better guess.
    assert _page(lang="uk", title="Новый мост", body=RUSSIAN).language == "uk"


def test_declared_language_stands_when_the_text_agrees_or_is_unclear() -> None:
    assert _page(lang="en", body=ENGLISH).language == "en"
    lorem = "Lorem ipsum dolor sit amet, consetetur sadipscing elitr, sed diam nonumy eirmod tempor. " * 6
    assert _page(lang="en", body=lorem).language == "en"  # "et", "est"… are not French enough


def test_content_language_meta_is_read_when_html_has_no_lang() -> None:
    html = (
        '<html><head><meta http-equiv="Content-Language" content="de-AT"><title>Schulen</title></head>'
        f"<body><article><p>{GERMAN}</p></article></body></html>"
    )
    assert parse(html, Source(path="", format="html")).language == "de"


@pytest.mark.parametrize(
    ("head", "title", "expected"),
    [
        ('<meta property="og:site_name" content="Editorial">', "Schulen bekommen mehr Geld | Editorial",
         "Schulen bekommen mehr Geld"),
        ('<meta property="og:title" content="Schulen bekommen mehr Geld - Example News">', "x",
         "Schulen bekommen mehr Geld"),  # the domain names the site
        ("", "Schulen bekommen mehr Geld · Example", "Schulen bekommen mehr Geld"),
        ('<meta property="og:site_name" content="Aktuálně.cz - Víte, co se děje">'
         '<meta property="og:title" content="Schulen bekommen mehr Geld | Aktuálně.cz">', "Aktuálně.cz",
         "Schulen bekommen mehr Geld"),  # the site's short name, and a title that is only the site
        ("", "Schulen bekommen mehr Geld | by Jane Doe", "Schulen bekommen mehr Geld"),
        ("", "Rückschlag im Titelkampf - Liverpool verliert bei Everton",
         "Rückschlag im Titelkampf - Liverpool verliert bei Everton"),  # a dash inside the headline stays
    ],
)
def test_site_names_are_cut_from_titles(head: str, title: str, expected: str) -> None:
    html = (
        f'<html lang="de"><head><title>{title}</title>{head}</head><body><article>'
        f"<p>{GERMAN}</p><p>{GERMAN}</p></article></body></html>"
    )
    assert parse(html, Source(path="https://www.example.com/a/1", format="html")).title == expected


@pytest.mark.parametrize(
    ("headings", "expected"),
    [
        # The post's headline is an <h2> under a site-name <h1>: it confirms the cut.
        ("<h1>Hi, this is Jo's notebook</h1><h2>Schulen bekommen mehr Geld</h2>", "Schulen bekommen mehr Geld"),
        ("<h1>Schulen bekommen mehr Geld</h1>", "Schulen bekommen mehr Geld"),
        # No heading is the part before a separator: nothing says where the headline ends.
        ("<h1>Jo's notebook</h1><h2>Schulen</h2>", "Schulen bekommen mehr Geld | Bildung | Jo Beispiel"),
    ],
)
def test_a_heading_confirms_the_headline_before_an_earlier_separator(headings: str, expected: str) -> None:
    html = (
        "<html><head><title>Schulen bekommen mehr Geld | Bildung | Jo Beispiel</title></head><body>"
        f"{headings}<article><p>{GERMAN}</p><p>{GERMAN}</p></article></body></html>"
    )
    assert parse(html, Source(path="https://jo.example.net/post/1", format="html")).title == expected


def test_cms_and_tracking_tags_never_become_tags() -> None:
    head = (
        '<meta property="article:tag" content="_no-apple-news">'
        '<meta property="article:tag" content="channel_other">'
        '<meta property="article:tag" content="ctp_video">'
        '<meta property="article:tag" content="Lite:true">'
        '<meta property="article:tag" content="section-Articles">'
        '<meta property="article:tag" content="stream-23490979">'
        '<meta property="article:tag" content="Bildung">'
        '<meta property="article:tag" content="Schulen, Haushalt">'
    )
    assert _page(head=head).tags == ("Bildung", "Schulen", "Haushalt")


@pytest.mark.parametrize(
    ("tag", "cms"),
    [("_no-apple-news", True), ("channel_other", True), ("ctp_video", True), ("LockedPostSource:NONE", True),
     ("front-page", True), ("12345", True), ("Premier League", False), ("E. coli", False), ("AI/ML", False),
     ("hands-on", False), ("尖石_美樹營地", False), ("U.S.", False)],
)
def test_is_cms_tag(tag: str, cms: bool) -> None:
    assert is_cms_tag(tag) is cms


@pytest.mark.parametrize(
    ("byline", "authors"),
    [
        ("By Analysis by Chris Cillizza and CNN Editor-at-large", ("Chris Cillizza",)),
        ("Michael HiltzikBusiness Columnist", ("Michael Hiltzik",)),
        ("Von Katrin Müller, ARD-Hauptstadtstudio", ("Katrin Müller",)),
        ("Jon Halvorsen in Copenhagen", ("Jon Halvorsen",)),
        ("Ben Silverman Games Editor", ("Ben Silverman",)),
        ("Martin Untersinger (avec Damien Leloup et Morgane Tual)", ("Martin Untersinger", "Damien Leloup", "Morgane Tual")),
        ("Sarah LazareTwitter", ("Sarah Lazare",)),
        ("Mac & i", ("Mac & i",)),
        ("Lee, Ann", ("Lee, Ann",)),
    ],
)
def test_bylines_are_cleaned(byline: str, authors: tuple[str, ...]) -> None:
    head = f'<meta name="author" content="{byline}">'
    assert _page(head=head).authors == authors


@pytest.mark.parametrize(
    ("description", "expected"),
    [
        ("Der Hafen bestellt zwölf Schlepper mit Elektroantrieb. Die ersten kommen im Frühjahr. D",
         "Der Hafen bestellt zwölf Schlepper mit Elektroantrieb. Die ersten kommen im Frühjahr."),  # cut off
        ("Der Hafen bestellt zwölf Schlepper mit Elektroantrieb für den Hafenbetrieb. Weiter lesen",
         "Der Hafen bestellt zwölf Schlepper mit Elektroantrieb für den Hafenbetrieb."),  # a link label
        ("Der Hafen bestellt Schlepper. Die ersten kommen im Frühjahr und ersetzen alte Dieselschlepper",
         "Der Hafen bestellt Schlepper. Die ersten kommen im Frühjahr und ersetzen alte Dieselschlepper"),
        ("Zwölf Schlepper bestellt, sagt Prof. Müller", "Zwölf Schlepper bestellt, sagt Prof. Müller"),
        ("Zwölf Schlepper werden bestellt, ab dem 12. März", "Zwölf Schlepper werden bestellt, ab dem 12. März"),
    ],
)
def test_a_description_cut_after_its_last_sentence_loses_the_stub(description: str, expected: str) -> None:
    html = (
        f'<html lang="de"><head><title>Hafen bestellt Schlepper</title>'
        f'<meta property="og:description" content="{description}"></head><body><article>'
        f"<p>{GERMAN}</p><p>{GERMAN}</p></article></body></html>"
    )
    tree = document_fromstring(html)
    assert extract_metadata(tree).description == expected


@pytest.mark.parametrize(
    ("canonical", "expected"),
    [
        ("https://www.harbour.pl/a/1", "Schulen bekommen mehr Geld"),  # the title ends in the domain
        ("https://harbour.pl/a/1", "Schulen bekommen mehr Geld"),
        ("https://www.other.pl/a/1", "Schulen bekommen mehr Geld - harbour.pl"),  # another domain
        (None, "Schulen bekommen mehr Geld - harbour.pl"),
    ],
)
def test_a_saved_page_loses_its_canonical_domain_from_the_title(canonical: str | None, expected: str) -> None:
    link = f'<link rel="canonical" href="{canonical}">' if canonical else ""
    html = (
        f'<html lang="de"><head><title>Schulen bekommen mehr Geld - harbour.pl</title>{link}'
        '<meta property="og:site_name" content="Hafenzeitung"></head><body><article>'
        f"<p>{GERMAN}</p><p>{GERMAN}</p></article></body></html>"
    )
    assert parse(html, Source(path="saved.html", format="html")).title == expected


@pytest.mark.parametrize(
    ("description", "kept"),
    [
        ("Der Bund zahlt mehr für die Sanierung maroder Schulgebäude.", True),  # the article's own summary
        ("Bringing the news of the region to the world, every single morning.", False),  # the site's slogan
        ("Lokalnachrichten", True),  # too short to judge
    ],
)
def test_a_site_wide_description_is_no_standfirst(description: str, kept: bool) -> None:
    article = _page(head=f'<meta name="description" content="{description}">')
    assert (article.standfirst == description) is kept
    assert kept or article.standfirst is None
