"""The SMTP adapter and the send loop against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import email
import os
import signal
import smtplib
import socket
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator
from email import policy
from pathlib import Path

import pytest

from composer.config import Secret, Settings
from composer.delivery import smtp as smtp_module
from composer.delivery.base import Outgoing
from composer.delivery.campaign import Audience, open_campaign
from composer.delivery.runner import RunSummary, run_campaign
from composer.delivery.smtp import SMTPBackend
from composer.delivery.state import DeliveryState
from composer.errors import ConfigError, DeliveryError
from composer.newsletter.personalize import MessageTemplate
from composer.outbox import Item

from .conftest import write_csv
from .smtpserver import PASSWORD, USER, Sink, make_certificates, server_context, start, wait_for

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def certs(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    return make_certificates(tmp_path_factory.mktemp("certs"))


@pytest.fixture
def sink() -> Sink:
    return Sink()


@pytest.fixture
def plain_server(sink: Sink) -> Iterator[int]:
    controller = start(sink)
    yield controller.port
    controller.stop()


@pytest.fixture
def tls_server(sink: Sink, certs: tuple[Path, Path, Path]) -> Iterator[int]:
    _ca, cert, key = certs
    controller = start(sink, tls=server_context(cert, key), auth=True)
    yield controller.port
    controller.stop()


def smtp_settings(settings: Settings, port: int, **changes: object) -> Settings:
    base = {"delivery": "smtp", "smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none",
            "smtp_timeout": 5.0}
    return settings.replace(**{**base, **changes})


def send(item: Item, settings: Settings, csv: Path, *, max_wait: float = 10.0, concurrency: int = 1) -> RunSummary:
    state = DeliveryState.for_settings(settings)
    campaign, _ = open_campaign(state, item, settings, "smtp", Audience(list_path=csv))
    state.close()
    template = MessageTemplate.from_item(item, settings)
    return run_campaign(state.target, campaign.id, settings, template=template, max_wait=max_wait,
                        concurrency=concurrency)


def emails(n: int, domain: str = "example.com") -> list[str]:
    return [f"reader{i}@{domain}" for i in range(n)]


def test_starttls_auth_and_personalised_content(tmp_path: Path, item: Item, settings: Settings, sink: Sink,
                                                tls_server: int, certs: tuple[Path, Path, Path]) -> None:
    ca, _cert, _key = certs
    s = smtp_settings(settings, tls_server, smtp_security="starttls", smtp_ca_file=ca, smtp_username=USER,
                      smtp_password=Secret(PASSWORD))
    csv = write_csv(tmp_path / "s.csv", ["ann@example.com,Ann,Köln", "bob@example.com,Bob,"])
    summary = send(item, s, csv)
    assert summary.exit_code == 0 and summary.counts["sent"] == 2
    assert sorted(sink.counts().items()) == [("ann@example.com", 1), ("bob@example.com", 1)]
    assert all(sess == {"tls": True, "auth": True} for sess in sink.sessions)
    messages = {r: email.message_from_bytes(d, policy=policy.default) for r, d in sink.received}
    ann = messages["ann@example.com"]
    assert ann["To"] == "Ann <ann@example.com>"
    text = ann.get_body(("plain",)).get_content()
    assert "Hello Ann," in text and "Stories for Köln" in text
    assert "Stories for your town" in messages["bob@example.com"].get_body(("plain",)).get_content()
    assert ann["Message-ID"] != messages["bob@example.com"]["Message-ID"]


def test_bounce_address_makes_each_envelope_sender_a_signed_verp_address(
        tmp_path: Path, item: Item, settings: Settings, sink: Sink, plain_server: int) -> None:
    from composer.newsletter.verp import Verp

    s = smtp_settings(settings, plain_server, bounce_address="bounces@example.org")
    csv = write_csv(tmp_path / "s.csv", ["ann@example.com,Ann,", "bob@example.com,Bob,"])
    summary = send(item, s, csv)
    assert summary.exit_code == 0
    verp = Verp.from_settings(s)
    assert verp is not None
    assert sink.senders == {"ann@example.com": verp.address(summary.campaign, 1, "ann@example.com"),
                            "bob@example.com": verp.address(summary.campaign, 2, "bob@example.com")}
    # the headers a reader sees are unchanged: From is still the newsletter's address
    assert all(b"bounces" not in data for _r, data in sink.received)


def test_implicit_tls(tmp_path: Path, item: Item, settings: Settings, sink: Sink,
                      certs: tuple[Path, Path, Path]) -> None:
    ca, cert, key = certs
    controller = start(sink, implicit_tls=server_context(cert, key))
    try:
        s = smtp_settings(settings, controller.port, smtp_security="ssl", smtp_ca_file=ca)
        assert send(item, s, write_csv(tmp_path / "s.csv", ["ann@example.com,Ann,"])).exit_code == 0
    finally:
        controller.stop()
    assert sink.counts() == {"ann@example.com": 1} and sink.sessions[0]["tls"] is True


def test_wrong_password_stops_without_leaking_it(tmp_path: Path, item: Item, settings: Settings, sink: Sink,
                                                 tls_server: int, certs: tuple[Path, Path, Path]) -> None:
    secret = "wrong-pass-1234"
    s = smtp_settings(settings, tls_server, smtp_security="starttls", smtp_ca_file=certs[0], smtp_username=USER,
                      smtp_password=Secret(secret))
    csv = write_csv(tmp_path / "s.csv", ["ann@example.com,Ann,"])
    with pytest.raises(DeliveryError) as info:
        send(item, s, csv)
    assert secret not in str(info.value) and "refused the login" in str(info.value)
    state = DeliveryState.for_settings(settings)
    assert state.counts(1)["pending"] == 1  # released, not stuck in "sending", not counted as an attempt
    assert state.recipients(1)[0]["attempts"] == 0
    assert sink.received == []


def test_untrusted_certificate_is_refused(tmp_path: Path, item: Item, settings: Settings, sink: Sink,
                                          tls_server: int) -> None:
    s = smtp_settings(settings, tls_server, smtp_security="starttls")  # no SMTP_CA_FILE: test CA not trusted
    with pytest.raises(ConfigError, match="SMTP_CA_FILE"):
        send(item, s, write_csv(tmp_path / "s.csv", ["ann@example.com,Ann,"]))
    assert sink.received == []


def test_missing_starttls_refused_unless_loopback(item: Item, settings: Settings, sink: Sink, plain_server: int,
                                                  monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    s = smtp_settings(settings, plain_server, smtp_security="starttls")
    # To loopback a relay without STARTTLS is accepted…
    assert send(item, s, write_csv(tmp_path / "a.csv", ["ann@example.com,Ann,"])).exit_code == 0
    assert sink.sessions == [{"tls": False, "auth": False}]
    # …anywhere else it is refused before any mail is sent.
    monkeypatch.setattr(smtp_module, "is_loopback", lambda host: False)
    backend = SMTPBackend(s)
    with pytest.raises(ConfigError, match="does not offer STARTTLS"):
        backend.open()
    with pytest.raises(ConfigError, match="loopback"):
        SMTPBackend(s.replace(smtp_security="none", smtp_host="mail.example.org"))


@pytest.mark.parametrize("pipelining", [True, False], ids=["pipelined", "one-by-one"])
def test_temporary_and_permanent_failures(tmp_path: Path, item: Item, settings: Settings, sink: Sink,
                                          plain_server: int, pipelining: bool) -> None:
    sink.pipelining = pipelining
    sink.rules = {
        "retry@example.com": ["451"],
        "twice@example.com": ["451", "451"],
        "gone@example.com": ["550"],
        "throttled@example.com": ["454"],
        "dropped@example.com": ["drop"],
        "never@example.com": ["451", "451", "451", "451"],
    }
    sink.slow_seconds = 1.0
    rows = [f"{a},,"for a in [*sink.rules, "fine@example.com"]]
    summary = send(item, smtp_settings(settings, plain_server), write_csv(tmp_path / "s.csv", rows))
    counts = sink.counts()
    assert all(sink.attempts[a] == len(steps) for a, steps in sink.rules.items() if a != "never@example.com")
    for address in ("retry@example.com", "twice@example.com", "throttled@example.com", "dropped@example.com",
                    "fine@example.com"):
        assert counts[address] == 1, address
    assert counts["gone@example.com"] == 0 and counts["never@example.com"] == 0
    assert summary.exit_code == 1
    assert summary.counts == {"pending": 0, "sending": 0, "sent": 5, "deferred": 0, "failed": 2, "skipped": 0}
    reasons = {r["email"]: r["reason"] for r in summary.failed}
    assert reasons["gone@example.com"].startswith("550")
    assert reasons["never@example.com"].startswith("gave up after 3 attempts: 451")
    assert sink.attempts["never@example.com"] == 3  # SEND_MAX_ATTEMPTS=3
    # each refused recipient left the session reset for the next message (451 ×1, ×2, ×3, 550, 454)
    assert sink.commands["RSET"] == 8


def _answer_only_after(conn: socket.socket, needed: bytes, replies: bytes, seen: list[bytes]) -> bool:
    """Read until ``needed`` arrived (False if the client stopped first), then send ``replies``."""
    buffer = b""
    while needed not in buffer:
        chunk = conn.recv(65536)
        if not chunk:
            return False
        buffer += chunk
    seen.append(buffer)
    conn.sendall(replies)
    return True


def test_with_pipelining_the_envelope_goes_out_in_one_write(settings: Settings) -> None:
    """A server that answers MAIL FROM only once RCPT TO and DATA have arrived too: a client waiting for
    each reply (smtplib's sendmail) would time out here; the pipelined client sends the message."""
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    seen: list[bytes] = []

    def serve() -> None:
        conn, _ = listener.accept()
        with conn:
            conn.sendall(b"220 test ESMTP\r\n")
            _answer_only_after(conn, b"\r\n", b"250-test\r\n250-PIPELINING\r\n250 SIZE 1000000\r\n", seen)
            if _answer_only_after(conn, b"DATA\r\n", b"250 2.1.0 Ok\r\n250 2.1.5 Ok\r\n354 go ahead\r\n", seen):
                _answer_only_after(conn, b"\r\n.\r\n", b"250 2.0.0 queued\r\n", seen)
                _answer_only_after(conn, b"QUIT\r\n", b"221 bye\r\n", seen)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    backend = SMTPBackend(smtp_settings(settings, port, smtp_timeout=2.0))
    data = b"Subject: dots\r\n\r\n.starts with a dot\r\nmiddle\r\n..two"
    result = backend.send_one(Outgoing(key="1", sender="news@example.org", recipient="ann@example.com", data=data))
    backend.close()
    thread.join(5)
    listener.close()
    assert result.status == "sent", result.reason
    envelope, content = seen[1], seen[2]
    assert envelope == f"MAIL FROM:<news@example.org> SIZE={len(data)}\r\nRCPT TO:<ann@example.com>\r\nDATA\r\n".encode()
    # dot-stuffed (RFC 5321 4.5.2), ended with CRLF . CRLF
    assert content == b"Subject: dots\r\n\r\n..starts with a dot\r\nmiddle\r\n...two\r\n.\r\n"


def test_slow_server_times_out_then_retries(tmp_path: Path, item: Item, settings: Settings, sink: Sink,
                                            plain_server: int) -> None:
    sink.rules = {"slow@example.com": ["slow"]}
    sink.slow_seconds = 2.0
    s = smtp_settings(settings, plain_server, smtp_timeout=0.5, send_retry_delay=30.0)
    summary = send(item, s, write_csv(tmp_path / "s.csv", ["slow@example.com,,", "next@example.com,,"]),
                   max_wait=0)
    assert summary.counts["deferred"] == 1 and summary.counts["sent"] == 1
    assert "timed out" in summary.deferred[0]["reason"]
    assert sink.counts() == {"next@example.com": 1}
    # Running the same send again retries the deferred reader now.
    state = DeliveryState.for_settings(settings)
    state.retry_now(summary.campaign)
    state.close()
    again = send(item, s, tmp_path / "s.csv", max_wait=0)
    assert again.exit_code == 0
    assert sink.counts() == {"next@example.com": 1, "slow@example.com": 1}


def test_concurrent_connections_send_each_message_once(tmp_path: Path, item: Item, settings: Settings,
                                                       sink: Sink, plain_server: int) -> None:
    sink.rules = {"reader3@example.com": ["451"], "reader7@example.com": ["drop"]}
    rows = [f"{a},R,"for a in emails(60)]
    summary = send(item, smtp_settings(settings, plain_server, send_concurrency=3),
                   write_csv(tmp_path / "s.csv", rows), concurrency=3)
    assert summary.exit_code == 0
    assert sink.counts() == {a: 1 for a in emails(60)}
    for rcpt, data in sink.received:  # each reader got their own message, not a neighbour's
        assert email.message_from_bytes(data, policy=policy.default)["To"] == f"R <{rcpt}>"


def test_killed_mid_send_resumes_without_losing_or_doubling(tmp_path: Path, item: Item, settings: Settings,
                                                            sink: Sink, plain_server: int) -> None:
    """SIGKILL the real CLI mid-campaign, run it again: everyone gets it; at most one message twice."""
    n = 120
    csv = write_csv(tmp_path / "s.csv", [f"{a},Reader,"for a in emails(n)])
    sink.data_delay = 0.01
    env = {**os.environ, "OUTBOX_DIR": str(settings.outbox_dir), "SMTP_HOST": "127.0.0.1",
           "SMTP_PORT": str(plain_server), "SMTP_SECURITY": "none", "SITE_URL": "https://news.example.org",
           "UNSUBSCRIBE_SECRET": "kill-test-secret", "MAIL_FROM": "news@example.org", "SEND_RETRY_DELAY": "0.01",
           "DATABASE_URL": settings.database_url.reveal(), "SEND_LEASE": "2", "SMTP_TIMEOUT": "1"}
    cmd = [sys.executable, "-m", "composer", "send", item.name, "--list", str(csv), "--via", "smtp"]
    proc = subprocess.Popen(cmd, env=env, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert wait_for(lambda: len(sink.received) >= 30, timeout=30), proc.stderr.read() if proc.poll() else ""
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    before = sink.counts()
    assert 30 <= sum(before.values()) < n, "the kill should land mid-campaign"
    state = DeliveryState.for_settings(settings)
    counts = state.counts(1)
    state.close()
    assert counts["sent"] >= sum(before.values()) - 1  # every accepted message but the in-flight one was recorded
    done = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "already sent" in done.stderr
    after = sink.counts()
    assert set(after) == set(emails(n))
    ids: dict[str, set[str]] = {}
    for rcpt, data in sink.received:
        ids.setdefault(rcpt, set()).add(email.message_from_bytes(data, policy=policy.default)["Message-ID"])
    # One Message-ID per reader, also across the kill: receivers can drop the duplicate.
    assert all(len(v) == 1 for v in ids.values()) and len(set().union(*ids.values())) == n
    doubled = [a for a, c in after.items() if c > 1]
    assert len(doubled) <= 1 and all(after[a] == 2 for a in doubled)
    # A third run sends nothing at all.
    again = subprocess.run(cmd, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert again.returncode == 0 and sink.counts() == after


def test_unreachable_server_stops_the_run_and_keeps_the_rest_pending(tmp_path: Path, item: Item,
                                                                     settings: Settings) -> None:
    from .smtpserver import free_port

    s = smtp_settings(settings, free_port())  # nothing listens there
    summary = send(item, s, write_csv(tmp_path / "s.csv", [f"{a},,"for a in emails(20)]), max_wait=0)
    assert summary.error and "cannot connect" in summary.error
    assert summary.counts["deferred"] == 1 and summary.counts["pending"] == 19 and summary.exit_code == 1


@pytest.mark.parametrize("address", ["ann@example.com", "a.b+tag@sub.example.co.uk", "o'hara@example.ie",
                                     "x_y-z=1@example.com", "bounces+c1.s2.0123abcd@example.org", "News <n@example.org>",
                                     "\"a b\"@example.com", "a..b@example.com", ".a@example.com", "a@[192.0.2.1]", "",
                                     "ann@example.com>", "<ann@example.com>"])
def test_envelope_addresses_are_written_as_smtplib_writes_them(address: str) -> None:
    assert smtp_module.envelope_address(address) == smtplib.quoteaddr(address)


# -- PostgreSQL: outcome k overlapped with message k+1's envelope ------------------------------------

class Counting(SMTPBackend):
    """The SMTP adapter, counting how often a message was begun early and how often abandoned."""

    def __init__(self, settings: Settings, counts: Counter[str]) -> None:
        super().__init__(settings)
        self.counts = counts

    def start(self, message: Outgoing) -> bool:
        begun = super().start(message)
        self.counts["started"] += begun
        return begun

    def abandon(self) -> None:
        self.counts["abandoned"] += self._started is not None
        super().abandon()


def overlap_send(item: Item, settings: Settings, csv: Path, counts: Counter[str], **kwargs: object) -> RunSummary:
    state = DeliveryState.for_settings(settings)
    campaign, _ = open_campaign(state, item, settings, "smtp", Audience(list_path=csv))
    state.close()
    return run_campaign(state.target, campaign.id, settings, template=MessageTemplate.from_item(item, settings),
                        make_backend=lambda: Counting(settings, counts), **kwargs)  # type: ignore[arg-type]


def state_of(url: str, seq: int) -> str:
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        row = db.execute("SELECT state FROM recipients WHERE campaign = 1 AND seq = %s", (seq,)).fetchone()
    return str(row[0]) if row else ""


class Checking(Sink):
    """A sink that, as each message's final dot arrives, notes the recorded state of the reader before it."""

    url = ""
    previous_states: list[str]

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        seq = int(envelope.rcpt_tos[0].split("@")[0].removeprefix("reader")) + 1
        if seq > 1:
            self.previous_states.append(state_of(self.url, seq - 1))
        return await super().handle_DATA(server, session, envelope)


def test_postgres_overlap_commits_each_outcome_before_the_next_message(
        tmp_path: Path, item: Item, settings: Settings) -> None:
    """The guarantee the overlap keeps: when message k+1's final dot reaches the server, message k's outcome
    is already committed (seen here from another connection, as the server receives each dot)."""
    if not settings.database_url:
        pytest.skip("SQLite journals each outcome: nothing is overlapped")
    sink = Checking()
    sink.url, sink.previous_states = settings.database_url.reveal(), []
    controller = start(sink)
    try:
        counts: Counter[str] = Counter()
        summary = overlap_send(item, smtp_settings(settings, controller.port),
                               write_csv(tmp_path / "s.csv", [f"{a},,"for a in emails(60)]), counts)
    finally:
        controller.stop()
    assert summary.exit_code == 0 and sink.counts() == {a: 1 for a in emails(60)}
    assert sink.previous_states == ["sent"] * 59
    assert counts["started"] >= 50 and counts["abandoned"] == 0  # the overlap really ran (all but each batch's first)


def test_postgres_database_error_after_the_envelope_leaves_the_next_message_unsent(
        tmp_path: Path, item: Item, settings: Settings, sink: Sink, plain_server: int) -> None:
    """Outcome k fails in the database while message k+1's envelope is out: k+1's data is never ended (the
    connection is dropped after 354), the run stops with the database's error, and a later run sends every
    reader once — except k, the one message whose outcome is in doubt, sent again with its Message-ID."""
    if not settings.database_url:
        pytest.skip("SQLite journals each outcome: nothing is overlapped")
    import psycopg

    url = settings.database_url.reveal()
    s = smtp_settings(settings, plain_server, send_lease=2.0, smtp_timeout=1.0)
    csv = write_csv(tmp_path / "s.csv", [f"{a},,"for a in emails(8)])
    state = DeliveryState.for_settings(s)  # creates the schema
    state.close()
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                   "RAISE EXCEPTION 'injected failure'; END $$")
        db.execute("CREATE TRIGGER refuse BEFORE UPDATE ON recipients FOR EACH ROW "
                   "WHEN (NEW.seq = 4 AND NEW.state = 'sent') EXECUTE FUNCTION refuse()")
    counts: Counter[str] = Counter()
    with pytest.raises(psycopg.Error, match="injected failure"):
        overlap_send(item, s, csv, counts)
    assert counts["started"] >= 1 and counts["abandoned"] == 1
    assert sink.counts() == {a: 1 for a in emails(4)}  # readers 1..4 (seq), not 5: its data was never ended
    assert [state_of(url, seq) for seq in range(1, 9)] == ["sent"] * 3 + ["sending"] + ["pending"] * 4
    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP TRIGGER refuse ON recipients")
    wait_for(lambda: False, timeout=2.2)  # reader 4's lease runs out: only then may it be taken over
    again = overlap_send(item, s, csv, Counter())
    assert again.exit_code == 0
    assert sink.counts() == {**{a: 1 for a in emails(8)}, "reader3@example.com": 2}
    ids = {email.message_from_bytes(d, policy=policy.default)["Message-ID"] for r, d in sink.received
           if r == "reader3@example.com"}
    assert len(ids) == 1


def test_postgres_suppression_arriving_while_the_envelope_is_out_abandons_that_message(
        tmp_path: Path, item: Item, settings: Settings) -> None:
    """A reader unsubscribes while the message before theirs is being accepted: their envelope may already
    be out, but their message is abandoned (never ended), they are skipped, and the rest are sent."""
    from composer.audience import open_store

    url = settings.database_url.reveal()

    class Unsubscribing(Sink):
        async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
            if envelope.rcpt_tos == ["reader2@example.com"]:
                with open_store(settings.outbox_dir, url) as store:
                    store.suppress("reader3@example.com", "unsubscribed", source="one-click")
            return await super().handle_DATA(server, session, envelope)

    sink = Unsubscribing()
    controller = start(sink)
    try:
        counts: Counter[str] = Counter()
        summary = overlap_send(item, smtp_settings(settings, controller.port),
                               write_csv(tmp_path / "s.csv", [f"{a},,"for a in emails(8)]), counts)
    finally:
        controller.stop()
    assert summary.counts["sent"] == 7 and summary.counts["skipped"] == 1 and summary.exit_code == 0
    assert summary.skipped[0]["email"] == "reader3@example.com"
    assert "reader3@example.com" not in sink.counts() and len(sink.received) == 7
    if settings.database_url:
        assert counts["abandoned"] == 1 and counts["started"] >= 6  # begun early, then abandoned


def test_abandoning_before_354_resets_and_keeps_the_session(settings: Settings, sink: Sink, plain_server: int) -> None:
    sink.rules = {"refused@example.com": ["550"]}
    backend = Counting(smtp_settings(settings, plain_server), Counter())
    first = Outgoing(key="1", sender="news@example.org", recipient="refused@example.com", data=b"Subject: x\r\n\r\nx\r\n")
    assert backend.start(first)
    connection = backend.connection
    backend.abandon()  # RCPT refused, DATA refused: no 354, so RSET suffices
    assert backend.connection is connection and sink.commands["RSET"] == 1
    second = Outgoing(key="2", sender="news@example.org", recipient="ann@example.com", data=b"Subject: y\r\n\r\ny\r\n")
    assert backend.start(second)
    assert backend.finish(second).status == "sent"
    backend.close()
    assert sink.counts() == {"ann@example.com": 1}


@pytest.mark.parametrize("staged", [False, True], ids=["envelope", "body written"])
def test_abandoning_after_354_drops_the_connection_without_the_final_dot(
        settings: Settings, sink: Sink, plain_server: int, staged: bool) -> None:
    backend = Counting(smtp_settings(settings, plain_server), Counter())
    message = Outgoing(key="1", sender="news@example.org", recipient="ann@example.com", data=b"Subject: x\r\n\r\nx\r\n")
    assert backend.start(message)
    if staged:
        assert backend.stage(message) is None  # envelope accepted, body out, no final dot
        assert wait_for(lambda: sink.commands["RCPT"] == 1, timeout=5) and not sink.received
    backend.abandon()
    assert backend.connection is None  # dropped: the server discards the unended message
    assert backend.send_one(message).status == "sent"  # the next message opens a new session
    backend.close()
    assert sink.counts() == {"ann@example.com": 1}


def test_a_reader_rendered_while_the_server_takes_the_previous_message_fails_alone(
        tmp_path: Path, item: Item, settings: Settings, sink: Sink, plain_server: int) -> None:
    """With the overlap each message is rendered while the server answers the previous one's final dot;
    a reader whose fields cannot make a message is still failed on their own, and the rest are sent."""
    rows = [f"{a},R,"for a in emails(3)] + ['evil@example.com,"Eve\r\nBcc: all@example.net",'] + \
        [f"{a},R,"for a in emails(6)[3:]]
    counts: Counter[str] = Counter()
    summary = overlap_send(item, smtp_settings(settings, plain_server), write_csv(tmp_path / "s.csv", rows), counts)
    assert summary.counts["sent"] == 6 and summary.counts["failed"] == 1
    assert summary.failed[0]["email"] == "evil@example.com" and "line break" in summary.failed[0]["reason"]
    assert sink.counts() == {a: 1 for a in emails(6)}
    assert all(b"Bcc" not in data for _, data in sink.received)
    if settings.database_url:
        assert counts["started"] >= 4


def test_a_refused_envelope_is_reported_by_stage_and_the_session_goes_on(
        settings: Settings, sink: Sink, plain_server: int) -> None:
    sink.rules = {"refused@example.com": ["550"], "later@example.com": ["451"]}
    backend = SMTPBackend(smtp_settings(settings, plain_server))
    outcomes = []
    for to in ("refused@example.com", "later@example.com", "ann@example.com"):
        message = Outgoing(key=to, sender="news@example.org", recipient=to, data=b"Subject: x\r\n\r\nx\r\n")
        assert backend.start(message)
        staged = backend.stage(message)
        outcomes.append(staged.status if staged is not None else backend.finish(message).status)
    backend.close()
    assert outcomes == ["permanent", "temporary", "sent"]
    assert sink.counts() == {"ann@example.com": 1}


@pytest.mark.parametrize("way", ["send_one", "start+finish", "start+stage+finish"])
def test_no_short_write_follows_another_without_a_reply_between(
        settings: Settings, sink: Sink, plain_server: int, monkeypatch: pytest.MonkeyPatch, way: str) -> None:
    """Two writes with no reply between them are only allowed where the second one must wait (the
    staged body's final dot), and there the socket has TCP_NODELAY: otherwise Nagle's algorithm holds
    the short write back until the first is acknowledged — ~40 ms a message of delayed ACK."""
    writes: list[bytes] = []
    original = smtplib.SMTP.send

    def recording(self: smtplib.SMTP, data: bytes | str) -> None:
        writes.append(data if isinstance(data, bytes) else data.encode())
        original(self, data)
    monkeypatch.setattr(smtplib.SMTP, "send", recording)
    backend = SMTPBackend(smtp_settings(settings, plain_server))
    message = Outgoing(key="1", sender="news@example.org", recipient="ann@example.com",
                       data=b"Subject: x\r\n\r\nbody\r\n")
    backend.open()
    writes.clear()
    if way == "send_one":
        assert backend.send_one(message).status == "sent"
    else:
        assert backend.start(message)
        if way == "start+stage+finish":
            assert backend.stage(message) is None
        assert backend.finish(message).status == "sent"
    assert backend.connection is not None and backend.connection.sock is not None
    nodelay = backend.connection.sock.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    sent = [w[:28] for w in writes]
    backend.close()
    envelope = b"MAIL FROM:<news@example.org>"
    if way == "start+stage+finish":
        assert sent == [envelope, b"Subject: x\r\n\r\nbody\r\n", b".\r\n"] and nodelay
    else:
        assert sent == [envelope, b"Subject: x\r\n\r\nbody\r\n.\r\n"]
    assert sink.counts() == {"ann@example.com": 1}
