"""A scriptable aiosmtpd server on 127.0.0.1 for the delivery tests, and test certificates.

``Sink.rules`` maps a recipient to the behaviour of its successive attempts: ``"451"``/``"550"``
reply to RCPT TO with that code, ``"454"`` answers RCPT TO with SES's throttling reply,
``"drop"`` closes the connection after the message data arrived (before answering), ``"slow"``
sleeps past the client's timeout before answering RCPT TO. Attempts beyond the list succeed.
``Sink.received`` lists ``(recipient, message bytes)`` for every accepted message. The server
offers ``PIPELINING`` (as Postfix and the big providers do) unless ``Sink.pipelining`` is False,
so both ways the SMTP adapter talks are tested; ``Sink.commands`` counts the commands seen.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

USER = "composer"
PASSWORD = "correct-horse-battery-staple"


@dataclass
class Sink:
    rules: dict[str, list[str]] = field(default_factory=dict)
    received: list[tuple[str, bytes]] = field(default_factory=list)
    senders: dict[str, str] = field(default_factory=dict)  # recipient -> envelope sender (MAIL FROM)
    sessions: list[dict[str, object]] = field(default_factory=list)
    data_delay: float = 0.0
    slow_seconds: float = 2.0
    attempts: Counter[str] = field(default_factory=Counter)
    lock: threading.Lock = field(default_factory=threading.Lock)
    pipelining: bool = True
    commands: Counter[str] = field(default_factory=Counter)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: ANN001, ANN201
        session.host_name = hostname
        if self.pipelining:
            responses.insert(-1, "250-PIPELINING")
        return responses

    def _next(self, address: str) -> str | None:
        with self.lock:
            n = self.attempts[address]
            self.attempts[address] += 1
        steps = self.rules.get(address, [])
        return steps[n] if n < len(steps) else None

    def _peek(self, address: str) -> str | None:
        n = self.attempts[address]
        steps = self.rules.get(address, [])
        return steps[n] if n < len(steps) else None

    async def handle_MAIL(self, server, session, envelope, address, mail_options):  # noqa: ANN001, ANN201
        self.commands["MAIL"] += 1
        envelope.mail_from = address
        envelope.mail_options.extend(mail_options)
        return "250 OK"

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # noqa: ANN001, ANN201
        self.commands["RCPT"] += 1
        if self._peek(address) == "454":
            self._next(address)
            return "454 Throttling failure: Maximum sending rate exceeded."
        action = self._peek(address)
        if action in ("451", "550", "slow"):
            self._next(address)
        if action == "451":
            return "451 4.7.1 Try again later"
        if action == "550":
            return "550 5.1.1 No such user here"
        if action == "slow":
            await asyncio.sleep(self.slow_seconds)
            return "451 4.4.2 Too slow"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_RSET(self, server, session, envelope):  # noqa: ANN001, ANN201
        self.commands["RSET"] += 1
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        for rcpt in envelope.rcpt_tos:
            if self._peek(rcpt) == "drop":
                self._next(rcpt)
                server.transport.close()
                return "421 closing"  # never reaches the client
        if self.data_delay:
            await asyncio.sleep(self.data_delay)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append((rcpt, bytes(envelope.original_content or envelope.content)))
                self.senders[rcpt] = envelope.mail_from
            tls = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
            self.sessions.append({"tls": tls, "auth": bool(session.authenticated)})
        return "250 Message accepted"

    def counts(self) -> Counter[str]:
        with self.lock:
            return Counter(r for r, _ in self.received)


def authenticator(server, session, envelope, mechanism, auth_data):  # noqa: ANN001, ANN201
    ok = isinstance(auth_data, LoginPassword) and auth_data.login == USER.encode() and \
        auth_data.password == PASSWORD.encode()
    return AuthResult(success=ok, handled=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start(sink: Sink, *, tls: ssl.SSLContext | None = None, auth: bool = False,
          implicit_tls: ssl.SSLContext | None = None) -> Controller:
    kwargs: dict[str, object] = {}
    if implicit_tls is not None:
        kwargs.update(ssl_context=implicit_tls)
    if tls is not None:
        kwargs.update(tls_context=tls, require_starttls=True)
    if auth:
        kwargs.update(authenticator=authenticator, auth_required=True, auth_require_tls=tls is not None)
    controller = Controller(sink, hostname="127.0.0.1", port=free_port(), ready_timeout=10, **kwargs)
    controller.start()
    return controller


def make_certificates(folder: Path) -> tuple[Path, Path, Path]:
    """A throwaway CA and a server certificate for 127.0.0.1/localhost, made with the openssl CLI."""
    folder.mkdir(parents=True, exist_ok=True)
    ca_key, ca, key, csr, cert = (folder / n for n in ("ca.key", "ca.pem", "server.key", "server.csr", "server.pem"))
    ext = folder / "ext.cnf"
    ext.write_text("subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\n"
                   "keyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n")

    def run(*args: str) -> None:
        subprocess.run(["openssl", *args], check=True, capture_output=True, timeout=60)

    run("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(ca_key),
        "-out", str(ca), "-days", "2", "-subj", "/CN=composer test CA",
        "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    run("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout", str(key),
        "-out", str(csr), "-subj", "/CN=localhost")
    run("x509", "-req", "-in", str(csr), "-CA", str(ca), "-CAkey", str(ca_key), "-CAcreateserial",
        "-out", str(cert), "-days", "2", "-extfile", str(ext))
    return ca, cert, key


def server_context(cert: Path, key: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    return context


def wait_for(predicate, timeout: float = 10.0) -> bool:  # noqa: ANN001
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
