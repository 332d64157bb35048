from __future__ import annotations

import pytest

from composer import lang
from composer.lang import detect_language, normalize_language

SAMPLES = {
    "en": "The council said on Tuesday that the new bridge would open in the spring, after years of delays and "
          "a budget that has grown by more than a third since the work began.",
    "de": "Der Stadtrat hat am Dienstag beschlossen, dass die neue Brücke im Frühjahr eröffnet wird, nachdem die "
          "Arbeiten über Jahre verzögert worden sind und die Kosten stark gestiegen sind.",
    "fr": "Le conseil municipal a annoncé mardi que le nouveau pont sera ouvert au printemps, après des années de "
          "retard et un budget qui a augmenté de plus d'un tiers depuis le début des travaux.",
    "es": "El ayuntamiento anunció el martes que el nuevo puente se abrirá en primavera, después de años de "
          "retrasos y de un presupuesto que ha crecido más de un tercio desde que empezaron las obras.",
    "it": "Il consiglio comunale ha annunciato martedì che il nuovo ponte sarà aperto in primavera, dopo anni di "
          "ritardi e un bilancio che è cresciuto di più di un terzo da quando sono iniziati i lavori.",
    "nl": "De gemeenteraad heeft dinsdag gezegd dat de nieuwe brug in het voorjaar open gaat, na jaren van "
          "vertraging en een budget dat met meer dan een derde is gestegen sinds het werk begon.",
    "pt": "A câmara municipal anunciou na terça-feira que a nova ponte vai abrir na primavera, depois de anos de "
          "atrasos e de um orçamento que cresceu mais de um terço desde o início das obras.",
}


@pytest.mark.parametrize("code", sorted(SAMPLES))
def test_each_supported_language(code: str) -> None:
    assert detect_language(SAMPLES[code]) == code


def test_function_words_settle_article_text_without_the_model(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(text: str) -> str:  # the fallback model must not be needed for clear cases
        raise AssertionError("the language model was consulted")

    monkeypatch.setattr(lang, "_classify", boom)
    assert detect_language(SAMPLES["de"] * 2) == "de" and detect_language(SAMPLES["pt"] * 2) == "pt"


def test_short_or_unclear_text_falls_back_and_stays_supported() -> None:
    assert detect_language("Brexit: Merz trifft Starmer in Berlin") in lang.SUPPORTED
    assert detect_language("12:05") == "en" and detect_language("", default="fr") == "fr"


def test_normalize_language() -> None:
    assert normalize_language("de-DE") == "de" and normalize_language("pt_BR") == "pt"
    assert normalize_language(None) == "en" and normalize_language("???") == "en"
