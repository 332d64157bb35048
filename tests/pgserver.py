"""A throwaway PostgreSQL server in a temporary folder, for tests and benchmarks.

``PgServer.start()`` runs ``initdb`` and ``pg_ctl start`` on a free port of 127.0.0.1 (with its
unix socket inside the folder), ``url()`` hands out a fresh database, ``stop()`` stops it and
removes the folder. The server binaries are looked up on PATH, then in Debian's
``/usr/lib/postgresql/*/bin``. PostgreSQL refuses to run as root, so under root the server runs
as the ``postgres`` user (or ``nobody``) in a folder it owns.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path


def find_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), reverse=True)
    return candidates[0] if candidates else None


def why_unavailable() -> str | None:
    """None when a server can be started here, else the reason (for pytest.skip)."""
    missing = [n for n in ("initdb", "pg_ctl", "postgres") if not find_bin(n)]
    if missing:
        return f"PostgreSQL is not installed ({', '.join(missing)} not found on PATH or in /usr/lib/postgresql/*/bin)"
    try:
        import psycopg  # noqa: F401
    except ImportError:
        return "psycopg is not installed (pip install 'composer[postgres]')"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="composer-pg-"))
        self.data = self.dir / "data"
        self.port = _free_port()
        self.user = "composer"
        self._demote = None
        if os.geteuid() == 0:
            try:
                account = pwd.getpwnam("postgres")
            except KeyError:
                account = pwd.getpwnam("nobody")
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            uid, gid = account.pw_uid, account.pw_gid

            def demote() -> None:
                os.setgid(gid)
                os.setuid(uid)

            self._demote = demote

    def _run(self, *args: str) -> None:
        env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
        result = subprocess.run(args, preexec_fn=self._demote, env=env, capture_output=True, text=True,  # noqa: PLW1509
                                timeout=120, cwd=self.dir)
        if result.returncode:
            raise RuntimeError(f"{' '.join(args)} failed: {result.stdout}{result.stderr}")

    def start(self) -> PgServer:
        self._run(find_bin("initdb") or "initdb", "-D", str(self.data), "-U", self.user, "--auth=trust",
                  "-E", "UTF8", "--no-sync")
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.dir} "
                   "-c fsync=off -c full_page_writes=off -c max_connections=100 -c shared_buffers=32MB")
        self._run(find_bin("pg_ctl") or "pg_ctl", "-D", str(self.data), "-l", str(self.dir / "log"), "-o", options,
                  "-w", "-t", "60", "start")
        return self

    def url(self, dbname: str | None = None) -> str:
        """A new empty database on this server."""
        import psycopg

        name = dbname or f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.base_url("postgres"), autocommit=True) as db:
            db.execute(f'CREATE DATABASE "{name}"')
        return self.base_url(name)

    def base_url(self, dbname: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{dbname}"

    def stop(self) -> None:
        with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
            self._run(find_bin("pg_ctl") or "pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.dir, ignore_errors=True)
