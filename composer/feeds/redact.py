"""Feed URLs as they may be shown: private feeds carry their secret in the URL.

A members-only or podcast feed is usually ``https://site/feed?token=…`` (or, rarely,
``https://user:password@site/feed``). composer needs the whole URL to fetch it, but prints it
in ``feed list``, run summaries, worker logs and error messages; there the password and the
values of secret-looking query parameters are shown as ``***``.
"""

from __future__ import annotations

import re

_URL = re.compile(r"https?://[^\s'\"<>]+", re.I)
_USERINFO = re.compile(r"^(https?://[^/@:\s]*):[^/@\s]*@", re.I)
_SECRET_PARAM = re.compile(
    r"([?&;](?:[\w.-]*(?:token|key|secret|password|passwd|pwd|auth|sig|signature|session|hash)[\w.-]*)=)[^&;#\s]*",
    re.I)


def redact_url(url: str) -> str:
    """``url`` with its userinfo password and secret-looking query values replaced by ``***``."""
    return _SECRET_PARAM.sub(r"\1***", _USERINFO.sub(r"\1:***@", url))


def redact(text: str) -> str:
    """Every http(s) URL in ``text`` redacted (for messages that quote a URL)."""
    def one(m: re.Match[str]) -> str:
        url = m.group(0)
        tail = len(url) - len(url.rstrip(":.,;)"))  # "URL: the server said…": the colon is prose
        return redact_url(url[: len(url) - tail]) + url[len(url) - tail:]

    return _URL.sub(one, text)
