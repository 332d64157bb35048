"""Delivery adapters (``outbox``, ``smtp``, ``console``, ``memory``) behind one contract.

See :mod:`composer.delivery.base` for the contract, :mod:`composer.delivery.state` for the
durable per-reader state and :mod:`composer.delivery.runner` for the send loop.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from composer.config import Settings
from composer.delivery.base import Backend, Outgoing, Result
from composer.errors import ConfigError

BACKENDS = ("outbox", "smtp", "console", "memory")


def get_backend(name: str, settings: Settings, *, directory: Path | None = None, **options: Any) -> Backend:
    """A new, unopened adapter by name. ``directory`` is where the outbox adapter writes."""
    if name == "outbox":
        from composer.delivery.outbox import OutboxBackend

        return OutboxBackend(settings, directory=directory)
    if name == "smtp":
        from composer.delivery.smtp import SMTPBackend

        return SMTPBackend(settings)
    if name == "console":
        from composer.delivery.console import ConsoleBackend

        return ConsoleBackend(settings, **options)
    if name == "memory":
        from composer.delivery.memory import MemoryBackend

        return MemoryBackend(settings, **options)
    raise ConfigError(f"unknown delivery {name!r}: choose {', '.join(BACKENDS)}")


__all__ = ["BACKENDS", "Backend", "Outgoing", "Result", "get_backend"]
