"""Provider webhooks on the real service: each accepts a correctly signed sample and refuses a forged one.

Keys and certificates are generated here; the SNS certificate is put in the service's
certificate cache (``WEBHOOK_SES_CERT_CACHE``), so nothing is fetched from the internet.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from composer.web.webhooks import SNSCertificates, sns_cert_url_ok
from tests.web.conftest import Server, start_server, stop_server

cryptography = pytest.importorskip("cryptography")
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

MAILGUN_KEY = "key-mailgun-test"
TOPIC = "arn:aws:sns:eu-west-1:123456789012:ses-bounces"
CERT_URL = "https://sns.eu-west-1.amazonaws.com/SimpleNotificationService-0123456789abcdef.pem"


class Keys:
    def __init__(self, tmp_path: Path) -> None:
        self.sendgrid = ec.generate_private_key(ec.SECP256R1())
        self.sendgrid_other = ec.generate_private_key(ec.SECP256R1())
        self.sns = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.sns_other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "sns.amazonaws.com")])
        now = dt.datetime.now(dt.UTC)
        cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(self.sns.public_key())
                .serial_number(1).not_valid_before(now - dt.timedelta(days=1))
                .not_valid_after(now + dt.timedelta(days=1)).sign(self.sns, hashes.SHA256()))
        self.cache = tmp_path / "sns-certs"
        self.cache.mkdir()
        (self.cache / SNSCertificates.file_name(CERT_URL)).write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        # the same certificate under a URL on another host: must be refused before the cache is looked at
        self.evil_url = "https://sns.eu-west-1.amazonaws.com.evil.example/cert.pem"
        (self.cache / SNSCertificates.file_name(self.evil_url)).write_bytes(
            cert.public_bytes(serialization.Encoding.PEM))

    def sendgrid_public(self) -> str:
        der = self.sendgrid.public_key().public_bytes(serialization.Encoding.DER,
                                                      serialization.PublicFormat.SubjectPublicKeyInfo)
        return base64.b64encode(der).decode()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Keys]]:
    """One server per engine for the module: the outbox's SQLite file, and PostgreSQL (DATABASE_URL)."""
    tmp = tmp_path_factory.mktemp("webhooks")
    keys = Keys(tmp)
    database = {} if request.param == "sqlite" else {"DATABASE_URL": request.getfixturevalue("pg_server").url()}
    server = start_server(tmp, **database, WEBHOOK_MAILGUN_SIGNING_KEY=MAILGUN_KEY, WEBHOOK_POSTMARK_USERNAME="pm",
                          WEBHOOK_POSTMARK_PASSWORD="pm-secret", WEBHOOK_SENDGRID_PUBLIC_KEY=keys.sendgrid_public(),
                          WEBHOOK_SES_TOPIC_ARN=TOPIC, WEBHOOK_SES_CERT_CACHE=str(keys.cache))
    try:
        yield server, keys
    finally:
        stop_server(server)


def suppression(server: Server, address: str) -> tuple[str, str] | None:
    with server.store() as store:
        found = store.suppression(address)
    return (found.reason, found.source) if found else None


def post(server: Server, provider: str, body: bytes, headers: dict[str, str] | None = None) -> int:
    return server.request("POST", f"/webhooks/{provider}", body,
                          {"Content-Type": "application/json", **(headers or {})}).status


# -- Mailgun ----------------------------------------------------------------------------------


def mailgun_body(address: str, key: str = MAILGUN_KEY, event: str = "failed", timestamp: int | None = None) -> bytes:
    ts, token = str(timestamp or int(time.time())), "f" * 50
    sig = hmac.new(key.encode(), (ts + token).encode(), hashlib.sha256).hexdigest()
    return json.dumps({"signature": {"timestamp": ts, "token": token, "signature": sig},
                       "event-data": {"event": event, "severity": "permanent", "recipient": address,
                                      "delivery-status": {"code": 550}}}).encode()


def test_mailgun(setup: tuple[Server, Keys]) -> None:
    server, _keys = setup
    assert post(server, "mailgun", mailgun_body("mg-forged@example.com", key="wrong")) == 403
    assert post(server, "mailgun", mailgun_body("mg-old@example.com", timestamp=int(time.time()) - 7200)) == 403
    assert suppression(server, "mg-forged@example.com") is None and suppression(server, "mg-old@example.com") is None
    assert post(server, "mailgun", mailgun_body("mg-bounce@example.com")) == 200
    assert suppression(server, "mg-bounce@example.com") == ("bounced", "webhook mailgun")
    assert post(server, "mailgun", mailgun_body("mg-complaint@example.com", event="complained")) == 200
    assert suppression(server, "mg-complaint@example.com") == ("complained", "webhook mailgun")


# -- Postmark ---------------------------------------------------------------------------------


def test_postmark(setup: tuple[Server, Keys]) -> None:
    server, _keys = setup
    body = json.dumps({"RecordType": "Bounce", "Type": "HardBounce", "Email": "pm-bounce@example.com"}).encode()
    good = {"Authorization": "Basic " + base64.b64encode(b"pm:pm-secret").decode()}
    bad = {"Authorization": "Basic " + base64.b64encode(b"pm:guess").decode()}
    assert post(server, "postmark", body) == 401
    assert post(server, "postmark", body, bad) == 401
    assert suppression(server, "pm-bounce@example.com") is None
    assert post(server, "postmark", body, good) == 200
    assert suppression(server, "pm-bounce@example.com") == ("bounced", "webhook postmark")
    soft = json.dumps({"RecordType": "Bounce", "Type": "SoftBounce", "Email": "pm-soft@example.com"}).encode()
    assert post(server, "postmark", soft, good) == 200
    assert suppression(server, "pm-soft@example.com") is None  # a soft bounce is not a dead address
    spam = json.dumps({"RecordType": "SpamComplaint", "Email": "pm-spam@example.com"}).encode()
    assert post(server, "postmark", spam, good) == 200
    assert suppression(server, "pm-spam@example.com") == ("complained", "webhook postmark")


