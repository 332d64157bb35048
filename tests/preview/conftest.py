"""Fixtures for the preview tests: a live preview server on 127.0.0.1 with a free port."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from composer.config import Settings


@pytest.fixture
def serve() -> Iterator[Callable[..., Any]]:
    """Start a preview server on 127.0.0.1 with a free port; stopped after the test."""
    from composer.preview import make_server

    servers = []

    def start(settings: Settings, **kwargs: Any) -> Any:
        kwargs.setdefault("watch", False)
        server, _pinned = make_server(settings, host="127.0.0.1", port=0, **kwargs)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.close()
