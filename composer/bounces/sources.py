"""Where returned messages are read from: an IMAP mailbox, a Maildir or an mbox file.

Each source yields :class:`Mail` (a reference for messages and the raw bytes) and is told
:meth:`done` once a message has been processed, so that the next run does not fetch it again:

* **IMAP** — only unseen messages are fetched (``UID SEARCH UNSEEN``; ``--all`` fetches
  every one) with ``BODY.PEEK[]``, which leaves them unseen until processed; a processed
  message is then flagged ``\\Seen``, or moved to ``--move-to FOLDER`` (IMAP ``MOVE``). Nothing is
  ever deleted. ``imaps://`` verifies the server's certificate; plain ``imap://`` is accepted
  only to a loopback host, like ``SMTP_SECURITY=none``.
* **Maildir** — messages in ``new/`` and unseen ones in ``cur/``; a processed message is moved
  to ``cur/`` with the ``S`` (seen) flag, as a mail client would. ``--all`` reads seen ones too.
* **mbox** — read, never changed (an mbox cannot be marked without rewriting it).

Whatever the source, the scanner also remembers each processed report (by its Message-ID)
in the outbox's database, so a message read twice — ``--all``, a copy in two folders, an mbox
scanned again — is counted once.
"""

from __future__ import annotations

import contextlib
import imaplib
import os
import re
import ssl
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlsplit

from composer.checks import is_loopback
from composer.config import mask_url_passwords
from composer.errors import ConfigError, DeliveryError, InputError

MAX_MESSAGE = 10 * 1024 * 1024  # a bounce is small; a huge message is skipped, not loaded


@dataclass(frozen=True)
class Mail:
    ref: str  # where it came from, for messages: "INBOX uid 7", "new/1700000000.x.host"
    data: bytes


class Source:
    def messages(self) -> Iterator[Mail]:
        raise NotImplementedError

    def done(self, mail: Mail) -> None:
        """Mark ``mail`` as processed in the mailbox itself (never called on a dry run)."""

    def close(self) -> None:
        pass

    def __enter__(self) -> Source:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# -- mbox ---------------------------------------------------------------------------------------


class MboxSource(Source):
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise InputError(f"--mbox {self.path}: no such file")

    def messages(self) -> Iterator[Mail]:
        import mailbox

        box = mailbox.mbox(self.path, create=False)
        try:
            for key in list(box.keys()):  # noqa: SIM118 - a snapshot of the keys
                data = box.get_bytes(key)
                yield Mail(f"{self.path.name} #{int(key) + 1}", data)
        finally:
            box.close()


# -- Maildir ------------------------------------------------------------------------------------


class MaildirSource(Source):
    def __init__(self, path: str | os.PathLike[str], *, include_seen: bool = False) -> None:
        self.path = Path(path)
        if not (self.path / "new").is_dir() or not (self.path / "cur").is_dir():
            raise InputError(f"--maildir {self.path}: not a Maildir (it needs new/ and cur/ folders)")
        self.include_seen = include_seen

    def messages(self) -> Iterator[Mail]:
        # Both listings first: a message moved from new/ to cur/ by done() must not come up twice.
        listing = [(sub, entry) for sub in ("new", "cur")
                   for entry in sorted(os.scandir(self.path / sub), key=lambda e: e.name)]
        for sub, entry in listing:
            if entry.name.startswith(".") or not entry.is_file():
                continue
            flags = entry.name.rpartition(":2,")[2] if ":2," in entry.name else ""
            if "S" in flags and not self.include_seen:
                continue
            try:
                if entry.stat().st_size > MAX_MESSAGE:
                    continue
                data = Path(entry.path).read_bytes()
            except FileNotFoundError:  # taken by another reader meanwhile
                continue
            yield Mail(f"{sub}/{entry.name}", data)

    def done(self, mail: Mail) -> None:
        sub, _, name = mail.ref.partition("/")
        base, sep, flags = name.partition(":2,")
        if "S" in flags:
            return
        new_name = f"{base}:2,{''.join(sorted(set(flags) | {'S'}))}"
        with contextlib.suppress(FileNotFoundError):  # taken by another reader meanwhile
            os.replace(self.path / sub / name, self.path / "cur" / new_name)


# -- IMAP ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImapURL:
    secure: bool
    host: str
    port: int
    username: str
    password: str
    mailbox: str

    def __str__(self) -> str:  # never shows the password
        scheme = "imaps" if self.secure else "imap"
        return f"{scheme}://{self.username}@{self.host}:{self.port}/{self.mailbox}"


