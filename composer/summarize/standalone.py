"""Does a sentence stand on its own? Repair it when a word can be dropped, flag it when not.

A TL;DR opens the X/Bluesky post and the embed card, and each key point is read without the
others, so a sentence that leans on the one before it ("This comes after…", "However, it was…",
"That's the optimistic view…", "Having recently carried out…") makes a bad hook. Two kinds of
opener are told apart, in every supported language:

* a **removable connective** ("However,", "But", "Meanwhile,", "Mais", "Sin embargo,", "Aber"):
  the sentence says the same without it, so :func:`repair` drops it and capitalises the rest.
  German and Dutch put the verb second, so there only coordinating conjunctions ("Aber", "Und",
  "Maar", "En") are dropped — "Zudem hat die Regierung…" without "Zudem" is no sentence;
* a **back-pointing opener** that cannot be dropped: a personal or demonstrative pronoun or a
  possessive ("He", "It", "This", "That's", "Their", "Er", "Dies", "Il", "Ce", "Questo", "Hij",
  "Ele"), a connective that carries the verb position, a dangling participle ("Having …") or a
  relative ("Which …"). :func:`points_back` says so, and the summariser avoids such a sentence.

An opener's pronoun has no antecedent *in the sentence* by construction (it is the first word),
so the first words are enough; German "Das"/"Die"/"Der" are pronouns only before a lower-case
word (nouns are capitalised), Dutch "Het" only before a verb.

Datelines and agency prefixes ("CAIRO (Reuters) -", "COLUMBIA, S.C. (AP) —", "WASHINGTON –",
"NEW DELHI:", "Berlin (dpa) -") are cut by :func:`strip_dateline`.
"""

from __future__ import annotations

import re
from functools import lru_cache

from composer import regexcache as rx


def _word_set(words: str) -> frozenset[str]:
    return frozenset(words.split())


# Connectives that can be dropped without changing what the sentence states. With a trailing
# comma where the language writes one; the pattern allows the comma to be missing.
_REMOVABLE = {
    "en": """however|meanwhile|moreover|furthermore|additionally|also|still|indeed|nevertheless|nonetheless|
        in addition|besides|similarly|likewise|in fact|at the same time|as such|and|but|yet|plus|
        even so|on top of that|by contrast|in contrast|instead|now|then|so|after all|of course|better yet|
        even better|worse still|what's more|what’s more|what is more|in turn|in short|in other words|that said|
        finally|lastly|above all|for example|for instance|in particular|again|first|second|third|still more""",
    "de": "aber|und|doch|denn|oder",
    "nl": "maar|en|of",
    "fr": """mais|et|cependant|pourtant|toutefois|par ailleurs|en outre|de plus|ainsi|néanmoins|or|
        d'ailleurs|d’ailleurs|en revanche|par contre|également|enfin|puis|ensuite""",
    "es": """pero|y|sin embargo|además|asimismo|no obstante|por otra parte|por su parte|mientras tanto|
        de hecho|igualmente|también|luego|entonces|en cambio""",
    "it": """ma|e|tuttavia|inoltre|però|invece|infatti|peraltro|intanto|nel frattempo|comunque|poi|anche|
        quindi|dunque""",
    "pt": """mas|e|porém|no entanto|além disso|contudo|entretanto|todavia|também|assim|então|por outro lado|
        por sua vez|aliás""",
}
# Connectives after which a comma is required before we drop them: "So, the…" yes, "So far…" no;
# "Still, the…" yes, "Still photos…" no. Words not listed here are dropped with or without comma.
_NEEDS_COMMA = frozenset(["also", "still", "indeed", "instead", "now", "then", "so", "plus", "as", "such", "after", "all", "of", "course", "ainsi", "enfin", "puis", "ensuite", "également", "luego", "entonces", "también", "igualmente", "anche", "poi", "quindi", "dunque", "também", "assim", "então", "or"])

