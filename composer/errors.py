"""One exception hierarchy for everything a user can act on.

The CLI turns a ``ComposerError`` into a single line on stderr and an exit code; anything else
is a bug and only shows a traceback under ``--debug``. Each subclass carries its exit code so
that the mapping lives in one place.
"""

from __future__ import annotations


class ComposerError(Exception):
    """Base class: the message is shown to the user as is, so it must say what to do."""

    exit_code = 1


class InputError(ComposerError):
    """Bad input or usage: a missing file, an unreadable page, a malformed option."""

    exit_code = 2


class ConfigError(ComposerError):
    """A setting in ``.env``, the environment or a flag is missing or invalid."""

    exit_code = 2


class TemplateError(ComposerError):
    """A template failed to load or render; the message names the file and line."""

    exit_code = 2


class RenderError(ComposerError):
    """Rendering failed for a reason that is not the user's input (e.g. MJML rejected output)."""

    exit_code = 1


class OutboxError(ComposerError):
    """The outbox cannot be read or written (permissions, full disk, a clash)."""

    exit_code = 2


class DeliveryError(ComposerError):
    """Sending failed at runtime (network, server refusal)."""

    exit_code = 1
