"""Live reload: recompose an item when its templates or source article change, then tell pages.

Three small parts. :class:`EventHub` fans events out to the pages that are open (one queue per
server-sent-events connection). :func:`recompose` rebuilds an item in place from its recorded
sources through the real pipeline. :class:`Watcher` runs ``watchfiles`` in a thread and decides
which items a change touches: items open in a browser are recomposed at once, the others are
only marked *stale* and recomposed when their page is next opened — a template edit must not
re-render a whole outbox.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import queue
import re
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from composer.config import Settings
from composer.errors import ComposerError, InputError
from composer.outbox import Item
from composer.preview.campaigns import RECOMPOSABLE_STATES, item_campaigns

# Outbox entries that are items (not temp folders, the delivery database or its WAL files).
_ITEM_FOLDER = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9][a-z0-9-]*$")


class EventHub:
    """Per-item subscriber queues; ``publish`` never blocks on a slow page."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subs: dict[str, set[queue.Queue[tuple[str, str]]]] = {}
        self.closed = threading.Event()

    def subscribe(self, name: str) -> queue.Queue[tuple[str, str]]:
        q: queue.Queue[tuple[str, str]] = queue.Queue(maxsize=100)
        with self._lock:
            self._subs.setdefault(name, set()).add(q)
        return q

    def unsubscribe(self, name: str, q: queue.Queue[tuple[str, str]]) -> None:
        with self._lock:
            subs = self._subs.get(name)
            if subs is not None:
                subs.discard(q)
                if not subs:
                    del self._subs[name]

    def watched(self) -> set[str]:
        """Names of the items that have a page open right now."""
        with self._lock:
            return set(self._subs)

    def publish(self, name: str, event: str, data: str = "") -> int:
        with self._lock:
            subs = list(self._subs.get(name, ()))
        for q in subs:
            with contextlib.suppress(queue.Full):
                q.put_nowait((event, data))
        return len(subs)

    def close(self) -> None:
        self.closed.set()


def source_path(source: str, base: Path | None = None) -> Path | None:
    """The file a recorded source names, if it is a local file we can read again."""
    if not source or source == "-" or source == "digest" or "://" in source:
        return None
    p = Path(source).expanduser()
    if not p.is_absolute():
        p = (base or Path.cwd()) / p
    return p.resolve() if p.is_file() else None


def _subject_to_keep(item: Item, settings: Settings) -> str | None:
    """The subject to compose with: None when the old one was the default (so it follows the
    article), the recorded one when the user chose it with ``--subject``."""
    from composer.article import Article, Summary
    from composer.pipeline import default_subject

    subject = item.manifest.get("subject")
    if not subject:
        return None
    try:
        arts = json.loads((item.path / "article.json").read_text(encoding="utf-8"))
        sums = json.loads((item.path / "summary.json").read_text(encoding="utf-8"))
        if isinstance(arts, dict):
            arts, sums = [arts], [sums]
        articles = [Article.from_dict(a) for a in arts]
        summaries = [Summary.from_dict(s) for s in sums]
        default = default_subject(articles, summaries, settings, item.manifest.get("kind") == "digest")
    except (OSError, ValueError, TypeError, KeyError, IndexError, ComposerError):
        return str(subject)
    return None if default == subject else str(subject)


def _forget_compiled_templates(settings: Settings) -> None:
    """Drop the shared Jinja environment's compiled templates.

    Jinja re-checks a cached template's own file, but not whether a new file now shadows it
    (a user adding ``newsletter.txt.j2`` to ``--templates``), so a reload must start clean.
    """
    from composer.templating import make_env

    cache = getattr(make_env(settings.templates_dir), "cache", None)
    if cache is not None:
        cache.clear()


