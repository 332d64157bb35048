"""The compose pipeline: Articles → summaries → every rendered file of one outbox item.

``compose_files`` is pure (given a clock): it returns the bytes of each file, so it is easy to
test and reuse; ``compose_to_outbox`` is the thin I/O step that writes them atomically.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import jinja2

from composer import templating
from composer.article import Article, Block, Source, Summary
from composer.config import Settings, rendering_fingerprint
from composer.errors import InputError
from composer.newsletter.merge import fill
from composer.newsletter.message import make_message_id
from composer.newsletter.render import CLIP_BYTES, Entry, Issue, Rendered, clean_subject, render_newsletter
from composer.outbox import Item, Outbox, item_name
from composer.textutil import clean_line

# Item files: ``newsletter.html`` is the public web copy ("view in browser": nothing personal in
# it); ``email.html``/``email.txt`` are the per-reader templates with merge-field markers that
# ``send`` personalises; ``newsletter.txt``/``newsletter.eml`` are what one (preview) reader gets.
PREVIEW_READER = "reader@example.com"


@dataclass(frozen=True)
class Composition:
    name: str
    files: dict[str, bytes]
    meta: dict[str, Any]
    rendered: Rendered
    warnings: tuple[str, ...]


def summarise_article(article: Article, settings: Settings) -> tuple[Summary, list[str]]:
    """The extractive summary, or the LLM's when one is configured (falling back with a warning)."""
    from composer.summarize import summarise

    summary = summarise(article)
    warnings: list[str] = []
    if settings.llm_base_url and settings.llm_model:
        from composer.summarize.llm import LLMSettings, summarise_llm

        llm = LLMSettings(
            base_url=settings.llm_base_url,
            model=settings.llm_model,
            api_key=settings.llm_api_key.reveal() or None,
            timeout=settings.llm_timeout,
        )
        summary, warning = summarise_llm(article, llm, summary)
        if warning:
            warnings.append(warning)
    return summary, warnings


def default_subject(articles: Sequence[Article], summaries: Sequence[Summary], settings: Settings, digest: bool) -> str:
    first = clean_line(articles[0].title or summaries[0].tldr or "News")
    if not digest:
        return first
    others = len(articles) - 1
    return f"{settings.theme.name}: {first}" + (f" (+{others} more)" if others else "")


def _digest_article(issue_subject: str, articles: Sequence[Article], summaries: Sequence[Summary], archive_url: str | None) -> tuple[Article, Summary]:
    """A synthetic article standing for a whole digest, so posts and embeds describe the issue."""
    titles = [clean_line(a.title or s.tldr) for a, s in zip(articles, summaries, strict=True)]
    language = summaries[0].language
    article = Article(
        title=issue_subject,
        body=tuple(Block(type="list_item", text=t) for t in titles),
        url=archive_url,
        language=language,
        image=next((a.image for a in articles if a.image and a.image.url), None),
        published=articles[0].published,
        source=Source(path="digest", format="json"),
    )
    tags: list[str] = []
    for s in summaries:
        tags += [h for h in s.hashtags if h.lower() not in {t.lower() for t in tags}]
    summary = Summary(
        title=issue_subject,
        tldr=" · ".join(titles)[:200],
        summary=" ".join(s.tldr for s in summaries),
        key_points=tuple(titles),
        keywords=tuple(k for s in summaries for k in s.keywords[:2]),
        hashtags=tuple(tags[:3]),
        language=language,
        reading_time_min=sum(s.reading_time_min for s in summaries),
    )
    return article, summary


def post_options(settings: Settings) -> Any:
    """Post-writer options from settings (UTM parameters, link position, Mastodon limit)."""
    from composer.social.posts import PostOptions

    utm = {k: v for k, v in (("utm_source", settings.utm_source), ("utm_medium", settings.utm_medium),
                              ("utm_campaign", settings.utm_campaign)) if v} or None
    return PostOptions(link_position=settings.post_link_position, utm=utm, mastodon_limit=settings.mastodon_limit)


def archive_url_for(settings: Settings, name: str) -> str | None:
    return f"{settings.site_url}/{name}/newsletter.html" if settings.site_url else None


