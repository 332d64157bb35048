"""Reading an item's files for the preview: only regular files directly inside the item folder.

An outbox is a folder anyone with write access to it can plant things in: a symlink called
``posts.json`` pointing at ``~/.ssh/id_ed25519``, a FIFO that blocks every reader, a folder. The
preview shows item files raw and mails them in Send test, so it must never follow such a thing.
:func:`item_file_bytes` opens the name *relative to the item folder's own descriptor* with
``O_NOFOLLOW`` (a symlink fails to open, whatever it points at, and swapping a path component
between a check and the open changes nothing) and ``O_NONBLOCK`` (a FIFO does not hang the
open), then keeps the file only if ``fstat`` says it is a regular file.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_FLAGS = os.O_RDONLY | _NOFOLLOW | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | _NOFOLLOW | getattr(os, "O_CLOEXEC", 0)


def plain_name(name: str) -> bool:
    """True for a single path component: no separator, no ``.``/``..``, no NUL."""
    return bool(name) and name not in (".", "..") and not any(c in name for c in "/\\\x00")


def is_regular_file(folder: Path, name: str) -> bool:
    """``folder/name`` is a regular file itself (a symlink to one is not)."""
    if not plain_name(name):
        return False
    try:
        return stat.S_ISREG(os.lstat(folder / name).st_mode)
    except OSError:
        return False


def item_file_bytes(folder: Path, name: str) -> bytes | None:
    """The bytes of ``folder/name`` if it is a regular file directly in ``folder``, else None.

    None also for a missing or unreadable file (older items lack some outputs).
    """
    if not plain_name(name):
        return None
    try:
        if os.open in os.supports_dir_fd and _NOFOLLOW:
            dir_fd = os.open(folder, _DIR_FLAGS)
            try:
                fd = os.open(name, _FLAGS, dir_fd=dir_fd)
            finally:
                os.close(dir_fd)
        else:  # pragma: no cover - platforms without openat/O_NOFOLLOW: check, then open
            if not is_regular_file(folder, name):
                return None
            fd = os.open(folder / name, _FLAGS)
    except OSError:  # missing, a symlink (ELOOP), a folder, no permission
        return None
    try:
        if not stat.S_ISREG(os.fstat(fd).st_mode):  # a FIFO, a device, a folder
            return None
        with os.fdopen(os.dup(fd), "rb") as f:
            return f.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def item_file_text(folder: Path, name: str) -> str | None:
    """:func:`item_file_bytes` decoded as UTF-8 (undecodable bytes replaced)."""
    data = item_file_bytes(folder, name)
    return data.decode("utf-8", errors="replace") if data is not None else None
