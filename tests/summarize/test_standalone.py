"""Hooks that stand alone: hand-judged sentences in every supported language (issue 13)."""

from __future__ import annotations

import pytest

from composer.article import Article, Block, Image
from composer.summarize import SummaryOptions, summarise
from composer.summarize.standalone import points_back, repair, stand_alone, strip_dateline

# (language, sentence, the opener that points back) — judged by hand: each needs the sentence before it.
BACK_POINTING = [
    ("en", "That’s the optimistic view mouthed by Michael Reed, the chief executive of the group.", "That’s"),
    ("en", "This comes after police said the demonstrators had no option but to come out.", "This"),
    ("en", "Having recently carried out a compulsory purchase of the house, the ministry can decide.", "Having"),
    ("en", "It’s the latest wave of severe air pollution in recent weeks.", "It’s"),
    ("en", "He also cancelled an investigation into claims of abuse of power.", "He"),
    ("en", "Which is not to say that the plan has failed.", "Which"),
    ("en", "You shouldn't just believe them.", "them"),
    ("en", "Their American dream shattered, nearly 150 Indians returned home.", "Their"),
    ("en", "Despite this, the council approved the budget on Tuesday.", "Despite this"),
    ("en", "Also on the list was a new bridge over the river.", "Also"),
    ("en", "In it, the prince denied every allegation.", "In it"),
    ("en", "Among them was the mayor of Riverton.", "Among them"),
    ("en", "The move comes after a year of talks.", "The move"),
    ("es", "En este caso, el tribunal decidió a favor.", "En este"),
    ("de", "Das ist der größte Erfolg der Partei seit Jahren.", "Das"),
    ("de", "Zudem hat die Regierung das Gesetz am Montag geändert.", "Zudem"),
    ("de", "Er sprach von einem Durchbruch für die Stadt.", "Er"),
    ("de", "Dies betrifft vor allem Familien mit Kindern.", "Dies"),
    ("fr", "Ce plan prévoit la construction de nouvelles digues.", "Ce"),
    ("fr", "Selon lui, les travaux commenceront en mars.", "Selon lui"),
    ("fr", "Il a annoncé sa démission mardi soir.", "Il"),
    ("es", "Esto supone un cambio importante para la ciudad.", "Esto"),
    ("es", "Por ello, el Gobierno aprobó un plan de ayudas.", "Por ello"),
    ("it", "Questo significa che i lavori inizieranno a marzo.", "Questo"),
    ("it", "Lui ha detto che la decisione è definitiva.", "Lui"),
    ("nl", "Het is de eerste keer dat de stad dit doet.", "Het"),
    ("nl", "Daarom wil de gemeente de fietspaden verbreden.", "Daarom"),
    ("pt", "Isso significa que as obras começam em março.", "Isso"),
    ("pt", "Também sou cheia de vida e de sonhos.", "Também"),
    # "Another study…" counts on the one told before.
    ("en", "Another study in 38 people found the same.", "Another"),
    ("de", "Eine weitere Studie kam zum gleichen Ergebnis.", "Eine weitere"),
    ("fr", "Une autre étude arrive au même résultat.", "Une autre"),
    ("es", "Otro estudio llegó a la misma conclusión.", "Otro"),
    ("it", "Un altro studio arriva alla stessa conclusione.", "Un altro"),
    ("nl", "Nog een onderzoek kwam tot dezelfde conclusie.", "Nog een"),
    ("pt", "Outro estudo chegou à mesma conclusão.", "Outro"),
]

