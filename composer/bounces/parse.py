"""What a returned message says: a bounce (hard or soft, for which addresses) or a complaint.

Pure functions of the message bytes; nothing here knows about readers or databases.

* **Delivery status notifications** (RFC 3464, ``multipart/report; report-type=delivery-status``):
  each per-recipient block's ``Action``, ``Status`` and ``Diagnostic-Code`` are read with the
  stdlib ``email`` package and classified (:func:`classify`). Bounces in the many older,
  non-standard formats (qmail, Exchange, Yahoo, Exim, GroupWise…) are read by **flufl.bounce**,
  the parser Mailman uses: its *permanent* failures count as hard, its *temporary* ones are
  delay warnings. For standard DSNs flufl.bounce is asked too, so that the address we report is
  the one it reports (``Original-Recipient`` first, then ``Final-Recipient``).
* **Complaints** (RFC 5965 ARF, ``multipart/report; report-type=feedback-report``) with
  ``Feedback-Type: abuse`` or ``fraud``; ``not-spam``, ``auth-failure`` and the rest are not a
  reader's complaint and are ignored.

Hard means "this address will not accept mail": an unknown user or domain, a disabled
mailbox (``5.0.x``, ``5.1.x``, ``5.2.0``, ``5.2.1``, ``5.4.4``, ``5.5.0``). Everything else
that failed is soft — a full mailbox (``5.2.2`` despite its 5), a message too large, a
policy or spam block (``5.7.x``: that is about *us*, and suppressing everyone at a provider
because our IP was on a blocklist would be wrong), any ``4.x.x`` — and so is a permanent
status whose diagnostic says "quota", "mailbox full", "blocked", "spam" and the like.
"""

from __future__ import annotations

import email
import hashlib
import importlib
import re
from dataclasses import dataclass, field
from email.message import Message
from email.policy import compat32
from email.utils import parseaddr

HARD_STATUS = ("5.0.", "5.1.", "5.2.0", "5.2.1", "5.4.4", "5.5.0")
_STATUS = re.compile(r"\b([245])\.(\d{1,3})\.(\d{1,3})\b")
_SOFT_TEXT = re.compile(r"quota|mailbox (?:is )?full|over ?quota|insufficient (?:system )?storage|exceeded storage|"
                        r"too many|rate limit|try again|spam|blocked|block ?list|black ?list|reputation|"
                        r"policy|greylist|temporar", re.I)
_HARD_TEXT = re.compile(r"user unknown|unknown user|no such (?:user|mailbox|recipient|address)|does not exist|"
                        r"doesn't exist|not exist|invalid (?:recipient|mailbox|address)|recipient address rejected|"
                        r"mailbox unavailable|mailbox not found|account (?:has been )?disabled|"
                        r"address rejected|unknown (?:recipient|local.part)|not our customer|no mailbox", re.I)
_MESSAGE_ID_LINE = re.compile(r"^[ \t>]*Message-ID:[ \t]*(<[^<>\s]+>)", re.I | re.M)
_COMPLAINT_TYPES = ("abuse", "fraud")
# Headers of the report itself that name where it was delivered (the VERP address, if any).
ENVELOPE_HEADERS = ("to", "delivered-to", "x-original-to", "envelope-to", "x-envelope-to", "x-delivered-to",
                    "original-recipient", "cc")


@dataclass(frozen=True)
class Failure:
    address: str  # as the report names it ("" when it names none)
    hard: bool
    status: str = ""  # the enhanced status code, e.g. 5.1.1
    diagnostic: str = ""


@dataclass
class Report:
    """One returned message, read."""

    kind: str  # "hard", "soft", "complaint", "delayed" (a warning: still trying) or "other"
    failures: list[Failure] = field(default_factory=list)
    complained: list[str] = field(default_factory=list)  # ARF Original-Rcpt-To (often redacted)
    original_ids: list[str] = field(default_factory=list)  # Message-IDs of the returned message
    envelope_text: str = ""  # where our VERP address shows first: the report's own To/Delivered-To…
    other_text: str = ""  # the rest of the report's text, searched for it second
    key: str = ""  # the report's own Message-ID, else a hash of its bytes: remembered once processed
    feedback_type: str = ""

    @property
    def addresses(self) -> list[str]:
        return list(dict.fromkeys(a for a in [f.address for f in self.failures] + self.complained if a))

    def summary(self) -> str:
        """A line for logs and the event detail, e.g. ``hard 5.1.1 (user unknown)``."""
        if self.kind == "complaint":
            return f"complaint ({self.feedback_type or 'abuse'})"
        first = next((f for f in self.failures if f.hard == (self.kind == "hard")), None)
        if first is None:
            return self.kind
        diag = f" ({first.diagnostic[:120]})" if first.diagnostic else ""
        return f"{self.kind} {first.status}{diag}".replace("  ", " ").strip()


