"""Corrections a user gives on the command line: ``--title``, ``--authors``, ``--published``.

The pasted-text reader takes the wrong headline on some pages it never saw, and that headline
names the outbox folder, the subject and every post; the user's word must win everywhere, and
a bad value must stop the run before anything is read or written.
"""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

import pytest

from composer.cli import main

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "paste"
BEES = str(FIXTURES / "newspaper-bees.txt")
LUZ = str(FIXTURES / "spanish-luz.txt")


def _json_lines(capsys: pytest.CaptureFixture[str]) -> list[dict]:
    return [json.loads(line) for line in capsys.readouterr().out.splitlines() if line.strip()]


def test_parse_takes_the_given_title_authors_and_date(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", BEES]) == 0
    found = _json_lines(capsys)[0]
    assert main(["parse", BEES, "--title", "  Bees return to  the city ", "--authors", "Ann Lee; Bo Kim",
                 "--published", "2025-03-14"]) == 0
    given = _json_lines(capsys)[0]
    assert given["title"] == "Bees return to the city" != found["title"]
    assert given["authors"] == ["Ann Lee", "Bo Kim"]
    assert given["published"] == "2025-03-14"
    assert given["body"] == found["body"]  # only what was given changes


def test_authors_by_comma_or_semicolon_and_none_by_dash(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", BEES, "--authors", "Ann Lee, Bo Kim"]) == 0
    assert _json_lines(capsys)[0]["authors"] == ["Ann Lee", "Bo Kim"]
    assert main(["parse", BEES, "--authors", "Martin Luther King, Jr.; Ann Lee"]) == 0
    assert _json_lines(capsys)[0]["authors"] == ["Martin Luther King, Jr.", "Ann Lee"]
    assert main(["parse", BEES, "--authors", "-", "--published", "-"]) == 0
    article = _json_lines(capsys)[0]
    assert article["authors"] == [] and article["published"] is None


def test_a_time_with_its_offset_is_kept(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", BEES, "--published", "2025-03-14T09:30+01:00"]) == 0
    assert _json_lines(capsys)[0]["published"] == "2025-03-14T09:30:00+01:00"


def test_once_per_source_in_order_and_empty_keeps_the_readers(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", BEES, LUZ]) == 0
    found = [a["title"] for a in _json_lines(capsys)]
    assert main(["parse", BEES, LUZ, "--title", "", "--title", "La luz sube"]) == 0
    assert [a["title"] for a in _json_lines(capsys)] == [found[0], "La luz sube"]


def test_compose_names_the_item_and_writes_the_embeds_from_the_given_title(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    outbox = tmp_path / "out"
    assert main(["compose", BEES, "--outbox", str(outbox), "--title", "Bees return to the city",
                 "--published", "2024-06-01"]) == 0
    item = Path(capsys.readouterr().out.strip())
    assert item.name == "2024-06-01-bees-return-to-the-city"
    message = email.message_from_bytes((item / "newsletter.eml").read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "Bees return to the city"
    assert '<meta property="og:title" content="Bees return to the city"' in (item / "meta.html").read_text()
    assert json.loads((item / "oembed.json").read_text(encoding="utf-8"))["title"] == "Bees return to the city"


@pytest.mark.parametrize(("args", "message"), [
    (["--title", "Bees\r\nBcc: all@example.org"], "--title holds a line break"),
    (["--authors", "Ann Lee\nBo Kim"], "--authors holds a line break"),
    (["--authors", "Ann Lee,,Bo Kim"], "--authors 'Ann Lee,,Bo Kim' has an empty name"),
    (["--published", "14 March 2025"], "--published '14 March 2025' is not an ISO 8601 date"),
    (["--published", "2025-02-30"], "is not an ISO 8601 date"),
    (["--title", "A", "--title", "B"], "2 --title for 1 SOURCEs"),
])
@pytest.mark.parametrize("verb", ["parse", "summarize", "posts", "compose"])
def test_a_bad_correction_is_one_line_exit_2_and_nothing_written(
        verb: str, args: list[str], message: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main([verb, BEES, "--outbox", str(tmp_path / "o"), *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert message in captured.err and len(captured.err.strip().splitlines()) == 1
    assert not (tmp_path / "o").exists()
