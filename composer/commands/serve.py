"""``compose serve``: the public reader service under uvicorn (see :mod:`composer.web.app`)."""

from __future__ import annotations

import argparse

from composer.commands.common import Add

TYPE_CHECKING = False
if TYPE_CHECKING:
    from composer.config import Settings


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    import sys

    import uvicorn

    from composer.serving import Limits, protocol_class
    from composer.web.app import create_app

    app = create_app(settings)  # refuses to start without SITE_URL and UNSUBSCRIBE_SECRET
    print(f"compose serve: {settings.site_url} served on http://{args.host}:{args.port} (Ctrl-C stops)",
          file=sys.stderr)
    # The preview's guard against silent connections: a request deadline, and idle connections
    # closed to make room, so a few hundred idle sockets cannot hold every reader at 503.
    limits = Limits(max_connections=max(1, args.limit_concurrency - 1), keep_alive=5)
    uvicorn.run(app, host=args.host, port=args.port, proxy_headers=True, http=protocol_class(limits),
                forwarded_allow_ips=settings.serve_trusted_proxies, server_header=False, date_header=True,
                timeout_keep_alive=limits.keep_alive, limit_concurrency=args.limit_concurrency, backlog=2048,
                h11_max_incomplete_event_size=16 * 1024, log_level="info" if args.access_log else "warning",
                access_log=args.access_log)
    return 0


def register(add: Add) -> None:
    p = add("serve", cmd_serve)
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; put a reverse "
                   "proxy with TLS in front for the public)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--limit-concurrency", type=int, default=200, metavar="N",
                   help="answer 503 beyond N connections at once (default 200)")
    p.add_argument("--access-log", action="store_true", help="log every request")
