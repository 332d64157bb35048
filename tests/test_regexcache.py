"""The compiled-pattern store gives the same patterns as ``re.compile``, across processes."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from composer import regexcache

PATTERNS = [
    (r"(?P<day>\d{1,2})\.\s*(?P<month>[A-Za-zä]+)\s+(?P<year>\d{4})", re.I),
    (r"^(?:by|von|par)\s+(\S.+)$", re.I | re.M),
    (r"[^\W\d_]{3,}(?:['’][^\W_]+)?", 0),
    (r"(?<![\w.])(\d+)(?!\d)|(?P<word>\w+)\s+(?P=word)", 0),
    (r"\A\ufeff?---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S),
    (r"[\U00010000-\U0010FFFF]+|[\u3002\uff0e]", 0),
    (r"x" * 50 + r"|(?:a|b|c)*?c{2,5}", re.X),
]

PROBE = """
import json, re, sys
from composer import regexcache
made = [regexcache.compile(p, f) for p, f in json.loads(sys.argv[1])]
print(json.dumps({"equal": all(m == re.compile(p, f) for m, (p, f) in zip(made, json.loads(sys.argv[1]))),
                  "stored": len(regexcache._programs or {})}))
"""


def _run(tmp_path: Path, env_extra: dict[str, str]) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "COMPOSER_CACHE"}
    env.update({"XDG_CACHE_HOME": str(tmp_path / "cache"), **env_extra})
    out = subprocess.run([sys.executable, "-c", PROBE, json.dumps(PATTERNS)], capture_output=True, text=True,
                         env=env, check=True)
    return json.loads(out.stdout)


@pytest.mark.parametrize(("pattern", "flags"), PATTERNS)
def test_a_pattern_equals_what_re_compiles(pattern: str, flags: int) -> None:
    # re.Pattern equality compares the source, the flags and the compiled program itself.
    made = regexcache.compile(pattern, flags)
    assert made == re.compile(pattern, flags)
    assert made.groupindex == re.compile(pattern, flags).groupindex
    assert regexcache.compile(pattern, flags) is made  # one object per pattern in a process


def test_every_stored_program_equals_re_compile(tmp_path: Path) -> None:
    first = _run(tmp_path, {})
    files = list((tmp_path / "cache" / "composer" / "regex").glob("sre-*.marshal"))
    assert first == {"equal": True, "stored": len(PATTERNS)} and len(files) == 1
    second = _run(tmp_path, {})  # now built from the stored programs
    assert second == {"equal": True, "stored": len(PATTERNS)}


def test_a_damaged_store_is_ignored_and_rewritten(tmp_path: Path) -> None:
    _run(tmp_path, {})
    store = next((tmp_path / "cache" / "composer" / "regex").glob("sre-*.marshal"))
    store.write_bytes(b"\x00not marshal")
    assert _run(tmp_path, {})["equal"] is True
    assert store.read_bytes() != b"\x00not marshal"


def test_a_wrong_program_in_the_store_is_not_used(tmp_path: Path) -> None:
    """An entry whose program the engine refuses is made again rather than trusted."""
    import marshal
    from array import array

    _run(tmp_path, {})
    store = next((tmp_path / "cache" / "composer" / "regex").glob("sre-*.marshal"))
    programs = marshal.loads(store.read_bytes())
    for key, (flags, code, groups, groupindex, indexgroup) in list(programs.items()):
        ops = array(regexcache._CODE, code)
        ops[0] = 999  # no such opcode
        programs[key] = (flags, ops.tobytes(), groups, groupindex, indexgroup)
    store.write_bytes(marshal.dumps(programs))
    assert _run(tmp_path, {})["equal"] is True


def test_with_caching_off_nothing_is_written(tmp_path: Path) -> None:
    assert _run(tmp_path, {"COMPOSER_CACHE": "off"})["equal"] is True
    assert not list((tmp_path / "cache").rglob("*.marshal"))


def test_invalid_patterns_raise_as_re_does() -> None:
    with pytest.raises(re.error):
        regexcache.compile(r"(unclosed")
    with pytest.raises(ValueError):
        regexcache.compile(r"\w+", re.LOCALE)  # a str pattern cannot use LOCALE
    assert regexcache.compile(r"\d+") == re.compile(r"\d+")  # and the store still works afterwards
    assert not regexcache._broken


def test_stored_compiles_routes_re_compile_only_inside_the_block() -> None:
    plain = re.compile
    with regexcache.stored_compiles():
        assert re.compile is regexcache.compile
        with regexcache.stored_compiles():
            pass
        assert re.compile is regexcache.compile  # nested blocks keep it until the outer one ends
        assert re.compile(rb"\d+") == plain(rb"\d+")  # bytes patterns are served too
    assert re.compile is plain


def test_stored_compiles_holds_the_cycle_collector_only_inside_the_block() -> None:
    import gc

    assert gc.isenabled()
    with regexcache.stored_compiles():
        assert not gc.isenabled()
        with regexcache.stored_compiles():
            pass
        assert not gc.isenabled()
    assert gc.isenabled()


REORDERED = """
import sys
from composer import regexcache
print(regexcache.compile(sys.argv[1]) is not None)
"""


def test_a_reordered_variant_of_a_stored_pattern_does_not_rewrite_the_store(tmp_path: Path) -> None:
    """Patterns some libraries build from a set change order with string hashing from process to
    process; storing each variant would rewrite the store at every exit. A new pattern stays."""
    env = {k: v for k, v in os.environ.items() if k != "COMPOSER_CACHE"}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")

    def run(pattern: str) -> bytes:
        subprocess.run([sys.executable, "-c", REORDERED, pattern], env=env, check=True, capture_output=True)
        return next((tmp_path / "cache" / "composer" / "regex").glob("sre-*.marshal")).read_bytes()

    first = run(r"[^\(\\:>\]=]+")
    assert run(r"[^=\]>:\\\(]+") == first  # the same characters reordered: not stored again
    assert run(r"[^\(\\:>\]=]+x") != first  # a different pattern is


def test_blocks_overlapping_in_two_threads_leave_the_cycle_collector_on() -> None:
    # A feed digest imports page readers in several threads: blocks begin in one thread and end in
    # another's order. The collector must come back on when the last block ends (it stayed off,
    # for the rest of a worker's life, when each block remembered the state it found).
    import gc
    import threading

    assert gc.isenabled()
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with regexcache.stored_compiles():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with regexcache.stored_compiles():
            second_in.set()
            first_out.wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert gc.isenabled() and re.compile is regexcache._re_compile


def test_any_of_is_a_trie_that_finds_any_of_its_words() -> None:
    pattern = re.compile(regexcache.any_of(["clic", "click", "copy", "©", "a.b"]))
    assert pattern.pattern == "(?:a\\.b|c(?:lic|opy)|©)"  # ("click" holds "clic": one is enough)
    assert pattern.search("Click to copy".lower()) and pattern.search("© 2025") and pattern.search("xa.by")
    assert not pattern.search("cope with axb")
    with pytest.raises(ValueError):
        regexcache.any_of([])


def test_any_case_answers_as_a_case_insensitive_search() -> None:
    pattern = r"\b(?:by|von|ap photo|ag[eê]n[cz])\b|\w\.[a-z]{2,}\b"
    occurs, reference = regexcache.AnyCase(pattern), re.compile(pattern, re.I)
    texts = ["By Jane Doe", "VON DPA", "AP Photo/Evan Vucci", "Agência Brasil", "AGENZ", "Standby", "tagesschau.DE",
             "İstanbul By Ali", "İBY", "Nachrichtenagentur", "ЖУРНАЛ by", "", "bY"]
    assert [occurs(t) for t in texts] == [reference.search(t) is not None for t in texts]
    assert occurs("By Jane Doe") and not occurs("Standby")
    with pytest.raises(ValueError):
        regexcache.AnyCase(r"\bBy\b")  # a capital the lower-cased text never holds
    assert regexcache.AnyCase(r"\w\S\d\b").patterns[1].flags & re.I  # (escapes in capitals are not capitals)
    assert regexcache.AnyCase(r"(?P<w>by) (?P=w)")("BY BY")  # (nor is a named group's syntax)
