"""The delivery verbs through the real CLI entry point: exit codes, summaries, status, secrets."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from composer.cli import main

ITEM = "2025-03-12-cli-issue"  # written by the env fixture (conftest.py)



def csv(tmp_path: Path, *rows: str) -> str:
    path = tmp_path / "subs.csv"
    path.write_text("email,name\n" + "\n".join(rows) + "\n")
    return str(path)


def test_send_to_outbox_then_resume_sends_nothing(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subs = csv(tmp_path, "ann@example.com,Ann", "bob@example.com,Bob")
    assert main(["send", ITEM, "--list", subs]) == 0
    err = capsys.readouterr().err
    assert "campaign #1 via outbox: 2 sent, 0 deferred, 0 failed" in err
    assert "\r[" not in err  # no progress bar when stderr is not a terminal
    assert len(list((env / ITEM / "sent" / "1").glob("*.eml"))) == 2
    assert main(["send", ITEM, "--list", subs]) == 0
    assert "2 sent" in capsys.readouterr().err


def test_failures_give_exit_1_and_name_the_readers(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subs = csv(tmp_path, "ann@example.com,Ann", "broken-address,X", '"eve@example.com","Eve\nBcc: x@example.net"')
    assert main(["send", ITEM, "--list", subs]) == 1
    err = capsys.readouterr().err
    assert "1 sent, 0 deferred, 2 failed" in err
    assert "failed   broken-address: line 3: 'broken-address' is not a valid email address" in err
    assert "failed   eve@example.com: the name of eve@example.com contains a line break" in err


def test_dry_run_records_nothing(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subs = csv(tmp_path, "ann@example.com,Ann", "ann@example.com,Dup")
    assert main(["send", ITEM, "--list", subs, "--dry-run"]) == 0
    err = capsys.readouterr().err
    assert "dry run: 1 message would be sent via outbox; 1 duplicate skipped" in err
    assert "line 3: ann@example.com is a duplicate of line 2" in err
    assert not (env / ITEM / "sent").exists() and not (env / "delivery.sqlite3").exists()


@pytest.mark.parametrize(("argv", "message"), [
    (["send", ITEM], "--to ADDRESS"),
    (["send", ITEM, "--to", "a@example.com", "--list", "x.csv"], "not both"),
    (["send", ITEM, "--to", "not an address"], "not an email address"),
    (["send", "2025-01-01-missing", "--to", "a@example.com"], "no such outbox item"),
    (["send", ITEM, "--list", "missing.csv"], "no such subscribers file"),
    (["schedule", ITEM, "--at", "2001-01-01 09:00", "--tz", "UTC", "--to", "a@example.com"], "in the past"),
    (["schedule", ITEM, "--at", "2999-01-01 09:00", "--to", "a@example.com"], "no time zone"),
    (["cancel", "42"], "no campaign #42"),
])
def test_bad_input_is_exit_2(env: Path, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(argv) == 2
    assert message in capsys.readouterr().err


def test_smtp_none_to_remote_host_is_exit_2(env: Path, monkeypatch: pytest.MonkeyPatch,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SMTP_SECURITY", "none")
    monkeypatch.setenv("SMTP_HOST", "mail.example.org")
    assert main(["send", ITEM, "--to", "a@example.com", "--via", "smtp"]) == 2
    assert "loopback" in capsys.readouterr().err


def test_schedule_status_cancel_and_worker(env: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    subs = csv(tmp_path, "ann@example.com,Ann")
    assert main(["schedule", ITEM, "--at", "2999-03-12 09:00", "--tz", "Europe/Berlin", "--list", subs]) == 0
    out, err = capsys.readouterr()
    assert out.strip() == "1" and "scheduled campaign #1" in err and "2999-03-12T09:00+01:00" in err
    assert main(["status"]) == 0
    out = capsys.readouterr().out
    assert ITEM in out and "#1" in out and "scheduled at 2999-03-12T09:00+01:00" in out
    assert main(["worker", "--once"]) == 0  # nothing due
    assert main(["send", ITEM, "--list", subs]) == 2  # a scheduled campaign is not sent early
    assert "cancel it" in capsys.readouterr().err
    assert main(["cancel", "1"]) == 0
    assert main(["cancel", "1"]) == 2  # already cancelled
    assert main(["status", ITEM, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["campaigns"][0]["state"] == "cancelled"
    assert data["campaigns"][0]["recipients"][0]["email"] == "ann@example.com"
    assert main(["send", ITEM, "--list", subs]) == 0  # a fresh campaign after the cancelled one


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Refuse:
    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, ANN201
        return "250 OK"


def test_password_never_shown_even_with_debug(env: Path, monkeypatch: pytest.MonkeyPatch,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    password = "hunter2-very-secret"
    controller = Controller(_Refuse(), hostname="127.0.0.1", port=_free_port(), auth_require_tls=False,
                            authenticator=lambda *a: AuthResult(success=False, handled=False))
    controller.start()
    try:
        for key, value in {"SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(controller.port), "SMTP_SECURITY": "none",
                           "SMTP_USERNAME": "me", "SMTP_PASSWORD": password}.items():
            monkeypatch.setenv(key, value)
        assert main(["send", ITEM, "--to", "a@example.com", "--via", "smtp", "--debug"]) == 1
        out, err = capsys.readouterr()
        assert "refused the login" in err and "Traceback" in err
        assert password not in out + err
        assert main(["status", ITEM, "--json"]) == 0
        assert password not in capsys.readouterr().out
    finally:
        controller.stop()


def test_progress_bar_draws_only_when_enabled(capsys: pytest.CaptureFixture[str]) -> None:
    from composer.commands.delivery import Progress

    Progress(10, enabled=False)({"sent": 5}, force=True)
    assert capsys.readouterr().err == ""
    bar = Progress(10, enabled=True)
    bar({"sent": 4, "failed": 1, "deferred": 2}, force=True)
    bar.finish()
    err = capsys.readouterr().err
    assert err.startswith("\r[###############...............] 5/10") and "deferred 2" in err and err.endswith("\n")


def test_schedule_has_one_way_to_cancel(capsys: pytest.CaptureFixture[str]) -> None:
    """`cancel ID` is the only spelling: `schedule --cancel` was a duplicate and is refused as usage."""
    with pytest.raises(SystemExit) as exc:
        main(["schedule", "item", "--at", "2099-01-01T09:00Z", "--cancel", "1"])
    assert exc.value.code == 2
    assert "unrecognized arguments: --cancel 1" in capsys.readouterr().err
