"""The default adapter: each message becomes an ``.eml`` file under its item, durably.

``ITEM/sent/<campaign>/<n>.eml`` is written to a temporary file, fsynced, renamed into place and
the folder fsynced, so after a crash a file is either complete or absent. The name depends only
on the campaign and the reader's position, so a resend after a crash replaces the same file
instead of adding a second copy.
"""

from __future__ import annotations

import re
from pathlib import Path

from composer.config import Settings
from composer.delivery.base import Backend, Outgoing, Result
from composer.outbox import write_atomic

_SAFE_KEY = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class OutboxBackend(Backend):
    name = "outbox"

    def __init__(self, settings: Settings, directory: Path | None = None) -> None:
        super().__init__(settings)
        self.directory = Path(directory) if directory else Path(settings.outbox_dir) / "sent"
        self._ready = False

    def open(self) -> None:
        if not self._ready:
            self.directory.mkdir(parents=True, exist_ok=True)
            self._ready = True

    def send_one(self, message: Outgoing) -> Result:
        if not _SAFE_KEY.match(message.key):
            return Result(message.key, message.recipient, "permanent", f"unsafe file name {message.key!r}")
        try:
            self.open()
            write_atomic(self.directory / f"{message.key}.eml", message.data)
        except OSError as exc:
            # A full disk or lost mount may clear up; let the retry logic decide.
            return Result(message.key, message.recipient, "temporary", f"cannot write {self.directory}: {exc.strerror}")
        return Result(message.key, message.recipient, "sent")
