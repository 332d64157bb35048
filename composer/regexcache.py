"""Compiled regular expressions kept between runs, because compiling them is most of start-up.

Every ``compose`` is a new process, and CPython's ``re`` compiles each pattern in pure Python
(parse, then code generation): the ~250 fixed patterns of the readers, dates and summariser
cost ~100 ms per run, more than parsing and summarising an article. Making them lazy does not
help — a compose uses nearly all of them — so this module keeps the *result* of compiling: the
small list of integers (the SRE program) that ``re`` hands to its C engine. A later process
hands the stored program to the engine directly, which takes microseconds.

Only for patterns fixed in the source (module constants): the store grows with every distinct
pattern, so patterns built from input belong to ``re.compile``. The store is one file in the
user's private cache folder (see ``cachedir``), named after the exact interpreter and engine
version, since the program format is private to CPython; the engine validates every program it
is given. Whatever goes wrong — another Python, a changed private API, a damaged or missing
file, caching turned off — the pattern is compiled by ``re.compile`` instead: the result is the
same ``re.Pattern`` (patterns compare equal when their source, flags and program are equal, and
the tests check that for every stored one).
"""

from __future__ import annotations

import _sre
import atexit
import contextlib
import gc
import marshal
import re
import sys
from array import array
from collections.abc import Iterable
from pathlib import Path

from composer.cachedir import OutermostBlock, user_cache_dir, write_private

# A program is a list of unsigned ints of the engine's code size; stored as their bytes, which
# marshal loads as one copy instead of an object per int (the store loads in well under 1 ms).
_CODE = "I" if array("I").itemsize == _sre.CODESIZE else "L"
_LIMIT = 4000  # stored programs; a store that outgrows it starts again from this run's patterns

_made: dict[tuple[str, int], re.Pattern[str]] = {}
_programs: dict[tuple[str, int], tuple] | None = None  # (pattern, flags) -> arguments of _sre.compile
_new = 0
_fresh: set[tuple[str, int]] = set()  # keys this process compiled and added to the store
_broken = False  # the private API did not behave: use re.compile for the rest of the process
_re_compile = re.compile


def any_of(words: Iterable[str]) -> str:
    """One regular expression for "any of ``words`` occurs", written as a trie ("c(?:lic|o(?:py|…)))")
    so that the engine tries each next character once instead of every word at every position."""
    trie: dict[str, dict] = {}  # type: ignore[type-arg]
    words = list(words)
    if not words:
        raise ValueError("any_of needs at least one word: an empty pattern would match every line")
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict) -> str:  # type: ignore[type-arg]
        if "" in node:
            return ""  # a shorter word already answers "does one occur"
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items())]
        return alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"

    return build(trie)


_ESCAPE = re.compile(r"\\.|\(\?P[<=]")  # escapes and group syntax, whose capitals match nothing


class AnyCase:
    """"Does this pattern occur, in any case": a search with ``re.I``, made cheaper for ASCII text.

    With ``re.I`` the engine folds the case of every character it tries; on an ASCII string the
    same question is asked of the lower-cased string by a case-sensitive twin, in about half the
    time. (Not for other strings: lower() can add a character, "İ" -> "i̇", and with it a word
    boundary.) The pattern must be written in lower case, or the twin would miss its capitals;
    the answer is a yes or no, since the twin's match would hold the lower-cased text.
    """

    __slots__ = ("_folded", "_any_case", "patterns")

    def __init__(self, pattern: str) -> None:
        if any(ch.isupper() for ch in _ESCAPE.sub("", pattern)):
            raise ValueError(f"AnyCase needs a lower-case pattern: {pattern!r}")
        self.patterns = (compile(pattern), compile(pattern, re.I))  # (for tests that sweep every pattern)
        self._folded, self._any_case = self.patterns[0].search, self.patterns[1].search

    def __call__(self, text: str) -> bool:
        return (self._folded(text.lower()) if text.isascii() else self._any_case(text)) is not None