def recompose(item: Item, settings: Settings) -> Item:
    """Rebuild ``item`` in place from its sources with the current templates and settings.

    Refused for an item that is scheduled, being sent or sent (by manifest state or by a
    delivery campaign): what readers get must be what was reviewed.
    """
    from composer.corrections import Corrections
    from composer.ingest import load_article
    from composer.pipeline import compose_to_outbox

    state = str(item.manifest.get("state") or "")
    if state not in RECOMPOSABLE_STATES:
        raise InputError(f"{item.name} is {state}; it is not recomposed (compose a new item instead)")
    live = [c for c in item_campaigns(item, settings.database_url.reveal()) if c["state"] != "cancelled"]
    if live:
        raise InputError(f"{item.name} has delivery campaign {live[0]['label']}; it is not recomposed "
                         "(compose a new item instead)")
    sources = [str(s) for s in item.manifest.get("sources") or []]
    if not sources:
        raise InputError(f"{item.name} records no sources; it cannot be recomposed")
    paths = []
    for src in sources:
        p = source_path(src)
        if p is None:
            raise InputError(f"{item.name}: source {src!r} is not a readable file here; it cannot be recomposed")
        paths.append(p)
    said = item.manifest.get("corrections")
    said = said if isinstance(said, list) and len(said) == len(paths) else [None] * len(paths)
    # (what the user gave on the command line stays: the reader would guess the same wrong headline again)
    articles = [Corrections.from_dict(c).apply(load_article(str(p))) for p, c in zip(paths, said, strict=True)]
    _forget_compiled_templates(settings)
    settings = dataclasses.replace(settings, outbox_dir=item.path.parent)
    new_item, _composition = compose_to_outbox(
        articles,
        settings,
        digest=item.manifest.get("kind") == "digest",
        subject=_subject_to_keep(item, settings),
        replace_name=item.name,
        extra_meta={"corrections": said} if any(said) else None,
    )
    return new_item


class Watcher:
    """Watch template folders and source files; call ``on_change(names, reason)`` for items.

    ``items`` returns the current outbox items (re-read on each change so new items are
    covered). Folders are watched non-recursively because a source's folder may be large (a
    home directory); template sub-folders are added one by one.
    """

    def __init__(
        self,
        template_dirs: Iterable[Path],
        items: Callable[[], list[Item]],
        on_change: Callable[[set[str], str], None],
        outbox_root: Path | None = None,
        debounce_ms: int = 300,
    ) -> None:
        self.template_dirs = [Path(d).resolve() for d in template_dirs if d and Path(d).is_dir()]
        self.items = items
        self.on_change = on_change
        self.outbox_root = outbox_root.resolve() if outbox_root and outbox_root.is_dir() else None
        self.debounce_ms = debounce_ms
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.ready = threading.Event()

    # -- what to watch ---------------------------------------------------------------------------

    def _template_folders(self) -> list[Path]:
        folders = []
        for d in self.template_dirs:
            folders.append(d)
            folders += [p for p in d.rglob("*") if p.is_dir() and p.name != "preview" and "preview" not in p.parts[len(d.parts):]]
        return folders

    def _sources(self) -> dict[Path, set[str]]:
        by_source: dict[Path, set[str]] = {}
        for item in self.items():
            if str(item.manifest.get("state") or "") not in RECOMPOSABLE_STATES:
                continue
            for src in item.manifest.get("sources") or []:
                p = source_path(str(src))
                if p is not None:
                    by_source.setdefault(p, set()).add(item.name)
        return by_source

    def is_template(self, path: Path) -> bool:
        for d in self.template_dirs:
            try:
                rel = path.relative_to(d)
            except ValueError:
                continue
            return bool(rel.parts) and rel.parts[0] != "preview" and not path.name.startswith(".")
        return False

    # -- the loop ----------------------------------------------------------------------------------

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="preview-watcher", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def _run(self) -> None:
        from watchfiles import watch

        while not self._stop.is_set():
            sources = self._sources()
            folders = set(self._template_folders()) | {p.parent for p in sources}
            if self.outbox_root is not None:
                folders.add(self.outbox_root)  # new items bring new sources to watch
            if not folders:
                self.ready.set()
                self._stop.wait(1.0)
                continue
            try:
                for changes in watch(
                    *sorted(folders), stop_event=self._stop, recursive=False, debounce=self.debounce_ms,
                    step=50, rust_timeout=500, yield_on_timeout=True, raise_interrupt=False,
                ):
                    self.ready.set()
                    if not changes:
                        continue
                    if self._handle({Path(p) for _kind, p in changes}, sources):
                        break  # the set of watched files changed: start again with the new one
            except Exception:  # a vanished folder, an inotify limit: retry rather than die
                self.ready.set()
                self._stop.wait(1.0)

    def _handle(self, paths: set[Path], sources: dict[Path, set[str]]) -> bool:
        names: set[str] = set()
        reasons = []
        rescan = False
        templates = sorted(p.name for p in paths if self.is_template(p))
        if templates:
            names |= {i.name for i in self.items() if str(i.manifest.get("state") or "") in RECOMPOSABLE_STATES}
            reasons.append("template " + ", ".join(templates))
        for p in paths:
            resolved = p.resolve() if p.exists() else p
            if resolved in sources:
                names |= sources[resolved]
                reasons.append(f"source {p.name}")
            if self.outbox_root is not None and p.parent == self.outbox_root and _ITEM_FOLDER.match(p.name):
                rescan = True
        if names:
            self.on_change(names, "; ".join(reasons))
        return rescan
