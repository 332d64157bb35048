from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pytest

from composer.errors import OutboxError
from composer.outbox import Outbox, item_name, sha256, slugify_title


def test_item_name_from_published_date_else_today() -> None:
    assert item_name("Who is NATO's new chief?", "2024-06-26T10:00:00+02:00") == "2024-06-26-who-is-nato-s-new-chief"
    assert item_name("Über die Brücke", None, today=dt.date(2025, 1, 2)) == "2025-01-02-uber-die-brucke"
    assert item_name(None, "garbage", today=dt.date(2025, 1, 2)) == "2025-01-02-article"


@pytest.mark.parametrize("title", ["../../etc/passwd", "..", "/", "a/../../b", "\x00", "🙂🙂", "   "])
def test_slugs_never_escape(title: str) -> None:
    slug = slugify_title(title)
    assert "/" not in slug and ".." not in slug and slug


def test_write_item_is_complete_with_manifest(tmp_path: Path) -> None:
    box = Outbox(tmp_path / "box")
    item = box.write_item("2025-03-12-a", {"a.txt": b"hello", "b.json": b"{}"}, {"kind": "single"})
    assert sorted(os.listdir(item.path)) == ["a.txt", "b.json", "manifest.json"]
    manifest = json.loads((item.path / "manifest.json").read_text())
    assert manifest["files"] == {"a.txt": sha256(b"hello"), "b.json": sha256(b"{}")}
    assert manifest["kind"] == "single" and manifest["state"] == "composed" and manifest["created"]
    assert item.verify() == []
    (item.path / "a.txt").write_bytes(b"tampered")
    assert item.verify() == ["a.txt"]
    assert [i.name for i in box.items()] == ["2025-03-12-a"]


def test_names_do_not_clash_and_replace_swaps(tmp_path: Path) -> None:
    box = Outbox(tmp_path)
    assert box.write_item("2025-03-12-a", {"x": b"1"}).name == "2025-03-12-a"
    assert box.free_name("2025-03-12-a") == "2025-03-12-a-2"
    assert box.write_item("2025-03-12-a", {"x": b"2"}).name == "2025-03-12-a-2"
    replaced = box.write_item("2025-03-12-a", {"x": b"3"}, replace=True)
    assert replaced.read("x") == b"3" and not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_failed_write_leaves_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    box = Outbox(tmp_path)
    import composer.outbox as ob

    calls = {"n": 0}
    real = ob._write_file

    def failing(path: Path, data: bytes) -> None:
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError(28, "No space left on device")
        real(path, data)

    monkeypatch.setattr(ob, "_write_file", failing)
    with pytest.raises(OutboxError, match="No space left"):
        box.write_item("2025-03-12-a", {"a": b"1", "b": b"2"})
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("name", ["../x", "2025-01-01-../../x", "x", "2025-01-01-A B"])
def test_unsanitised_names_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(OutboxError):
        Outbox(tmp_path).write_item(name, {"a": b"1"})


def test_unwritable_outbox_is_a_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    with pytest.raises(OutboxError, match="--outbox"):
        Outbox(blocker / "sub").write_item("2025-01-01-a", {"a": b"1"})
