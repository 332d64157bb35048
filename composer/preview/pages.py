"""What the preview's pages show: plain view data built from an outbox item, and the HTML.

The pages are Jinja2 templates in ``templates/preview/`` rendered with autoescape on and
``StrictUndefined``: every value that came from an article (titles, posts, oEmbed fields,
headers) reaches the page as data and is escaped by the template engine, never pasted in as
markup. The only article-made HTML the reviewer sees rendered is shown inside sandboxed
iframes served by their own routes with a strict CSP (see ``server.py``).
"""

from __future__ import annotations

import email.policy
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from email.parser import BytesHeaderParser
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import jinja2

from composer.config import Settings
from composer.links import checked_link
from composer.newsletter.render import CLIP_BYTES, WARN_BYTES
from composer.outbox import Item
from composer.preview.campaigns import RECOMPOSABLE_STATES, campaigns_by_item, item_campaigns
from composer.preview.files import item_file_bytes, item_file_text


@dataclass(frozen=True)
class Count:
    """A post's length against its network's limit, as the page shows it ("214/280")."""

    length: int | float
    limit: int
    valid: bool

    @property
    def label(self) -> str:
        length = int(self.length) if float(self.length).is_integer() else self.length
        return f"{length}/{self.limit}"


def count_post(text: str, network: str, mastodon_limit: int = 500) -> Count | None:
    """Count ``text`` the way ``network`` does (the shared counter); None for unknown networks."""
    from composer.social.networks import NETWORKS, count

    if network not in NETWORKS:
        return None
    r = count(text, network, mastodon_limit=mastodon_limit)
    return Count(r.length, int(r.limit), bool(r.valid))


def lint_findings(html: str) -> list[dict[str, str]]:
    """The shared linter's findings (alt text, https links, unsubscribe, size) as plain dicts."""
    from composer.newsletter.lint import lint_html

    return [{"level": f.severity, "code": f.code, "message": f.message, "detail": f.detail} for f in lint_html(html)]


_DARK_QUERY = re.compile(r"\(\s*prefers-color-scheme\s*:\s*dark\s*\)", re.I)
_LIGHT_QUERY = re.compile(r"\(\s*prefers-color-scheme\s*:\s*light\s*\)", re.I)
_HEAD_OPEN = re.compile(r"<head\b[^>]*>", re.I)


def has_dark_styles(html: str) -> bool:
    return bool(_DARK_QUERY.search(html))


def dark_variant(html: str) -> str:
    """The newsletter as a client in dark mode that honours its own dark styles shows it.

    A sandboxed frame cannot be told to prefer dark, so the queries are switched on in the
    source: ``(prefers-color-scheme: dark)`` becomes always true and ``light`` always false.
    """
    html = _DARK_QUERY.sub("(min-width: 0px)", html)
    html = _LIGHT_QUERY.sub("(max-width: -1px)", html)
    style = "<style>:root{color-scheme:dark}</style>"
    m = _HEAD_OPEN.search(html)
    return html[: m.end()] + style + html[m.end():] if m else style + html


def read_text(item: Item, name: str) -> str | None:
    """A file of the item as text, or None when it is missing, unreadable (old items) or not a
    regular file directly inside the item folder (a planted symlink is never followed)."""
    return item_file_text(item.path, name)


def email_html(item: Item) -> str | None:
    """The HTML a reader's mail client shows: the HTML part of the item's reference message.

    ``newsletter.html`` is the public web copy, which leaves out the per-reader footer (the
    unsubscribe link), so previewing and linting it would not show what is sent.
    """
    import email
    from email import policy

    data = item_file_bytes(item.path, "newsletter.eml")
    if data is None:
        return read_text(item, "newsletter.html")
    part = email.message_from_bytes(data, policy=policy.default).get_body(preferencelist=("html",))
    return part.get_content() if part is not None else read_text(item, "newsletter.html")


def read_json(item: Item, name: str) -> Any:
    text = read_text(item, name)
    if text is None:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


def eml_headers(data: bytes) -> list[tuple[str, str]]:
    """The message's headers, decoded for people (RFC 2047 words become text)."""
    try:
        msg = BytesHeaderParser(policy=email.policy.default).parsebytes(data)
        return [(k, str(v)) for k, v in msg.items()]
    except Exception:  # a malformed header must not take the page down
        return [("(unreadable)", "the .eml headers could not be parsed")]