def classify(status: str, diagnostic: str = "", *, permanent_action: bool = True) -> bool:
    """True for a hard bounce, from the enhanced status code and the diagnostic text."""
    if status.startswith("4"):
        return False
    if status.startswith("5"):
        hard = status.startswith(HARD_STATUS)
        if hard and _SOFT_TEXT.search(diagnostic):
            return False
        if not hard and _HARD_TEXT.search(diagnostic) and not _SOFT_TEXT.search(diagnostic):
            return status.startswith(("5.3.", "5.4.", "5.5."))  # generic classes that real MTAs use for "unknown"
        return hard
    # no (usable) status: "failed" is permanent by definition, unless the text says otherwise
    return permanent_action and not _SOFT_TEXT.search(diagnostic)


def _status_of(value: str) -> str:
    m = _STATUS.search(value or "")
    return ".".join(m.groups()) if m else ""


def _blocks(part: Message) -> list[Message]:
    """The header blocks of a ``message/delivery-status`` (or feedback-report) part."""
    payload = part.get_payload()
    if isinstance(payload, list):
        return [p for p in payload if isinstance(p, Message)]
    if isinstance(payload, str):
        text = payload.replace("\r\n", "\n")
        return [email.message_from_string(chunk.strip() + "\n", policy=compat32)
                for chunk in re.split(r"\n\s*\n", text) if chunk.strip()]
    return []


def _recipient(block: Message) -> str:
    """The address of a per-recipient block: Original-Recipient first (as flufl.bounce does)."""
    for name in ("original-recipient", "final-recipient", "x-actual-recipient"):
        value = str(block.get(name, "") or "")
        kind, sep, addr = value.partition(";")
        addr = (addr if sep else kind).strip()
        if sep and kind.strip().lower() != "rfc822":
            continue
        addr = parseaddr(addr)[1] or addr.strip("<> ")
        if "@" in addr:
            return addr
    return ""


def _flufl(msg: Message) -> tuple[set[str], set[str]]:
    """flufl.bounce's (temporary, permanent) addresses.

    ``all_failures`` stops at the first detector that finds something but re-raises when any
    heuristic detector trips over odd mail (e.g. a missing From), which would lose the rest;
    so its detectors are run one by one, as it runs them, when its list is there to be read.
    """
    from flufl.bounce import all_failures

    detectors = getattr(importlib.import_module("flufl.bounce._scan"), "_DETECTORS", None)
    found: tuple[set[bytes], set[bytes]] = (set(), set())
    if isinstance(detectors, list):
        for detector in detectors:
            try:
                temporary, permanent = detector().process(msg)
            except Exception:  # noqa: BLE001, S112 - one heuristic failing must not hide the others
                continue
            if temporary or permanent:
                found = (set(temporary), set(permanent))
                break
    else:
        try:
            temporary, permanent = all_failures(msg)
            found = (set(temporary), set(permanent))
        except Exception:  # noqa: BLE001 - a heuristic detector tripping over odd mail must not stop a scan
            pass
    return ({a.decode("ascii", "replace") for a in found[0]}, {a.decode("ascii", "replace") for a in found[1]})


def _text_of(part: Message) -> str:
    try:
        payload = part.get_payload(decode=True)
    except Exception:  # noqa: BLE001 - broken transfer encodings happen in bounces
        return ""
    if not isinstance(payload, bytes):
        return ""
    return payload.decode(part.get_content_charset() or "latin-1", "replace")