def _summaries(articles: Sequence[Article], settings: Settings,
               given: Sequence[Summary] | None) -> tuple[list[Summary], list[str]]:
    """The summaries to render: the caller's (the preview recomposes with them), else fresh ones."""
    if given is not None:
        return list(given), []
    pairs = [summarise_article(a, settings) for a in articles]
    return [p[0] for p in pairs], [w for p in pairs for w in p[1]]


def _reader_copy(rendered: Rendered, settings: Settings, name: str, now: dt.datetime) -> tuple[bytes, str]:
    """``newsletter.eml`` and ``newsletter.txt`` as one reader gets them.

    The reader is the test address if one is configured, else a placeholder. The copy is built
    by the same personaliser as real sends, so what the preview shows is what goes out (merge
    fields, unsubscribe link and headers).
    """
    from composer.newsletter.personalize import MessageTemplate

    template = MessageTemplate(rendered, settings, item_name=name)
    reader = {"email": settings.test_address or PREVIEW_READER}
    eml = template.render(reader, message_id=make_message_id(f"{name}\0preview", settings.mail_from), date=now)
    return eml, fill(rendered.text, template.values_for(reader), escape_html=False)


def _shared_story(articles: Sequence[Article], summaries: Sequence[Summary], subject: str,
                  archive_url: str | None, digest: bool) -> tuple[Article, Summary]:
    """What posts and embeds describe: the article itself, or for a digest the issue as a whole.

    A single article without a URL of its own links to the web copy, so posts still lead somewhere.
    """
    if digest:
        return _digest_article(subject, articles, summaries, archive_url)
    article = articles[0]
    if not article.url and archive_url:
        article = dataclasses.replace(article, url=archive_url)
    return article, summaries[0]