class _MetaScan(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.rows: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "meta":
            key = a.get("property") or a.get("name") or a.get("itemprop") or ""
            self.rows.append((key, a.get("content") or ""))
        elif tag == "link":
            self.rows.append((f"link rel={a.get('rel') or ''}", a.get("href") or ""))
        elif tag == "title":
            self.rows.append(("title", ""))

    def handle_data(self, data: str) -> None:
        if self.rows and self.rows[-1] == ("title", ""):
            self.rows[-1] = ("title", data.strip())


def meta_rows(html: str) -> list[tuple[str, str]]:
    scan = _MetaScan()
    try:
        scan.feed(html)
        scan.close()
    except Exception:
        return []
    return scan.rows


def _schedule_of(manifest: Mapping[str, Any]) -> str | None:
    for key in ("schedule", "scheduled_at", "send_at", "scheduled"):
        value = manifest.get(key)
        if isinstance(value, str) and value:
            return value
        if isinstance(value, Mapping):
            at = value.get("at") or value.get("send_at") or value.get("when")
            if at:
                return str(at)
    return None


def delivery_state(item: Item) -> str:
    return str(item.manifest.get("state") or "composed")


def item_summary(item: Item, campaigns: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """One row of the index: manifest fields plus the item's delivery campaigns."""
    m = item.manifest
    created = str(m.get("created") or "")
    published = m.get("published")
    campaigns = campaigns or []
    scheduled = [c["due"] for c in campaigns if c["state"] == "scheduled" and c["due"]]
    return {
        "name": item.name,
        "title": str(m.get("title") or m.get("subject") or item.name),
        "date": str(published or created)[:10],
        "created": created,
        "kind": str(m.get("kind") or "single"),
        "state": delivery_state(item),
        "campaigns": [c["label"] for c in campaigns],
        "schedule": scheduled[0] if scheduled else _schedule_of(m),
        "warnings": len(m.get("warnings") or []),
    }


def _posts(posts: Any, mastodon_limit: int) -> list[dict[str, Any]]:
    if not isinstance(posts, Mapping):
        return []
    from composer.social.networks import NETWORKS, TABLE

    order = [k for k in NETWORKS if k in posts] + [k for k in posts if k not in NETWORKS]
    out = []
    for key in order:
        entry = posts[key]
        if isinstance(entry, str):
            entry = {"post": entry}
        if not isinstance(entry, Mapping):
            continue
        text = str(entry.get("post") or entry.get("text") or "")
        thread = [str(t) for t in (entry.get("thread") or []) if isinstance(t, str)]
        network = str(key)
        parts = [{"text": t, "count": count_post(t, network, mastodon_limit)} for t in thread]
        out.append({
            "key": network,
            "name": TABLE[network].label if network in TABLE else network,
            "text": text,
            "count": count_post(text, network, mastodon_limit),
            "thread": parts,
            "facets": len(entry.get("facets") or []) if isinstance(entry.get("facets"), list) else 0,
        })
    return out


def item_context(item: Item, settings: Settings) -> dict[str, Any]:
    """Everything the item page shows, read from the item's files (missing files tolerated)."""
    from composer.preview.publishing import publishing_context

    campaigns = item_campaigns(item, settings.database_url.reveal())
    posts = _posts(read_json(item, "posts.json"), settings.mastodon_limit)
    html = email_html(item) or ""
    size = len(html.encode("utf-8"))
    eml = item_file_bytes(item.path, "newsletter.eml") or b""
    oembed = read_json(item, "oembed.json")
    meta_html = read_text(item, "meta.html") or ""
    sources = [str(s) for s in item.manifest.get("sources") or []]
    return {
        "item": item_summary(item, campaigns),
        "manifest": item.manifest,
        "subject": str(item.manifest.get("subject") or ""),
        "archive_url": checked_link(item.manifest.get("archive_url")),
        "sources": sources,
        "warnings": [str(w) for w in item.manifest.get("warnings") or []],
        "has_html": bool(html),
        "size": {
            "bytes": size,
            "kb": f"{size / 1000:.1f}",
            "limit_kb": f"{CLIP_BYTES / 1000:.0f}",
            "percent": min(100, round(100 * size / CLIP_BYTES)),
            "level": "error" if size > CLIP_BYTES else "warning" if size > WARN_BYTES else "ok",
        },
        "dark_styles": has_dark_styles(html),
        "lint": lint_findings(html) if html else [],
        "text": read_text(item, "newsletter.txt"),
        "headers": eml_headers(eml) if eml else [],
        "eml_size": len(eml),
        "posts": posts,
        "publishing": publishing_context(item, settings, posts),
        "embed_code": read_text(item, "embed.html"),
        "oembed": json.dumps(oembed, ensure_ascii=False, indent=2) if oembed is not None else read_text(item, "oembed.json"),
        "meta_code": meta_html,
        "meta_rows": meta_rows(meta_html),
        "recomposable": (str(item.manifest.get("state") or "") in RECOMPOSABLE_STATES
                         and not [c for c in campaigns if c["state"] != "cancelled"]),
        "test_address": settings.test_address,
        "delivery": settings.delivery,
    }


@lru_cache(maxsize=2)
def _env(folder: str) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folder),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )


def templates_folder() -> Path:
    from composer.templating import builtin_templates_dir

    return builtin_templates_dir() / "preview"


def render_page(template: str, **context: Any) -> str:
    """Render one of the app's own pages (autoescaped)."""
    return _env(str(templates_folder())).get_template(template).render(**context)


def index_context(root: Path, items: Iterable[Item], database_url: str = "") -> dict[str, Any]:
    campaigns = campaigns_by_item(root, database_url)
    return {"items": [item_summary(i, campaigns.get(str(i.path.resolve()))) for i in items]}
