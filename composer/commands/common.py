"""Pieces several verbs share: the SOURCE arguments, per-source error reporting, JSON Lines."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    # settings load after parsing: `compose --help` imports none of it
    from composer.config import Settings

Handler = Callable[[argparse.Namespace, "Settings"], int]
Add = Callable[[str, Handler], argparse.ArgumentParser]

FORMATS = ("text", "html", "markdown", "json")


def add_common_options(parser: argparse.ArgumentParser, *, after_verb: bool = False) -> None:
    """Options every verb takes, before or after the verb's name (and after a verb's action).

    After the verb they default to SUPPRESS: an option the later parser did not see must not
    overwrite the value given earlier (``compose --outbox X status``).
    """
    extra = {"default": argparse.SUPPRESS} if after_verb else {}
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors", **extra)
    parser.add_argument("--env-file", metavar="PATH", help="settings file to read instead of ./.env", **extra)
    parser.add_argument("--outbox", metavar="DIR", help="outbox folder (default: $OUTBOX_DIR or ./outbox)", **extra)
    parser.add_argument("--templates", metavar="DIR", help="folder of templates that override the built-in ones",
                        **extra)


def verb_with_actions(add: Add, verb: str,
                      wrap: Callable[[Handler], Handler] = lambda h: h) -> Callable[[str, Handler, str],
                                                                                     argparse.ArgumentParser]:
    """Declare ``verb ACTION ...`` (``feed run``, ``subscribers import``) and return ``action(name,
    handler, help)`` that adds one action; each action takes the common options after it too."""
    sub = add(verb, lambda args, settings: args.action_handler(args, settings)).add_subparsers(
        dest="action", metavar="ACTION")
    sub.required = True

    def action(name: str, handler: Handler, help_text: str) -> argparse.ArgumentParser:
        q = sub.add_parser(name, help=help_text, description=help_text)
        q.set_defaults(action_handler=wrap(handler))
        add_common_options(q, after_verb=True)  # "feed run x --outbox DIR" works too
        return q

    return action


def add_sources(p: argparse.ArgumentParser) -> None:
    """SOURCE..., ``--format`` and ``--url``, declared once for every verb that reads articles."""
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a file path, - for stdin, or an http(s) URL")
    p.add_argument("--format", choices=FORMATS, help="skip format sniffing and read SOURCE as this format")
    p.add_argument("--url", action="append", metavar="URL",
                   help="the article's canonical http(s) link (a paste has none); once per SOURCE, in order")


def source_urls(args: argparse.Namespace) -> list[str | None]:
    """The checked ``--url`` for each SOURCE (None where none was given).

    Raises :class:`InputError` for a value that is not an absolute http(s) URL, or when the
    number of ``--url`` options is neither zero nor the number of SOURCEs.
    """
    from composer.errors import InputError
    from composer.ingest.sanitize import resolve_url

    given = getattr(args, "url", None) or []
    if given and len(given) != len(args.sources):
        raise InputError(
            f"{len(given)} --url for {len(args.sources)} SOURCEs: give one --url per SOURCE, in the same order"
        )
    urls: list[str | None] = []
    for value in given:
        url = resolve_url(value)
        if url is None or url != resolve_url(url) or " " in value.strip():
            shown = value if len(value) <= 80 else value[:77] + "..."
            raise InputError(f"--url {shown!r} is not an http(s) link: give the article's full address, "
                             "e.g. https://example.org/news/story")
        urls.append(url)
    return urls or [None] * len(args.sources)


def with_url(article: Any, url: str | None) -> Any:
    """``article`` with ``url`` as its link (a given --url wins over one found in the source)."""
    import dataclasses

    return dataclasses.replace(article, url=url) if url else article


def print_json_line(obj: Any) -> None:
    import json

    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def warn(message: str) -> None:
    print(f"compose: warning: {message}", file=sys.stderr)


def each_source(args: argparse.Namespace, settings: Settings, emit: Callable[[Any], None]) -> int:
    """Run ``emit`` on each source's Article; a bad source is reported and the rest still run.

    A bad ``--url`` is a usage error: it stops the verb before any source is read.
    """
    from composer.config import mask_secrets
    from composer.errors import ComposerError
    from composer.ingest import load_article

    urls = source_urls(args)
    status = 0
    for src, url in zip(args.sources, urls, strict=True):
        try:
            emit(with_url(load_article(src, fmt=args.format), url))
        except ComposerError as exc:
            if args.debug:
                import traceback

                print(mask_secrets(traceback.format_exc(), settings), file=sys.stderr, end="")
            print(f"compose: {mask_secrets(str(exc), settings)}", file=sys.stderr)
            status = max(status, exc.exit_code)
    return status


def local_time(epoch: float | None) -> str:
    """A stored UTC timestamp as the reader's local ISO time (``-`` when there is none)."""
    import datetime as dt

    if epoch is None:
        return "-"
    return dt.datetime.fromtimestamp(epoch, dt.UTC).astimezone().isoformat(timespec="seconds")
