"""Command-line interface: ``compose.py COMMAND ...`` / ``compose COMMAND ...``.

This module is the parser, ``main`` and the error mapping only: the verbs live in
:mod:`composer.commands` (one module per area; :data:`COMMANDS` is the static list of verbs), settings come
from :func:`composer.config.load_settings`, and the work is done by the pipeline modules. Errors
that users can act on (``ComposerError``) become one line on stderr and exit code 2 (bad input
or usage) or 1 (runtime failure); anything else is a bug, reported in one line too unless
``--debug`` asks for the traceback. Secrets are masked in both.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from composer import __version__
from composer.errors import ComposerError

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing at start-up
if TYPE_CHECKING:
    import argparse
    from typing import Any

    from composer.commands.common import Handler
    from composer.config import Settings

# The static command list: every verb, in the order ``compose --help`` lists it, with the module
# of composer.commands that declares its options and runs it, and its one-line help.
COMMANDS: dict[str, tuple[str, str]] = {
    "compose": ("compose", "compose an outbox item (newsletter, posts, embeds) per SOURCE; "
                           "a feed (RSS/Atom) with --digest composes its entries"),
    "parse": ("compose", "print one Article per SOURCE as JSON Lines"),
    "summarize": ("compose", "print one Summary per SOURCE as JSON Lines"),
    "recompose": ("compose", "render an item again in place with the current settings (same name and campaigns)"),
    "posts": ("posts", "print social posts and threads per SOURCE as JSON Lines"),
    "count": ("posts", "count texts as a network does; JSON Lines of {text, network, length, limit, valid}"),
    "send": ("delivery", "send an item now to --to addresses, a --list or --subscribers; re-running resumes it; "
                         "suppressed readers are skipped"),
    "schedule": ("delivery", "schedule an item for later; `compose worker` sends it when due"),
    "cancel": ("delivery", "cancel a scheduled or running campaign"),
    "retry": ("delivery", "send a campaign's deferred readers now; --failed also retries failed ones"),
    "publish": ("publish", "publish an item's post or thread to Bluesky, Mastodon and X, now or --at a time; "
                           "re-running resumes, a published part is never posted twice"),
    "worker": ("delivery", "send scheduled campaigns and retries, run due feeds and publications (--once for cron)"),
    "db": ("delivery", "set up or upgrade the delivery database (also done automatically on first use)"),
    "subscribers": ("subscribers", "the audience: import, export, list, add, remove"),
    "bounces": ("bounces", "read the bounce mailbox (IMAP, Maildir, mbox): suppress bounced and complaining readers"),
    "feed": ("feeds", "follow RSS/Atom feeds: a digest of the entries that are new since the last issue"),
    "status": ("status", "items, campaigns and per-reader delivery state, publications and their posts' URLs"),
    "preview": ("preview", "preview outbox items in a local web app (newsletter, text, posts, embed)"),
    "serve": ("serve", "run the public reader service: unsubscribe, subscribe, archive, feed"),
}


_classes: tuple[Any, Any] | None = None


def _parser_classes() -> tuple[Any, Any]:
    """(the verbs action, the help formatter): argparse subclasses, made on first use, so that a
    ``compose --help`` answered from the cache imports no argparse at all."""
    global _classes
    if _classes is None:
        import argparse

        from composer.commands.common import add_common_options

        class _Verbs(argparse._SubParsersAction):
            """Sub-commands whose parsers are built only for the verb that runs.

            Building eleven argparse parsers costs more than the rest of ``compose --help`` together,
            and a verb needs only its own. The help listing comes from :data:`COMMANDS`; when argparse
            dispatches to a verb, its module is imported and declares the verb's options on a parser
            made exactly as ``add_parser`` would make it.
            """

            def add_verb(self, name: str, help_text: str) -> None:
                self._choices_actions.append(self._ChoicesPseudoAction(name, (), help_text))
                self._name_parser_map[name] = None  # type: ignore[assignment]  # built in __call__

            def build(self, name: str) -> argparse.ArgumentParser:
                import importlib

                module_name, help_text = COMMANDS[name]
                parser = self._parser_class(prog=f"{self._prog_prefix} {name}", description=help_text)
                add_common_options(parser, after_verb=True)

                def add(verb: str, handler: Handler) -> argparse.ArgumentParser:
                    # A module declares all its verbs; only the one that runs gets the real parser.
                    target = parser if verb == name else argparse.ArgumentParser(add_help=False)
                    target.set_defaults(handler=handler)
                    return target

                importlib.import_module(f"composer.commands.{module_name}").register(add)
                self._name_parser_map[name] = parser
                return parser

            def __call__(self, parser: argparse.ArgumentParser, namespace: argparse.Namespace, values: Any,
                         option_string: str | None = None) -> None:
                if self._name_parser_map.get(values[0], False) is None:
                    self.build(values[0])
                super().__call__(parser, namespace, values, option_string)


        class _HelpFormatter(argparse.HelpFormatter):
            """argparse's formatter, told the terminal width without importing ``shutil`` for it.

            argparse asks ``shutil.get_terminal_size()``, and importing shutil (with the compression
            modules it loads) is a tenth of ``compose --help``. The columns are found the same way:
            ``$COLUMNS`` when it is a positive number, else the terminal of stdout, else 80.
            """

            def __init__(self, prog: str, indent_increment: int = 2, max_help_position: int = 24,
                         width: int | None = None) -> None:
                super().__init__(prog, indent_increment, max_help_position, _columns() - 2 if width is None else width)

        _classes = (_Verbs, _HelpFormatter)
    return _classes


def _columns() -> int:
    import os

    try:
        columns = int(os.environ["COLUMNS"])
    except (KeyError, ValueError):
        columns = 0
    if columns > 0:
        return columns
    try:
        size = os.get_terminal_size(sys.__stdout__.fileno())  # type: ignore[union-attr]
    except (AttributeError, ValueError, OSError):
        return 80
    return size.columns or 80


def build_parser() -> argparse.ArgumentParser:
    import argparse

    from composer.commands.common import add_common_options

    verbs, formatter = _parser_classes()
    parser = argparse.ArgumentParser(
        prog="compose",
        description="Turn news articles into newsletters, social posts and embeds.",
        formatter_class=formatter,
    )
    add_common_options(parser)
    parser.add_argument("--version", action="version", version=f"composer {__version__}")
    parser.register("action", "verbs", verbs)
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", action="verbs")
    sub.required = True
    for name, (_module, help_text) in COMMANDS.items():
        sub.add_verb(name, help_text)
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
    as_program = argv is None
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    settings: Settings | None = None
    try:
        if as_program and argv in (["--help"], ["-h"]):
            return _print_help()
        if as_program and sys.dont_write_bytecode:  # no .pyc files: composer keeps its own bytecode
            from composer.codecache import keep_own_bytecode

            keep_own_bytecode()
        args = build_parser().parse_args(argv)
        from pathlib import Path

        from composer.codecache import stored_dataclass_code

        with stored_dataclass_code():  # the dataclasses the command imports, from compiled code
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
    finally:
        if as_program:
            _before_exit()


def _print_help() -> int:
    """``compose --help``: the text argparse wrote for it last time, while nothing it depends on
    changed — the parser's sources, composer's version, the terminal width, the locale and the
    Python version. Building the parser means importing argparse (with re, enum, gettext and
    textwrap) and formatting: most of ``--help`` in a regular install, where ``python -c pass``
    has no editable-install hook to hide it. The same text argparse prints, written the same way.
    """
    key, path = _help_key(), _help_path()
    text = _read_help(path, key) if path else None
    if text is None:
        text = build_parser().format_help()
        if path:
            from pathlib import Path

            from composer.cachedir import user_cache_dir, write_private

            folder = user_cache_dir("help")
            if folder is not None:
                write_private(folder / Path(path).name, (key + "\n" + text).encode("utf-8", "surrogateescape"))
    try:  # noqa: SIM105 - contextlib is one more import on this path
        sys.stdout.write(text)
    except (AttributeError, OSError):  # as argparse's own help printing does
        pass
    return 0


def _help_key() -> str:
    import os

    from composer import commands

    parts = [f"{sys.hexversion:x}", __version__, str(_columns())]
    parts += [os.environ.get(name, "") for name in ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")]
    here = os.path.dirname(__file__)
    for source in (__file__, os.path.join(os.path.dirname(commands.__file__), "common.py"),
                   os.path.join(here, "__init__.py")):
        try:
            info = os.stat(source)
            parts.append(f"{info.st_mtime_ns}:{info.st_size}")
        except OSError:
            parts.append("?")
    return "|".join(parts).replace("\n", " ")


def _help_path() -> str | None:
    """Where :func:`_print_help` keeps the text: ``cachedir``'s folder, found without pathlib,
    and only when that folder is the user's own and closed to others."""
    import os

    if os.environ.get("COMPOSER_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    if base.startswith("~"):
        return None
    folder = os.path.join(base, "composer", "help")
    try:
        info = os.stat(folder)
    except OSError:
        return folder + os.sep + "compose-help.txt"  # not made yet: made, checked, when written
    if (hasattr(os, "getuid") and info.st_uid != os.getuid()) or info.st_mode & 0o022:
        return None
    return folder + os.sep + "compose-help.txt"


def _read_help(path: str, key: str) -> str | None:
    try:
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    stored_key, _, text = data.decode("utf-8", "surrogateescape").partition("\n")
    return text if stored_key == key and text else None


def _before_exit() -> None:
    """The process is about to end: spare the interpreter its last full cycle collection.

    On exit CPython collects once more over every object still alive (all the modules a compose
    imported), ~15 ms of a 0.2 s compose, and then frees the modules anyway. Frozen objects are
    skipped by that pass; everything else about the exit (atexit handlers, flushing, freeing the
    modules) is unchanged. Only when ``main`` is the program: a caller that goes on running keeps
    its collector as it was.
    """
    import gc

    gc.freeze()


if __name__ == "__main__":
    raise SystemExit(main())
