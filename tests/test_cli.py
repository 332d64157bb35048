"""The CLI as users drive it: real subprocesses for exit codes and streams, in-process for speed."""

from __future__ import annotations

import email
import json
import os
import subprocess
import sys
from email import policy
from pathlib import Path

import pytest

from composer.cli import main
from tests.conftest import EXAMPLES, REPO

EXAMPLE = EXAMPLES / "riverside-library.txt"
ITEM_FILES = {"article.json", "summary.json", "newsletter.mjml", "newsletter.html", "newsletter.txt", "email.html", "email.txt",
              "newsletter.eml", "posts.json", "embed.html", "oembed.json", "meta.html", "manifest.json"}


def run_cli(*args: str, stdin: bytes | None = None, cwd: Path | None = None, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(REPO / "compose.py"), *args], input=stdin, capture_output=True,
                          cwd=cwd, env={**os.environ, **(env or {})}, timeout=120)


def test_compose_writes_one_complete_item(tmp_path: Path) -> None:
    out = tmp_path / "box"
    proc = run_cli("compose", str(EXAMPLE), "--outbox", str(out))
    assert proc.returncode == 0, proc.stderr.decode()
    item = Path(proc.stdout.decode().strip())
    assert item.parent == out.resolve() and item.name == "2025-03-14-riverside-library-reopens-after-two-year-rebuild-with-solar"
    assert {p.name for p in item.iterdir()} == ITEM_FILES
    manifest = json.loads((item / "manifest.json").read_text())
    assert set(manifest["files"]) == ITEM_FILES - {"manifest.json"}
    assert manifest["sources"] == [str(EXAMPLE)] and manifest["kind"] == "single"
    msg = email.message_from_bytes((item / "newsletter.eml").read_bytes(), policy=policy.default)
    assert msg.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in msg.iter_parts()] == ["text/plain", "text/html"]
    assert msg["Date"] and msg["Message-ID"] and msg["From"]
    assert msg["Subject"] == "Riverside library reopens after two-year rebuild with solar roof and late-night study hall"
    posts = json.loads((item / "posts.json").read_text())
    assert {"x", "bluesky", "mastodon", "threads", "linkedin"} <= set(posts)
    assert not [p for p in out.iterdir() if p.name.startswith(".")]  # no temp folders left


def test_compose_json_output_and_digest(tmp_path: Path) -> None:
    out = tmp_path / "box"
    a = tmp_path / "a.json"
    a.write_text(json.dumps({"title": "Second story", "language": "en",
                             "body": [{"type": "paragraph", "text": "The second story has a body of its own. " * 5}]}))
    assert main(["compose", str(EXAMPLE), str(a), "--digest", "--subject", "Weekly  digest", "--outbox", str(out), "--json"]) == 0
    items = list(out.iterdir())
    assert len(items) == 1
    manifest = json.loads((items[0] / "manifest.json").read_text())
    assert manifest["kind"] == "digest" and manifest["subject"] == "Weekly  digest"
    html = (items[0] / "newsletter.html").read_text()
    assert "Second story" in html and "Riverside library" in html


