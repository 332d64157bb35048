"""Writes each message to stdout (or a given stream): see exactly what would be sent."""

from __future__ import annotations

import sys
import threading
from typing import TextIO

from composer.config import Settings
from composer.delivery.base import Backend, Outgoing, Result


class ConsoleBackend(Backend):
    name = "console"

    def __init__(self, settings: Settings, stream: TextIO | None = None) -> None:
        super().__init__(settings)
        self.stream = stream
        self._lock = threading.Lock()

    def send_one(self, message: Outgoing) -> Result:
        stream = self.stream or sys.stdout
        text = message.data.decode("utf-8", "replace").replace("\r\n", "\n")
        with self._lock:
            stream.write(f"{text}\n{'-' * 79}\n")
            stream.flush()
        return Result(message.key, message.recipient, "sent")
