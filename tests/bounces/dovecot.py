"""A throwaway Dovecot IMAP server for the tests: its own config in a temp dir, 127.0.0.1 only.

Debian's ``dovecot-imapd`` (``apt-get install dovecot-imapd``) is started in the foreground with a
config written here: a passwd-file user, Maildir storage inside the temp dir, plaintext login
allowed (loopback only), and — when certificates are given — an implicit-TLS listener too.
Nothing of the system's Dovecot setup is read or touched.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

USER = "bounces"
PASSWORD = "imap-test-password"


def find_dovecot() -> str | None:
    for candidate in (shutil.which("dovecot"), "/usr/sbin/dovecot"):
        if candidate and os.access(candidate, os.X_OK):
            return candidate
    return None


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Dovecot:
    process: subprocess.Popen[bytes]
    port: int
    tls_port: int | None
    root: Path

    def url(self, mailbox: str = "INBOX", *, password: str = PASSWORD) -> str:
        return f"imap://{USER}:{password}@127.0.0.1:{self.port}/{mailbox}"

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(5)


def start(binary: str, root: Path, *, cert: Path | None = None, key: Path | None = None) -> Dovecot:
    root.mkdir(parents=True, exist_ok=True)
    for sub in ("run", "state", "home"):
        (root / sub).mkdir(exist_ok=True)
    # Dovecot will not hand mail to uid 0; as root, the mail user is "nobody" and owns the home.
    if os.getuid() == 0:
        nobody = pwd.getpwnam("nobody")
        uid, gid = nobody.pw_uid, nobody.pw_gid
        os.chown(root / "home", uid, gid)
        os.chmod(root, 0o755)
        login_user = "dovenull"
        internal_user = "dovecot"
    else:
        uid, gid = os.getuid(), os.getgid()
        login_user = internal_user = pwd.getpwuid(uid).pw_name
    (root / "users").write_text(f"{USER}:{{PLAIN}}{PASSWORD}:{uid}:{gid}::{root / 'home'}/{USER}\n")
    port = free_port()
    tls_port = free_port() if cert and key else None
    tls = (f"ssl = yes\nssl_cert = <{cert}\nssl_key = <{key}\n" if tls_port else "ssl = no\n")
    (root / "dovecot.conf").write_text(f"""
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
{tls}disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
login_trusted_networks = 127.0.0.0/8
default_login_user = {login_user}
default_internal_user = {internal_user}
first_valid_uid = {min(uid, 100) if uid else 1}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Processed {{
    auto = create
  }}
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {tls_port or 0}
    ssl = yes
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
""")
    process = subprocess.Popen([binary, "-F", "-c", str(root / "dovecot.conf")], stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        if process.poll() is not None:
            out = process.stdout.read().decode() if process.stdout else ""
            log = (root / "dovecot.log").read_text() if (root / "dovecot.log").exists() else ""
            raise RuntimeError(f"dovecot exited: {out}\n{log}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
                if s.recv(200).startswith(b"* OK"):
                    return Dovecot(process, port, tls_port, root)
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("dovecot did not start within 20 s")