# Openers that point back and cannot be dropped. Lower case; contractions with ' (’ is normalised).
_BACK = {
    "en": """he she it they him her them his its their this that these those such that's it's he's she's
        they're they've they'd he'd she'd it'd which also instead yet whom whose having having's latter another
        therefore thus hence accordingly consequently otherwise thereby""",
    "de": """er sie es ihm ihn ihr ihre ihrem ihren ihrer ihres sein seine seinem seinen seiner seines dies diese
        dieser dieses diesem diesen dessen deren jedoch zudem außerdem dennoch trotzdem dabei damit daher deshalb
        deswegen darum dazu allerdings stattdessen hingegen ebenfalls danach dafür dagegen darüber sonst
        folglich ferner auch""",
    "fr": """il elle ils elles lui leur leurs son sa ses ce cela ceci ça c'est cet cette ces celui celle ceux
        celles lequel laquelle dont donc aussi""",
    "es": """él ella ellos ellas su sus esto esta este estos estas eso esa ese esos esas ello aquel aquella también
        otro otra""",
    "it": """lui lei loro egli essa esso essi esse suo sua suoi sue questo questa questi queste quello quella
        quelli quelle ciò pertanto anche""",
    "nl": """hij zij ze zijn haar hun hem dit dat deze die toch echter bovendien daarnaast daarom dus verder
        daardoor daarbij intussen ondertussen wel hiermee daarmee ook""",
    "pt": """ele ela eles elas seu sua seus suas isso isto este esta estes estas esse essa esses essas aquele
        aquela também outro outra""",
}
_BACK_PHRASES = {
    "en": ("despite this", "despite that", "despite these", "as a result", "in response", "for his part",
           "for her part", "for their part", "because of this", "because of that", "after this", "after that",
           "according to him", "according to her", "according to them", "on the other hand", "at that time",
           "at the time", "in doing so", "to do so", "the latter", "the former"),
    "de": ("im gegenzug", "darüber hinaus", "laut ihm", "laut ihr", "zuvor hatte", "zuvor war", "ein weiterer",
           "eine weitere", "ein weiteres"),
    "fr": ("selon lui", "selon elle", "selon eux", "par conséquent", "malgré cela", "pour sa part", "à cette",
           "un autre", "une autre"),
    "es": ("por eso", "por ello", "por lo tanto", "según él", "según ella", "a pesar de ello", "por este motivo"),
    "it": ("secondo lui", "secondo lei", "per questo", "di conseguenza", "da parte sua", "in questo modo",
           "un altro", "un'altra"),
    "nl": ("volgens hem", "volgens haar", "aan de andere kant", "op die manier", "nog een"),
    "pt": ("por isso", "segundo ele", "segundo ela", "por este motivo", "desta forma", "dessa forma"),
}
# "The move comes after…": a definite noun phrase that refers to an event told before — unless a
# complement right after it says which ("The decision to close the plant…").
_ANAPHORIC_NP = rx.compile(r"^(the (?:move|decision|announcement|comments|remarks|incident|news|order|step|development"
                           r"|revelation|news|claims?|allegations?))\s+([a-z]+)")
_NP_COMPLEMENT = _word_set("to of by for on in at from that which about against over with")
_PREPOSITIONS = {
    "en": _word_set("in of on at for with by to from among after before like unlike despite besides during since "
                    "under without beyond behind against"),
    "de": _word_set("in mit nach vor bei für gegen trotz wegen seit durch ohne"),
    "fr": _word_set("dans avec pour par sur sous après avant malgré selon depuis entre parmi"),
    "es": _word_set("en con para por sobre tras ante desde entre según durante"),
    "it": _word_set("in con per su tra fra dopo prima secondo durante da"),
    "nl": _word_set("in met voor na op bij door tijdens volgens sinds tegen"),
    "pt": _word_set("em com para por sobre após antes segundo durante desde entre"),
}
_SHORT_PRONOUNS = frozenset({"he", "she", "it", "they", "him", "her", "them", "his", "its", "their", "this", "that",
                             "these", "those"})
_DE_ARTICLE_PRONOUNS = frozenset({"das", "die", "der", "den", "dem"})
_NL_HET_VERBS = frozenset({"is", "was", "gaat", "ging", "wordt", "werd", "zou", "lijkt", "leek", "heeft", "had", "kan",
                           "moet", "blijkt", "bleek"})
_OPEN_PUNCT = " \"'“‘«„¿¡([—–-…"
_WORD = rx.compile(r"[^\W_]+(?:['’][^\W_]+)?")
# Italian "E’ stato" / "E' stata": the verb è written with an apostrophe, not the conjunction.
_IT_E_VERB = rx.compile(r"^[EeÈè]['’`]\s")


