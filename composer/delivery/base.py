"""The contract every delivery adapter follows, in the manner of Django's mail backends.

An adapter is opened once, given many messages and closed, so a connection (SMTP session, open
folder) is reused across messages. ``send_messages`` never raises for a problem with one
message: it returns one :class:`Result` per message — sent, temporary (try again later) or
permanent (give up) — because the delivery state has to record each reader's fate
separately. It raises only when the adapter as a whole cannot work (bad configuration, a TLS
certificate that does not verify, a refused login): retrying those would not help.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import TracebackType
from typing import Literal

from composer.config import Settings

Status = Literal["sent", "temporary", "permanent"]


@dataclass(frozen=True)
class Outgoing:
    """One personalised message: envelope, bytes, and a stable key for results and file names."""

    key: str
    sender: str
    recipient: str
    data: bytes
    message_id: str = ""


@dataclass(frozen=True)
class Result:
    key: str
    recipient: str
    status: Status
    reason: str = ""
    # True when the server could not be reached at all: the runner stops instead of walking
    # the whole list into "deferred", and the untried readers stay pending.
    unreachable: bool = False

    @property
    def ok(self) -> bool:
        return self.status == "sent"


class Backend:
    """Base class: subclasses implement :meth:`send_one` (and ``open``/``close`` if stateful)."""

    name = "base"

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def open(self) -> None:
        """Acquire what sending needs (a connection); calling it twice is harmless."""

    def close(self) -> None:
        """Release it; calling it twice, or without ``open``, is harmless."""

    def send_one(self, message: Outgoing) -> Result:
        raise NotImplementedError

    # Overlap (an adapter that can): the send loop writes the next message's envelope while the
    # previous outcome is on its way to the database, then either ``finish``es it or ``abandon``s it.
    # Neither ``start`` nor ``abandon`` may let the server take responsibility for the message.

    def start(self, message: Outgoing) -> bool:
        """Begin ``message`` without committing it; False when this adapter (or message) cannot,
        and the caller then uses :meth:`send_one` as usual."""
        return False

    def stage(self, message: Outgoing) -> Result | None:
        """Take the begun message as far as it can go without being committed; None when it is
        ready for :meth:`finish`, else its outcome (the server refused it: it is over)."""
        return None

    def finish(self, message: Outgoing, meanwhile: Callable[[], None] | None = None) -> Result:
        """Complete the message :meth:`start` began (the moment the server takes it).

        ``meanwhile`` (which must not raise) is called while the server works on the message —
        between the final dot and its reply — so the caller's next message is prepared in parallel."""
        raise NotImplementedError

    def abandon(self) -> None:
        """Give up the message :meth:`start` began, leaving it undelivered."""

    def send_messages(self, messages: Sequence[Outgoing]) -> list[Result]:
        """Send each message; a result per message, in order."""
        if not messages:
            return []
        self.open()
        return [self.send_one(m) for m in messages]

    def __enter__(self) -> Backend:
        self.open()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()
