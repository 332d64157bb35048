"""The audience store in PostgreSQL (``DATABASE_URL``): the same tables beside the delivery state.

One database then holds everything several machines share: workers ask it who is suppressed
before each message, and ``compose serve`` or ``compose bounces`` on any machine record
unsubscriptions, confirmations and bounces in it. Commits are synchronous (unlike the delivery
state's per-message outcomes): an unsubscription confirmed to a reader is on the server's disk.
"""

from __future__ import annotations

from composer.audience.sql import SQLAudience
from composer.database import PostgresEngine


class PostgresAudience(SQLAudience):
    def __init__(self, url: str) -> None:
        self.url = url
        super().__init__(PostgresEngine(url))