# -- SendGrid ---------------------------------------------------------------------------------


def sendgrid_headers(key: ec.EllipticCurvePrivateKey, body: bytes) -> dict[str, str]:
    ts = str(int(time.time()))
    sig = key.sign(ts.encode() + body, ec.ECDSA(hashes.SHA256()))
    return {"X-Twilio-Email-Event-Webhook-Signature": base64.b64encode(sig).decode(),
            "X-Twilio-Email-Event-Webhook-Timestamp": ts}


def test_sendgrid(setup: tuple[Server, Keys]) -> None:
    server, keys = setup
    body = json.dumps([{"email": "sg-bounce@example.com", "event": "bounce", "type": "bounce", "status": "5.1.1"},
                       {"email": "sg-blocked@example.com", "event": "bounce", "type": "blocked"},
                       {"email": "sg-spam@example.com", "event": "spamreport"},
                       {"email": "sg-open@example.com", "event": "open"}]).encode()
    assert post(server, "sendgrid", body) == 403
    assert post(server, "sendgrid", body, sendgrid_headers(keys.sendgrid_other, body)) == 403
    tampered = body.replace(b"sg-bounce", b"sg-victim")
    assert post(server, "sendgrid", tampered, sendgrid_headers(keys.sendgrid, body)) == 403
    assert suppression(server, "sg-bounce@example.com") is None and suppression(server, "sg-victim@example.com") is None
    assert post(server, "sendgrid", body, sendgrid_headers(keys.sendgrid, body)) == 200
    assert suppression(server, "sg-bounce@example.com") == ("bounced", "webhook sendgrid")
    assert suppression(server, "sg-spam@example.com") == ("complained", "webhook sendgrid")
    assert suppression(server, "sg-blocked@example.com") is None and suppression(server, "sg-open@example.com") is None


# -- Amazon SES via SNS -----------------------------------------------------------------------


def sns_body(key: rsa.RSAPrivateKey, message: dict[str, object], *, cert_url: str = CERT_URL, topic: str = TOPIC,
             version: str = "1") -> bytes:
    data = {"Type": "Notification", "MessageId": "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324", "TopicArn": topic,
            "Message": json.dumps(message), "Timestamp": "2025-03-12T09:00:00.000Z",
            "SignatureVersion": version, "SigningCertURL": cert_url}
    text = "".join(f"{k}\n{data[k]}\n" for k in ("Message", "MessageId", "Timestamp", "TopicArn", "Type"))
    algorithm = hashes.SHA1() if version == "1" else hashes.SHA256()
    data["Signature"] = base64.b64encode(key.sign(text.encode(), padding.PKCS1v15(), algorithm)).decode()
    return json.dumps(data).encode()


def bounce(address: str, kind: str = "Permanent") -> dict[str, object]:
    return {"notificationType": "Bounce", "bounce": {"bounceType": kind, "bounceSubType": "General",
                                                     "bouncedRecipients": [{"emailAddress": address}]}}


def test_ses(setup: tuple[Server, Keys]) -> None:
    server, keys = setup
    assert post(server, "ses", sns_body(keys.sns_other, bounce("ses-forged@example.com"))) == 403
    assert post(server, "ses", sns_body(keys.sns, bounce("ses-evil@example.com"), cert_url=keys.evil_url)) == 403
    assert post(server, "ses", sns_body(keys.sns, bounce("ses-topic@example.com"), topic=TOPIC + "-other")) == 403
    for address in ("ses-forged@example.com", "ses-evil@example.com", "ses-topic@example.com"):
        assert suppression(server, address) is None
    assert post(server, "ses", sns_body(keys.sns, bounce("ses-bounce@example.com"))) == 200
    assert suppression(server, "ses-bounce@example.com") == ("bounced", "webhook ses")
    assert post(server, "ses", sns_body(keys.sns, bounce("ses-soft@example.com", "Transient"), version="2")) == 200
    assert suppression(server, "ses-soft@example.com") is None
    complaint = {"notificationType": "Complaint",
                 "complaint": {"complainedRecipients": [{"emailAddress": "ses-spam@example.com"}]}}
    assert post(server, "ses", sns_body(keys.sns, complaint, version="2")) == 200
    assert suppression(server, "ses-spam@example.com") == ("complained", "webhook ses")


def test_sns_certificate_urls_are_restricted_to_amazon() -> None:
    assert sns_cert_url_ok(CERT_URL)
    assert sns_cert_url_ok("https://sns.cn-north-1.amazonaws.com.cn/x.pem")
    for url in ("http://sns.eu-west-1.amazonaws.com/x.pem", "https://sns.eu-west-1.amazonaws.com.evil.example/x.pem",
                "https://evil.example/sns.eu-west-1.amazonaws.com/x.pem", "https://sns.eu-west-1.amazonaws.com/x.txt",
                "https://user@sns.eu-west-1.amazonaws.com/x.pem", "https://sns.eu-west-1.amazonaws.com:8443/x.pem"):
        assert not sns_cert_url_ok(url), url


def test_unconfigured_providers_are_not_there(server: Server) -> None:
    for provider in ("mailgun", "postmark", "sendgrid", "ses", "other"):
        assert post(server, provider, b"{}") == 404
