"""Newsletter cost: a whole compose, its render parts, and per-recipient message building.

    python bench/newsletter.py [-n 30] [--recipients 300] [--source examples/riverside-library.txt]

Everything runs in one process, on the same article and the same MJML, interleaved round by
round so that machine noise hits every row alike; each row is the median of N rounds (for
per-recipient rows: the median over rounds of the mean per message). Rows:

* **compose** — parse → summary → every output file of an item (`pipeline.compose_files`:
  newsletter MJML/HTML/text/archive copy/.eml, posts, embed);
* **render_newsletter** — the newsletter alone, and its parts: context, Jinja → MJML,
  **mjml-python alone** on the same MJML, CSS inlining, the text part;
* per recipient: **EmailMessage** built the usual way (`EmailMessage`, `set_content`,
  `add_alternative`, `as_bytes`), the reference `build_message`, and the pre-built skeleton
  (`personalize.MessageTemplate.render`) when that module is present.

It prints a markdown table and the command that produced it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import statistics
import sys
import time
from collections.abc import Callable
from email.message import EmailMessage
from email.policy import SMTP
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from composer import templating  # noqa: E402
from composer.config import Settings, Theme  # noqa: E402
from composer.ingest import load_article  # noqa: E402
from composer.newsletter import merge  # noqa: E402
from composer.newsletter.message import build_message, list_headers, make_message_id  # noqa: E402
from composer.newsletter.render import (  # noqa: E402
    Entry,
    Issue,
    inline_css,
    issue_context,
    mjml_to_html,
    protect_attributes,
    render_newsletter,
)
from composer.pipeline import compose_files  # noqa: E402
from composer.summarize import summarise  # noqa: E402

NOW = dt.datetime(2025, 3, 14, 9, 0, tzinfo=dt.UTC)


def _time(fn: Callable[[], object], repeat: int = 1) -> float:
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) * 1000 / repeat


def email_message_per_recipient(rendered, settings: Settings, html: str, text: str, to: str, mid: str) -> bytes:  # type: ignore[no-untyped-def]
    """The straightforward way: one EmailMessage per reader, serialised by the email package."""
    msg = EmailMessage(policy=SMTP)
    msg["From"] = settings.mail_from
    msg["To"] = to
    msg["Subject"] = rendered.subject
    msg["Date"] = NOW
    msg["Message-ID"] = mid
    msg.set_content(text, cte="quoted-printable")
    msg.add_alternative(html, subtype="html", cte="quoted-printable")
    return msg.as_bytes()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("-n", type=int, default=30, help="rounds (median over rounds)")
    ap.add_argument("--recipients", type=int, default=300, help="messages per round for per-recipient rows")
    ap.add_argument("--source", default=str(REPO / "examples" / "riverside-library.txt"))
    args = ap.parse_args(argv)

    from composer.config import Secret

    settings = Settings(mail_from="Riverside News <news@riverside.example>", site_url="https://riverside.example",
                        unsubscribe_secret=Secret("bench-secret-not-for-production-0123456789"),
                        unsubscribe_mailto="leave@riverside.example", theme=Theme(name="Riverside News", greeting=True))
    source = args.source
    article = load_article(source)
    summary = summarise(article)
    issue = Issue(entries=(Entry(article, summary),), subject=article.title or "News", date=NOW.date(),
                  archive_url="https://riverside.example/x/newsletter.html")
    env = templating.make_env(None)
    rendered = render_newsletter(issue, settings, env)
    context = issue_context(issue, settings.theme, settings)
    mjml = rendered.mjml
    raw_html = mjml_to_html(protect_attributes(mjml))
    base = "digest" if issue.kind == "digest" else "newsletter"
    text_context = dict(context, greeting=context["greeting_text"], ref=lambda url: "[1]", refs=[])

    try:
        from composer.newsletter.personalize import MessageTemplate
        skeleton = MessageTemplate(rendered, settings, item_name="bench")
    except Exception as exc:  # the module belongs to another part of the project; report, do not fail
        skeleton = None
        print(f"(personalize.MessageTemplate unavailable: {type(exc).__name__}: {exc})", file=sys.stderr)

    readers = [{"email": f"reader{i}@example.net", "name": f"Reader {i}"} for i in range(args.recipients)]

    def per_email_message() -> None:
        for r in readers:
            url = f"https://riverside.example/u/{r['email']}"
            html = merge.fill(rendered.html, {**r, "unsubscribe_url": url}, escape_html=True)
            text = merge.fill(rendered.text, {**r, "unsubscribe_url": url}, escape_html=False)
            email_message_per_recipient(rendered, settings, html, text, f"{r['name']} <{r['email']}>",
                                        make_message_id("bench\0" + r["email"], settings.mail_from))

    def per_build_message() -> None:
        for r in readers:
            url = f"https://riverside.example/u/{r['email']}"
            build_message(rendered, mail_from=settings.mail_from, to=[f"{r['name']} <{r['email']}>"],
                          message_id=make_message_id("bench\0" + r["email"], settings.mail_from), date=NOW,
                          extra_headers=list_headers(settings, url, settings.unsubscribe_mailto),
                          html=merge.fill(rendered.html, {**r, "unsubscribe_url": url}, escape_html=True),
                          text=merge.fill(rendered.text, {**r, "unsubscribe_url": url}, escape_html=False))

    def per_skeleton() -> None:
        assert skeleton is not None
        for r in readers:
            skeleton.render(r, message_id=make_message_id("bench\0" + r["email"], settings.mail_from), date=NOW)

    rows: dict[str, tuple[Callable[[], object], int]] = {
        "compose (parse → summary → all files)": (
            lambda: compose_files([load_article(source)], settings, name="2025-03-14-bench", now=NOW, env=env), 1),
        "render_newsletter (email + archive HTML, text)": (lambda: render_newsletter(issue, settings, env), 1),
        "· issue_context": (lambda: issue_context(issue, settings.theme, settings), 1),
        "· Jinja → MJML": (lambda: templating.render(env, f"{base}.mjml.j2", **context), 1),
        "· mjml-python alone (same MJML)": (lambda: mjml_to_html(protect_attributes(mjml)), 1),
        "· css-inline (link colours)": (lambda: inline_css(raw_html, settings.theme.accent), 1),
        "· Jinja → text part": (lambda: templating.render(env, f"{base}.txt.j2", **text_context), 1),
        "per recipient: EmailMessage (set_content/add_alternative)": (per_email_message, len(readers)),
        "per recipient: build_message (reference)": (per_build_message, len(readers)),
    }
    if skeleton is not None:
        rows["per recipient: MIME skeleton (personalize)"] = (per_skeleton, len(readers))

    for fn, _ in rows.values():  # warm up caches (templates, catalogs, summariser models)
        fn()
    samples: dict[str, list[float]] = {k: [] for k in rows}
    for _ in range(args.n):
        for name, (fn, per) in rows.items():
            samples[name].append(_time(fn) / per)

    cmd = "python bench/newsletter.py " + " ".join(argv if argv is not None else sys.argv[1:])
    print(f"`{cmd.strip()}` — {Path(source).name}, HTML {len(rendered.html.encode()) / 1000:.1f} KB, "
          f"median of {args.n} rounds, {args.recipients} recipients per round; "
          f"Python {platform.python_version()}, {platform.machine()}\n")
    print("| what | ms (median) | min |")
    print("|---|---:|---:|")
    for name, values in samples.items():
        print(f"| {name} | {statistics.median(values):.3f} | {min(values):.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