# Sentences that stand alone, including look-alikes of the openers above.
STANDS_ALONE = [
    ("en", "Former US ambassador Marie Yovanovitch testified before Congress on Friday."),
    ("en", "So far, twelve people have been rescued from the building."),
    ("en", "So many people were talking about the slogan that it became a top trend."),
    ("en", "The council approved the new flood barrier on Tuesday."),
    ("en", "The decision to close the plant was taken on Monday."),
    ("en", "In Paris, the police arrested two men on Sunday."),
    ("de", "Das Gesetz tritt im Januar in Kraft."),
    ("de", "Die Bundesregierung hat am Montag ein neues Schulticket beschlossen."),
    ("fr", "Le gouvernement a annoncé un nouveau plan pour les vélos."),
    ("es", "El ayuntamiento aprobó el martes una nueva barrera contra inundaciones."),
    ("it", "E’ stato annunciato in queste ore che Netflix ospiterà il remake."),
    ("it", "Il consiglio comunale ha approvato martedì una nuova barriera."),
    ("nl", "Het kabinet wil de belasting op vliegtickets verhogen."),
    ("pt", "A câmara municipal aprovou uma nova barreira contra cheias."),
]


@pytest.mark.parametrize(("lang", "sentence", "opener"), BACK_POINTING)
def test_back_pointing_openers(lang: str, sentence: str, opener: str) -> None:
    assert points_back(sentence, lang) == opener


@pytest.mark.parametrize(("lang", "sentence"), STANDS_ALONE)
def test_sentences_that_stand_alone(lang: str, sentence: str) -> None:
    assert points_back(sentence, lang) is None
    assert stand_alone(sentence, lang) == (sentence, True)


@pytest.mark.parametrize(
    ("lang", "sentence", "repaired"),
    [
        ("en", "Meanwhile, the council approved the new flood barrier.", "The council approved the new flood barrier."),
        ("en", "But the mayor said the vote was the most important of her term.",
         "The mayor said the vote was the most important of her term."),
        ("en", "However, the report found that most pupils liked the lunches.",
         "The report found that most pupils liked the lunches."),
        ("de", "Aber die Regierung hat das Gesetz am Montag geändert.", "Die Regierung hat das Gesetz am Montag geändert."),
        ("de", "Zudem hat die Regierung das Gesetz geändert.", "Zudem hat die Regierung das Gesetz geändert."),  # verb second
        ("fr", "Cependant, le gouvernement a annoncé un nouveau plan.", "Le gouvernement a annoncé un nouveau plan."),
        ("es", "Sin embargo, el Gobierno aprobó el plan el martes.", "El Gobierno aprobó el plan el martes."),
        ("it", "Tuttavia, il governo ha approvato il piano martedì.", "Il governo ha approvato il piano martedì."),
        ("nl", "Maar de gemeente wil de fietspaden verbreden.", "De gemeente wil de fietspaden verbreden."),
        ("pt", "No entanto, o governo aprovou o plano na terça-feira.", "O governo aprovou o plano na terça-feira."),
        ("en", "So far, twelve people have been rescued.", "So far, twelve people have been rescued."),
        ("en", "But it rained.", "But it rained."),  # too little would be left
    ],
)
def test_droppable_connectives_are_dropped(lang: str, sentence: str, repaired: str) -> None:
    assert repair(sentence, lang) == repaired


def test_a_repaired_sentence_can_still_point_back() -> None:
    assert stand_alone("However, it was this type of bedding that left him breathless.", "en") == (
        "It was this type of bedding that left him breathless.", False)


