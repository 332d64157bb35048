"""Command-line interface: ``compose.py COMMAND ...`` / ``compose COMMAND ...``.

Each command is a small function that parses nothing itself: argparse does that, settings come
from :func:`composer.config.load_settings`, and the work is done by the pipeline modules. Errors
that users can act on (``ComposerError``) become one line on stderr and exit code 2 (bad input
or usage) or 1 (runtime failure); anything else is a bug, reported in one line too unless
``--debug`` asks for the traceback. Secrets are masked in both.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from composer import __version__
from composer.config import Settings, load_settings, mask_secrets
from composer.errors import ComposerError, InputError

Handler = Callable[[argparse.Namespace, Settings], int]


def _print_json_line(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def _warn(message: str) -> None:
    print(f"compose: warning: {message}", file=sys.stderr)


def _load_articles(sources: Sequence[str], args: argparse.Namespace) -> list:
    from composer.ingest import load_article

    return [load_article(src, fmt=getattr(args, "format", None)) for src in sources]


def _each_source(args: argparse.Namespace, settings: Settings, emit: Callable[[Any], None]) -> int:
    """Run ``emit`` on each source's Article; a bad source is reported and the rest still run."""
    from composer.ingest import load_article

    status = 0
    for src in args.sources:
        try:
            emit(load_article(src, fmt=args.format))
        except ComposerError as exc:
            if args.debug:
                print(mask_secrets(traceback.format_exc(), settings), file=sys.stderr, end="")
            print(f"compose: {mask_secrets(str(exc), settings)}", file=sys.stderr)
            status = max(status, exc.exit_code)
    return status


# -- commands -----------------------------------------------------------------------------------


def cmd_parse(args: argparse.Namespace, settings: Settings) -> int:
    return _each_source(args, settings, lambda a: _print_json_line(a.to_dict()))


def cmd_summarize(args: argparse.Namespace, settings: Settings) -> int:
    from composer.pipeline import summarise_article

    def emit(article: Any) -> None:
        summary, warnings = summarise_article(article, settings)
        for w in warnings:
            _warn(w)
        _print_json_line(summary.to_dict())

    return _each_source(args, settings, emit)


def cmd_compose(args: argparse.Namespace, settings: Settings) -> int:
    from composer.pipeline import compose_to_outbox

    articles = _load_articles(args.sources, args)  # all-or-nothing: parse everything first
    if args.subject is not None and not args.subject.strip():
        raise InputError("--subject is empty")
    groups = [articles] if args.digest else [[a] for a in articles]
    for group in groups:
        item, composition = compose_to_outbox(group, settings, digest=args.digest, subject=args.subject,
                                              strict=args.strict)
        for w in composition.warnings:
            _warn(w)
        if args.json:
            _print_json_line({"item": str(item.path), "name": item.name, "files": sorted(composition.files),
                              "warnings": list(composition.warnings)})
        else:
            print(item.path)
    return 0


# -- parser ---------------------------------------------------------------------------------------


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

    def sources(p: argparse.ArgumentParser) -> None:
        p.add_argument("sources", nargs="+", metavar="SOURCE", help="a file path, - for stdin, or an http(s) URL")
        p.add_argument("--format", choices=["text", "html", "markdown", "json"],
                       help="skip format sniffing and read SOURCE as this format")

    p = add("compose", cmd_compose, "compose an outbox item (newsletter, posts, embeds) per SOURCE")
    sources(p)
    p.add_argument("--digest", action="store_true", help="one digest item of all SOURCES")
    p.add_argument("--subject", help="email subject (default: the article title)")
    p.add_argument("--json", action="store_true", help="print one JSON line per item instead of its path")
    p.add_argument("--strict", action="store_true", help="fail when the HTML passes Gmail's 102 KB clip")

    p = add("parse", cmd_parse, "print one Article per SOURCE as JSON Lines")
    sources(p)
    p = add("summarize", cmd_summarize, "print one Summary per SOURCE as JSON Lines")
    sources(p)

    for extra in _EXTRA_COMMANDS:
        extra(add)
    return parser


# Modules that add commands: each is a function receiving ``add`` (see build_parser). Keeping
# them outside this file lets posts/count, delivery and preview grow without one huge cli.py.
_EXTRA_COMMANDS: list[Callable[[Callable[..., argparse.ArgumentParser]], None]] = []


def _register_extras() -> None:
    import importlib

    for module in ("composer.commands.posts", "composer.commands.delivery", "composer.commands.preview"):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name == module:
                continue
            raise
        _EXTRA_COMMANDS.append(mod.register)


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    settings: Settings | None = None
    try:
        if not _EXTRA_COMMANDS:
            _register_extras()
        args = build_parser().parse_args(argv)
        flags = {"outbox_dir": args.outbox, "templates_dir": args.templates}
        from pathlib import Path

        settings = load_settings(
            {k: (Path(v) if v is not None else None) for k, v in flags.items()}, env_file=args.env_file
        )
        return int(args.handler(args, settings))
    except ComposerError as exc:
        message = mask_secrets(str(exc), settings) if settings else str(exc)
        if debug:
            tb = traceback.format_exc()
            print(mask_secrets(tb, settings) if settings else tb, file=sys.stderr, end="")
        print(f"compose: {message}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("compose: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug: still one line unless --debug
        text = f"{type(exc).__name__}: {exc}"
        if settings:
            text = mask_secrets(text, settings)
        if debug:
            tb = "".join(traceback.format_exception(exc))
            print(mask_secrets(tb, settings) if settings else tb, file=sys.stderr, end="")
        print(f"compose: internal error ({text}); run again with --debug and report it", file=sys.stderr)
        return 1


if __name__ == "__main__":
    raise SystemExit(main())
