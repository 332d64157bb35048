"""What the user said about an article over what its reader found: its link, headline, byline, date.

Given on the command line (``--url``, ``--title``, ``--authors``, ``--published``) and written
into the item's manifest, so that an item rebuilt from its source (the preview's live reload,
after an edit to a template or to the source) keeps them instead of falling back to the
reader's guesses.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from composer.article import Article


@dataclass(frozen=True)
class Corrections:
    """None: nothing said. ``authors=()`` and ``published=""`` say "none"."""

    url: str | None = None
    title: str | None = None
    authors: tuple[str, ...] | None = None
    published: str | None = None

    def __bool__(self) -> bool:
        return any(v is not None for v in (self.url, self.title, self.authors, self.published))

    def to_dict(self) -> dict[str, Any]:
        """The fields given, for the manifest (``authors`` as a list)."""
        out: dict[str, Any] = {k: v for k, v in dataclasses.asdict(self).items() if v is not None}
        if "authors" in out:
            out["authors"] = list(out["authors"])
        return out

    @classmethod
    def from_dict(cls, d: Any) -> Corrections:
        """Read back what :meth:`to_dict` wrote; anything else (a hand-edited manifest) counts
        as nothing said rather than failing the rebuild."""
        if not isinstance(d, dict):
            return cls()

        def text(key: str) -> str | None:
            value = d.get(key)
            return value if isinstance(value, str) else None

        names = d.get("authors")
        authors = tuple(names) if isinstance(names, list) and all(isinstance(n, str) for n in names) else None
        return cls(url=text("url"), title=text("title"), authors=authors, published=text("published"))

    def apply(self, article: Article) -> Article:
        """``article`` with what was said in place of what its reader found; the reader's doubts
        about a field the user gave go with it."""
        if not self:
            return article
        changes: dict[str, Any] = {}
        if self.url:
            changes["url"] = self.url
        if self.title:
            changes["title"] = self.title
        if self.authors is not None:
            changes["authors"] = self.authors
        if self.published is not None:
            changes["published"] = self.published or None
        changes["doubts"] = tuple(d for d in article.doubts if d.field not in changes)
        return dataclasses.replace(article, **changes)
