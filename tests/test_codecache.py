"""Dataclasses made from stored code behave as ``dataclasses`` makes them, across processes."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from composer import codecache

PROBE = """
import dataclasses, json
from composer import codecache

with codecache.stored_dataclass_code():
    @dataclasses.dataclass(frozen=True)
    class Point:
        x: int
        y: int = 2
        tags: tuple = ()

    @dataclasses.dataclass(order=True)
    class Pair:
        a: str
        b: list = dataclasses.field(default_factory=list)

p = Point(1)
try:
    p.x = 5
    frozen = False
except dataclasses.FrozenInstanceError:
    frozen = True
q = Pair("k")
q.b.append(1)
print(json.dumps({
    "repr": [repr(p), repr(q)], "eq": p == Point(1, 2, ()), "hash": hash(p) == hash(Point(1)),
    "frozen": frozen, "order": Pair("a") < Pair("b"), "fresh_default": Pair("z").b == [],
    "stored": len(codecache._codes or {}), "routed_after": "exec" in vars(dataclasses),
}))
"""

EXPECTED = {
    "repr": ["Point(x=1, y=2, tags=())", "Pair(a='k', b=[1])"], "eq": True, "hash": True, "frozen": True,
    "order": True, "fresh_default": True, "routed_after": False,
}


def _run(tmp_path: Path, env_extra: dict[str, str] | None = None) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "COMPOSER_CACHE"}
    env.update({"XDG_CACHE_HOME": str(tmp_path / "cache"), **(env_extra or {})})
    out = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, check=True)
    return json.loads(out.stdout)


def _store(tmp_path: Path) -> list[Path]:
    return list((tmp_path / "cache" / "composer" / "code").glob("dataclass-*.marshal"))


def test_classes_from_stored_code_behave_the_same(tmp_path: Path) -> None:
    first = _run(tmp_path)
    stored = first.pop("stored")
    assert first == EXPECTED and isinstance(stored, int) and stored > 5
    assert len(_store(tmp_path)) == 1
    second = _run(tmp_path)  # now from the store: nothing new compiled, nothing new written
    assert second.pop("stored") == stored and second == EXPECTED


def test_the_store_holds_what_compile_gives(tmp_path: Path) -> None:
    import marshal

    _run(tmp_path)
    codes = marshal.loads(_store(tmp_path)[0].read_bytes())
    assert codes and all(code == compile(text, "<string>", "exec", dont_inherit=True) for text, code in codes.items())


def test_a_damaged_store_is_ignored_and_rewritten(tmp_path: Path) -> None:
    _run(tmp_path)
    store = _store(tmp_path)[0]
    store.write_bytes(b"\x00not marshal")
    result = _run(tmp_path)
    result.pop("stored")
    assert result == EXPECTED and store.read_bytes() != b"\x00not marshal"


def test_caching_off_writes_nothing(tmp_path: Path) -> None:
    result = _run(tmp_path, {"COMPOSER_CACHE": "off"})
    result.pop("stored")
    assert result == EXPECTED and _store(tmp_path) == []


def test_the_block_routes_only_while_it_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COMPOSER_CACHE", "off")
    with codecache.stored_dataclass_code():
        with codecache.stored_dataclass_code():
            assert dataclasses.exec is codecache._stored_exec  # type: ignore[attr-defined]
        assert "exec" in vars(dataclasses)  # the outer block still routes
    assert "exec" not in vars(dataclasses)


def test_code_that_is_not_text_goes_to_exec_as_given() -> None:
    namespace: dict[str, object] = {}
    codecache._stored_exec(compile("x = 41 + 1", "<t>", "exec"), {}, namespace)
    assert namespace == {"x": 42}


MODULES_PROBE = """
import sys
from composer.codecache import keep_own_bytecode
keep_own_bytecode()
import composer.textutil as t
print(type(t.__spec__.loader).__name__, callable(t.normalize_text))
"""


def _modules_run(tmp_path: Path, *flags: str) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("COMPOSER_CACHE", "PYTHONDONTWRITEBYTECODE")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    env["PYTHONPYCACHEPREFIX"] = str(tmp_path / "pycache")  # where Python writes when it may: not the checkout
    out = subprocess.run([sys.executable, *flags, "-c", MODULES_PROBE], capture_output=True, text=True, env=env,
                         check=True, cwd=Path(__file__).resolve().parent.parent)
    return out.stdout.strip()


def test_without_bytecode_writing_composer_keeps_its_modules_bytecode(tmp_path: Path) -> None:
    assert _modules_run(tmp_path, "-B") == "_StoredBytecodeLoader True"
    stored = list((tmp_path / "cache" / "composer" / "code").glob("modules-*/composer.textutil.pyc"))
    assert len(stored) == 1
    before = stored[0].read_bytes()
    assert _modules_run(tmp_path, "-B") == "_StoredBytecodeLoader True"  # now from the store
    assert stored[0].read_bytes() == before


def test_with_bytecode_writing_python_does_it_as_usual(tmp_path: Path) -> None:
    assert _modules_run(tmp_path).split()[0] != "_StoredBytecodeLoader"
    assert not list((tmp_path / "cache").rglob("*.pyc"))


def test_stored_bytecode_follows_its_source(tmp_path: Path) -> None:
    source = tmp_path / "mod.py"
    source.write_text("VALUE = 1\n")
    folder = tmp_path / "store"
    folder.mkdir()

    def value() -> object:
        namespace: dict[str, object] = {}
        exec(codecache._StoredBytecodeLoader("composer.fake", str(source), folder).get_code("composer.fake"), namespace)
        return namespace["VALUE"]

    assert value() == 1
    assert value() == 1  # from the store
    source.write_text("VALUE = 22\n")  # another size (and time): the store is stale
    assert value() == 22
    (folder / "composer.fake.pyc").write_bytes(b"damaged")
    assert value() == 22
