"""A throwaway Bluesky PDS (the reference ``@atproto/pds``) on 127.0.0.1, for the Bluesky tests.

``tests/publish/pdsnode/install.sh`` installs it (with a PLC directory, ``@did-plc/server``)
into ``$COMPOSER_PDS_DIR`` or ``~/.cache/composer-test-pds``; ``.ci/run`` calls that script.
``PdsServer.start()`` runs ``pdsnode/launch.cjs`` under Node with a free port and a temporary
data folder, and waits for the line that says it listens; ``create_account`` makes an account
and an app password for it, the way a person would before giving composer the password.
Nothing here reaches the network: the PLC directory runs in the same Node process, in memory.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent / "pdsnode"


def install_dir() -> Path:
    return Path(os.environ.get("COMPOSER_PDS_DIR") or Path.home() / ".cache" / "composer-test-pds")


def why_unavailable() -> str | None:
    """None when a PDS can be started here, else the reason (for pytest.skip)."""
    node = shutil.which("node")
    if not node:
        return "node is not installed (the Bluesky tests run the reference PDS, @atproto/pds, under Node)"
    if not (install_dir() / ".installed").is_file():  # written by install.sh once all of it works
        return f"the test PDS is not installed in {install_dir()} (run tests/publish/pdsnode/install.sh)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


class PdsServer:
    def __init__(self) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="composer-pds-"))
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.jwt_secret = secrets.token_hex(16)
        self.admin_password = secrets.token_hex(12)
        self.did = "did:web:localhost"
        self._proc: subprocess.Popen[bytes] | None = None
        self._log = self.dir / "pds.log"

    def start(self, timeout: float = 90.0) -> PdsServer:
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.dir),
            "NODE_ENV": "development",
            "LOG_ENABLED": "false",
            "COMPOSER_PDS_MODULES": str(install_dir() / "node_modules"),
            "PDS_PORT": str(self.port),
            "PDS_HOSTNAME": "localhost",
            "PDS_DEV_MODE": "true",
            "PDS_JWT_SECRET": self.jwt_secret,
            "PDS_ADMIN_PASSWORD": self.admin_password,
            "PDS_PLC_ROTATION_KEY_K256_PRIVATE_KEY_HEX": secrets.token_hex(32),
            "PDS_DATA_DIRECTORY": str(self.dir / "data"),
            "PDS_BLOBSTORE_DISK_LOCATION": str(self.dir / "blobs"),
            "PDS_SERVICE_HANDLE_DOMAINS": ".test",
            "PDS_INVITE_REQUIRED": "false",
            "PDS_RATE_LIMITS_ENABLED": "false",
            "PDS_CRAWLERS": "",
        }
        (self.dir / "data").mkdir()
        with self._log.open("wb") as log:  # the child keeps its own descriptor
            self._proc = subprocess.Popen(["node", str(HERE / "launch.cjs")], stdin=subprocess.PIPE,
                                          stdout=subprocess.PIPE, stderr=log, env=env, cwd=self.dir)
        line: list[bytes] = []
        reader = threading.Thread(target=lambda: line.append(self._proc.stdout.readline()), daemon=True)  # type: ignore[union-attr]
        reader.start()
        reader.join(timeout)
        if not line or not line[0].strip():
            try:
                code: int | None = self._proc.wait(timeout=5) if line else None  # b"": it closed stdout
            except subprocess.TimeoutExpired:
                code = None
            tail = self._log.read_text(errors="replace")[-2000:] if self._log.exists() else ""
            self.stop()
            how = f"exited with {code}" if code is not None else f"did not start within {timeout:.0f}s"
            raise RuntimeError(f"the test PDS {how}: {tail}")
        ready = json.loads(line[0])
        self.url = ready["pds"]
        return self

    def stop(self) -> None:
        if self._proc is not None:
            if self._proc.stdin:
                self._proc.stdin.close()
            self._proc.terminate()
            try:
                self._proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()
            self._proc = None
        shutil.rmtree(self.dir, ignore_errors=True)

    # --- what a person does in the app before composer gets the password --------------------

    def xrpc(self, nsid: str, body: dict[str, Any] | None = None, *, token: str | None = None,
             params: str = "") -> dict[str, Any]:
        headers = {"Content-Type": "application/json"} if body is not None else {}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        data = json.dumps(body).encode() if body is not None else None
        req = urllib.request.Request(f"{self.url}/xrpc/{nsid}{params}", data=data, headers=headers,
                                     method="POST" if body is not None else "GET")
        try:
            with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - our own local server
                return json.loads(resp.read() or b"{}")
        except urllib.error.HTTPError as exc:  # say what the server said, not only "400"
            raise RuntimeError(f"{nsid}: {exc.code} {exc.read().decode(errors='replace')[:500]}") from None

    def create_account(self, handle: str) -> dict[str, str]:
        """A new account; returns its did, handle, main password and a fresh app password."""
        password = secrets.token_urlsafe(12)
        out = self.xrpc("com.atproto.server.createAccount",
                        {"handle": handle, "email": f"{handle.split('.')[0]}@example.com", "password": password})
        app = self.xrpc("com.atproto.server.createAppPassword", {"name": "composer"}, token=out["accessJwt"])
        return {"did": out["did"], "handle": out["handle"], "password": password, "app_password": app["password"]}

    def expired_access_token(self, did: str) -> str:
        """An access JWT signed like the PDS's own (HS256, its secret) whose time is up.

        What an access token looks like two hours after sign-in; the server answers it with
        ``ExpiredToken``, which is what the client has to recover from.
        """
        now = int(time.time())
        header = {"typ": "at+jwt", "alg": "HS256"}
        claims = {"scope": "com.atproto.appPass", "aud": self.did, "sub": did, "iat": now - 7300, "exp": now - 100}
        signing = f"{_b64url(json.dumps(header).encode())}.{_b64url(json.dumps(claims).encode())}"
        sig = hmac.new(self.jwt_secret.encode(), signing.encode(), hashlib.sha256).digest()
        return f"{signing}.{_b64url(sig)}"

