"""The audience store in SQLite: its own tables in the outbox's ``delivery.sqlite3`` (the default)."""

from __future__ import annotations

import os
from pathlib import Path

from composer.audience.sql import MIGRATIONS, SCHEMA_VERSION, SQLAudience
from composer.database import SQLiteEngine


class SQLiteAudience(SQLAudience):
    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = Path(path)
        # Erased people must not linger in free pages of the file (GDPR erasure).
        super().__init__(SQLiteEngine(path, pragmas=("secure_delete=ON",)))


__all__ = ["MIGRATIONS", "SCHEMA_VERSION", "SQLiteAudience"]
