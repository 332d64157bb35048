"""The outbox: a folder of composed items, each written atomically with a manifest.

An item is built in a hidden temporary folder next to its final place and renamed into
position once every file (and the manifest with their SHA-256) is on disk and fsynced. A reader
— the preview server, a scheduled worker, a person with ``ls`` — therefore sees either no item
or a complete one, never half of one, even if composer is killed mid-write.

Folder names come from a sanitised slug and are checked to resolve inside the outbox, so no
article title can write outside it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from composer import regexcache as rx
from composer.errors import InputError, OutboxError

MANIFEST = "manifest.json"
MANIFEST_VERSION = 1
_TMP_PREFIX = ".tmp-"
_NAME = rx.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*$")


def slugify_title(title: str | None, max_length: int = 60) -> str:
    """A lowercase ASCII slug for a folder name; ``article`` when nothing usable is left."""
    with rx.stored_compiles():  # python-slugify compiles its patterns as it loads
        from slugify import slugify

    slug = slugify(title or "", max_length=max_length, word_boundary=True, save_order=True) if title else ""
    slug = re.sub(r"[^a-z0-9-]", "", slug.lower()).strip("-")
    return slug or "article"


def item_name(title: str | None, date: str | None, today: dt.date | None = None) -> str:
    """``YYYY-MM-DD-slug`` from the published date (else today) and the title."""
    day = None
    if date:
        with contextlib.suppress(ValueError):
            day = dt.date.fromisoformat(date[:10])
    if day is None:
        day = today or dt.date.today()
    return f"{day.isoformat()}-{slugify_title(title)}"


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):  # not every filesystem allows it (e.g. some network mounts)
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _write_file(path: Path, data: bytes) -> None:
    with open(path, "xb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def write_atomic(path: Path, data: bytes) -> None:
    """Replace one file atomically: temp file in the same folder, fsync, rename, fsync folder."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _fsync_dir(path.parent)


