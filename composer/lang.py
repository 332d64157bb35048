"""Language detection restricted to the languages composer supports well.

Two stages, because the common case should cost microseconds: first a count of each
language's most frequent function words, which settles any article-length text in one pass
(~0.1 ms, nothing to load); only when that count is small or close between two languages does
py3langid's model decide, restricted to the supported set so that short or mixed texts are
never labelled as some rarely-used language. It runs from a seven-language cut of that model
(:mod:`composer.langid_model`: a few milliseconds to load, no numpy) rather than py3langid
itself (half a second and ~100 MiB), and decides exactly as py3langid would.
"""

from __future__ import annotations

from composer import regexcache as rx

SUPPORTED = ("en", "de", "fr", "es", "it", "nl", "pt")

# The most frequent function words of each language (facts of the language, chosen here).
_PROFILES = {
    "en": "the of and to in is that for it was on with as be by at this are from his have has but not they he an "
          "which or had were their been its will would who said also there more one after about",
    "de": "der die und das den ist nicht ein eine zu mit von im sich auf für dem des auch es als wie bei hat sie "
          "nach wird aus werden noch einen sind um am war nur oder vor durch einer über",
    "fr": "le la les de des et est un une du en que qui pour dans pas sur au par plus ne se ce il sont avec aux "
          "ont elle été cette mais nous ou leur comme être fait aussi",
    "es": "el la los las de del que y en un una es por con para se no al lo como más su sus pero fue ha este esta "
          "son sobre también entre cuando muy sin hasta desde",
    "it": "il la di che e è un una per del della non in con si le dei delle gli da al sono anche più ha come alla "
          "nel nella questo ma sua suo degli stato essere",
    "nl": "de het een van en is dat in op te niet zijn voor met die ook aan er als bij om maar dan wordt door nog "
          "naar heeft uit werd worden deze was hij zij",
    "pt": "o a os as de do da dos das que e em um uma é para com não por no na se mais ao como mas foi pelo pela "
          "ele ela são também seu sua já entre sobre nos",
}
_WORD_LANGS: dict[str, tuple[str, ...]] = {}
for _lang, _words in _PROFILES.items():
    for _w in _words.split():
        _WORD_LANGS[_w] = (*_WORD_LANGS.get(_w, ()), _lang)
_TOKEN = rx.compile(r"[^\W\d_]+")
# A verdict from function words needs this many hits and twice the runner-up's count.
_MIN_HITS = 8.0
_MIN_RATIO = 2.0


def _classify(text: str) -> str:
    from composer.langid_model import classify

    return classify(text)


def _function_word_counts(text: str, tokens: list[str] | None = None) -> dict[str, float]:
    counts = dict.fromkeys(SUPPORTED, 0.0)
    for token in _TOKEN.findall(text.lower()) if tokens is None else tokens:
        langs = _WORD_LANGS.get(token)
        if langs:
            share = 1.0 / len(langs)  # "de" is Dutch, French, Spanish and Portuguese: split its vote
            for lang in langs:
                counts[lang] += share
    return counts


def detect_language(text: str, default: str = "en") -> str:
    """The most likely supported language of ``text``; ``default`` when there is too little text."""
    sample = text[:20000]
    if sum(ch.isalpha() for ch in sample[:5000]) < 20:
        return default
    counts = _function_word_counts(sample)
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    best, second = counts[ranked[0]], counts[ranked[1]]
    if best >= _MIN_HITS and best >= _MIN_RATIO * second:
        return ranked[0]
    return _classify(sample[:5000])


def clear_language(text: str) -> str | None:
    """The supported language ``text`` is written in when its function words leave no doubt, else None.

    Stricter than :func:`detect_language` (and never loads py3langid): it is for overruling a
    language a page declares, so a short text, or one in a language outside the supported set,
    says nothing.
    """
    tokens = _TOKEN.findall(text[:20000].lower())  # the sample's words, read once for both tests
    counts = _function_word_counts("", tokens)
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    best, second = counts[ranked[0]], counts[ranked[1]]
    if best < _CLEAR_HITS or best < _CLEAR_RATIO * second:
        return None
    # Many different function words, not one repeated: Lorem ipsum's "et" and "est" are no French.
    distinct = {t for t in set(tokens) if ranked[0] in _WORD_LANGS.get(t, ())}
    return ranked[0] if len(distinct) >= _CLEAR_DISTINCT else None


_CLEAR_HITS = 15.0
_CLEAR_RATIO = 3.0
_CLEAR_DISTINCT = 8


def normalize_language(code: str | None, default: str = "en") -> str:
    """'de-DE', 'DE_at', 'pt-BR' → 'de', 'de', 'pt'; anything unusable → ``default``."""
    if not code:
        return default
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base.isalpha() and 2 <= len(base) <= 3 else default
