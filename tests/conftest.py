"""Shared fixtures: paths to the repo, the examples and the team corpus (skipped when absent)."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"
CORPUS = REPO.parent / "shared" / "corpus"


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the team corpus is not at {CORPUS} (it is in CI and in a developer checkout)")
    return CORPUS


@pytest.fixture
def seed_path(corpus: Path) -> Path:
    path = corpus / "seed" / "euronews-rutte-nato.txt"
    if not path.is_file():
        pytest.skip(f"seed article missing: {path}")
    return path


@pytest.fixture(autouse=True)
def _no_user_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Tests never read a developer's ./.env or settings from their shell."""
    monkeypatch.chdir(tmp_path)
    for key in list(__import__("os").environ):
        if key.startswith(("MAIL_", "SMTP_", "SITE_URL", "UNSUBSCRIBE_", "OUTBOX_DIR", "DELIVERY", "BRAND_",
                           "LLM_", "SEND_", "UTM_", "FEED_", "TEMPLATES_DIR", "LIST_ID", "TEST_ADDRESS",
                           "BOUNCE_", "DATABASE_URL", "PUBLISH_", "BLUESKY_", "MASTODON_", "X_")):
            monkeypatch.delenv(key, raising=False)


@pytest.fixture(scope="session")
def pg_server():  # noqa: ANN201 - a tests.pgserver.PgServer
    """One PostgreSQL server for the session, in a temporary folder; each test takes its own database."""
    from tests.pgserver import PgServer, why_unavailable

    reason = why_unavailable()
    if reason:
        pytest.skip(reason)
    server = PgServer().start()
    yield server
    server.stop()


@pytest.fixture
def pg_url(pg_server) -> str:  # noqa: ANN001
    """A fresh, empty PostgreSQL database."""
    return pg_server.url()


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest) -> str:
    """Tests of the shared stores run on both engines: "" is the outbox's SQLite file; for
    PostgreSQL a fresh database."""
    if request.param == "sqlite":
        return ""
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def audience_url(database_url: str, monkeypatch: pytest.MonkeyPatch) -> str:
    """The audience (and delivery state) on each engine, the PostgreSQL one also set as
    DATABASE_URL for the commands a test runs (in process or not)."""
    if database_url:
        monkeypatch.setenv("DATABASE_URL", database_url)
    return database_url
