"""The user's private cache folder for work that would otherwise be redone by every process.

Each ``compose`` is a new process, so anything expensive and deterministic (compiled
templates, a library's merged word lists) is worth keeping between runs. What is kept there
may be code (Jinja bytecode), so the folder must belong to the user and be closed to others;
otherwise nothing is cached. ``COMPOSER_CACHE=off`` turns caching off.
"""

from __future__ import annotations

import _thread
import contextlib
import os
from collections.abc import Callable, Iterator
from pathlib import Path

_OFF = ("off", "0", "no", "false")


def user_cache_dir(name: str) -> Path | None:
    """``$XDG_CACHE_HOME/composer/NAME`` (else ``~/.cache/composer/NAME``), created private; None
    when caching is off or the folder cannot be made safe."""
    if os.environ.get("COMPOSER_CACHE", "").lower() in _OFF:
        return None
    try:
        base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
        directory = base / "composer" / name
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = directory.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home directory to expand
        return None
    if (hasattr(os, "getuid") and info.st_uid != os.getuid()) or info.st_mode & 0o022:
        return None
    return directory


def write_private(path: Path, data: bytes) -> None:
    """Replace ``path`` atomically (a reader sees the old file or the new one); errors are ignored,
    because a cache that cannot be written is only a slower run."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


class OutermostBlock:
    """A block that nests and may be open in several threads at once: ``begin`` runs when the first
    one opens and ``end`` (given what ``begin`` returned) when the last one closes.

    For the stores that route a library call through the cache folder while imports run
    (``regexcache``, ``codecache``): a feed digest reads pages in parallel threads, and a block
    that remembered what it found on entry, or counted without a lock, could leave the route (or
    the cycle collector switched off) in place for the rest of the process.
    """

    def __init__(self, begin: Callable[[], object], end: Callable[[object], None]) -> None:
        self._begin, self._end = begin, end
        self._lock = _thread.allocate_lock()
        self._depth = 0
        self._state: object = None

    @contextlib.contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._depth == 0:
                self._state = self._begin()
            self._depth += 1
        try:
            yield
        finally:
            with self._lock:
                self._depth -= 1
                if self._depth == 0:
                    self._end(self._state)