def compile(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, from the stored program when this interpreter has one."""
    key = (pattern, int(flags))
    found = _made.get(key)
    if found is not None:
        return found
    compiled = None
    if not _broken and isinstance(pattern, (str, bytes)):
        compiled = _from_program(key)
    if compiled is None:
        compiled = _re_compile(pattern, flags)
    _made[key] = compiled
    return compiled


def _route() -> bool:
    collecting = gc.isenabled()
    re.compile = compile  # type: ignore[assignment]
    gc.disable()
    return collecting


def _unroute(collecting: object) -> None:
    re.compile = _re_compile
    if collecting:
        gc.enable()


_block = OutermostBlock(_route, _unroute)


def stored_compiles() -> contextlib.AbstractContextManager[None]:
    """While a block imports modules, their ``re.compile`` calls go through the store as well.

    For libraries whose import compiles dozens of patterns (trafilatura and its helpers, jinja2,
    the email package): their module constants are as fixed as ours. Only ``re.compile`` is
    routed, and only for the block; a pattern given as bytes, or anything the store cannot
    take, still goes to ``re``'s own compile.

    The cycle collector waits for the block as well: importing makes tens of thousands of objects
    that live as long as the process and almost no garbage, and every collection it triggers
    walks all of them again (~10 ms of an HTML page's compose, for nothing collected).
    """
    return _block()


def _from_program(key: tuple[str, int]) -> re.Pattern[str] | None:
    global _broken, _new
    programs = _load()
    stored = programs.get(key)
    if stored is not None:
        try:
            flags, code, groups, groupindex, indexgroup = stored
            return _sre.compile(key[0], flags, array(_CODE, code).tolist(), groups, groupindex, indexgroup)
        except Exception:  # a damaged entry: make it again below
            pass
    try:
        flags, code, groups, groupindex, indexgroup = _program(*key)
    except Exception:  # an invalid pattern or flags: re.compile raises the error a caller expects
        return None
    try:
        compiled = _sre.compile(key[0], flags, code, groups, groupindex, indexgroup)
        packed = array(_CODE, code).tobytes()
    except Exception:  # CPython's internals are not what this module expects: re.compile from now on
        _broken = True
        return None
    if _new == 0:
        atexit.register(_save)
    programs[key] = (flags, packed, groups, groupindex, indexgroup)
    _fresh.add(key)
    _new += 1
    return compiled


def _program(pattern: str, flags: int) -> tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]:
    """What ``re._compiler.compile`` passes to ``_sre.compile`` after the pattern itself."""
    from re import _compiler, _parser

    parsed = _parser.parse(pattern, flags)
    code = [int(op) for op in _compiler._code(parsed, flags)]  # its opcodes are int subclasses
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return (int(flags | parsed.state.flags), code, parsed.state.groups - 1, groupindex, tuple(indexgroup))


def _path() -> Path | None:
    folder = user_cache_dir("regex")
    if folder is None:
        return None
    tag = f"{sys.implementation.cache_tag}-{sys.hexversion:x}-{_sre.MAGIC}-{_sre.CODESIZE}"
    return folder / f"sre-{tag}.marshal"


def _read(path: Path) -> dict:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    return data if isinstance(data, dict) else {}


def _load() -> dict[tuple[str, int], tuple]:
    global _programs
    if _programs is None:
        path = _path()
        _programs = _read(path) if path is not None else {}
    return _programs


def _not_reordered(fresh: set[tuple[str, int]], stored: list[tuple[str, int]]) -> list[tuple[str, int]]:
    """``fresh`` without patterns that are a stored pattern with its characters reordered.

    Some libraries build a pattern from a set (the email package joins its header delimiters
    into a character class), so its text changes from process to process with string hashing:
    storing each variant would rewrite the store at every exit and grow it without end. Such a
    variant is compiled by ``re`` in each run instead, as it would be without a store.
    """
    by_size: dict[tuple[int, int], list[str]] = {}
    for pattern, flags in stored:
        if isinstance(pattern, str):
            by_size.setdefault((flags, len(pattern)), []).append(pattern)
    kept = []
    for pattern, flags in fresh:
        same_size = by_size.get((flags, len(pattern)), ())
        if same_size and any(sorted(pattern) == sorted(other) for other in same_size):
            continue
        kept.append((pattern, flags))
    return kept


def _save() -> None:
    """Store this run's new programs beside what another process may have stored meanwhile."""
    path = _path()
    if path is None or _programs is None:
        return
    if not _not_reordered(_fresh, [key for key in _programs if key not in _fresh]):
        return  # nothing worth rewriting the store for (reading and writing it is most of an exit)
    stored = _read(path)
    if len(stored) + _new > _LIMIT:
        stored = {}
    stored.update({key: _programs[key] for key in _made if key in _programs})
    try:
        data = marshal.dumps(stored)
    except ValueError:  # not plain data after all: store nothing rather than fail at exit
        return
    write_private(path, data)
