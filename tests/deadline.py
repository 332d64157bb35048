"""A deadline for code that must not hang: a pattern that backtracks without bound, a reader that
goes quadratic on a long line. Not a speed test: the bound is far above what the code needs and
far below what the broken code took, so only a hang trips it."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager


class DeadlineExceeded(TimeoutError):
    """The body of :func:`deadline` ran past its seconds."""


@contextmanager
def deadline(seconds: float, what: str) -> Iterator[None]:
    """Raise :class:`DeadlineExceeded` inside the body once ``seconds`` have passed (SIGALRM: the
    main thread of a POSIX process, where pytest runs the tests)."""

    def expired(*_: object) -> None:
        raise DeadlineExceeded(f"{what} took more than {seconds:g} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