@lru_cache(maxsize=16)
def _removable(lang: str) -> re.Pattern[str]:
    words = sorted((w.strip() for w in _REMOVABLE.get(lang, _REMOVABLE["en"]).split("|")), key=len, reverse=True)
    alternatives = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words if w)
    return rx.compile(r"^(?P<word>" + alternatives + r")(?P<comma>\s*,)?\s+(?=\S)", re.IGNORECASE)


@lru_cache(maxsize=16)
def _starters(lang: str) -> frozenset[str]:
    """First words of the multi-word openers and connectives of ``lang`` (and English): a sentence
    whose first word is none of them skips the phrase checks — most sentences, cheaply."""
    phrases = [w.strip() for w in _REMOVABLE.get(lang, _REMOVABLE["en"]).split("|")]
    phrases += [*_BACK_PHRASES.get(lang, ()), *_BACK_PHRASES["en"], "the"]
    return frozenset(p.split()[0].replace("’", "'") for p in phrases if p.strip())
# English extraposition and weather/time "it": the subject of "It wasn't easy, and…", "It is
# time to…", "It is unclear whether…" refers to what follows, so such a lead stands alone. Only
# a short predicate right before a comma, colon or clause word counts ("It was a mistake." does not).
_EN_DUMMY_IT = rx.compile(
    r"it(?:'s| is| was| isn't| wasn't| has been| had been| will be| would be| seems| seemed)"
    r"(?:\s+not)?(?:\s+[a-z-]+){1,2}\s*(?:[,:]|\s(?:to|that|whether|if|how|why|when|for)\b)"
)



def _first_word(text: str) -> str:
    m = _WORD.match(text.lstrip(_OPEN_PUNCT))
    return m.group().lower().replace("’", "'") if m else ""


@lru_cache(maxsize=16)
def _back(lang: str) -> frozenset[str]:
    return frozenset(_BACK.get(lang, _BACK["en"]).split())


def _capitalise(text: str) -> str:
    for i, ch in enumerate(text):
        if ch.isalpha():
            return text[:i] + ch.upper() + text[i + 1 :] if ch.islower() else text
        if ch not in _OPEN_PUNCT:
            return text
    return text


def repair(sentence: str, lang: str = "en") -> str:
    """``sentence`` without a droppable opening connective ("However, the…" → "The…").

    Repeats while the sentence still opens with one ("But meanwhile, …"); never leaves fewer than
    four words. A sentence that does not open with one comes back unchanged.
    """
    if _first_word(sentence) not in _starters(lang):
        return sentence
    pattern = _removable(lang)
    out = sentence
    for _ in range(3):
        m = pattern.match(out)
        if not m:
            break
        word = m.group("word").lower()
        if word in _NEEDS_COMMA and not m.group("comma"):
            break
        if lang == "it" and word == "e" and _IT_E_VERB.match(out):
            break
        rest = out[m.end() :]
        if len(rest.split()) < 4:
            break
        out = _capitalise(rest)
    return out


def points_back(sentence: str, lang: str = "en") -> str | None:
    """The opener of ``sentence`` that needs an earlier sentence ("This", "He", "Having"), or None."""
    t = sentence.lstrip(_OPEN_PUNCT)
    starts_phrase = _first_word(t) in _starters(lang)
    low = t[:60].lower().replace("’", "'")
    if starts_phrase:
        for phrase in _BACK_PHRASES.get(lang, ()) + (_BACK_PHRASES["en"] if lang != "en" else ()):
            if low.startswith(phrase) and not low[len(phrase) : len(phrase) + 1].isalnum():
                return t[: len(phrase)]
    if lang == "en" and starts_phrase:
        m = _ANAPHORIC_NP.match(low)
        if m and m.group(2) not in _NP_COMPLEMENT:
            return t[: len(m.group(1))]  # "The move comes after…" (but "The move by the bank to…" is self-contained)
    words = _WORD.findall(t[:80])
    if not words:
        return None
    first = words[0].lower().replace("’", "'")
    nxt = words[1] if len(words) > 1 else ""
    if lang == "it" and first == "e" and _IT_E_VERB.match(t):
        return None
    if lang == "en" and _EN_DUMMY_IT.match(low):
        return None  # "It wasn't easy, but…", "It is unclear whether…": "it" points ahead, not back
    if first in _back(lang if lang in _BACK else "en"):
        return words[0]
    m = _removable(lang).match(t) if starts_phrase else None
    if m and (m.group("comma") or m.group("word").lower() not in _NEEDS_COMMA):
        return m.group("word")  # "However, …", "But …": droppable, see repair(), but not yet dropped
    if first in _PREPOSITIONS.get(lang, ()) and nxt.lower().replace("’", "'") in _back(lang if lang in _BACK else "en"):
        return f"{words[0]} {nxt}"  # "In it, …", "Among them…", "En este caso…", "Per questo…"
    if lang == "de" and first in _DE_ARTICLE_PRONOUNS and nxt[:1].islower():
        return words[0]
    if lang == "nl" and first == "het" and nxt.lower() in _NL_HET_VERBS:
        return words[0]
    if lang == "en" and first == "there" and t[len(words[0]) : len(words[0]) + 1] == ",":
        return words[0]
    if lang == "en" and len(words) <= 8:
        # A short sentence whose pronoun has nothing to refer to: "You shouldn't just believe them."
        pronoun = next((w for w in words[1:] if w.lower() in _SHORT_PRONOUNS), None)
        if pronoun and not any(w[:1].isupper() for w in words[1:]):
            return pronoun
    return None


