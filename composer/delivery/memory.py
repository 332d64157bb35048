"""Keeps messages in a list: for tests, and for trying a send without side effects.

Outcomes can be scripted per recipient (``plan``) so tests can exercise retries and
permanent failures without a server.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable

from composer.config import Settings
from composer.delivery.base import Backend, Outgoing, Result, Status

# Every message "sent" by any memory backend in this process, like django.core.mail.outbox.
outbox: list[Outgoing] = []
_lock = threading.Lock()


class MemoryBackend(Backend):
    name = "memory"

    def __init__(self, settings: Settings, plan: dict[str, Iterable[tuple[Status, str]]] | None = None) -> None:
        super().__init__(settings)
        self.sent: list[Outgoing] = []
        # recipient -> outcomes for successive attempts; once used up, sends succeed
        self.plan = {k.lower(): list(v) for k, v in (plan or {}).items()}
        self.opened = 0

    def open(self) -> None:
        self.opened += 1

    def send_one(self, message: Outgoing) -> Result:
        steps = self.plan.get(message.recipient.lower())
        if steps:
            status, reason = steps.pop(0)
            if status != "sent":
                return Result(message.key, message.recipient, status, reason)
        with _lock:
            outbox.append(message)
            self.sent.append(message)
        return Result(message.key, message.recipient, "sent")
