"""Sentence splitting: the cases that break naive splitters, in every supported language."""

from __future__ import annotations

import pytest

from composer.summarize.sentences import split_sentences


@pytest.mark.parametrize(
    ("lang", "text", "expected"),
    [
        # English: titles, initials, acronyms, decimals, dates, times
        ("en", "Mr. Smith met Dr. Jones on Jan. 5 at 3.30 p.m. in St. Louis. They talked.",
         ["Mr. Smith met Dr. Jones on Jan. 5 at 3.30 p.m. in St. Louis.", "They talked."]),
        ("en", "Gen. Mark Milley spoke. J. Craig Venter listened. Growth was 2.5% in 2024.",
         ["Gen. Mark Milley spoke.", "J. Craig Venter listened.", "Growth was 2.5% in 2024."]),
        ("en", "J. K. Rowling wrote it. They chose plan B. Then it worked.",
         ["J. K. Rowling wrote it.", "They chose plan B.", "Then it worked."]),
        ("en", "The U.S. Army said so. He moved to the U.S. The move was costly.",
         ["The U.S. Army said so.", "He moved to the U.S.", "The move was costly."]),
        ("en", "It happened e.g. in Paris, i.e. far away. Then it stopped.",
         ["It happened e.g. in Paris, i.e. far away.", "Then it stopped."]),
        ("en", "\"We will win.\" The crowd cheered. \"Will we?\" he asked. \"Yes!\" She smiled.",
         ["\"We will win.\"", "The crowd cheered.", "\"Will we?\" he asked.", "\"Yes!\"", "She smiled."]),
        ("en", "It was quoted at No. 10 on 01.02.2024. Prices rose... Then fell.",
         ["It was quoted at No. 10 on 01.02.2024.", "Prices rose...", "Then fell."]),
        ("en", "He said \u201cno.\u201d Then he left. She said \u2018maybe?\u2019 and went.",
         ["He said \u201cno.\u201d", "Then he left.", "She said \u2018maybe?\u2019 and went."]),
        # scraped BBC text glues sentences together
        ("en", "He was vilified by the community.Dr Venter has not changed. It was \"fight\".Jon left.",
         ["He was vilified by the community.", "Dr Venter has not changed.", "It was \"fight\".", "Jon left."]),
        # a lone dotted name after a capitalised word is not a joint; before a sentence opener it is
        ("de", "Das Portal Table.Briefings berichtete darüber. Er lebt in Berlin.Er sagte nichts.",
         ["Das Portal Table.Briefings berichtete darüber.", "Er lebt in Berlin.", "Er sagte nichts."]),
        # …but in text scraped without spaces every joint is one
        ("en", "Rain fell in Leeds.Crowds stayed home.Shops shut early.Wrexham.Attempt saved.",
         ["Rain fell in Leeds.", "Crowds stayed home.", "Shops shut early.", "Wrexham.", "Attempt saved."]),
        # tokenised CNN/DM text puts a space before the full stop
        ("en", "Merson put on Twitter . 'Just been watching the game , ' he said .",
         ["Merson put on Twitter .", "'Just been watching the game , ' he said ."]),
        ("en", "Visit bbc.co.uk or example.com today. Thanks.", ["Visit bbc.co.uk or example.com today.", "Thanks."]),
        # company suffixes and times: usually mid-sentence, sometimes the end
        ("en", "Apple Inc. Chief Tim Cook spoke. He works for Apple Inc. The firm grew. It closed at 5 p.m. Monday.",
         ["Apple Inc. Chief Tim Cook spoke.", "He works for Apple Inc.", "The firm grew.", "It closed at 5 p.m. Monday."]),
        ("en", "The shop shut at 10 p.m. and police arrived. Martin Luther King Jr. was there. So was Ford Motor Co. He said so.",
         ["The shop shut at 10 p.m. and police arrived.", "Martin Luther King Jr. was there.", "So was Ford Motor Co.",
          "He said so."]),
        # German: ordinals, z.B., Hr./Fr., Nr.
        ("de", "Am 3. Oktober feiert Deutschland. Hr. Müller sagte z.B. nichts. Das steht in Nr. 5. Fertig.",
         ["Am 3. Oktober feiert Deutschland.", "Hr. Müller sagte z.B. nichts.", "Das steht in Nr. 5.", "Fertig."]),
        ("de", "Ludwig XIV. war König. Die Inflation lag bei 2,5 Prozent. Das ist viel.",
         ["Ludwig XIV. war König.", "Die Inflation lag bei 2,5 Prozent.", "Das ist viel."]),
        # French: M., Mme, guillemets with spaces
        ("fr", "M. Dupont est arrivé. Mme Durand aussi. Il a dit : « Non. » Puis il est parti.",
         ["M. Dupont est arrivé.", "Mme Durand aussi.", "Il a dit : « Non. »", "Puis il est parti."]),
        # Spanish: inverted marks, Sr./Sra., EE.UU.
        ("es", "¿Qué pasa? ¡Nada! El Sr. García viajó a EE.UU. en enero. La Sra. López no.",
         ["¿Qué pasa?", "¡Nada!", "El Sr. García viajó a EE.UU. en enero.", "La Sra. López no."]),
        # Italian: sig., dott., a sentence ending in "no."
        ("it", "Il sig. Rossi è arrivato. Il dott. Bianchi ha detto no. Poi è finita.",
         ["Il sig. Rossi è arrivato.", "Il dott. Bianchi ha detto no.", "Poi è finita."]),
        # Dutch: dhr., bijv., mevr.
        ("nl", "Dhr. Jansen kwam om 10.30 uur. Het was bijv. leuk. Mevr. de Vries ging naar huis.",
         ["Dhr. Jansen kwam om 10.30 uur.", "Het was bijv. leuk.", "Mevr. de Vries ging naar huis."]),
        # Portuguese: Sr., Dra., a number that ends a sentence
        ("pt", "O Sr. Silva chegou em 2023. A Dra. Costa não. Depois saiu às 14.30.",
         ["O Sr. Silva chegou em 2023.", "A Dra. Costa não.", "Depois saiu às 14.30."]),
    ],
)
def test_split(lang: str, text: str, expected: list[str]) -> None:
    assert split_sentences(text, lang) == expected


def test_whitespace_and_empty() -> None:
    assert split_sentences("", "en") == []
    assert split_sentences("   \n ", "en") == []
    assert split_sentences("One line\nwrapped here. Next one.", "en") == ["One line wrapped here.", "Next one."]


def test_unknown_language_uses_common_rules() -> None:
    assert split_sentences("Dr. Who came. He left.", "sv") == ["Dr. Who came.", "He left."]


def test_no_text_is_lost() -> None:
    text = "A first one. \"A quote?\" he asked. Mr. X paid $3.50 on Jan. 2. Done!"
    assert "".join(split_sentences(text, "en")).replace(" ", "") == text.replace(" ", "")
