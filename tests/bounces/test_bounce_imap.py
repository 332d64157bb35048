"""``compose bounces scan --imap`` against a real IMAP server: Dovecot, started by the test."""

from __future__ import annotations

import imaplib
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.audience import open_for
from composer.bounces.scan import open_scanner
from composer.bounces.sources import ImapSource
from composer.cli import main
from composer.config import Settings
from composer.errors import ConfigError

from . import dovecot
from .conftest import BOUNCE_ADDRESS, arf, dsn, send_to

READERS = ["ann@example.com", "bob@example.net", "cy@example.org"]


def _certificate(folder: Path) -> tuple[Path, Path]:
    cert, key = folder / "imap.pem", folder / "imap.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes",
                    "-keyout", str(key), "-out", str(cert), "-days", "2", "-subj", "/CN=localhost",
                    "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"], check=True, capture_output=True,
                   timeout=60)
    os.chmod(key, 0o644)  # read by Dovecot's own user; a throwaway test key
    return cert, key


@pytest.fixture(scope="module")
def server() -> Iterator[dovecot.Dovecot]:
    binary = dovecot.find_dovecot()
    if binary is None:
        pytest.skip("Dovecot is not installed (apt-get install dovecot-imapd); the IMAP tests need a real server")
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed; it makes the IMAP server's test certificate")
    # Not under pytest's tmp dir: that is private to us (0700) and Dovecot's own users must read it.
    base = Path(tempfile.mkdtemp(prefix="composer-dovecot-"))
    os.chmod(base, 0o755)
    cert, key = _certificate(base)
    try:
        running = dovecot.start(binary, base / "server", cert=cert, key=key)
    except RuntimeError as exc:
        shutil.rmtree(base, ignore_errors=True)
        pytest.skip(f"Dovecot would not start here: {exc}")
    running.cert = cert  # type: ignore[attr-defined]
    yield running
    running.stop()
    shutil.rmtree(base, ignore_errors=True)


def _client(server: dovecot.Dovecot) -> imaplib.IMAP4:
    client = imaplib.IMAP4("127.0.0.1", server.port, timeout=10)
    client.login(dovecot.USER, dovecot.PASSWORD)
    return client


@pytest.fixture
def mailbox(server: dovecot.Dovecot) -> Iterator[imaplib.IMAP4]:
    """The test user's IMAP session, with INBOX and Processed emptied first."""
    client = _client(server)
    for folder in ("INBOX", "Processed"):
        _typ, [count] = client.select(folder)
        if int(count or 0):
            client.store("1:*", "+FLAGS.SILENT", "(\\Deleted)")
            client.expunge()
    client.select("INBOX")
    yield client
    client.logout()


def _flags(client: imaplib.IMAP4, folder: str = "INBOX") -> list[str]:
    _typ, [count] = client.select(folder, readonly=True)
    if not int(count or 0):
        return []
    typ, data = client.fetch("1:*", "(FLAGS)")
    return [] if typ != "OK" else [d.decode() for d in data if isinstance(d, bytes)]


def _env(monkeypatch: pytest.MonkeyPatch, settings: Settings) -> None:
    monkeypatch.setenv("UNSUBSCRIBE_SECRET", settings.unsubscribe_secret.reveal())
    monkeypatch.setenv("BOUNCE_ADDRESS", BOUNCE_ADDRESS)
    monkeypatch.setenv("MAIL_FROM", settings.mail_from)


