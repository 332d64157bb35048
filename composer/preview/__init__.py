"""Local preview web app: every output of an outbox item in a browser before it goes out.

``compose preview`` starts it (see ``composer.commands.preview``); library users call
:func:`make_server` and ``serve_forever()`` themselves.
"""

from __future__ import annotations

from composer.preview.server import PreviewApp, PreviewServer, make_server

__all__ = ["PreviewApp", "PreviewServer", "make_server"]
