"""Bounces and complaints from mail providers: signature checks and event parsing.

Each provider signs its webhook differently; each check here is the provider's documented one
and fails closed (a missing header, a bad encoding, a stale timestamp: refused):

* **Mailgun** — ``signature.signature`` is hex HMAC-SHA256 of ``timestamp + token`` under the
  webhook signing key; the timestamp must be recent (a captured request cannot be replayed
  later).
* **Postmark** — HTTP basic auth that you put in the webhook URL in Postmark's settings.
* **SendGrid** — the Signed Event Webhook: ECDSA P-256/SHA-256 over ``timestamp + body`` in
  ``X-Twilio-Email-Event-Webhook-Signature``, checked with the public key SendGrid shows.
* **Amazon SES through SNS** — the SNS message signature (version 1: SHA1withRSA, 2:
  SHA256withRSA) checked against the certificate at ``SigningCertURL``, which is only fetched
  from ``https://sns.<region>.amazonaws.com/…pem`` (anything else is refused before any
  request is made) and only for the configured topic.

:func:`events` of each provider returns ``(address, reason, detail)`` for what must be
suppressed: hard bounces, complaints and provider-side unsubscribes; soft bounces are ignored.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

Suppress = tuple[str, str, str]  # (address, reason, detail)
MAX_SKEW = 15 * 60  # seconds a signed timestamp may be off from our clock
_SNS_HOST = re.compile(r"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$")


class Refused(Exception):
    """The request is not authentically from the provider."""


def _json(body: bytes) -> Any:
    try:
        return json.loads(body)
    except (UnicodeDecodeError, ValueError) as exc:
        raise ValueError("the body is not JSON") from exc


def _fresh(timestamp: str, now: float) -> None:
    try:
        when = float(timestamp)
    except ValueError as exc:
        raise Refused("bad timestamp") from exc
    if abs(now - when) > MAX_SKEW:
        raise Refused("stale timestamp")


# -- Mailgun ----------------------------------------------------------------------------------


def mailgun_verify(body: bytes, signing_key: str, now: float) -> dict[str, Any]:
    data = _json(body)
    sig = data.get("signature") if isinstance(data, dict) else None
    if not isinstance(sig, dict):
        raise Refused("no signature")
    timestamp, token, signature = (str(sig.get(k, "")) for k in ("timestamp", "token", "signature"))
    _fresh(timestamp, now)
    expected = hmac.new(signing_key.encode(), (timestamp + token).encode(), hashlib.sha256).hexdigest()
    if not token or not hmac.compare_digest(expected, signature):
        raise Refused("bad signature")
    return data


def mailgun_events(data: dict[str, Any]) -> list[Suppress]:
    event = data.get("event-data") or {}
    kind, address = event.get("event"), str(event.get("recipient") or "")
    if kind == "failed" and event.get("severity") == "permanent":
        status = (event.get("delivery-status") or {}).get("code")
        return [(address, "bounced", f"mailgun: permanent failure {status or ''}".strip())]
    if kind == "complained":
        return [(address, "complained", "mailgun: complaint")]
    if kind == "unsubscribed":
        return [(address, "unsubscribed", "mailgun: unsubscribed")]
    return []


# -- Postmark ---------------------------------------------------------------------------------


def postmark_verify(authorization: str | None, username: str, password: str) -> None:
    scheme, _, value = (authorization or "").partition(" ")
    if scheme.lower() != "basic":
        raise Refused("no basic auth")
    try:
        given = base64.b64decode(value, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refused("bad basic auth") from exc
    if not hmac.compare_digest(given, f"{username}:{password}".encode()):
        raise Refused("wrong credentials")


def postmark_events(data: Any) -> list[Suppress]:
    if not isinstance(data, dict):
        return []
    record, address = data.get("RecordType"), str(data.get("Email") or data.get("Recipient") or "")
    if record == "Bounce" and data.get("Type") in ("HardBounce", "BadEmailAddress"):
        return [(address, "bounced", f"postmark: {data.get('Type')}")]
    if record == "SpamComplaint":
        return [(address, "complained", "postmark: spam complaint")]
    if record == "SubscriptionChange" and data.get("SuppressSending"):
        return [(address, "unsubscribed", f"postmark: {data.get('SuppressionReason') or 'suppressed'}")]
    return []


# -- SendGrid ---------------------------------------------------------------------------------


def sendgrid_verify(body: bytes, signature: str | None, timestamp: str | None, public_key: str, now: float) -> Any:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    if not signature or not timestamp:
        raise Refused("unsigned")
    _fresh(timestamp, now)
    try:
        key = serialization.load_der_public_key(base64.b64decode(public_key))
        sig = base64.b64decode(signature, validate=True)
    except (binascii.Error, ValueError) as exc:
        raise Refused("bad signature encoding") from exc
    if not isinstance(key, ec.EllipticCurvePublicKey):
        raise Refused("WEBHOOK_SENDGRID_PUBLIC_KEY is not an ECDSA key")
    try:
        key.verify(sig, timestamp.encode() + body, ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise Refused("bad signature") from exc
    return _json(body)


def sendgrid_events(data: Any) -> list[Suppress]:
    found: list[Suppress] = []
    for event in data if isinstance(data, list) else []:
        if not isinstance(event, dict):
            continue
        kind, address = event.get("event"), str(event.get("email") or "")
        # "bounce" with type "blocked" is a temporary block, not a dead address
        if kind == "bounce" and event.get("type", "bounce") == "bounce":
            found.append((address, "bounced", f"sendgrid: {event.get('status') or 'bounce'}"))
        elif kind == "spamreport":
            found.append((address, "complained", "sendgrid: spam report"))
        elif kind in ("unsubscribe", "group_unsubscribe"):
            found.append((address, "unsubscribed", f"sendgrid: {kind}"))
    return found


# -- Amazon SES via SNS -----------------------------------------------------------------------

_SIGNED_FIELDS = {
    "Notification": ("Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"),
    "SubscriptionConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
    "UnsubscribeConfirmation": ("Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"),
}


def sns_cert_url_ok(url: str) -> bool:
    parts = urlsplit(url)
    return (parts.scheme == "https" and bool(parts.hostname) and _SNS_HOST.match(parts.hostname or "") is not None
            and parts.port in (None, 443) and parts.path.endswith(".pem") and not parts.username)


class SNSCertificates:
    """SNS signing certificates by URL: from ``cache_dir`` when there, else fetched (host-checked) and kept."""

    def __init__(self, cache_dir: Path | None, fetch: Callable[[str], bytes] | None = None) -> None:
        self.cache_dir = cache_dir
        self.fetch = fetch or _fetch
        self._memory: dict[str, bytes] = {}

    @staticmethod
    def file_name(url: str) -> str:
        return hashlib.sha256(url.encode()).hexdigest() + ".pem"

    def get(self, url: str) -> bytes:
        if not sns_cert_url_ok(url):
            raise Refused("SigningCertURL is not an https URL on sns.<region>.amazonaws.com")
        if url in self._memory:
            return self._memory[url]
        path = self.cache_dir / self.file_name(url) if self.cache_dir else None
        if path is not None and path.is_file():
            pem = path.read_bytes()
        else:
            pem = self.fetch(url)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_bytes(pem)
        self._memory[url] = pem
        return pem


def _fetch(url: str) -> bytes:
    import urllib.request

    with urllib.request.urlopen(url, timeout=10) as resp:  # noqa: S310 - host checked by sns_cert_url_ok
        return bytes(resp.read(64 * 1024))


def sns_verify(body: bytes, topic_arn: str, certificates: SNSCertificates) -> dict[str, Any]:
    from cryptography import x509
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding, rsa

    data = _json(body)
    if not isinstance(data, dict) or data.get("Type") not in _SIGNED_FIELDS:
        raise Refused("not an SNS message")
    if data.get("TopicArn") != topic_arn:
        raise Refused("another topic")
    version = str(data.get("SignatureVersion"))
    algorithm = {"1": hashes.SHA1(), "2": hashes.SHA256()}.get(version)
    if algorithm is None:
        raise Refused("unknown SignatureVersion")
    text = "".join(f"{name}\n{data[name]}\n" for name in _SIGNED_FIELDS[data["Type"]] if name in data)
    try:
        cert = x509.load_pem_x509_certificate(certificates.get(str(data.get("SigningCertURL") or "")))
        signature = base64.b64decode(str(data.get("Signature") or ""), validate=True)
    except (binascii.Error, ValueError, OSError) as exc:
        raise Refused(f"cannot check the signature ({exc})") from exc
    key = cert.public_key()
    if not isinstance(key, rsa.RSAPublicKey):
        raise Refused("not an RSA certificate")
    try:
        key.verify(signature, text.encode(), padding.PKCS1v15(), algorithm)
    except InvalidSignature as exc:
        raise Refused("bad signature") from exc
    return data


def ses_events(data: dict[str, Any]) -> list[Suppress]:
    if data.get("Type") != "Notification":
        return []
    try:
        message = json.loads(data.get("Message") or "")
    except ValueError:
        return []
    if not isinstance(message, dict):
        return []
    kind = message.get("notificationType") or message.get("eventType")
    if kind == "Bounce":
        bounce = message.get("bounce") or {}
        if bounce.get("bounceType") != "Permanent":
            return []
        return [(str(r.get("emailAddress") or ""), "bounced", f"ses: {bounce.get('bounceSubType') or 'permanent'}")
                for r in bounce.get("bouncedRecipients") or [] if isinstance(r, dict)]
    if kind == "Complaint":
        complaint = message.get("complaint") or {}
        return [(str(r.get("emailAddress") or ""), "complained", "ses: complaint")
                for r in complaint.get("complainedRecipients") or [] if isinstance(r, dict)]
    return []