@pytest.mark.parametrize(
    ("sentence", "stripped"),
    [
        ("CAIRO (Reuters) - Egypt said on Monday it would raise fuel prices.", "Egypt said on Monday it would raise fuel prices."),
        ("COLUMBIA, S.C. (AP) — About a dozen business owners gathered in a shared workspace.",
         "About a dozen business owners gathered in a shared workspace."),
        ("SANTA FE, N.M. (AP) — A cat missing for five years has been found.", "A cat missing for five years has been found."),
        ("(AP) — Michigan health authorities report a sixth fatality.", "Michigan health authorities report a sixth fatality."),
        ("WASHINGTON – Two federal prison officers were charged on Tuesday.", "Two federal prison officers were charged on Tuesday."),
        ("NEW DELHI: Nearly 150 Indians returned home on Wednesday.", "Nearly 150 Indians returned home on Wednesday."),
        ("CLEVELAND, Ohio – The Doobie Brothers will tour next year.", "The Doobie Brothers will tour next year."),
        ("DUBAI, United Arab Emirates — Emirates ordered 30 Boeing jets.", "Emirates ordered 30 Boeing jets."),
        ("Staff Reports Police arrested six people on Monday.", "Police arrested six people on Monday."),
        ("Editorial: The authorities' repression has only fuelled the crisis.",
         "The authorities' repression has only fuelled the crisis."),
        ("Berlin (dpa) - Die Bundesregierung hat am Montag beschlossen.", "Die Bundesregierung hat am Montag beschlossen."),
        ("NATO said on Monday it would send more troops.", "NATO said on Monday it would send more troops."),
        ("COVID-19 cases rose sharply in the city last week.", "COVID-19 cases rose sharply in the city last week."),
        ("UK – deal.", "UK – deal."),
    ],
)
def test_datelines_are_stripped(sentence: str, stripped: str) -> None:
    assert strip_dateline(sentence) == stripped


def _article(paragraphs: list[str], title: str | None = None, **kw) -> Article:
    return Article(title=title, body=tuple(Block("paragraph", p) for p in paragraphs), **kw)


NEWSPAPERS = [
    "That's the optimistic view mouthed by Michael Reed, the chief executive of New Media Investment Group.",
    "GateHouse Media and Gannett completed their merger on Tuesday, creating the largest newspaper chain in the US.",
    "The combined company will own more than 260 daily newspapers across 47 states.",
    "This comes after years of falling advertising revenue at local newspapers.",
    "Reed said savings of 300 million dollars a year would come from shared printing.",
]


def test_tldr_is_not_a_back_pointing_sentence() -> None:
    s = summarise(_article(NEWSPAPERS, title="Gannett and GateHouse complete newspaper merger"))
    assert s.tldr == NEWSPAPERS[1]
    # "That's the optimistic view…" and "This comes after…" mean nothing alone: not key points either
    assert NEWSPAPERS[0] not in s.key_points and NEWSPAPERS[3] not in s.key_points


def test_tldr_dateline_is_cut() -> None:
    s = summarise(_article(["CAIRO (Reuters) - Egypt's central bank cut its main interest rate by one percentage point on Thursday.",
                            "The bank said inflation had fallen to its lowest level in six years.",
                            "Analysts had expected a smaller cut of half a point."], title="Egypt cuts interest rates"))
    assert s.tldr.startswith("Egypt's central bank cut")
    assert s.key_points[0].startswith("Egypt's central bank cut")


def test_caption_and_credit_never_become_the_tldr() -> None:
    caption = "Mayor Anna Berg at the council meeting in Riverton, 3 May 2024"
    s = summarise(_article([caption, "Photo: Jane Doe/Reuters", *NEWSPAPERS[1:3]], title="Merger",
                           image=Image(url=None, caption=caption, credit="Jane Doe/Reuters")))
    assert s.tldr == NEWSPAPERS[1]


def test_standfirst_is_the_tldr_when_it_fits() -> None:
    standfirst = "The two biggest local newspaper chains in the US have merged, promising savings but fewer jobs."
    s = summarise(_article(NEWSPAPERS, title="Gannett and GateHouse complete newspaper merger", standfirst=standfirst))
    assert s.tldr == standfirst


@pytest.mark.parametrize(
    "standfirst",
    [
        "The latest news, sport and weather from around the world, every day.",  # a site-wide blurb
        "Will the merger save local newspapers?",  # a question
        "They said it would never happen.",  # points back
        "Gannett and GateHouse complete newspaper merger",  # the title again
        "Kevin Mayer, the executive in charge of the newspapers, blamed the delay on a computer fault and on heavy "
        "demand from readers across the country, who had been promised access to every one of the papers on the day "
        "of the merger.",  # does not fit in 200 characters
    ],
)
def test_standfirst_is_skipped_when_it_does_not_fit(standfirst: str) -> None:
    s = summarise(_article(NEWSPAPERS, title="Gannett and GateHouse complete newspaper merger", standfirst=standfirst))
    assert s.tldr == NEWSPAPERS[1]


