"""Language detection restricted to the languages composer supports well.

py3langid is small, offline and fast (~0.1 ms per call); restricting it to the supported set
stops short or mixed texts from being labelled as some rarely-used language.
"""

from __future__ import annotations

from functools import lru_cache

SUPPORTED = ("en", "de", "fr", "es", "it", "nl", "pt")


@lru_cache(maxsize=1)
def _identifier():  # type: ignore[no-untyped-def]
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    ident = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ident.set_languages(list(SUPPORTED))
    return ident


def detect_language(text: str, default: str = "en") -> str:
    """The most likely supported language of ``text``; ``default`` when there is too little text."""
    sample = text[:5000]
    if sum(ch.isalpha() for ch in sample) < 20:
        return default
    lang, _prob = _identifier().classify(sample)
    return str(lang)


def normalize_language(code: str | None, default: str = "en") -> str:
    """'de-DE', 'DE_at', 'pt-BR' → 'de', 'de', 'pt'; anything unusable → ``default``."""
    if not code:
        return default
    base = code.strip().replace("_", "-").split("-")[0].lower()
    return base if base.isalpha() and 2 <= len(base) <= 3 else default
