"""Command-line interface: ``compose.py COMMAND ...`` / ``compose COMMAND ...``.

This module is the parser, ``main`` and the error mapping only: the verbs live in
:mod:`composer.commands` (one module per area, listed in ``COMMAND_MODULES``), settings come
from :func:`composer.config.load_settings`, and the work is done by the pipeline modules. Errors
that users can act on (``ComposerError``) become one line on stderr and exit code 2 (bad input
or usage) or 1 (runtime failure); anything else is a bug, reported in one line too unless
``--debug`` asks for the traceback. Secrets are masked in both.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from composer import __version__
from composer.commands import compose, delivery, posts, preview, status
from composer.commands.common import Handler
from composer.errors import ComposerError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from composer.config import Settings

# Every verb, in the order ``compose --help`` lists them: each module registers its own.
COMMAND_MODULES = (compose, posts, delivery, status, preview)


def build_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    common.add_argument("--env-file", metavar="PATH", help="settings file to read instead of ./.env")
    common.add_argument("--outbox", metavar="DIR", help="outbox folder (default: $OUTBOX_DIR or ./outbox)")
    common.add_argument("--templates", metavar="DIR", help="folder of templates that override the built-in ones")

    parser = argparse.ArgumentParser(
        prog="compose",
        description="Turn news articles into newsletters, social posts and embeds.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"composer {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    def add(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text, description=help_text, parents=[common])
        p.set_defaults(handler=handler)
        return p

    for module in COMMAND_MODULES:
        module.register(add)
    return parser


def _report(exc: BaseException, message: str, settings: Settings | None, debug: bool) -> None:
    """One line on stderr (the traceback first with --debug), secrets masked in both."""
    from composer.config import mask_secrets

    if debug:
        import traceback

        tb = "".join(traceback.format_exception(exc))
        print(mask_secrets(tb, settings) if settings else tb, file=sys.stderr, end="")
    print(f"compose: {mask_secrets(message, settings) if settings else message}", file=sys.stderr)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    settings: Settings | None = None
    try:
        args = build_parser().parse_args(argv)
        from pathlib import Path

        from composer.config import env_file_warnings, load_settings

        flags = {"outbox_dir": args.outbox, "templates_dir": args.templates}
        settings = load_settings(
            {k: (Path(v) if v is not None else None) for k, v in flags.items()}, env_file=args.env_file
        )
        for warning in env_file_warnings(args.env_file):
            print(f"compose: warning: {warning}", file=sys.stderr)
        return int(args.handler(args, settings))
    except ComposerError as exc:
        _report(exc, str(exc), settings, debug)
        return exc.exit_code
    except KeyboardInterrupt:
        print("compose: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line unless --debug
        _report(exc, f"internal error ({type(exc).__name__}: {exc}); run again with --debug and report it",
                settings, debug)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