def read_manifest(folder: Path, *, strict: bool = False) -> dict[str, Any] | None:
    """The manifest of the item in ``folder``, or None when it is missing, unreadable or not an object.

    Listing the outbox skips such folders (a foreign folder, a half-deleted item); ``strict``
    is for a folder the user named, where an unreadable manifest is their problem to fix.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        if strict:
            raise InputError(f"{folder}: the item's manifest is unreadable ({exc})") from exc
        return None
    if not isinstance(manifest, dict):
        if strict:
            raise InputError(f"{folder}: the item's manifest is not a JSON object")
        return None
    return manifest


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Item:
    """A composed item on disk."""

    path: Path
    manifest: dict[str, Any]

    @property
    def name(self) -> str:
        return self.path.name

    def read(self, filename: str) -> bytes:
        if filename not in self.manifest.get("files", {}):
            raise InputError(f"{self.path}: the item has no file {filename!r}")
        return (self.path / filename).read_bytes()

    def read_text(self, filename: str) -> str:
        return self.read(filename).decode("utf-8")

    def verify(self) -> list[str]:
        """Names of files whose content no longer matches the manifest (empty when intact)."""
        bad = []
        for name, digest in self.manifest.get("files", {}).items():
            try:
                if sha256((self.path / name).read_bytes()) != digest:
                    bad.append(name)
            except OSError:
                bad.append(name)
        return bad


class Outbox:
    """A folder of items. Creating an ``Outbox`` does not touch the disk; writing does."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    def _ensure_root(self) -> Path:
        try:
            self.root.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise OutboxError(f"cannot create the outbox {self.root} ({exc.strerror}); choose another with --outbox") from exc
        if not self.root.is_dir():
            raise OutboxError(f"the outbox {self.root} is not a folder; choose another with --outbox")
        if not os.access(self.root, os.W_OK | os.X_OK):
            raise OutboxError(f"the outbox {self.root} is not writable; fix its permissions or use --outbox DIR")
        return self.root.resolve()

    def _inside(self, root: Path, name: str) -> Path:
        if not _NAME.match(name):
            raise OutboxError(f"refusing item name {name!r}: not a sanitised YYYY-MM-DD-slug")
        target = (root / name).resolve()
        if target.parent != root:
            raise OutboxError(f"refusing item path {target}: it is outside the outbox {root}")
        return target

    def free_name(self, name: str) -> str:
        """``name``, or ``name-2``, ``name-3``… — the first that no item uses yet.

        Chosen before rendering because the name appears inside the item (web archive link,
        Message-ID); ``write_item`` still refuses to overwrite if another process wins a race.
        """
        return self._free_name(self._ensure_root(), name)

    def _free_name(self, root: Path, name: str) -> str:
        candidate, n = name, 1
        while self._inside(root, candidate).exists():
            n += 1
            candidate = f"{name}-{n}"
        return candidate

    def write_item(
        self,
        name: str,
        files: Mapping[str, bytes],
        meta: Mapping[str, Any] | None = None,
        *,
        replace: bool = False,
        keep: Sequence[str] = (),
        now: dt.datetime | None = None,
    ) -> Item:
        """Write ``files`` as a new item called ``name`` (``name-2``… if taken) and return it.

        With ``replace=True`` an existing item of that name is swapped for the new one (used by
        the preview's live reload); the swap goes through renames, so readers never see an item
        with half its files. ``keep`` names sub-folders of the old item carried into the new one
        (``sent``: the messages the outbox adapter already wrote).
        """
        root = self._ensure_root()
        for fname in files:
            if "/" in fname or "\\" in fname or fname.startswith(".") or fname == MANIFEST:
                raise OutboxError(f"refusing file name {fname!r} in an outbox item")
        created = (now or dt.datetime.now(dt.UTC)).isoformat(timespec="seconds")
        manifest = {
            "version": MANIFEST_VERSION,
            "name": name,
            "created": created,
            "state": "composed",
            **(dict(meta) if meta else {}),
            "files": {fname: sha256(data) for fname, data in sorted(files.items())},
        }
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}{name[:40]}-", dir=root))
        except OSError as exc:
            raise OutboxError(f"cannot write in the outbox {root} ({exc.strerror})") from exc
        moved: list[str] = []  # kept sub-folders, put back if the swap fails
        try:
            for fname, data in files.items():
                _write_file(tmp / fname, data)
            final_name = name if replace else self._free_name(root, name)
            target = self._inside(root, final_name)
            manifest["name"] = final_name
            _write_file(tmp / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
            _fsync_dir(tmp)
            old = None
            for sub in keep if replace else ():
                if "/" in sub or sub.startswith(".") or sub in files or sub == MANIFEST:
                    raise OutboxError(f"refusing to keep {sub!r} of an outbox item")
                if (target / sub).is_dir():
                    os.rename(target / sub, tmp / sub)
                    moved.append(sub)
            if replace and target.exists():
                # Swap by renames only: a reader sees the old item, the new one or (for an instant)
                # none, never half of one.
                old = Path(tempfile.mkdtemp(prefix=f"{_TMP_PREFIX}old-", dir=root))
                os.replace(target, old / "item")
            os.rename(tmp, target)
            if old is not None:
                shutil.rmtree(old, ignore_errors=True)
            _fsync_dir(root)
        except OSError as exc:
            _put_back(tmp, root / name, moved)
            shutil.rmtree(tmp, ignore_errors=True)
            raise OutboxError(f"cannot write the item into {root} ({exc.strerror or exc})") from exc
        except BaseException:
            _put_back(tmp, root / name, moved)
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        return Item(path=target, manifest=manifest)

    def items(self) -> Iterator[Item]:
        """Complete items, newest name first; temp folders and foreign folders are skipped."""
        if not self.root.is_dir():
            return
        for child in sorted(self.root.iterdir(), key=lambda p: p.name, reverse=True):
            if child.name.startswith(".") or not child.is_dir():
                continue
            manifest = read_manifest(child)
            if manifest is not None:
                yield Item(path=child, manifest=manifest)

    def get(self, ref: str) -> Item:
        """An item by folder name or by path (inside this outbox or anywhere else)."""
        path = Path(ref)
        candidates = [path] if (path.is_absolute() or os.sep in ref or path.exists()) else []
        candidates.append(self.root / ref)
        for cand in candidates:
            if (cand / MANIFEST).is_file():
                manifest = read_manifest(cand, strict=True)
                assert manifest is not None  # strict: unreadable raises
                return Item(path=cand.resolve(), manifest=manifest)
        raise InputError(f"{ref}: no such outbox item (see `compose status` for the list)")

    def update_manifest(self, item: Item, **changes: Any) -> Item:
        """Change manifest fields (e.g. ``state``) atomically; file hashes are not touchable here."""
        changes.pop("files", None)
        manifest = {**item.manifest, **changes}
        write_atomic(item.path / MANIFEST, (json.dumps(manifest, ensure_ascii=False, indent=2) + "\n").encode())
        return Item(path=item.path, manifest=manifest)


def _put_back(tmp: Path, target: Path, moved: Sequence[str]) -> None:
    """Return sub-folders carried into a new item whose swap failed to the old item."""
    for sub in moved:
        with contextlib.suppress(OSError):
            if target.is_dir() and (tmp / sub).is_dir():
                os.rename(tmp / sub, target / sub)
