"""Pieces several verbs share: the SOURCE arguments, per-source error reporting, JSON Lines."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from composer.errors import InputError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    from typing import Any

    # settings load after parsing: `compose --help` imports none of it
    from composer.config import Settings
    from composer.corrections import Corrections

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
    """SOURCE..., ``--format`` and the corrections (``--url``, ``--title``, ``--authors``,
    ``--published``), declared once for every verb that reads articles."""
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="a file path, - for stdin, or an http(s) URL")
    p.add_argument("--format", choices=FORMATS, help="skip format sniffing and read SOURCE as this format")
    p.add_argument("--url", action="append", metavar="URL",
                   help="the article's canonical http(s) link (a paste has none); once per SOURCE, in order")
    p.add_argument("--title", action="append", metavar="TEXT",
                   help="the headline, instead of the one the reader found; once per SOURCE, in order "
                        "(an empty TEXT keeps the reader's)")
    p.add_argument("--authors", action="append", metavar="NAMES",
                   help="the byline's names, separated by semicolons (or commas), or - for none; once per "
                        "SOURCE, in order (empty keeps the reader's)")
    p.add_argument("--published", action="append", metavar="DATE",
                   help="the published date or time, ISO 8601 (2025-03-14, 2025-03-14T09:30+01:00), or - "
                        "for none; once per SOURCE, in order (empty keeps the reader's)")


def _per_source(args: argparse.Namespace, option: str) -> list[str] | None:
    given = getattr(args, option, None) or []
    if given and len(given) != len(args.sources):
        raise InputError(f"{len(given)} --{option} for {len(args.sources)} SOURCEs: give one --{option} per "
                         f"SOURCE, in the same order" + ("" if option == "url" else " (an empty one keeps the reader's)"))
    return given or None


def _one_line(option: str, value: str) -> str:
    if any((ord(c) < 32 and c != "\t") or c in "\x7f\x85\u2028\u2029" for c in value):
        raise InputError(f"--{option} holds a line break or a control character: it becomes a header; give one line")
    return " ".join(value.split())


def _url(value: str) -> str:
    from composer.ingest.sanitize import resolve_url

    url = resolve_url(value)
    if url is None or url != resolve_url(url) or " " in value.strip():
        shown = value if len(value) <= 80 else value[:77] + "..."
        raise InputError(f"--url {shown!r} is not an http(s) link: give the article's full address, "
                         "e.g. https://example.org/news/story")
    return url


def _authors(value: str) -> tuple[str, ...] | None:
    value = _one_line("authors", value)
    if not value:
        return None
    if value == "-":
        return ()
    # (semicolons, when there are any, so that "Martin Luther King, Jr.; Ann Lee" is two names)
    names = tuple(n.strip() for n in value.split(";" if ";" in value else ","))
    if not all(names):
        raise InputError(f"--authors {value!r} has an empty name: separate names by one comma or semicolon")
    return names


def _published(value: str) -> str | None:
    import datetime as dt

    value = value.strip()
    if not value:
        return None
    if value == "-":
        return ""
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
        return dt.datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"--published {value!r} is not an ISO 8601 date or time: give e.g. 2025-03-14 or "
                         "2025-03-14T09:30+01:00 (or - for none)") from None


def source_corrections(args: argparse.Namespace) -> list[Corrections]:
    """The checked corrections for each SOURCE, in order.

    Raises :class:`InputError` for a value that does not check out (a URL that is not an absolute
    http(s) one, a date that is not ISO 8601, a line break in a title), or when an option is given
    but not once per SOURCE. Checked before any source is read: a mistyped option must not cost a
    fetch, nor leave some items written and others not.
    """
    n = len(args.sources)
    given_urls = _per_source(args, "url")
    urls = [_url(v) for v in given_urls] if given_urls else [None] * n
    titles = [_one_line("title", v) or None for v in _per_source(args, "title") or [""] * n]
    authors = [_authors(v) for v in _per_source(args, "authors") or [""] * n]
    published = [_published(v) for v in _per_source(args, "published") or [""] * n]
    from composer.corrections import Corrections

    return [Corrections(*fields) for fields in zip(urls, titles, authors, published, strict=True)]


def print_json_line(obj: Any) -> None:
    import json

    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")


def warn(message: str) -> None:
    print(f"compose: warning: {message}", file=sys.stderr)


def each_source(args: argparse.Namespace, settings: Settings, emit: Callable[[Any], None]) -> int:
    """Run ``emit`` on each source's Article; a bad source is reported and the rest still run.

    A bad correction (``--url``, ``--title``, …) is a usage error: it stops the verb before any
    source is read. What the reader was unsure of is reported as a warning.
    """
    from composer.config import mask_secrets
    from composer.errors import ComposerError
    from composer.ingest import load_article

    status = 0
    for src, said in zip(args.sources, source_corrections(args), strict=True):
        try:
            article = said.apply(load_article(src, fmt=args.format))
            for warning in article.doubt_warnings():
                warn(warning)
            emit(article)
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