def test_parse_prints_json_lines_for_several_sources(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    j = tmp_path / "b.json"
    j.write_text(json.dumps({"title": None, "body": [{"type": "paragraph", "text": "Text without title."}]}))
    assert main(["parse", str(EXAMPLE), str(j)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2
    first, second = (json.loads(line) for line in lines)
    assert first["title"].startswith("Riverside library reopens") and first["authors"] == ["Maren Holt", "Tomas Reyes"]
    assert second["title"] is None


def test_summarize_prints_summary_shape(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["summarize", str(EXAMPLE)]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert set(summary) == {"title", "tldr", "summary", "key_points", "keywords", "hashtags", "language", "reading_time_min"}
    assert 3 <= len(summary["key_points"]) <= 5 and summary["language"] == "en"


def test_stdin_source() -> None:
    proc = run_cli("parse", "-", stdin=EXAMPLE.read_bytes())
    assert proc.returncode == 0, proc.stderr.decode()
    assert json.loads(proc.stdout)["source"]["path"] == "-"


@pytest.mark.parametrize(
    "content, fragment",
    [
        (b"", b"is empty"),
        (b"   \n\n  \t\n", b"is empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", b"binary"),
        (b"Home\nNews\nSport\nShare this article\nFollow us\nPrivacy policy\nCookie settings\n", b"article"),
    ],
    ids=["empty", "blank", "binary", "only-boilerplate"],
)
def test_bad_input_is_one_line_exit_2_and_nothing_written(tmp_path: Path, content: bytes, fragment: bytes) -> None:
    src = tmp_path / "bad.txt"
    src.write_bytes(content)
    out = tmp_path / "box"
    proc = run_cli("compose", str(src), "--outbox", str(out))
    assert proc.returncode == 2
    assert proc.stderr.count(b"\n") == 1 and proc.stderr.startswith(b"compose: ") and fragment in proc.stderr
    assert b"Traceback" not in proc.stderr and proc.stdout == b""
    assert not out.exists() or not list(out.iterdir())


def test_missing_path_and_directory(tmp_path: Path) -> None:
    proc = run_cli("compose", str(tmp_path / "nope.txt"), "--outbox", str(tmp_path / "box"))
    assert proc.returncode == 2 and b"no such file" in proc.stderr and not (tmp_path / "box").exists()
    proc = run_cli("parse", str(tmp_path))
    assert proc.returncode == 2 and b"is a directory" in proc.stderr


def test_unwritable_outbox(tmp_path: Path) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("a file, not a folder")
    proc = run_cli("compose", str(EXAMPLE), "--outbox", str(blocker / "box"))
    assert proc.returncode == 2 and b"--outbox" in proc.stderr and b"Traceback" not in proc.stderr


def test_debug_shows_traceback(tmp_path: Path) -> None:
    proc = run_cli("parse", str(tmp_path / "nope.txt"), "--debug")
    assert proc.returncode == 2 and b"Traceback" in proc.stderr


def test_usage_errors_exit_2() -> None:
    assert run_cli().returncode == 2
    assert run_cli("compose").returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_env_file_settings_reach_the_message(tmp_path: Path) -> None:
    (tmp_path / ".env").write_text('MAIL_FROM="Riverside Daily <news@riverside.example>"\nBRAND_NAME="Riverside Daily"\n')
    proc = run_cli("compose", str(EXAMPLE), "--outbox", "box", cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr.decode()
    item = Path(proc.stdout.decode().strip())
    if not item.is_absolute():
        item = tmp_path / item
    msg = email.message_from_bytes((item / "newsletter.eml").read_bytes(), policy=policy.default)
    assert msg["From"].addresses[0].addr_spec == "news@riverside.example"
    assert "Riverside Daily" in (item / "newsletter.html").read_text()


@pytest.mark.parametrize("where", ["before", "after", "both"])
def test_global_options_count_before_and_after_the_verb(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                        where: str) -> None:
    """`compose --outbox X status` must look in X, not in the default outbox."""
    outbox = tmp_path / "elsewhere"
    assert main(["compose", str(EXAMPLES / "riverside-library.txt"), "--outbox", str(outbox)]) == 0
    capsys.readouterr()
    args = {"before": ["--outbox", str(outbox), "status"], "after": ["status", "--outbox", str(outbox)],
            "both": ["--outbox", str(tmp_path / "nowhere"), "status", "--outbox", str(outbox)]}[where]
    assert main(args) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.startswith("1 item") and first.endswith(f" in {outbox}:")


def test_help_lists_every_verb_without_importing_them() -> None:
    code = ("import sys, contextlib, io\nfrom composer.cli import COMMANDS, main\n"
            "with contextlib.redirect_stdout(io.StringIO()) as out:\n"
            "    try: main(['--help'])\n    except SystemExit: pass\n"
            "missing = [v for v in COMMANDS if v not in out.getvalue()]\n"
            "loaded = sorted(m for m in sys.modules if m.startswith('composer.commands.') and m != 'composer.commands.common')\n"
            "print(missing, loaded)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip()
    assert out == "[] []"


@pytest.mark.parametrize("columns", [None, "50", "203", "0", "wide"])
def test_help_is_laid_out_as_argparse_would_for_the_terminal_width(monkeypatch: pytest.MonkeyPatch,
                                                                   columns: str | None) -> None:
    """The help formatter finds the width without shutil; the text must be argparse's own."""
    import argparse
    import shutil

    from composer.cli import build_parser

    if columns is None:
        monkeypatch.delenv("COLUMNS", raising=False)
    else:
        monkeypatch.setenv("COLUMNS", columns)
    ours = build_parser()
    theirs = build_parser()
    theirs.formatter_class = argparse.HelpFormatter  # asks shutil.get_terminal_size()
    assert ours.format_help() == theirs.format_help()
    assert ours._get_formatter()._width == shutil.get_terminal_size().columns - 2


EXIT_PROBE = """
import atexit, gc, sys
atexit.register(lambda: print("frozen" if gc.get_freeze_count() else "not frozen"))
from composer.cli import main
if sys.argv[1] == "program":
    sys.argv[1:] = ["count", "--network", "x", "hello"]
    main()
else:
    main(["count", "--network", "x", "hello"])
"""


@pytest.mark.parametrize(("how", "expected"), [("program", "frozen"), ("call", "not frozen")])
def test_only_the_program_spares_the_exit_collection(how: str, expected: str) -> None:
    """As the program, main freezes the objects alive at the end so that the interpreter's last
    collection skips them; a caller that goes on running keeps its collector untouched."""
    out = subprocess.run([sys.executable, "-c", EXIT_PROBE, how], capture_output=True, text=True, cwd=REPO, check=True)
    assert out.stdout.strip().splitlines()[-1] == expected


HELP_PROBE = """
import sys
sys.argv = ["compose", sys.argv[1]]
from composer.cli import main
code = main()
print("ARGPARSE" if "argparse" in sys.modules else "NO-ARGPARSE", code, file=sys.stderr)
"""


def _help(tmp_path: Path, flag: str = "--help", **env_extra: str) -> tuple[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "COMPOSER_CACHE"}
    env.update({"XDG_CACHE_HOME": str(tmp_path / "cache"), "COLUMNS": "100", **env_extra})
    out = subprocess.run([sys.executable, "-c", HELP_PROBE, flag], capture_output=True, text=True, env=env,
                         cwd=REPO, check=True)
    return out.stdout, out.stderr.strip()


def _argparse_help(columns: int) -> str:
    script = "from composer.cli import build_parser; print(build_parser().format_help(), end='')"
    env = {**os.environ, "COLUMNS": str(columns)}
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, cwd=REPO,
                          check=True).stdout


def test_help_is_argparse_s_text_and_then_comes_from_the_cache(tmp_path: Path) -> None:
    expected = _argparse_help(100)
    assert _help(tmp_path) == (expected, "ARGPARSE 0")  # built, printed and kept
    assert _help(tmp_path) == (expected, "NO-ARGPARSE 0")  # from the cache: no argparse imported
    assert _help(tmp_path, "-h") == (expected, "NO-ARGPARSE 0")


def test_kept_help_follows_the_terminal_width(tmp_path: Path) -> None:
    _help(tmp_path)
    assert _help(tmp_path, COLUMNS="60") == (_argparse_help(60), "ARGPARSE 0")
    assert _help(tmp_path, COLUMNS="60")[1] == "NO-ARGPARSE 0"


def test_help_with_caching_off_is_built_each_time(tmp_path: Path) -> None:
    for _ in range(2):
        assert _help(tmp_path, COMPOSER_CACHE="off") == (_argparse_help(100), "ARGPARSE 0")
    assert not (tmp_path / "cache" / "composer" / "help").exists()
