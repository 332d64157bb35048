"""What a hostile test of the preview found, each fixed and checked against the real server.

* a Send-test result page showed the SMTP password the server echoed in its 535 reply;
* raw views followed a symlink planted inside an item folder;
* (see test_preview_limits.py) idle connections each held a thread and a 5-deep backlog.
"""

from __future__ import annotations

import html
import importlib.util
import os
import re
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
from preview_helpers import compose_item, make_settings, request, write_article

from composer.config import Secret

_SMTP = Path(__file__).resolve().parents[1] / "delivery" / "smtpserver.py"


def _smtpserver() -> Any:
    """tests/delivery/smtpserver.py (an aiosmtpd server), loaded by path: tests/preview is no package."""
    if "preview_smtpserver" in sys.modules:
        return sys.modules["preview_smtpserver"]
    spec = importlib.util.spec_from_file_location("preview_smtpserver", _SMTP)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["preview_smtpserver"] = module  # its dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def _csrf(server: Any, name: str) -> str:
    status, _h, body = request(server, "GET", f"/item/{name}")
    assert status == 200
    m = re.search(r'name="csrf" value="([^"]+)"', body.decode())
    assert m
    return m.group(1)


def _send_test(server: Any, name: str) -> int:
    host, port = server.server_address[:2]
    status, headers, _ = request(server, "POST", f"/item/{name}/send-test",
                                 body=urlencode({"csrf": _csrf(server, name)}).encode(),
                                 headers={"Content-Type": "application/x-www-form-urlencoded",
                                          "Origin": f"http://{host}:{port}"})
    assert status == 303 and headers["location"] == f"/item/{name}"
    return status


# -- (a) an SMTP server that echoes the password it refused ---------------------------------------

WRONG_PASSWORD = "hunter2-wrong-password-9f3a"


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")
def test_send_test_result_masks_a_password_the_smtp_server_echoed(tmp_path: Path, serve: Any) -> None:
    smtp = _smtpserver()
    tried: list[bytes] = []

    def echoing(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> Any:
        """Refuse the login and, like some real servers, quote the credentials back in the 535 reply."""
        password = auth_data.password.decode() if isinstance(auth_data, smtp.LoginPassword) else "?"
        tried.append(password.encode())
        return smtp.AuthResult(success=False, handled=False,
                               message=f"535 5.7.8 Authentication failed for composer/{password}")

    from aiosmtpd.controller import Controller

    controller = Controller(smtp.Sink(), hostname="127.0.0.1", port=smtp.free_port(), ready_timeout=10,
                            authenticator=echoing, auth_required=True, auth_require_tls=False)
    controller.start()
    try:
        settings = make_settings(tmp_path / "outbox", delivery="smtp", smtp_host="127.0.0.1",
                                 smtp_port=controller.port, smtp_security="none", smtp_timeout=5.0,
                                 smtp_username="composer", smtp_password=Secret(WRONG_PASSWORD))
        item = compose_item(write_article(tmp_path / "src"), settings)
        server = serve(settings)
        _send_test(server, item.name)
        status, _h, body = request(server, "GET", f"/item/{item.name}")
    finally:
        controller.stop()
    text = body.decode()
    assert tried and set(tried) == {WRONG_PASSWORD.encode()}  # real logins (PLAIN, LOGIN), refused with the echo
    assert status == 200 and 'id="send-result"' in text
    result = html.unescape(re.search(r'id="send-result".*?</', text, re.S).group(0))
    assert "535" in result and "composer/***" in result  # the server's words, secret masked
    assert WRONG_PASSWORD not in text and WRONG_PASSWORD[:12] not in text


# -- (b) planted symlinks, FIFOs and folders inside an item -----------------------------------------

@pytest.fixture
def planted(tmp_path: Path, serve: Any) -> tuple[Any, Any, Path]:
    settings = make_settings(tmp_path / "outbox", delivery="memory")
    item = compose_item(write_article(tmp_path / "src"), settings)
    secret = tmp_path / "private" / "id_ed25519"
    secret.parent.mkdir()
    secret.write_text("-----BEGIN OPENSSH PRIVATE KEY----- TOPSECRET\n")
    return serve(settings), item, secret


def _plant_symlink(item: Any, name: str, target: Path) -> None:
    path = item.path / name
    if path.exists() or path.is_symlink():
        path.unlink()
    os.symlink(target, path)


@pytest.mark.parametrize("name", ["posts.json", "newsletter.txt", "manifest.json", "meta.html", "oembed.json"])
def test_raw_views_never_follow_a_symlink_inside_the_item(planted: Any, name: str) -> None:
    server, item, secret = planted
    if name == "manifest.json":
        assert request(server, "GET", f"/item/{item.name}/raw/{name}")[0] == 200
        # a symlinked manifest makes the whole item unknown, so every route is 404
        (item.path / "manifest.real").write_bytes((item.path / name).read_bytes())
        _plant_symlink(item, name, item.path / "manifest.real")
        assert request(server, "GET", f"/item/{item.name}")[0] == 404
    else:
        _plant_symlink(item, name, secret)
    status, _headers, body = request(server, "GET", f"/item/{item.name}/raw/{name}")
    assert status == 404 and b"TOPSECRET" not in body
    if name != "manifest.json":
        status, _headers, body = request(server, "GET", f"/item/{item.name}")
        assert status == 200 and b"TOPSECRET" not in body


def test_a_symlink_to_a_file_in_the_same_item_is_refused_too(planted: Any) -> None:
    """Not only links that leave the folder: the rule is "a regular file directly inside"."""
    server, item, _secret = planted
    _plant_symlink(item, "posts.json", item.path / "article.json")
    assert request(server, "GET", f"/item/{item.name}/raw/posts.json")[0] == 404
    assert request(server, "GET", f"/item/{item.name}/raw/article.json")[0] == 200


def test_framed_views_and_the_eml_never_follow_a_symlink(planted: Any) -> None:
    server, item, secret = planted
    secret.write_text("<p>TOPSECRET</p>")
    for name in ("newsletter.eml", "newsletter.html", "embed.html"):
        _plant_symlink(item, name, secret)
    for path in ("newsletter.eml", "embed.html", "newsletter.html"):
        status, _headers, body = request(server, "GET", f"/item/{item.name}/{path}")
        assert status == 404 and b"TOPSECRET" not in body, path
    status, _headers, body = request(server, "GET", f"/item/{item.name}")
    assert status == 200 and b"TOPSECRET" not in body


def test_a_fifo_or_folder_in_place_of_a_file_is_refused_without_hanging(planted: Any) -> None:
    server, item, _secret = planted
    (item.path / "posts.json").unlink()
    os.mkfifo(item.path / "posts.json")  # a reader that opens it blocking would hang forever
    (item.path / "oembed.json").unlink()
    (item.path / "oembed.json").mkdir()
    start = time.monotonic()
    assert request(server, "GET", f"/item/{item.name}/raw/posts.json")[0] == 404
    assert request(server, "GET", f"/item/{item.name}/raw/oembed.json")[0] == 404
    assert request(server, "GET", f"/item/{item.name}")[0] == 200
    assert time.monotonic() - start < 5


def test_send_test_does_not_mail_a_symlinked_email_part(planted: Any) -> None:
    from composer.delivery import memory

    server, item, secret = planted
    memory.outbox.clear()
    _plant_symlink(item, "email.html", secret)
    _send_test(server, item.name)
    assert memory.outbox == []
    status, _h, body = request(server, "GET", f"/item/{item.name}")
    assert status == 200 and "no readable email.html" in body.decode() and b"TOPSECRET" not in body
