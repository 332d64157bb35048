"""The audience contract: what a store of subscribers and suppressions provides.

Addresses are compared case-insensitively (:func:`normalise`), as the unsubscribe tokens are.
A suppression is keyed by :func:`address_hash` rather than the address itself, so that after
``forget`` (a GDPR erasure) the store can still recognise the address — and refuse to mail or
re-import it — without holding it.
"""

from __future__ import annotations

import abc
import hashlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

STATUSES = ("pending", "subscribed", "unsubscribed", "bounced", "complained")
REASONS = ("unsubscribed", "bounced", "complained", "manual")
# The consent source of a sign-up from compose serve's form until its link is followed.
WEB_REQUESTED = "web form (requested)"
# the subscriber status a suppression reason leaves behind
STATUS_FOR_REASON = {"unsubscribed": "unsubscribed", "bounced": "bounced", "complained": "complained",
                     "manual": "unsubscribed"}
_HASH_PURPOSE = b"composer-audience-v1\0"


def normalise(email: str) -> str:
    return email.strip().lower()


def address_hash(email: str) -> str:
    """A stable SHA-256 of the normalised address (unkeyed, so a secret rotation never loses it)."""
    return hashlib.sha256(_HASH_PURPOSE + normalise(email).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Subscriber:
    email: str
    name: str = ""
    fields: dict[str, str] = field(default_factory=dict)
    lists: tuple[str, ...] = ()
    status: str = "subscribed"
    consent_at: float | None = None
    consent_source: str | None = None
    consent_ip: str | None = None
    confirmed_at: float | None = None
    created: float | None = None
    updated: float | None = None


@dataclass(frozen=True)
class Suppression:
    email: str | None  # None once the person was forgotten: only the hash is left
    email_hash: str
    reason: str
    source: str
    detail: str | None
    created: float


@dataclass(frozen=True)
class Event:
    at: float
    email: str | None
    kind: str
    detail: dict[str, Any]


class AudienceStore(abc.ABC):
    """Subscribers, suppressions and events. Implementations are safe to share between threads.

    Every change is logged as an :class:`Event`; every method that takes an address accepts any
    case and surrounding spaces.
    """

    # -- subscribers --------------------------------------------------------------------------

    @abc.abstractmethod
    def upsert(self, email: str, *, name: str | None = None, fields: Mapping[str, str] | None = None,
               lists: Iterable[str] = (), status: str | None = None, consent_at: float | None = None,
               consent_source: str | None = None, consent_ip: str | None = None,
               confirmed_at: float | None = None, event: str = "added") -> Subscriber:
        """Add or update a subscriber; ``lists`` are added to theirs, ``None`` values keep what is stored."""

    @abc.abstractmethod
    def get(self, email: str) -> Subscriber | None: ...

    @abc.abstractmethod
    def subscribers(self, list_name: str | None = None, status: str | None = None) -> Iterator[Subscriber]:
        """Subscribers (of ``list_name``, with ``status``), oldest first."""

    @abc.abstractmethod
    def remove_from_list(self, email: str, list_name: str) -> bool: ...

    @abc.abstractmethod
    def forget(self, email: str, *, source: str = "manual") -> bool:
        """Erase the person (subscriber row, addresses in events and suppressions); keep a hashed
        suppression so that they are never mailed or re-imported by mistake. True if anything was held."""

    @abc.abstractmethod
    def purge_unconfirmed(self, before: float) -> int:
        """Erase sign-ups from the web form still unconfirmed since ``before`` (Unix time).

        Their confirmation link has expired, so the address and IP address kept for it serve no
        purpose any more; keeping them would hold personal data of people who never agreed to
        anything. Unlike :meth:`forget` this adds no suppression: the person may sign up again.
        Returns how many were erased.
        """

    # -- suppression --------------------------------------------------------------------------

    @abc.abstractmethod
    def suppress(self, email: str, reason: str, *, source: str, detail: str | None = None) -> bool:
        """Never mail ``email`` again; True if it was not suppressed before (idempotent)."""

    @abc.abstractmethod
    def unsuppress(self, email: str, *, reasons: Iterable[str] = ("unsubscribed",), source: str) -> bool:
        """Lift a suppression whose reason is one of ``reasons`` (a confirmed re-subscription)."""

    @abc.abstractmethod
    def suppressed(self, emails: Iterable[str]) -> dict[str, Suppression]:
        """The suppression of each given address that has one, keyed by the address as given."""

    def suppression(self, email: str) -> Suppression | None:
        return self.suppressed([email]).get(email)

    def prefetch(self, emails: Iterable[str]) -> None:
        """Look up the suppressions of a batch of readers in one query, for :meth:`suppression` to answer from.

        An answer from the batch is only given while the store can tell, cheaply and for certain,
        that no suppression changed since the batch was read; otherwise :meth:`suppression`
        asks the database as before. The default keeps nothing (every call asks)."""
        return None

    def generation_query(self) -> str | None:
        """A SELECT of the suppressions' generation that another connection to the same database can
        add to a statement it runs anyway (then :meth:`tell_generation`), or None."""
        return None

    def tell_generation(self, generation: object) -> None:
        """The generation just read with :meth:`generation_query`: it lets the next :meth:`suppression`
        answer from the prefetched batch without a round trip of its own."""
        return None

    def probably_clear(self, email: str) -> bool:
        """Whether the batch read last says ``email`` is not suppressed, without asking anyone.

        The answer may be stale: the send loop uses it only to decide whether to begin a
        message early (its envelope, nothing the server would deliver), and still asks
        :meth:`suppression` before the message is committed. False when there is no such batch."""
        return False

    @abc.abstractmethod
    def suppressions(self) -> list[Suppression]: ...

    # -- events -------------------------------------------------------------------------------

    @abc.abstractmethod
    def log(self, email: str | None, kind: str, **detail: Any) -> None: ...

    @abc.abstractmethod
    def events(self, email: str | None = None) -> list[Event]: ...

    # -- lifecycle ----------------------------------------------------------------------------

    @abc.abstractmethod
    def close(self) -> None: ...

    def __enter__(self) -> AudienceStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
