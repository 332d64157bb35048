"""Import trafilatura without the work it would redo in every process and never need for us.

- trafilatura imports py3langid at import time (and py3langid imports numpy and decompresses a
  60 MB model on first use), only to filter pages by a target language — an option composer
  never sets. Hiding py3langid while trafilatura is imported makes trafilatura note that it is
  absent (its documented fallback), which saves about a third of a second and ~60 MiB on every
  HTML page; composer's own language detection still loads py3langid when it needs it.
- trafilatura, courlan, htmldate and urllib3 compile ~150 regular expressions at import: they
  come from the compiled-pattern store (:mod:`composer.regexcache`) instead.
- jusText's fallback needs all of jusText's stop lists merged and lower-cased (150,000 words):
  that set is kept in the user's cache folder, ready to use (see ``_prime_justext_stoplist``).
- Its regex pruning expressions get Python forms for composer's reader to use
  (:mod:`composer.ingest.trafilatura_prune`).
"""

from __future__ import annotations

import marshal
import sys

from composer.cachedir import user_cache_dir, write_private
from composer.regexcache import stored_compiles

_READY = False


def import_trafilatura() -> None:
    """Make sure trafilatura is imported (without py3langid if composer imports it first) and
    prepared for composer's reader. Safe to call any number of times, also after someone else
    imported trafilatura."""
    global _READY
    if _READY:
        return
    if "trafilatura" not in sys.modules:
        hide = "py3langid" not in sys.modules
        if hide:
            sys.modules["py3langid"] = None  # type: ignore[assignment]  # an import of it now raises ImportError
        try:
            with stored_compiles():
                import trafilatura  # noqa: F401
        finally:
            if hide and sys.modules.get("py3langid", 0) is None:
                del sys.modules["py3langid"]
    _prime_justext_stoplist()
    from composer.ingest.trafilatura_prune import install

    install()
    _READY = True


class StopWords:
    """jusText's merged stop words as the one thing jusText asks of them: ``word in stop_words``.

    A frozenset of the 150,000 words takes longer to load than the page takes to read (every
    word becomes a string object, then is hashed), so the words are kept as UTF-8 bytes in
    buckets by their first two letters, ``b"\\n"``-separated: loading is a copy of bytes, and a
    look-up is a search for ``\\nword\\n`` in a bucket of a few hundred bytes.
    """

    __slots__ = ("_buckets", "_size")

    def __init__(self, buckets: dict[str, bytes], size: int) -> None:
        self._buckets = buckets
        self._size = size

    @classmethod
    def of(cls, words: frozenset[str]) -> StopWords:
        grouped: dict[str, list[str]] = {}
        for word in sorted(words):
            grouped.setdefault(word[:2], []).append(word)
        buckets = {key: ("\n" + "\n".join(group) + "\n").encode("utf-8") for key, group in grouped.items()}
        return cls(buckets, len(words))

    def __contains__(self, word: object) -> bool:
        if not isinstance(word, str) or "\n" in word:
            return False
        bucket = self._buckets.get(word[:2])
        # surrogatepass: a word with a lone surrogate cannot be a stop word, and must not raise
        return bucket is not None and b"\n" + word.encode("utf-8", "surrogatepass") + b"\n" in bucket

    def __len__(self) -> int:
        return self._size

    def dump(self) -> bytes:
        return marshal.dumps((self._size, self._buckets))

    @classmethod
    def load(cls, data: bytes) -> StopWords | None:
        try:
            size, buckets = marshal.loads(data)
        except (ValueError, EOFError, TypeError):
            return None
        if not isinstance(size, int) or not isinstance(buckets, dict) or size < 1000:
            return None  # not a whole merged list
        return cls(buckets, size)


def _prime_justext_stoplist() -> None:
    """Give trafilatura its merged jusText stop list, already in the form jusText uses.

    trafilatura's jusText fallback merges all 100 of jusText's stop lists on first use in every
    process (150,000 words), and jusText then lower-cases them into a frozenset on every first
    call (together ~0.2 s). Both steps are deterministic for a jusText version, so their result
    is kept in the cache folder (as :class:`StopWords`) and handed to trafilatura through the
    module variable it fills itself (``JT_STOPLIST``); jusText is told that these words are
    already lower-cased, so it uses them as they are. Only membership matters to jusText.
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
    path = folder / f"stopwords-{version}.marshal" if folder else None
    words: StopWords | None = None
    if path is not None:
        try:
            words = StopWords.load(path.read_bytes())
        except OSError:
            words = None
    if words is None:
        lowered = frozenset(w.lower() for w in external.jt_stoplist_init())
        if any("\n" in w or not w for w in lowered):  # cannot be kept in buckets: leave jusText as it is
            return
        words = StopWords.of(lowered)
        if path is not None:
            write_private(path, words.dump())
    external.JT_STOPLIST = words  # type: ignore[assignment]  # jusText only asks `word in stop_words`
    _use_as_lowered(words)


def _use_as_lowered(words: StopWords) -> None:
    """Let jusText's ``define_stoplist`` return ``words`` as they are (they are its own result)."""
    from justext import core

    original = getattr(core, "define_stoplist", None)
    if original is None or getattr(original, "composer_lowered", None) is not None:
        return

    def define_stoplist(stoplist: object) -> object:
        return stoplist if stoplist is words else original(stoplist)

    define_stoplist.composer_lowered = words  # type: ignore[attr-defined]
    core.define_stoplist = define_stoplist
