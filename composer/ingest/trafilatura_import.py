"""Import trafilatura without the language model it would load and never use for us.

trafilatura imports py3langid at import time (and py3langid imports numpy and decompresses a
60 MB model on first use), only to filter pages by a target language — an option composer
never sets. Hiding py3langid while trafilatura is imported makes trafilatura note that it is
absent (its documented fallback), which saves about a third of a second and ~60 MiB on every
HTML page; composer's own language detection still loads py3langid when it needs it.
"""

from __future__ import annotations

import sys

from composer.cachedir import user_cache_dir, write_private


def import_trafilatura() -> None:
    """Make sure trafilatura is imported, without py3langid. Safe to call any number of times."""
    if "trafilatura" in sys.modules:
        return
    hide = "py3langid" not in sys.modules
    if hide:
        sys.modules["py3langid"] = None  # type: ignore[assignment]  # an import of it now raises ImportError
    try:
        import trafilatura  # noqa: F401
    finally:
        if hide and sys.modules.get("py3langid", 0) is None:
            del sys.modules["py3langid"]
    _prime_justext_stoplist()


def _prime_justext_stoplist() -> None:
    """Give trafilatura its merged jusText stop list from the user's cache.

    trafilatura's jusText fallback merges all 100 of jusText's stop lists on first use in every
    process (~0.2 s; 150,000 words). The merge is deterministic for a jusText version, so it is
    kept in the cache folder and handed to trafilatura through the module variable it fills
    itself (``JT_STOPLIST``). Only membership matters to jusText, so the order is irrelevant.
    """
    from trafilatura import external

    if external.JT_STOPLIST:
        return
    try:
        import justext

        version = str(justext.__version__)
    except (ImportError, AttributeError):
        return
    folder = user_cache_dir("justext")
    path = folder / f"stoplist-{version}.txt" if folder else None
    if path is not None:
        try:
            words = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            words = []
        if len(words) > 1000:  # a whole merged list, not a truncated write
            external.JT_STOPLIST = tuple(words)
            return
    merged = external.jt_stoplist_init()
    if path is not None:
        write_private(path, "\n".join(sorted(merged)).encode("utf-8"))
