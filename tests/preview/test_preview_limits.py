"""Idle, slow and too many connections against the real preview server (loopback only).

The hostile test: the old http.server preview had a listen backlog of 5, no per-connection
timeout and a thread per connection, so 300 idle connections made 403 threads. Every loop here
is bounded in count and time.
"""

from __future__ import annotations

import http.client
import socket
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from preview_helpers import compose_item, make_settings, request, write_article

from composer.serving import Limits

IDLE = 300


@pytest.fixture
def outbox_item(tmp_path: Path) -> tuple[Any, Any]:
    settings = make_settings(tmp_path / "outbox", delivery="memory")
    return settings, compose_item(write_article(tmp_path / "src"), settings)


def _connections(server: Any) -> int:
    return len(server.serving.server.server_state.connections)


def _closed_within(sock: socket.socket, seconds: float) -> float | None:
    """Seconds until the server closed ``sock`` (recv gives b""), or None if it stayed open."""
    start = time.monotonic()
    sock.settimeout(seconds)
    try:
        while True:
            data = sock.recv(4096)
            if not data:
                return time.monotonic() - start
    except TimeoutError:
        return None
    except ConnectionResetError:
        return time.monotonic() - start


def test_300_idle_connections_neither_block_a_request_nor_add_threads(serve: Any, outbox_item: Any) -> None:
    settings, item = outbox_item
    server = serve(settings)
    assert server.limits.backlog >= 128 and server.limits.max_connections < IDLE
    assert request(server, "GET", "/")[0] == 200  # the thread pool has its first worker
    threads_before = threading.active_count()
    idle: list[socket.socket] = []
    start = time.monotonic()
    try:
        for _ in range(IDLE):  # connect and say nothing, like the hostile test
            idle.append(socket.create_connection(server.server_address[:2], timeout=5))
        opened = time.monotonic() - start
        assert opened < 20, f"opening {IDLE} connections took {opened:.1f} s"

        t0 = time.monotonic()
        status, _headers, body = request(server, "GET", f"/item/{item.name}")
        took = time.monotonic() - t0
        assert status == 200 and b"Harbour cranes" in body
        assert took < 3, f"a normal request took {took:.2f} s behind {IDLE} idle connections"
        assert threading.active_count() <= threads_before + 3, (threads_before, threading.active_count())
        # idle connections made room: the server holds at most its limit, not all 300
        assert _connections(server) <= server.limits.max_connections + 1
    finally:
        for s in idle:
            s.close()


def test_a_silent_or_trickling_connection_is_closed_at_the_request_deadline(serve: Any, outbox_item: Any) -> None:
    settings, _item = outbox_item
    server = serve(settings, limits=Limits(request_timeout=0.5, keep_alive=1))
    silent = socket.create_connection(server.server_address[:2], timeout=5)
    trickle = socket.create_connection(server.server_address[:2], timeout=5)
    try:
        trickle.sendall(b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        threading.Thread(target=_send_slowly, args=(trickle,), daemon=True).start()
        assert (took := _closed_within(silent, 5)) is not None and took < 3, took
        assert (took := _closed_within(trickle, 5)) is not None and took < 3, took  # bytes do not extend it
    finally:
        silent.close()
        trickle.close()
    # a keep-alive connection is closed after its keep-alive time once a response is done
    conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
    try:
        conn.request("GET", "/favicon.ico")
        assert conn.getresponse().read() == b""
        assert (took := _closed_within(conn.sock, 5)) is not None and took < 4, took
    finally:
        conn.close()
    assert request(server, "GET", "/")[0] == 200


def _send_slowly(sock: socket.socket) -> None:
    for _ in range(20):  # one header byte every 0.2 s: at most 4 s
        try:
            sock.sendall(b"X")
        except OSError:
            return
        time.sleep(0.2)


def test_when_every_connection_is_busy_new_requests_get_503_at_once(serve: Any, outbox_item: Any) -> None:
    settings, item = outbox_item
    server = serve(settings, limits=Limits(max_connections=3))
    streams = []
    try:
        for _ in range(3):  # event streams: busy connections that never finish on their own
            conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
            conn.request("GET", f"/item/{item.name}/events")
            assert conn.getresponse().status == 200
            streams.append(conn)
        t0 = time.monotonic()
        assert request(server, "GET", "/")[0] == 503
        assert time.monotonic() - t0 < 2
    finally:
        for conn in streams:
            conn.close()
    deadline = time.monotonic() + 10
    while request(server, "GET", "/")[0] != 200:  # the streams end when their clients go
        assert time.monotonic() < deadline
        time.sleep(0.2)


def test_a_send_test_body_must_arrive_in_time_and_small(serve: Any, outbox_item: Any) -> None:
    from composer.delivery import memory

    settings, item = outbox_item
    server = serve(settings, limits=Limits(body_timeout=0.5))
    memory.outbox.clear()
    sock = socket.create_connection(server.server_address[:2], timeout=10)
    host, port = server.server_address[:2]
    try:
        sock.sendall(f"POST /item/{item.name}/send-test HTTP/1.1\r\nHost: {host}:{port}\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100\r\n\r\ncsrf=".encode())
        t0 = time.monotonic()
        reply = sock.recv(4096)
        assert reply.startswith(b"HTTP/1.1 400 ") and time.monotonic() - t0 < 3
    finally:
        sock.close()
    big = b"csrf=" + b"x" * 20_000
    assert request(server, "POST", f"/item/{item.name}/send-test", body=big,
                   headers={"Content-Type": "application/x-www-form-urlencoded"})[0] == 400
    assert memory.outbox == []


def test_a_closed_page_stops_its_event_stream(serve: Any, outbox_item: Any) -> None:
    """A stream is a coroutine: when the page goes, it ends and the item is no longer watched."""
    settings, item = outbox_item
    server = serve(settings)
    threads_before = threading.active_count()
    conns = []
    for _ in range(20):
        conn = http.client.HTTPConnection(*server.server_address[:2], timeout=10)
        conn.request("GET", f"/item/{item.name}/events")
        resp = conn.getresponse()
        assert resp.status == 200 and resp.read(11) == b"retry: 1000"
        conns.append(conn)
    assert server.app.hub.watched() == {item.name}
    assert threading.active_count() <= threads_before + 3  # twenty open pages, no thread each
    for conn in conns:
        conn.close()
    deadline = time.monotonic() + 5
    while server.app.hub.watched() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.app.hub.watched() == set()


def test_the_listen_backlog_is_the_configured_one(serve: Any, outbox_item: Any) -> None:
    """The kernel's view of the listening socket (``ss`` shows a listener's backlog as Send-Q)."""
    import shutil
    import subprocess

    if shutil.which("ss") is None:
        pytest.skip("needs ss (iproute2) to read the listen backlog")
    settings, _item = outbox_item
    server = serve(settings)
    assert request(server, "GET", "/favicon.ico")[0] == 204  # uvicorn listens by now
    port = server.server_address[1]
    out = subprocess.run(["ss", "-ltnH", f"sport = :{port}"], capture_output=True, text=True, timeout=10).stdout
    [line] = [ln for ln in out.splitlines() if f":{port}" in ln]
    backlog = int(line.split()[2])
    with open("/proc/sys/net/core/somaxconn") as f:
        assert backlog == min(server.limits.backlog, int(f.read()))
    assert backlog > 5
