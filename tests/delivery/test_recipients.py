"""Subscriber CSVs: forgiving about format, exact about which rows cannot be used and why."""

from __future__ import annotations

import codecs
import time
from pathlib import Path

import pytest

from composer.delivery.recipients import Problem, Subscriber, iter_subscribers, load_subscribers
from composer.errors import InputError


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_columns_and_reports_problems_with_line_numbers(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "Email, Name ,City\n"
                 "ann@example.com,Ann,Köln\n"
                 "\n"
                 "not-an-email,X,Y\n"
                 "ANN@example.com,Ann again,Z\n"
                 ",NoEmail,Z\n"
                 "bob@example.com,\"Bob\nSecond line\",Paris\n"
                 "cy@example.org\n")
    good, bad = load_subscribers(path)
    assert [(s.email, s.line) for s in good] == [("ann@example.com", 2), ("bob@example.com", 7), ("cy@example.org", 9)]
    assert good[0].fields == {"email": "ann@example.com", "name": "Ann", "city": "Köln"}
    assert good[1].name == "Bob\nSecond line"  # kept: personalisation refuses it for the header, per reader
    assert good[2].fields["name"] == ""
    assert [(p.line, p.duplicate) for p in bad] == [(4, False), (5, True), (6, False)]
    assert str(bad[0]) == "line 4: 'not-an-email' is not a valid email address"
    assert "duplicate of line 2" in str(bad[1])
    assert "no email address" in str(bad[2])


def test_bom_semicolons_and_windows_1252(tmp_path: Path) -> None:
    bom = write(tmp_path / "bom.csv", "\ufeffemail;name\r\nann@example.com;Zoë\r\n")
    assert [s.fields for s in load_subscribers(bom)[0]] == [{"email": "ann@example.com", "name": "Zoë"}]
    latin = write(tmp_path / "latin.csv", "email,name\nann@example.com,Zoë – café\n", encoding="cp1252")
    assert load_subscribers(latin)[0][0].name == "Zoë – café"
    utf16 = tmp_path / "u16.csv"
    utf16.write_bytes(codecs.BOM_UTF16_LE + "email,name\nann@example.com,Ann\n".encode("utf-16-le"))
    assert load_subscribers(utf16)[0][0].email == "ann@example.com"


@pytest.mark.parametrize(("text", "message"), [
    ("", "empty"),
    ("\n\n", "empty"),
    ("ann@example.com,Ann\n", "looks like data"),
    ("mail,name\nann@example.com,Ann\n", "no 'email' column"),
])
def test_file_level_problems(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_subscribers(write(tmp_path / "s.csv", text))


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such subscribers file"):
        list(iter_subscribers(tmp_path / "nope.csv"))


def test_too_many_columns_is_reported(tmp_path: Path) -> None:
    path = write(tmp_path / "s.csv", "email,name\nann@example.com,Lee, Ann\nbob@example.com,Bob,\n")
    good, bad = load_subscribers(path)
    assert [s.email for s in good] == ["bob@example.com"]
    assert bad[0].line == 2 and "quote values" in bad[0].reason


def test_streams_a_large_list(tmp_path: Path) -> None:
    path = tmp_path / "big.csv"
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("email,name\n")
        for i in range(100_000):
            fh.write(f"reader{i}@example.com,Reader {i}\n")
    start = time.perf_counter()
    rows = iter_subscribers(path)
    first = next(rows)
    assert isinstance(first, Subscriber) and first.line == 2
    count = 1 + sum(1 for r in rows if not isinstance(r, Problem))
    assert count == 100_000
    assert time.perf_counter() - start < 10
