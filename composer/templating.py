"""The Jinja2 environment shared by every renderer.

Templates are looked up in the user's ``--templates DIR`` first and the built-in ``templates/``
second, so a user overrides one file without copying the rest. Autoescape is on for everything
except plain-text templates (``*.txt.j2``). Template problems become a :class:`TemplateError`
that names the file and line instead of a Jinja traceback.
"""

from __future__ import annotations

import contextlib
import os
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import jinja2.bccache

from composer.errors import TemplateError


def builtin_templates_dir() -> Path:
    """The ``templates/`` folder that ships with composer.

    In a checkout (and an editable install) it sits beside the package; a wheel installs it as
    data files under ``<prefix>/share/composer/templates`` (see pyproject.toml).
    """
    import sys

    here = Path(__file__).resolve().parent  # composer/
    for candidate in (here.parent / "templates", Path(sys.prefix) / "share" / "composer" / "templates"):
        if (candidate / "newsletter.mjml.j2").is_file():
            return candidate
    raise TemplateError(f"composer's built-in templates are missing (looked in {here.parent / 'templates'})")


def _autoescape(name: str | None) -> bool:
    return not (name or "").endswith((".txt.j2", ".txt"))


class _QuietBytecodeCache(jinja2.FileSystemBytecodeCache):
    """Jinja's file cache, except that a cache it cannot read or write is simply not used."""

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except (OSError, ValueError, EOFError):
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        with contextlib.suppress(OSError):
            super().dump_bytecode(bucket)


def _bytecode_cache() -> jinja2.BytecodeCache | None:
    """Compiled templates kept under the user's cache folder between runs.

    Compiling the templates costs more than rendering them, and every ``compose`` is a new
    process. Jinja checks each entry against the template's source (and the Python version)
    before using it, so an edited or overridden template is recompiled, never served stale.
    The folder must be the user's own and closed to others — cached bytecode is code — else no
    cache is used. ``COMPOSER_TEMPLATE_CACHE=off`` turns it off.
    """
    if os.environ.get("COMPOSER_TEMPLATE_CACHE", "").lower() in ("off", "0", "no", "false"):
        return None
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    directory = base / "composer" / f"jinja-{jinja2.__version__}"
    try:
        directory.mkdir(parents=True, exist_ok=True, mode=0o700)
        info = directory.stat()
    except (OSError, RuntimeError):  # RuntimeError: no home directory to expand
        return None
    if (hasattr(os, "getuid") and info.st_uid != os.getuid()) or info.st_mode & 0o022:
        return None
    return _QuietBytecodeCache(str(directory), "%s.cache")


@lru_cache(maxsize=8)
def _env_for(dirs: tuple[str, ...]) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(list(dirs)),
        bytecode_cache=_bytecode_cache(),
        autoescape=_autoescape,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    return env


def make_env(user_dir: str | Path | None = None) -> jinja2.Environment:
    """The environment for ``user_dir`` (may be None); cached, since compiling templates costs ms."""
    dirs: list[str] = []
    if user_dir is not None:
        p = Path(user_dir)
        if not p.is_dir():
            raise TemplateError(f"--templates {p}: no such folder")
        dirs.append(str(p.resolve()))
    dirs.append(str(builtin_templates_dir()))
    return _env_for(tuple(dirs))


def render(env: jinja2.Environment, name: str, **context: Any) -> str:
    """Render template ``name``; any Jinja problem is reported with its file and line."""
    try:
        return env.get_template(name).render(**context)
    except jinja2.TemplateSyntaxError as exc:
        where = exc.filename or exc.name or name
        raise TemplateError(f"template {where}, line {exc.lineno}: {exc.message}") from exc
    except jinja2.TemplateNotFound as exc:
        raise TemplateError(f"template {exc.name!r} not found in {', '.join(env.loader.searchpath)}") from exc  # type: ignore[union-attr]
    except jinja2.UndefinedError as exc:
        raise TemplateError(f"template {_runtime_where(exc, name)}: {exc.message}") from exc
    except TemplateError:
        raise
    except Exception as exc:  # a filter or expression failing at render time
        raise TemplateError(f"template {_runtime_where(exc, name)}: {type(exc).__name__}: {exc}") from exc


def _runtime_where(exc: BaseException, name: str) -> str:
    """The template file and line of a render-time error (Jinja maps its frames to them).

    The innermost template frame is the one at fault; when it is an included file, the
    template that was being rendered is named too, so the user knows which output broke.
    """
    tb = exc.__traceback__
    found: tuple[str, int] | None = None
    while tb is not None:
        filename = tb.tb_frame.f_code.co_filename
        if filename.endswith((".j2", ".html", ".txt", ".mjml")) and Path(filename).is_file():
            found = (filename, tb.tb_lineno)
        tb = tb.tb_next
    if found is None:
        return name
    where = f"{found[0]}, line {found[1]}"
    return where if Path(found[0]).name == name else f"{where} (rendering {name})"