def _original_ids(msg: Message, texts: list[str]) -> list[str]:
    found: list[str] = []
    for part in msg.walk():
        ctype = part.get_content_type()
        if ctype == "message/rfc822" and isinstance(part.get_payload(), list):
            for inner in part.get_payload():
                if isinstance(inner, Message) and inner.get("message-id"):
                    found.append(str(inner["message-id"]).strip())
    for name in ("in-reply-to", "references"):
        found += re.findall(r"<[^<>\s]+>", str(msg.get(name, "") or ""))
    for text in texts:
        found += _MESSAGE_ID_LINE.findall(text)
    own = str(msg.get("message-id", "") or "").strip()
    return [m for m in dict.fromkeys(found) if m != own]


def report_key(msg: Message, raw: bytes) -> str:
    own = str(msg.get("message-id", "") or "").strip()
    return f"mid:{own}" if own else "sha256:" + hashlib.sha256(raw).hexdigest()


def parse_report(raw: bytes) -> Report:
    """Read one returned message (a DSN, an ARF report, a non-standard bounce or anything else)."""
    msg = email.message_from_bytes(raw, policy=compat32)
    key = report_key(msg, raw)
    envelope = "\n".join(str(v) for name in ENVELOPE_HEADERS for v in (msg.get_all(name) or []))
    texts: list[str] = []
    for part in msg.walk():
        if part.is_multipart():
            continue
        ctype = part.get_content_type()
        if ctype.startswith("text/") or ctype in ("message/delivery-status", "message/feedback-report"):
            texts.append(_text_of(part) if ctype.startswith("text/") else str(part.get_payload()))
    for part in msg.walk():  # headers of attached messages (their Return-Path, To, Message-ID)
        if part.get_content_type() == "message/rfc822" and isinstance(part.get_payload(), list):
            for inner in part.get_payload():
                if isinstance(inner, Message):
                    texts.append("\n".join(f"{k}: {v}" for k, v in inner.items()))
    report = Report(kind="other", envelope_text=envelope, other_text="\n".join(texts), key=key,
                    original_ids=_original_ids(msg, texts))

    ctype = msg.get_content_type()
    report_type = (msg.get_param("report-type") or "") if ctype == "multipart/report" else ""
    feedback = [p for p in msg.walk() if p.get_content_type() == "message/feedback-report"]
    if feedback or str(report_type).lower() == "feedback-report":
        fields: dict[str, list[str]] = {}
        for part in feedback:
            for block in _blocks(part):
                for k, v in block.items():
                    fields.setdefault(k.lower(), []).append(str(v).strip())
        report.feedback_type = (fields.get("feedback-type") or [""])[0].lower()
        report.complained = [parseaddr(v)[1] or v for v in fields.get("original-rcpt-to", []) if "@" in v]
        report.envelope_text += "\n" + "\n".join(fields.get("original-mail-from", []))
        if report.feedback_type in _COMPLAINT_TYPES:
            report.kind = "complaint"
        return report

    failures: list[Failure] = []
    delayed: list[str] = []
    for part in msg.walk():
        if part.get_content_type() != "message/delivery-status":
            continue
        for block in _blocks(part):  # the first (per-message) block names no recipient
            action = str(block.get("action", "") or "").strip().lower()
            address = _recipient(block)
            if not address:
                continue
            diagnostic = " ".join(str(block.get("diagnostic-code", "") or "").split())
            diagnostic = diagnostic.partition(";")[2].strip() or diagnostic
            status = _status_of(str(block.get("status", "") or "")) or _status_of(diagnostic)
            if action.startswith("delayed"):
                delayed.append(address)
            elif action.startswith(("fail", "error")):
                failures.append(Failure(address, classify(status, diagnostic), status, diagnostic[:300]))
    temporary, permanent = _flufl(msg)
    named = {f.address.lower() for f in failures} | {a.lower() for a in delayed}
    # flufl.bounce's addresses for what the DSN blocks did not name (non-standard formats)
    failures += [Failure(a, True, "", "") for a in sorted(permanent) if a.lower() not in named]
    delayed += [a for a in sorted(temporary) if a.lower() not in named]
    report.failures = failures
    if any(f.hard for f in failures):
        report.kind = "hard"
    elif failures:
        report.kind = "soft"
    elif delayed:
        report.kind = "delayed"
        report.failures = [Failure(a, False, "", "delayed") for a in delayed]
    return report