def _json_bytes(obj: Any) -> bytes:
    """The one JSON encoding of every item file: UTF-8, indented, a final newline."""
    return (json.dumps(obj, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def compose_files(
    articles: Sequence[Article],
    settings: Settings,
    *,
    name: str,
    digest: bool = False,
    subject: str | None = None,
    summaries: Sequence[Summary] | None = None,
    now: dt.datetime | None = None,
    env: jinja2.Environment | None = None,
) -> Composition:
    """Render every file of an item named ``name``. Pure apart from reading templates.

    The stages: summaries → the newsletter (once per issue) → one reader's copy → posts and
    embeds of the story → the files and the manifest's fields.
    """
    if not articles:
        raise InputError("nothing to compose: give at least one article")
    if len(articles) > 1 and not digest:
        raise InputError("several articles make one newsletter only with --digest")
    now = now or dt.datetime.now(dt.UTC)
    summaries, warnings = _summaries(articles, settings, summaries)
    warnings = [w for a in articles for w in a.doubt_warnings()] + warnings  # (shown in the preview too)
    # The author's spacing survives (clean_subject only drops breaks and controls): subjects
    # must round-trip exactly through MIME encoding.
    subject = clean_subject(subject) if subject else default_subject(articles, summaries, settings, digest)
    if not subject:
        raise InputError("the subject is empty")
    archive_url = archive_url_for(settings, name)
    issue = Issue(
        entries=tuple(Entry(a, s) for a, s in zip(articles, summaries, strict=True)),
        subject=subject,
        kind="digest" if digest else "single",
        archive_url=archive_url,
        date=now.date(),
    )
    rendered = render_newsletter(issue, settings, env or templating.make_env(settings.templates_dir))
    warnings += rendered.warnings
    eml, reader_text = _reader_copy(rendered, settings, name, now)

    from composer.embed import render_embed
    from composer.social.posts import write_posts

    story, story_summary = _shared_story(articles, summaries, subject, archive_url, digest)
    posts = write_posts(story, story_summary, post_options(settings))
    embed = render_embed(story, story_summary, provider_name=settings.theme.name, provider_url=settings.site_url)

    files = {
        "article.json": _json_bytes([a.to_dict() for a in articles] if digest else articles[0].to_dict()),
        "summary.json": _json_bytes([s.to_dict() for s in summaries] if digest else summaries[0].to_dict()),
        "newsletter.mjml": rendered.mjml.encode("utf-8"),
        "newsletter.html": rendered.archive_html.encode("utf-8"),
        "newsletter.txt": reader_text.encode("utf-8"),
        "newsletter.eml": eml,
        "email.html": rendered.html.encode("utf-8"),
        "email.txt": rendered.text.encode("utf-8"),
        "posts.json": _json_bytes(posts),
        "embed.html": embed["embed.html"].encode("utf-8"),
        "oembed.json": embed["oembed.json"].encode("utf-8"),  # escaped for pasting into a page
        "meta.html": embed["meta.html"].encode("utf-8"),
    }
    meta = {
        "kind": issue.kind,
        "title": subject,
        "subject": subject,
        "language": rendered.language,
        "sources": [a.source.path for a in articles],
        "published": articles[0].published,
        "archive_url": archive_url,
        "warnings": warnings,
        "settings": rendering_fingerprint(settings),  # to tell, at send time, an item composed before they changed
    }
    return Composition(name=name, files=files, meta=meta, rendered=rendered, warnings=tuple(warnings))


def compose_to_outbox(
    articles: Sequence[Article],
    settings: Settings,
    *,
    digest: bool = False,
    subject: str | None = None,
    now: dt.datetime | None = None,
    replace_name: str | None = None,
    strict: bool = False,
    extra_meta: Mapping[str, Any] | None = None,
    summaries: Sequence[Summary] | None = None,
) -> tuple[Item, Composition]:
    """Compose and write one item; returns it and what was rendered (for warnings).

    ``extra_meta`` adds fields to the manifest (a feed digest records its feed, entries and the
    pages that failed), so what went into an item is read from the item itself. ``summaries``
    are used instead of fresh ones (a feed digest makes them while other pages still load).
    """
    now = now or dt.datetime.now(dt.UTC)
    outbox = Outbox(settings.outbox_dir)
    if replace_name:
        name = replace_name
    else:
        base = item_name(subject if digest and subject else (articles[0].title if articles else None),
                         None if digest else (articles[0].published if articles else None), today=now.date())
        name = outbox.free_name(base)
    composition = compose_files(articles, settings, name=name, digest=digest, subject=subject, now=now,
                                summaries=summaries)
    if strict and composition.rendered.html_bytes > CLIP_BYTES:
        raise InputError(f"the newsletter HTML is {composition.rendered.html_bytes / 1000:.0f} KB, over the "
                         f"{CLIP_BYTES // 1000} KB at which Gmail clips it; shorten it or drop --strict")
    meta = {**composition.meta, **(extra_meta or {})}
    item = outbox.write_item(name, composition.files, meta, replace=bool(replace_name), now=now)
    return item, composition


def recompose_item(item: Item, settings: Settings, *, now: dt.datetime | None = None) -> Item:
    """Render ``item`` again, in place, with the current settings and templates.

    The content is the item's own (its ``article.json`` and ``summary.json``: what was
    reviewed), and so are its name — hence its Message-IDs and its delivery campaigns, whose
    readers already sent to are not sent again — its subject (unless it was the default one,
    which follows the brand name) and the messages the outbox adapter wrote (``sent/``).
    """
    try:
        arts = json.loads((item.path / "article.json").read_text(encoding="utf-8"))
        sums = json.loads((item.path / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InputError(f"{item.name}: cannot read its article.json/summary.json ({exc}); compose it again") from exc
    if isinstance(arts, dict):
        arts, sums = [arts], [sums]
    articles = [Article.from_dict(a) for a in arts]
    summaries = [Summary.from_dict(s) for s in sums]
    digest = item.manifest.get("kind") == "digest"
    subject = item.manifest.get("subject")
    old_brand = (item.manifest.get("settings") or {}).get("BRAND_NAME")
    if digest and old_brand is not None:
        old = dataclasses.replace(settings, theme=dataclasses.replace(settings.theme, name=old_brand))
        if subject == default_subject(articles, summaries, old, True):
            subject = None
    settings = dataclasses.replace(settings, outbox_dir=item.path.parent)
    composition = compose_files(articles, settings, name=item.name, digest=digest, subject=subject,
                                summaries=summaries, now=now)
    meta = dict(composition.meta)
    if "corrections" in item.manifest:  # (what the user gave stays for a later rebuild from the sources)
        meta["corrections"] = item.manifest["corrections"]
    return Outbox(item.path.parent).write_item(item.name, composition.files, meta, replace=True,
                                               keep=("sent",), now=now)
