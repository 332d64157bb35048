"""Serving an ASGI app with uvicorn under limits that idle or slow clients cannot exhaust.

Shared by the apps (the preview uses it; it imports nothing from them). uvicorn runs every
connection on one event loop, so an open connection costs a socket and a little memory, never a
thread. What uvicorn does not do on its own is close a connection that never sends a request:
its keep-alive timer starts only after a first response, and ``limit_concurrency`` counts every
open connection, so a few hundred silent connections would hold the server at 503 for good.
:class:`GuardedH11Protocol` adds the two missing rules:

* **a request deadline**: a request's headers must arrive complete within
  :attr:`Limits.request_timeout` seconds of the connection opening (or of the first byte after
  a keep-alive pause), however slowly they trickle in; otherwise the connection is closed;
* **idle connections make room**: at :attr:`Limits.max_connections` open connections, a new
  one closes the connection that has been idle longest (no request in progress), so silent
  connections never stand between a real request and the app. Only when every connection is
  busy does uvicorn's concurrency limit answer 503.

The listening socket is bound by :func:`bind` (so a busy port is reported before serving starts,
and port 0 picks a free one) with a backlog of :attr:`Limits.backlog`.
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass
from types import FrameType
from typing import Any

import uvicorn
from uvicorn.protocols.http.h11_impl import H11Protocol


@dataclass(frozen=True)
class Limits:
    backlog: int = 1024  # pending connections the kernel queues before accept (capped by somaxconn)
    keep_alive: int = 5  # seconds an idle keep-alive connection stays open after a response
    request_timeout: float = 10.0  # seconds for a request's headers to arrive complete
    body_timeout: float = 10.0  # seconds for a request body (the app applies it while reading)
    max_connections: int = 100  # open connections; beyond it the longest-idle one is closed
    shutdown_timeout: int = 3  # seconds a stop waits for running requests (event streams) to end


class GuardedH11Protocol(H11Protocol):
    """uvicorn's h11 protocol plus a request deadline and eviction of idle connections."""

    request_timeout: float = Limits.request_timeout
    max_connections: int = Limits.max_connections

    def connection_made(self, transport: asyncio.BaseTransport) -> None:  # type: ignore[override]
        super().connection_made(transport)  # type: ignore[arg-type]
        self._deadline: asyncio.TimerHandle | None = None
        self.idle_since = self.loop.time()
        self._arm()
        self._make_room()

    def data_received(self, data: bytes) -> None:
        if self._deadline is None and self.idle:  # the first bytes of a next request
            self._arm()
        super().data_received(data)
        if not self.idle:  # the headers are complete: the request runs, the deadline is done
            self._disarm()

    def on_response_complete(self) -> None:
        self.idle_since = self.loop.time()
        super().on_response_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    @property
    def idle(self) -> bool:
        """No request in progress on this connection (none yet, or the last one answered)."""
        return self.cycle is None or self.cycle.response_complete

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(self.request_timeout, self._expire)

    def _disarm(self) -> None:
        deadline = getattr(self, "_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._deadline = None

    def _expire(self) -> None:
        self._deadline = None
        if self.idle:
            self.close_idle()

    def close_idle(self) -> None:
        self.connections.discard(self)
        if not self.transport.is_closing():
            self.transport.close()

    def _make_room(self) -> None:
        while len(self.connections) > self.max_connections:
            idle = [c for c in self.connections
                    if c is not self and isinstance(c, GuardedH11Protocol) and c.idle]
            if not idle:
                return  # every other connection is busy: uvicorn's limit answers 503
            min(idle, key=lambda c: c.idle_since).close_idle()


def protocol_class(limits: Limits) -> type[GuardedH11Protocol]:
    """The protocol for uvicorn's ``http=`` option, with ``limits``; pair it with
    ``limit_concurrency=limits.max_connections + 1`` so that 503 means "every connection is busy"."""
    return type("GuardedH11", (GuardedH11Protocol,), {
        "request_timeout": limits.request_timeout, "max_connections": limits.max_connections})


def bind(host: str, port: int, backlog: int) -> socket.socket:
    """A listening TCP socket on ``host:port`` (IPv6 when ``host`` has a colon); OSError if busy."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # restart at once after a stop
        sock.bind((host, port))
        sock.listen(backlog)
    except BaseException:
        sock.close()
        raise
    sock.set_inheritable(False)
    return sock


class _Server(uvicorn.Server):
    def __init__(self, config: uvicorn.Config, on_exit: Callable[[], None]) -> None:
        super().__init__(config)
        self._on_exit = on_exit

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self._on_exit()  # end the event streams first, or a graceful stop waits for them
        super().handle_exit(sig, frame)


class Serving:
    """An ASGI app on a bound socket: ``serve_forever()`` in one thread, ``stop()`` from any."""

    def __init__(self, app: Any, sock: socket.socket, limits: Limits, *, verbose: bool = False,
                 on_exit: Callable[[], None] = lambda: None) -> None:
        config = uvicorn.Config(
            app, http=protocol_class(limits), lifespan="off", backlog=limits.backlog,
            timeout_keep_alive=limits.keep_alive,
            limit_concurrency=limits.max_connections + 1, timeout_graceful_shutdown=limits.shutdown_timeout,
            h11_max_incomplete_event_size=16 * 1024, server_header=False, date_header=True,
            log_config=uvicorn.config.LOGGING_CONFIG if verbose else None,
            log_level="info" if verbose else "warning", access_log=verbose,
        )
        self.socket = sock
        self.on_exit = on_exit
        self.server = _Server(config, on_exit)
        self._done = threading.Event()
        self._lock = threading.Lock()
        self._state = "new"  # -> "serving" -> "stopped", or "new" -> "stopped"

    def serve_forever(self) -> None:
        with self._lock:
            if self._state != "new":
                return
            self._state = "serving"
        try:
            self.server.run(sockets=[self.socket])
        finally:
            self._done.set()

    def stop(self, timeout: float = 10.0) -> None:
        self.on_exit()
        self.server.should_exit = True
        with self._lock:
            serving, self._state = self._state == "serving", "stopped"
        if serving:
            self._done.wait(timeout)
        self.socket.close()
