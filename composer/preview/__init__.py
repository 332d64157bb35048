"""Local preview web app: every output of an outbox item in a browser before it goes out.

``compose preview`` starts it (see ``composer.commands.preview``); library users call
:func:`make_server` and ``serve_forever()`` themselves, or mount :func:`asgi_app` in their own
ASGI server.
"""

from __future__ import annotations

from composer.preview.server import PreviewApp, PreviewServer, asgi_app, make_server

__all__ = ["PreviewApp", "PreviewServer", "asgi_app", "make_server"]
