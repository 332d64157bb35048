"""Compiled code kept between runs, because compiling it is start-up time.

Two kinds: the methods ``@dataclass`` generates, and — only when bytecode writing is off — the
bytecode of composer's own modules.

``@dataclass`` writes the source of each class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__`` and (frozen) ``__setattr__`` as text and compiles it with ``exec`` — in every
process. composer defines ~30 dataclasses on the compose path (``Settings`` alone has ~70
fields), and compiling their methods cost ~20 ms of each ``compose``, a tenth of the run. The
text depends only on the class definition, so the compiled result can be kept like a ``.pyc``:
this module stores the code object for each text in the user's private cache folder (see
``cachedir``) and, while a block of imports runs under :func:`stored_dataclass_code`, hands
``dataclasses`` the stored code instead of letting it compile the text again.

What it relies on: CPython's ``dataclasses`` calls ``exec(text, globals, namespace)`` by that
name (true from 3.7 to 3.12), so a module attribute ``exec`` shadows the builtin for that module
alone. The stored code is what ``compile(text, "<string>", "exec")`` returns — the same call
``exec`` makes — written with ``marshal``, the ``.pyc`` format, in a file named after the exact
interpreter. Whatever goes wrong (another Python, a damaged or missing file, caching off, a
``dataclasses`` that no longer calls ``exec``) the text is compiled as before: the classes are
the same either way.
"""

from __future__ import annotations

import atexit
import builtins
import contextlib
import marshal
import os
import sys
from importlib.machinery import PathFinder, SourceFileLoader
from pathlib import Path
from types import CodeType

from composer.cachedir import OutermostBlock, user_cache_dir, write_private

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing
if TYPE_CHECKING:
    from typing import Any

_LIMIT = 2000  # stored texts; a store that outgrows it starts again from this run's classes
_codes: dict[str, CodeType] | None = None  # generated source text -> its compiled code
_used: set[str] = set()
_new = 0
_exec = builtins.exec


def compiled(text: str) -> CodeType:
    """``compile(text, "<string>", "exec")`` as ``exec`` does it, from the store when it has it."""
    global _new
    codes = _load()
    code = codes.get(text)
    if code is None:
        code = builtins.compile(text, "<string>", "exec", dont_inherit=True)
        if _new == 0:
            atexit.register(_save)
        codes[text] = code
        _new += 1
    _used.add(text)
    return code


def _stored_exec(source: Any, globals: dict[str, Any] | None = None, locals: Any = None, /) -> None:
    """``exec`` for ``dataclasses``: text is run from its stored code; anything else as given."""
    if isinstance(source, str) and globals is not None:
        try:
            code = compiled(source)
        except Exception:  # a store that does not behave: exec compiles the text itself
            code = None
        if code is not None:
            return _exec(code, globals, locals)
    return _exec(source, globals, locals)


def _route() -> None:
    import dataclasses

    dataclasses.exec = _stored_exec  # type: ignore[attr-defined]


def _unroute(_: object) -> None:
    import dataclasses

    vars(dataclasses).pop("exec", None)


_block = OutermostBlock(_route, _unroute)


def stored_dataclass_code() -> contextlib.AbstractContextManager[None]:
    """While a block imports modules, the dataclasses they define take their methods' code from
    the store. Only ``dataclasses``' own ``exec`` is routed, and only for the block."""
    return _block()


def _path() -> Path | None:
    folder = user_cache_dir("code")
    if folder is None:
        return None
    return folder / f"dataclass-{sys.implementation.cache_tag}-{sys.hexversion:x}.marshal"


def _read(path: Path) -> dict[str, CodeType]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, CodeType)}


def _load() -> dict[str, CodeType]:
    global _codes
    if _codes is None:
        path = _path()
        _codes = _read(path) if path is not None else {}
    return _codes


def _save() -> None:
    """Store this run's new code beside what another process may have stored meanwhile."""
    path = _path()
    if path is None or _codes is None:
        return
    stored = _read(path)
    if len(stored) + _new > _LIMIT:
        stored = {}
    stored.update({text: _codes[text] for text in _used if text in _codes})
    try:
        data = marshal.dumps(stored)
    except ValueError:
        return
    write_private(path, data)


# --- composer's own modules when Python may not write bytecode --------------------------------
#
# With PYTHONDONTWRITEBYTECODE=1 (or ``-B``) and a checkout or editable install that has no
# ``__pycache__``, Python compiles every one of composer's ~60 modules in every process: ~75 ms
# of a 0.18 s compose. The user asked Python not to write bytecode beside the sources; composer
# keeps its own in its private cache folder instead (``COMPOSER_CACHE=off``: no such store),
# checked against each source file's modification time and size, as a ``.pyc`` is.


class _StoredBytecodeLoader(SourceFileLoader):
    """A source loader that keeps the module's bytecode in composer's cache folder."""

    def __init__(self, fullname: str, path: str, folder: Path) -> None:
        super().__init__(fullname, path)
        self._store = folder / f"{fullname}.pyc"

    def get_code(self, fullname: str) -> CodeType:  # type: ignore[override]
        import importlib.util

        source_path = self.get_filename(fullname)
        info = os.stat(source_path)
        header = importlib.util.MAGIC_NUMBER + f"{info.st_mtime_ns}:{info.st_size}\n".encode()
        try:
            data = self._store.read_bytes()
            if data.startswith(header):
                code = marshal.loads(data[len(header):])
                if isinstance(code, CodeType):
                    return code
        except (OSError, ValueError, EOFError, TypeError):
            pass
        code = builtins.compile(self.get_data(source_path), source_path, "exec", dont_inherit=True)
        write_private(self._store, header + marshal.dumps(code))
        return code


class _StoredBytecodeFinder:
    """Finds composer's modules as the path finder does and gives them the loader above."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> Any:
        if not fullname.startswith("composer.") or path is None:
            return None
        spec = PathFinder.find_spec(fullname, path)
        if spec is None or type(spec.loader) is not SourceFileLoader or not str(spec.origin).endswith(".py"):
            return spec
        spec.loader = _StoredBytecodeLoader(fullname, spec.origin, self._folder)
        return spec


def keep_own_bytecode() -> None:
    """When Python writes no bytecode, composer's modules imported from now on take theirs from
    composer's cache folder. Does nothing when bytecode is written, or caching is off."""
    if not sys.dont_write_bytecode or any(isinstance(f, _StoredBytecodeFinder) for f in sys.meta_path):
        return
    folder = user_cache_dir("code")
    if folder is None:
        return
    folder = folder / f"modules-{sys.implementation.cache_tag}"
    try:
        folder.mkdir(mode=0o700, exist_ok=True)
    except OSError:
        return
    sys.meta_path.insert(0, _StoredBytecodeFinder(folder))