def test_scan_over_imap_marks_processed_mail_seen_and_is_safe_to_repeat(
        server: dovecot.Dovecot, mailbox: imaplib.IMAP4, settings: Settings, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    sent = send_to(settings, READERS)
    for data in (dsn(sent.messages["ann@example.com"].sender, "ann@example.com", message_id="<i1@x>"),
                 arf("fbl@example.org", original_from=sent.messages["bob@example.net"].sender, message_id="<i2@x>"),
                 b"From: a@example.net\r\nTo: bounces@example.org\r\nSubject: out of office\r\n"
                 b"Message-ID: <i3@x>\r\n\r\nI am away.\r\n"):
        assert mailbox.append("INBOX", None, None, data)[0] == "OK"
    _env(monkeypatch, settings)
    url = server.url()
    args = ["bounces", "scan", "--imap", url, "--outbox", str(settings.outbox_dir)]

    assert main([*args, "--dry-run"]) == 0  # read-only: nothing flagged, nothing suppressed
    assert "read 3: 1 hard, 0 soft, 1 complaints, 1 other" in capsys.readouterr().out
    assert not any("\\Seen" in f for f in _flags(mailbox))
    with open_for(settings) as store:
        assert store.suppressions() == []

    assert main(args) == 0
    out, err = capsys.readouterr()
    assert out.strip() == ("read 3: 1 hard, 0 soft, 1 complaints, 1 other, 0 already processed; "
                           "matched 2, unmatched 0; suppressed 2")
    assert dovecot.PASSWORD not in out + err
    assert all("\\Seen" in f for f in _flags(mailbox)) and len(_flags(mailbox)) == 3  # flagged, never deleted
    with open_for(settings) as store:
        assert {(s.email, s.reason) for s in store.suppressions()} == {("ann@example.com", "bounced"),
                                                                      ("bob@example.net", "complained")}
    assert main(args) == 0  # cron again: nothing unseen is left
    assert capsys.readouterr().out.startswith("read 0:")
    assert main([*args, "--all"]) == 0  # everything again: read, not acted on twice
    assert "3 already processed; matched 0, unmatched 0; suppressed 0" in capsys.readouterr().out


def test_move_to_a_folder(server: dovecot.Dovecot, mailbox: imaplib.IMAP4, settings: Settings,
                          monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    sent = send_to(settings, READERS)
    mailbox.append("INBOX", None, None, dsn(sent.messages["cy@example.org"].sender, "cy@example.org",
                                            message_id="<mv1@x>"))
    _env(monkeypatch, settings)
    assert main(["bounces", "scan", "--imap", server.url(), "--move-to", "Processed",
                 "--outbox", str(settings.outbox_dir)]) == 0
    assert "suppressed 1" in capsys.readouterr().out
    assert _flags(mailbox, "INBOX") == [] and len(_flags(mailbox, "Processed")) == 1
    assert main(["bounces", "scan", "--imap", server.url(), "--move-to", "No such folder",
                 "--outbox", str(settings.outbox_dir)]) == 2
    assert "there is no folder 'No such folder'" in capsys.readouterr().err


def test_imaps_verifies_the_certificate(server: dovecot.Dovecot, mailbox: imaplib.IMAP4,
                                        settings: Settings) -> None:
    assert server.tls_port is not None
    url = f"imaps://{dovecot.USER}:{dovecot.PASSWORD}@127.0.0.1:{server.tls_port}/INBOX"
    with pytest.raises(ConfigError, match="does not verify"):
        ImapSource(url)  # self-signed: not trusted by default
    sent = send_to(settings, READERS)
    mailbox.append("INBOX", None, None, dsn(sent.messages["ann@example.com"].sender, "ann@example.com",
                                            message_id="<tls1@x>"))
    with ImapSource(url, ca_file=str(server.cert)) as source, open_scanner(settings) as scanner:  # type: ignore[attr-defined]
        assert [o.action for o in scanner.scan(source)] == ["suppressed"]


# Last: a failed login makes Dovecot slow down further logins from the same address for a while.
def test_wrong_password_is_reported_without_showing_it(server: dovecot.Dovecot, settings: Settings,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    wrong = "not-the-password-at-all"
    assert main(["bounces", "scan", "--imap", server.url(password=wrong), "--outbox", str(settings.outbox_dir)]) == 1
    err = capsys.readouterr().err
    assert "refused the login" in err and wrong not in err