# --- datelines --------------------------------------------------------------------------------

_AGENCY = r"(?:CNN|Reuters|AP|AFP|dpa|DPA|ANSA|EFE|Lusa|ANP|Belga|APA|KNA|epd|AA|UPI|PTI|IANS|Xinhua|Bloomberg|SDA|ATS)"
_DASH = r"\s*[-–—:]+\s+"
_DATELINE = rx.compile(
    r"^\s*(?:"
    # "(CNN) —", "(AP) —"
    r"\(" + _AGENCY + r"\)" + _DASH + r"|"
    # "CAIRO (Reuters) -", "COLUMBIA, S.C. (AP) —", "Berlin (dpa) -", "SANTA FE, N.M., March 3 (AP) —"
    r"[A-ZÀ-Þ][\w.'’ -]{1,30}(?:,\s*[\w. ]{2,20}){0,2}\s*\(" + _AGENCY + r"\)" + _DASH + r"|"
    # "WASHINGTON –", "NEW DELHI:", "CLEVELAND, Ohio –", "DUBAI, United Arab Emirates —", "LONDON, March 3 -",
    # "DEAR ABBY:", "BREAKING:"
    r"[A-ZÀ-Þ]{2,}(?:[ .'’-]+[A-ZÀ-Þ]{2,})*\.?(?:,\s*(?:[A-Z][a-z]+\.?(?:\s[A-Z][a-z]+){0,2}|(?:[A-Z]\.){2}))?"
    r"(?:,?\s+[A-Z][a-z]{2,8}\.?\s+\d{1,2})?" + _DASH + r"|"
    # a section label: "Editorial: The authorities' repression…", "Analysis: …", "Kommentar: …"
    r"(?:Editorial|Opinion|Analysis|Column|Commentary|Review|Exclusive|Explainer|Breaking|Update|Watch|Live|"
    r"Kommentar|Meinung|Analyse|Éditorial|Tribune|Opinión|Análisis|Editoriale|Commento|Opinie|Opinião)\s*:\s+"
    r"(?=[A-ZÀ-Þ\"“‘'«])|"
    # a byline label glued to the first sentence: "Staff Reports Police arrested…"
    r"(?:Staff|Wire|News)\s+(?:Reports?|Writers?|Services?)\s+(?=[A-Z]))"
)


def strip_dateline(sentence: str) -> str:
    """``sentence`` without a leading dateline or agency tag; unchanged when none, or too little is left."""
    head = sentence[:90]
    if not ("-" in head or "–" in head or "—" in head or ":" in head or "(" in head
            or head.lstrip().startswith(("Staff", "Wire", "News"))):
        return sentence  # every dateline, tag and label has one of these: most sentences stop here
    m = _DATELINE.match(sentence)
    if not m:
        return sentence
    head = m.group(0)
    letters = [c for c in head if c.isalpha()]
    if head.lstrip()[:1] != "(" and "(" not in head and len(letters) < 3:
        return sentence
    rest = sentence[m.end() :]
    if len(rest.split()) < 4:
        return sentence
    return _capitalise(rest)


def has_dateline(sentence: str) -> bool:
    return strip_dateline(sentence) != sentence


def stand_alone(sentence: str, lang: str = "en") -> tuple[str, bool]:
    """``(text, ok)``: the sentence with its dateline and droppable connective removed, and whether
    it then stands on its own."""
    text = repair(strip_dateline(sentence), lang)
    return text, points_back(text, lang) is None
