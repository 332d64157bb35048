"""Open Graph locales kept between runs are babel's own answers (dates and name lists are tested
through the newsletter's ``format_date`` and ``format_names``)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from composer import cldr

TAGS = ["en", "pt-BR", "de", "de-AT", "sr-Latn", "zh-Hant", "ar", "und", "zz", "x-klingon", "en_GB", "ja"]


def test_og_locales_are_stored_as_babel_gives_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPOSER_CACHE", raising=False)
    monkeypatch.setattr(cldr, "_recipes", None)
    expected = [None if tag == "und" else cldr._og_locale(tag) for tag in TAGS]
    assert expected[:3] == ["en_US", "pt_BR", "de_DE"] and expected[8] is None
    assert [cldr.og_locale(tag) for tag in TAGS] == expected
    monkeypatch.setattr(cldr, "_recipes", None)  # a new process: read back from the file
    stored = json.loads(next((tmp_path / "cache" / "composer" / "babel").glob("cldr-*.json")).read_text("utf-8"))
    assert stored["og:de"] == "de_DE" and stored["og:zz"] is None
    assert [cldr.og_locale(tag) for tag in TAGS] == expected


def test_a_damaged_store_is_not_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("COMPOSER_CACHE", raising=False)
    monkeypatch.setattr(cldr, "_recipes", None)
    path = cldr._path()
    assert path is not None
    path.write_text(json.dumps({"og:de": ["not", "a", "locale"], "de": {"tokens": "nonsense"},
                                "list:de": {"start": 1}}), encoding="utf-8")
    assert cldr.og_locale("de") == "de_DE"
    import datetime as dt

    assert cldr.format_long_date(dt.date(2025, 3, 14), "de") == "14. März 2025"
    assert cldr.format_name_list(["A", "B", "C"], "de") == "A, B und C"
