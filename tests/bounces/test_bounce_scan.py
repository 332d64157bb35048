"""The bounce mailbox end to end on messages we write ourselves: VERP and Message-ID matching,
hard/soft/complaint policy, forged tokens, repeated runs, Maildir and mbox, the command line."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest

from composer.audience import open_for
from composer.bounces.parse import parse_report
from composer.bounces.scan import Summary, open_scanner, tally
from composer.bounces.sources import Mail, MaildirSource, MboxSource, parse_imap_url
from composer.cli import main
from composer.config import Secret, Settings, load_settings
from composer.delivery.runner import skip_reason
from composer.errors import ConfigError, InputError
from composer.newsletter.verp import Verp

from .conftest import BOUNCE_ADDRESS, arf, dsn, send_to, write_maildir, write_mbox

READERS = ["ann@example.com", "bob@example.net", "cy@example.org"]


def scan(settings: Settings, messages: list[bytes], *, dry_run: bool = False) -> Summary:
    summary = Summary()
    with open_scanner(settings, dry_run=dry_run) as scanner:
        for n, data in enumerate(messages):
            tally(summary, scanner.process(Mail(f"m{n}", data)))
    return summary


def suppression(settings: Settings, email: str) -> str | None:
    with open_for(settings) as store:
        found = store.suppression(email)
        return f"{found.reason}: {found.detail}" if found else None


# -- VERP tokens ----------------------------------------------------------------------------------


def test_verp_address_is_short_signed_and_bound_to_the_reader() -> None:
    verp = Verp(BOUNCE_ADDRESS, "secret")
    address = verp.address(12, 345, "Ann@Example.com")
    local, _, domain = address.partition("@")
    assert domain == "example.org" and local.startswith("bounces+") and len(local) < 40
    assert address == address.lower() and re.fullmatch(r"[a-z0-9+-]+@example\.org", address)
    assert address == verp.address(12, 345, "ann@example.com")  # the address is normalised
    [(campaign, seq, mac)] = verp.find(f"To: <{address.upper()}>")  # some MTAs upper-case local parts
    assert (campaign, seq) == (12, 345) and verp.verify(campaign, seq, mac, "ann@example.com")
    assert not verp.verify(campaign, seq, mac, "bob@example.net")  # another reader
    assert not verp.verify(campaign, seq + 1, mac, "ann@example.com")  # another row
    assert not verp.verify(campaign + 1, seq, mac, "ann@example.com")  # another campaign
    assert not Verp(BOUNCE_ADDRESS, "other secret").verify(campaign, seq, mac, "ann@example.com")
    assert verp.find("bounces+1-2-aaaaaaaaaaaa@example.org.evil.test") == []  # not our domain
    assert verp.find("xbounces+1-2-aaaaaaaaaaaa@example.org") == []


def test_bounce_address_settings_are_checked() -> None:
    with pytest.raises(ConfigError, match="leave out"):
        load_settings(environ={"BOUNCE_ADDRESS": "bounces+x@example.org"}, env_file=None)
    with pytest.raises(ConfigError, match="not a plain"):
        load_settings(environ={"BOUNCE_ADDRESS": "not an address"}, env_file=None)
    with pytest.raises(ConfigError, match="UNSUBSCRIBE_SECRET"):
        Verp.from_settings(Settings(bounce_address=BOUNCE_ADDRESS))
    with pytest.raises(ConfigError, match="30 characters"):
        Verp("a-very-long-local-part-for-bounces@example.org", "secret")
    loaded = load_settings(environ={"BOUNCE_ADDRESS": BOUNCE_ADDRESS, "BOUNCE_SOFT_LIMIT": "2",
                                    "BOUNCE_SOFT_DAYS": "7"}, env_file=None)
    assert (loaded.bounce_address, loaded.bounce_soft_limit, loaded.bounce_soft_days) == (BOUNCE_ADDRESS, 2, 7.0)


def test_sends_use_a_verp_envelope_sender_only_when_bounce_address_is_set(settings: Settings) -> None:
    sent = send_to(settings, READERS)
    verp = Verp.from_settings(settings)
    assert verp is not None
    for seq, reader in enumerate(READERS, 1):
        message = sent.messages[reader]
        assert message.sender == verp.address(sent.campaign, seq, reader)
        assert BOUNCE_ADDRESS not in message.data.decode()  # the envelope only: headers are unchanged
    plain = send_to(settings.replace(bounce_address=None, outbox_dir=settings.outbox_dir.parent / "plain"), READERS)
    assert {m.sender for m in plain.messages.values()} == {"news@example.org"}


# -- matching and policy --------------------------------------------------------------------------


def test_hard_bounce_by_verp_suppresses_the_reader_and_the_next_send_skips_them(settings: Settings) -> None:
    sent = send_to(settings, READERS)
    bob = sent.messages["bob@example.net"]
    # The bouncing server names a forwarding target, not the reader: VERP still knows who it was.
    summary = scan(settings, [dsn(bob.sender, "bob.forward@elsewhere.test")])
    assert (summary.read, summary.hard, summary.matched, summary.suppressed) == (1, 1, 1, 1)
    assert summary.outcomes[0].match is not None and summary.outcomes[0].match.how == "verp"
    assert (suppression(settings, "bob@example.net") or "").startswith("bounced: hard 5.1.1")
    assert suppression(settings, "ann@example.com") is None
    with open_for(settings) as store:
        assert skip_reason(store, "bob@example.net") == "suppressed: bounced (bounce mailbox)"


def test_message_id_matches_when_there_is_no_verp_token(settings: Settings) -> None:
    plain = settings.replace(bounce_address=None)
    sent = send_to(plain, READERS)
    ann = sent.messages["ann@example.com"]
    assert ann.sender == "news@example.org"
    summary = scan(plain, [dsn("news@example.org", "ann@example.com", original_id=ann.message_id,
                               headers_only=False)])
    assert summary.outcomes[0].match is not None and summary.outcomes[0].match.how == "message-id"
    assert summary.suppressed == 1 and suppression(plain, "ann@example.com")
    # The same Message-ID in a bounce about somebody else is not taken as a bounce of ann's.
    bob = sent.messages["bob@example.net"]
    other = scan(plain, [dsn("news@example.org", "mallory@example.com", original_id=bob.message_id,
                             message_id="<dsn-2@mx.example.net>")])
    assert (other.unmatched, other.suppressed) == (1, 0) and suppression(plain, "bob@example.net") is None


def test_forged_or_foreign_bounces_change_nothing(settings: Settings) -> None:
    sent = send_to(settings, READERS)
    ann = sent.messages["ann@example.com"].sender
    local, _, domain = ann.partition("@")
    campaign, seq, mac = local.partition("+")[2].split("-")
    forged = [
        f"{local[:-1]}{'a' if local[-1] != 'a' else 'b'}@{domain}",  # one character of the MAC changed
        f"bounces+{campaign}-2-{mac}@{domain}",  # ann's MAC on bob's row
        f"bounces+{int(campaign, 36) + 1:x}-{seq}-{mac}@{domain}",  # another campaign
        f"bounces+{campaign}-{seq}-{mac}@evil.example",  # someone else's domain
    ]
    messages = [dsn(to, r, message_id=f"<forged-{n}@x>") for n, (to, r) in
                enumerate(zip(forged, ["ann@example.com", "bob@example.net", "ann@example.com", "ann@example.com"],
                              strict=True))]
    # and a bounce that merely names a reader, with no token and no Message-ID of ours
    messages.append(dsn(BOUNCE_ADDRESS, "cy@example.org", message_id="<forged-x@x>"))
    summary = scan(settings, messages)
    assert (summary.hard, summary.matched, summary.unmatched, summary.suppressed) == (5, 0, 5, 0)
    with open_for(settings) as store:
        assert store.suppressions() == []
        assert sum(1 for e in store.events() if e.kind == "bounce: unmatched") == 5


def test_soft_bounces_suppress_after_the_limit_within_the_window(settings: Settings) -> None:
    settings = settings.replace(bounce_soft_limit=3, bounce_soft_days=14)
    sent = send_to(settings, READERS)
    to = sent.messages["cy@example.org"].sender
    full = {"status": "5.2.2", "diagnostic": "smtp; 552 5.2.2 Mailbox full"}
    first = scan(settings, [dsn(to, "cy@example.org", message_id="<s1@x>", **full),
                            dsn(to, "cy@example.org", message_id="<s2@x>", status="4.4.7", action="failed",
                                diagnostic="X-Postfix; delivery temporarily suspended")])
    assert (first.soft, first.hard, first.matched, first.suppressed) == (2, 0, 2, 0)
    assert [o.action for o in first.outcomes] == ["counted (1 of 3 within 14 days)", "counted (2 of 3 within 14 days)"]
    # Age those two beyond the window: they no longer count.
    with open_for(settings) as store, store.transaction() as db:  # type: ignore[attr-defined]
        db.execute("UPDATE audience_events SET at = ? WHERE kind = 'bounce: soft'", (time.time() - 15 * 86400,))
    again = scan(settings, [dsn(to, "cy@example.org", message_id=f"<s{n}@x>", **full) for n in (3, 4)])
    assert again.suppressed == 0 and suppression(settings, "cy@example.org") is None
    last = scan(settings, [dsn(to, "cy@example.org", message_id="<s5@x>", **full)])
    assert last.suppressed == 1
    assert (suppression(settings, "cy@example.org") or "").startswith("bounced: 3 soft bounces within 14 days")


def test_policy_blocks_and_delays_never_suppress_at_once(settings: Settings) -> None:
    sent = send_to(settings, READERS)
    to = sent.messages["ann@example.com"].sender
    blocked = dsn(to, "ann@example.com", status="5.7.1", message_id="<b1@x>",
                  diagnostic="smtp; 550 5.7.1 Service unavailable; client [192.0.2.1] blocked using zen.spamhaus.org")
    delayed = dsn(to, "ann@example.com", status="4.4.1", action="delayed", message_id="<b2@x>",
                  diagnostic="smtp; 451 4.4.1 connection timed out")
    summary = scan(settings, [blocked, delayed])
    assert [o.report.kind for o in summary.outcomes] == ["soft", "delayed"]
    assert (summary.soft, summary.other, summary.suppressed) == (1, 1, 0)


def test_arf_complaints_suppress_at_once(settings: Settings) -> None:
    sent = send_to(settings, READERS)
    ann, bob, cy = (sent.messages[r] for r in READERS)
    reports = [
        arf("fbl@example.org", original_from=ann.sender, message_id="<c1@x>"),  # VERP in Original-Mail-From
        arf("fbl@example.org", original_from="news@example.org", original_id=bob.message_id,
            message_id="<c2@x>"),  # no VERP: the returned message's Message-ID
        arf("fbl@example.org", original_from=cy.sender, feedback_type="not-spam", message_id="<c3@x>"),
        arf("fbl@example.org", original_from=None, rcpt="cy@example.org", message_id="<c4@x>"),  # names only
        # feedback loops redact the recipient: a Message-ID match still counts
        arf("fbl@example.org", original_from=None, rcpt="redacted@example.net", original_id=cy.message_id,
            message_id="<c5@x>"),
    ]
    summary = scan(settings, reports)
    assert (summary.complaints, summary.matched, summary.unmatched, summary.suppressed, summary.other) == (4, 3, 1, 3, 1)
    assert (suppression(settings, "ann@example.com") or "").startswith("complained: complaint (abuse)")
    assert (suppression(settings, "bob@example.net") or "").startswith("complained")
    assert (suppression(settings, "cy@example.org") or "").startswith("complained")
    assert [o.match.how if o.match else None for o in summary.outcomes] == ["verp", "message-id", None, None,
                                                                            "message-id"]


def test_repeated_runs_process_each_report_once(settings: Settings, tmp_path: Path) -> None:
    settings = settings.replace(bounce_soft_limit=2)
    sent = send_to(settings, READERS)
    to = sent.messages["ann@example.com"].sender
    soft = dsn(to, "ann@example.com", status="4.2.2", diagnostic="smtp; 452 4.2.2 Over quota")
    box = write_mbox(tmp_path / "bounces.mbox", [soft])
    for _ in range(3):  # cron, three times over the same mbox: one soft bounce, not three
        with MboxSource(box) as source, open_scanner(settings) as scanner:
            outcomes = list(scanner.scan(source))
    assert [o.action for o in outcomes] == ["duplicate"]
    with open_for(settings) as store:
        assert sum(1 for e in store.events("ann@example.com") if e.kind == "bounce: soft") == 1
    assert suppression(settings, "ann@example.com") is None


def test_maildir_messages_are_marked_seen_and_not_read_again(settings: Settings, tmp_path: Path) -> None:
    sent = send_to(settings, READERS)
    folder = write_maildir(tmp_path / "Maildir", [dsn(sent.messages[r].sender, r, message_id=f"<m{n}@x>")
                                                  for n, r in enumerate(READERS)])
    dry = None
    with MaildirSource(folder) as source, open_scanner(settings, dry_run=True) as scanner:
        dry = [o.action for o in scanner.scan(source)]
    assert dry == ["dry run"] * 3 and len(os.listdir(folder / "new")) == 3  # a dry run changes nothing
    assert all(suppression(settings, r) is None for r in READERS)
    with MaildirSource(folder, include_seen=True) as source, open_scanner(settings) as scanner:
        assert [o.action for o in scanner.scan(source)] == ["suppressed"] * 3  # each once, though moved meanwhile
    assert os.listdir(folder / "new") == [] and all(n.endswith(":2,S") for n in os.listdir(folder / "cur"))
    with MaildirSource(folder) as source, open_scanner(settings) as scanner:
        assert list(scanner.scan(source)) == []  # nothing unseen is left
    with MaildirSource(folder, include_seen=True) as source, open_scanner(settings) as scanner:
        assert [o.action for o in scanner.scan(source)] == ["duplicate"] * 3  # --all: read, but not counted twice


def test_reports_without_a_message_id_are_remembered_by_their_bytes(settings: Settings) -> None:
    sent = send_to(settings, READERS)
    raw = dsn(sent.messages["ann@example.com"].sender, "ann@example.com").replace(
        b"Message-ID: <dsn-1@mx.example.net>\r\n", b"")
    assert parse_report(raw).key.startswith("sha256:")
    assert [o.action for o in scan(settings, [raw]).outcomes] == ["suppressed"]
    assert [o.action for o in scan(settings, [raw]).outcomes] == ["duplicate"]


def test_a_message_that_cannot_be_processed_is_left_for_the_next_run(settings: Settings, tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import composer.bounces.scan as scan_module

    sent = send_to(settings, READERS)
    folder = write_maildir(tmp_path / "Maildir", [dsn(sent.messages[r].sender, r, message_id=f"<e{n}@x>")
                                                  for n, r in enumerate(READERS)])
    real = scan_module.parse_report

    def flaky(data: bytes):  # noqa: ANN202
        if b"<e1@x>" in data:
            raise ValueError("cannot read this one")
        return real(data)

    monkeypatch.setattr(scan_module, "parse_report", flaky)
    summary = Summary()
    with MaildirSource(folder) as source, open_scanner(settings) as scanner:
        for outcome in scanner.scan(source):
            tally(summary, outcome)
    assert (summary.read, summary.suppressed, summary.errors) == (3, 2, 1)
    assert "1 could not be processed" in summary.line()
    assert len(os.listdir(folder / "new")) == 1  # the failed one stays unseen
    monkeypatch.setattr(scan_module, "parse_report", real)
    with MaildirSource(folder) as source, open_scanner(settings) as scanner:
        assert [o.action for o in scanner.scan(source)] == ["suppressed"]


# -- the command line -----------------------------------------------------------------------------


def test_cli_scan_mbox_prints_the_summary(settings: Settings, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    sent = send_to(settings, READERS)
    box = write_mbox(tmp_path / "b.mbox", [
        dsn(sent.messages["ann@example.com"].sender, "ann@example.com", message_id="<1@x>"),
        dsn(sent.messages["bob@example.net"].sender, "bob@example.net", status="4.2.2", message_id="<2@x>",
            diagnostic="smtp; 452 4.2.2 Mailbox full"),
        arf("fbl@example.org", original_from=sent.messages["cy@example.org"].sender, message_id="<3@x>"),
        dsn(BOUNCE_ADDRESS, "zed@example.com", message_id="<4@x>"),
        b"From: friend@example.net\r\nTo: bounces@example.org\r\nSubject: hi\r\nMessage-ID: <5@x>\r\n\r\nhello\r\n",
    ])
    monkeypatch.setenv("UNSUBSCRIBE_SECRET", settings.unsubscribe_secret.reveal())
    monkeypatch.setenv("BOUNCE_ADDRESS", BOUNCE_ADDRESS)
    monkeypatch.setenv("MAIL_FROM", settings.mail_from)
    args = ["bounces", "scan", "--mbox", str(box), "--outbox", str(settings.outbox_dir)]
    assert main([*args, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "read 5: 2 hard, 1 soft, 1 complaints, 1 other" in out and "suppressed 0 (dry run" in out
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == ("read 5: 2 hard, 1 soft, 1 complaints, 1 other, 0 already processed; "
                                    "matched 3, unmatched 1; suppressed 2")
    assert "ann@example.com (by verp): suppressed" in captured.err
    assert main(args) == 0
    assert "5 already processed" in capsys.readouterr().out


def test_cli_needs_one_mailbox_and_masks_imap_passwords(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert main(["bounces", "scan"]) == 2
    assert "--imap URL, --maildir DIR or --mbox FILE" in capsys.readouterr().err
    # an outbox nothing was sent from: refused before the mailbox is read (or marked)
    box = write_mbox(tmp_path / "b.mbox", [dsn(BOUNCE_ADDRESS, "ann@example.com")])
    assert main(["bounces", "scan", "--mbox", str(box), "--outbox", str(tmp_path / "elsewhere")]) == 2
    assert "nothing was sent from the outbox" in capsys.readouterr().err
    assert main(["bounces", "scan", "--imap", "imap://ann:hunter2secret@mail.example.org/INBOX"]) == 2
    err = capsys.readouterr().err
    assert "loopback" in err and "hunter2secret" not in err and "ann:***@mail.example.org" in err
    with pytest.raises(InputError) as info:
        parse_imap_url("pop3://ann:hunter2secret@mail.example.org/")
    assert "hunter2secret" not in str(info.value)
    url = parse_imap_url("imaps://bounces%40example.org:p%40ss@mail.example.org/Bounces")
    assert (url.username, url.password, url.port, url.mailbox) == ("bounces@example.org", "p@ss", 993, "Bounces")
    assert "p@ss" not in str(url)
    assert "secret" not in Secret("secret").__repr__()
