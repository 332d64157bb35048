"""The contract between the publisher and each network's client.

The publisher owns the durable record of every part (pending before the request, published
after it) and decides what to do on each outcome; a client only turns one :class:`Part` into one
request and says what happened, with one of the exceptions below. Keeping the two apart is what
makes "never twice" checkable: a client never retries a request whose outcome it does not know,
it raises :class:`OutcomeUnknown` and the publisher asks :meth:`Client.lookup` before anything
is sent again.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from composer.errors import DeliveryError

__all__ = [
    "Card", "Part", "Posted", "Client", "PublishError",
    "PublishFailure", "RateLimited", "Transient", "OutcomeUnknown", "Rejected",
]


@dataclass(frozen=True)
class Card:
    """What a link card shows (Bluesky's ``app.bsky.embed.external``); the image is optional."""

    url: str
    title: str
    description: str = ""
    image: bytes | None = None  # already read and within the network's size limit, or None
    image_type: str | None = None  # e.g. "image/jpeg"


@dataclass(frozen=True)
class Part:
    """One post to publish: a single post, or part ``index`` of ``count`` in a thread.

    ``token`` is chosen by the client (:meth:`Client.new_token`) and recorded by the publisher
    *before* the first request, and the same token is used for every attempt at this part: it is
    Bluesky's record key, Mastodon's ``Idempotency-Key``, and what the X client looks for in the
    account's recent posts. That is how an attempt whose outcome was lost is recognised.
    """

    network: str
    index: int
    count: int
    text: str
    token: str
    language: str | None = None
    facets: tuple[dict[str, Any], ...] = ()  # Bluesky rich-text facets (UTF-8 byte offsets)
    card: Card | None = None  # a link card, on the part that carries the link
    extra: dict[str, str] = field(default_factory=dict)  # per-network options (e.g. visibility)


@dataclass(frozen=True)
class Posted:
    """A published part: the network's id for it and its public web address."""

    id: str  # Bluesky: at:// URI; Mastodon: status id; X: tweet id
    url: str
    cid: str = ""  # Bluesky: the record's CID (reply refs need it)


class Client(Protocol):
    """One network account. Implementations: ``bluesky.BlueskyClient``, ``mastodon``, ``x``."""

    network: str

    def new_token(self) -> str:
        """A fresh token for a part (see :attr:`Part.token`)."""
        ...

    def publish(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted:
        """Publish ``part`` (a reply to ``parent`` in the thread started by ``root``).

        Raises :class:`RateLimited`, :class:`Transient`, :class:`OutcomeUnknown` or
        :class:`Rejected`; never retries a request that may have reached the network.
        """
        ...

    def lookup(self, part: Part, *, root: Posted | None, parent: Posted | None) -> Posted | None:
        """After :class:`OutcomeUnknown`: the post if that attempt was published, else None."""
        ...

    def limit(self) -> int | None:
        """The account's character limit if the server tells it (Mastodon), else None."""
        ...


class PublishFailure(Exception):
    """Base of what a client raises; ``detail`` is safe to show (no secrets)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class RateLimited(PublishFailure):
    """429 or the network's rate headers: try again at ``reset_at`` (Unix time), not before."""

    def __init__(self, detail: str, reset_at: float) -> None:
        super().__init__(detail)
        self.reset_at = reset_at


class Transient(PublishFailure):
    """The request certainly did not publish (refused connection, 5xx before acceptance): retry."""


class OutcomeUnknown(PublishFailure):
    """The request may have published (timeout after sending, dropped connection): look it up."""


class Rejected(PublishFailure):
    """The network refused the part for good (bad credentials, invalid text): a person must act."""


class PublishError(DeliveryError):
    """A publish command that cannot run (no credentials, unknown network): exit code as delivery."""
