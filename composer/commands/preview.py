"""``compose preview [ITEM] [--host 127.0.0.1] [--port 8025]``: the local preview web app.

It binds the loopback interface unless ``--host`` says otherwise, because the app shows
unpublished newsletters and can send mail; binding elsewhere prints a warning saying so.
"""

from __future__ import annotations

import argparse
import sys

from composer.commands.common import Add

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from composer.config import Settings


def cmd_preview(args: argparse.Namespace, settings: Settings) -> int:
    from composer.checks import is_loopback
    from composer.preview.server import make_server

    server, pinned = make_server(
        settings, host=args.host, port=args.port, item=args.item, watch=not args.no_reload, verbose=args.verbose
    )
    url = server.item_url(pinned) if pinned else server.url
    if not is_loopback(args.host):
        print(f"compose: warning: the preview listens on {args.host}: anyone who can reach it can read "
              "the outbox and send test messages", file=sys.stderr)
    print(f"Preview of {server.app.root} at {url}", flush=True)
    print("Press Ctrl+C to stop.", file=sys.stderr, flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.close()
    return 0


def _port(value: str) -> int:
    try:
        port = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{value!r} is not a port number") from None
    if not 0 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{port} is not a port number (0–65535; 0 picks a free one)")
    return port


def register(add: Add) -> None:
    """Add the ``preview`` command to the CLI (called by ``composer.cli``)."""
    p = add("preview", cmd_preview)
    p.add_argument("item", nargs="?", metavar="ITEM", help="item name or folder to open (default: the outbox index)")
    p.add_argument("--host", default="127.0.0.1", help="interface to listen on (default: 127.0.0.1, this machine only)")
    p.add_argument("--port", type=_port, default=8025, help="port (default: 8025; 0 picks a free port)")
    p.add_argument("--no-reload", action="store_true", help="do not watch templates and sources for live reload")
    p.add_argument("--verbose", action="store_true", help="log every request on stderr")