def test_truncated_standfirst_keeps_its_whole_sentences() -> None:
    standfirst = ("GateHouse and Gannett have merged into the largest newspaper chain in the US. The deal, which was "
                  "announced in August, will…")
    s = summarise(_article(NEWSPAPERS, title="Newspaper merger", standfirst=standfirst))
    assert s.tldr == "GateHouse and Gannett have merged into the largest newspaper chain in the US."


def test_key_points_stand_alone() -> None:
    paragraphs = [
        "The city council of Riverton approved a new flood barrier on Tuesday after three days of debate.",
        "You shouldn't just believe them.",
        "The barrier will cost 40 million euros and protect about 12,000 homes along the Lune river.",
        "Which is not to say that everyone in the town is happy with the decision.",
        "Construction is expected to start in March and to take two years.",
        "Residents who lost their homes in the 2021 floods welcomed the decision.",
    ]
    s = summarise(_article(paragraphs, title="Riverton approves flood barrier"), SummaryOptions(key_points=3))
    assert paragraphs[1] not in s.key_points and paragraphs[3] not in s.key_points
    assert all(points_back(p, "en") is None for p in s.key_points)


MULTI = {
    "de": ["Die Stadt Flussheim bekommt einen neuen Hochwasserschutz, hat der Stadtrat beschlossen.",
           "Das ist die größte Investition in der Geschichte der Stadt.",
           "Die Anlage kostet 40 Millionen Euro und schützt etwa 12.000 Häuser am Fluss."],
    "fr": ["Le conseil municipal de Rivière a approuvé mardi une nouvelle digue contre les crues.",
           "Cela représente le plus gros investissement de l'histoire de la ville.",
           "La digue coûtera 40 millions d'euros et protégera environ 12 000 logements."],
    "es": ["El ayuntamiento de Ribera aprobó el martes una nueva barrera contra inundaciones.",
           "Esto supone la mayor inversión de la historia de la ciudad.",
           "La barrera costará 40 millones de euros y protegerá unas 12.000 viviendas."],
    "it": ["Il consiglio comunale di Riva ha approvato martedì una nuova barriera contro le alluvioni.",
           "Questo rappresenta il più grande investimento nella storia della città.",
           "La barriera costerà 40 milioni di euro e proteggerà circa 12.000 case."],
    "nl": ["De gemeenteraad van Rivierstad heeft dinsdag een nieuwe waterkering goedgekeurd.",
           "Dat is de grootste investering in de geschiedenis van de stad.",
           "De kering kost 40 miljoen euro en beschermt ongeveer 12.000 woningen."],
    "pt": ["A câmara municipal de Ribeira aprovou na terça-feira uma nova barreira contra cheias.",
           "Isso representa o maior investimento da história da cidade.",
           "A barreira vai custar 40 milhões de euros e proteger cerca de 12.000 casas."],
}


@pytest.mark.parametrize("lang", sorted(MULTI))
def test_tldr_stands_alone_in_every_language(lang: str) -> None:
    paras = MULTI[lang]
    s = summarise(_article([paras[1], paras[0], paras[2]], language=lang))
    assert s.tldr != paras[1]
    assert points_back(s.tldr, lang) is None


@pytest.mark.parametrize("sentence", [
    "It wasn't easy, and it took longer than expected, but now it's official: Rutte will lead NATO.",
    "It is unclear whether the talks will resume next week.",
    "It is time to rethink how the city pays for buses.",
    "It's official: the bridge opens to cyclists on Monday.",
])
def test_an_it_that_points_ahead_stands_alone(sentence: str) -> None:
    assert points_back(sentence, "en") is None


@pytest.mark.parametrize("sentence", ["It was a mistake.", "It comes after a week of talks.",
                                      "It said the plan would fail."])
def test_an_it_that_points_back_is_still_caught(sentence: str) -> None:
    assert points_back(sentence, "en") == "It"