def parse_imap_url(url: str) -> ImapURL:
    """``imaps://user:password@host:993/INBOX`` (user and password percent-encoded as needed)."""
    shown = mask_url_passwords(url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise InputError(f"--imap {shown}: not a valid URL ({exc})") from exc
    if parts.scheme not in ("imaps", "imap"):
        raise InputError(f"--imap {shown}: use imaps://user:password@host:993/INBOX")
    if not parts.hostname or not parts.username:
        raise InputError(f"--imap {shown}: give the user and host, e.g. imaps://user:password@host:993/INBOX")
    secure = parts.scheme == "imaps"
    if not secure and not is_loopback(parts.hostname):
        raise ConfigError(f"--imap {shown}: plain imap:// is only allowed to a loopback host; use imaps://")
    mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapURL(secure, parts.hostname, port or (993 if secure else 143), unquote(parts.username),
                   unquote(parts.password or ""), mailbox)


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


class ImapSource(Source):
    def __init__(self, url: str, *, include_seen: bool = False, move_to: str | None = None,
                 readonly: bool = False, timeout: float = 60.0, ca_file: str | None = None) -> None:
        self.url = parse_imap_url(url)
        self.include_seen = include_seen
        self.move_to = move_to
        self.readonly = readonly
        where = f"{self.url.host}:{self.url.port}"
        try:
            if self.url.secure:
                context = ssl.create_default_context(cafile=ca_file)
                self.conn: imaplib.IMAP4 = imaplib.IMAP4_SSL(self.url.host, self.url.port, ssl_context=context,
                                                             timeout=timeout)
            else:
                self.conn = imaplib.IMAP4(self.url.host, self.url.port, timeout=timeout)
        except ssl.SSLCertVerificationError as exc:
            raise ConfigError(f"the TLS certificate of the IMAP server {where} does not verify "
                              f"({exc.verify_message})") from exc
        except OSError as exc:
            raise DeliveryError(f"cannot connect to the IMAP server {where} ({exc})") from exc
        try:
            self.conn.login(self.url.username, self.url.password)
        except imaplib.IMAP4.error as exc:
            self.conn.shutdown()
            raise DeliveryError(f"the IMAP server {where} refused the login for {self.url.username!r}; "
                                "check the user and password in the URL") from exc
        typ, caps = self.conn.capability()  # after login: servers announce more (MOVE) than before it
        capabilities = set((caps[0] or b"").decode("ascii", "replace").upper().split()) if typ == "OK" else set()
        typ, data = self.conn.select(_quote(self.url.mailbox), readonly=readonly)
        if typ != "OK":
            self.close()
            raise InputError(f"{self.url}: no mailbox {self.url.mailbox!r} ({_text(data)})")
        if move_to and not readonly and "MOVE" not in capabilities:
            self.close()
            raise InputError(f"the IMAP server {where} cannot MOVE messages; leave out --move-to "
                             "(processed messages are then flagged \\Seen)")
        if move_to and not readonly:
            typ, listed = self.conn.list('""', _quote(move_to))
            if typ != "OK" or not [x for x in listed if x]:
                self.close()
                raise InputError(f"{self.url}: there is no folder {move_to!r} to move processed messages to; "
                                 "create it first")

    def messages(self) -> Iterator[Mail]:
        typ, data = self.conn.uid("SEARCH", "ALL" if self.include_seen else "UNSEEN")
        if typ != "OK":
            raise DeliveryError(f"{self.url}: SEARCH failed ({_text(data)})")
        for uid in (data[0] or b"").split():
            typ, fetched = self.conn.uid("FETCH", uid.decode(), "(RFC822.SIZE BODY.PEEK[])")
            if typ != "OK":
                continue
            for item in fetched:
                if isinstance(item, tuple) and len(item) == 2:
                    size = re.search(rb"RFC822\.SIZE (\d+)", item[0])
                    if size and int(size.group(1)) > MAX_MESSAGE:
                        break
                    yield Mail(f"{self.url.mailbox} uid {uid.decode()}", bytes(item[1]))
                    break

    def done(self, mail: Mail) -> None:
        if self.readonly:
            return
        uid = mail.ref.rpartition(" uid ")[2]
        if self.move_to:
            typ, data = self.conn.uid("MOVE", uid, _quote(self.move_to))
            if typ != "OK":
                raise DeliveryError(f"{self.url}: cannot move uid {uid} to {self.move_to!r} ({_text(data)}); "
                                    "does the folder exist?")
        else:
            self.conn.uid("STORE", uid, "+FLAGS.SILENT", "(\\Seen)")

    def close(self) -> None:
        try:
            if self.conn.state == "SELECTED":
                self.conn.close()
            self.conn.logout()
        except (imaplib.IMAP4.error, OSError):
            self.conn.shutdown()


def _text(data: object) -> str:
    if isinstance(data, list):
        data = b" ".join(d for d in data if isinstance(d, bytes))
    if isinstance(data, bytes):
        data = data.decode("utf-8", "replace")
    return " ".join(str(data).split())[:200]
