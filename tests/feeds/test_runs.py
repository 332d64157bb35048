"""Following a feed end to end against a local site on 127.0.0.1 serving real article pages.

Each test drives the same site between runs the way a newsroom would: publish, edit, post-date,
break a link. What is checked is what readers would get (the digest's articles), what the site
saw (the requests, the 304s) and what the item records (the manifest's ``feed`` object).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from composer.cli import main
from composer.config import Settings
from composer.errors import InputError
from composer.feeds.run import run_due_feeds, run_feed
from composer.feeds.state import FeedState
from composer.outbox import Outbox
from tests.feeds.conftest import stories, story
from tests.feeds.feedsite import Site

PAYWALL = (b"<!doctype html><html><head><title>Exclusive: the harbour deal</title></head><body><article>"
           b"<h1>Exclusive: the harbour deal</h1><p>The council and the ferry company agreed a deal on Monday night "
           b"that changes the timetable for thousands of commuters, according to documents seen by this paper.</p>"
           b"<p>Subscribe to continue reading. Already a subscriber? Sign in.</p></article></body></html>")


def add(settings: Settings, site: Site, *extra: str) -> None:
    assert main(["feed", "add", "news", site.url("/feed.xml"), "--outbox", str(settings.outbox_dir), *extra]) == 0


def items(settings: Settings) -> list:
    return list(Outbox(settings.outbox_dir).items())


def digest_urls(item) -> list[str]:  # type: ignore[no-untyped-def]
    """The pages each article of a digest was read from (its ``url`` is the page's canonical one)."""
    return [a["source"]["path"] for a in json.loads(item.read_text("article.json"))]


def page_requests(site: Site) -> list[str]:
    return [r.path for r in site.log if r.path != "/feed.xml"]


def test_first_run_marks_the_backlog_then_an_unchanged_feed_is_a_304(settings: Settings, site: Site) -> None:
    add(settings, site)
    first = run_feed(settings, "news")
    assert first.item is None and first.backlog == 3 and "first run" in first.message
    assert items(settings) == [] and page_requests(site) == []  # nothing composed, no page fetched

    again = run_feed(settings, "news")
    last = site.requests("/feed.xml")[-1]
    assert again.not_modified and again.item is None and "304" in again.message
    assert last.status == 304 and last.headers.get("If-None-Match")
    assert items(settings) == [] and page_requests(site) == []


def test_two_new_entries_make_a_digest_of_exactly_those_two(settings: Settings, site: Site) -> None:
    add(settings, site)
    run_feed(settings, "news")
    site.rss("/feed.xml", stories(range(5)))  # stories 3 and 4 are published
    result = run_feed(settings, "news")
    assert result.item is not None and result.composed == 2 and not result.failed
    assert sorted(page_requests(site)) == ["/p3.html", "/p4.html"]  # only the new pages are fetched
    assert sorted(digest_urls(result.item)) == [site.url("/p3.html"), site.url("/p4.html")]
    manifest = result.item.manifest
    assert manifest["kind"] == "digest" and manifest["feed"]["name"] == "news"
    assert [e["key"] for e in manifest["feed"]["entries"]] == ["guid:urn:story:4", "guid:urn:story:3"]
    assert all(e["source"] == "page" for e in manifest["feed"]["entries"]) and manifest["feed"]["failed"] == []

    assert run_feed(settings, "news").not_modified and len(items(settings)) == 1


def test_an_updated_entry_is_not_sent_again(settings: Settings, site: Site) -> None:
    add(settings, site)
    first = run_feed(settings, "news", include_backlog=True)
    assert first.item is not None and first.composed == 3
    edited = story(1, title="Story 1 (corrected)", excerpt="A corrected excerpt, longer than before…",
                   updated=dt.datetime(2025, 2, 1, tzinfo=dt.UTC))
    site.rss("/feed.xml", [story(5), story(2), edited, story(0)])
    result = run_feed(settings, "news")
    assert result.item is not None and digest_urls(result.item) == [site.url("/p5.html")]


def test_atom_with_full_content_composes_from_the_feed_and_edits_are_not_news(settings: Settings, site: Site,
                                                                           pages: list[bytes]) -> None:
    body = "".join(f"<p>Paragraph {n} of the full entry: the harbour board met the ferry operators again and "
                   f"agreed to publish the new timetable for the summer season.</p>" for n in range(12))
    site.atom("/feed.xml", [story(i, content=body.replace("full entry", f"entry {i}")) for i in (1, 0)])
    add(settings, site)
    assert run_feed(settings, "news").backlog == 2
    changed = story(1, content=body + "<p>Update: a correction.</p>", updated=dt.datetime(2025, 3, 1, tzinfo=dt.UTC))
    site.atom("/feed.xml", [story(2, content=body.replace("full entry", "entry 2")), changed, story(0, content=body)])
    result = run_feed(settings, "news")
    assert result.item is not None and result.composed == 1
    assert page_requests(site) == []  # the feed carried the text: no page was fetched
    (article,) = json.loads(result.item.read_text("article.json"))
    assert article["title"] == "Story 2" and "Paragraph 11 of the entry 2" in json.dumps(article)
    assert result.item.manifest["feed"]["entries"][0]["source"] == "feed"


def test_a_future_dated_entry_waits_for_its_date_and_goes_out_once(settings: Settings, site: Site) -> None:
    now = dt.datetime.now(dt.UTC)
    add(settings, site)
    run_feed(settings, "news", now=now)
    post_dated = story(6, published=now + dt.timedelta(days=1))
    site.rss("/feed.xml", [post_dated, story(3), *stories(range(3))])
    result = run_feed(settings, "news", now=now)
    assert result.held == 1 and "future-dated" in result.message
    assert result.item is not None and digest_urls(result.item) == [site.url("/p3.html")]

    later = run_feed(settings, "news", now=now + dt.timedelta(days=2))  # the feed did not change…
    assert site.requests("/feed.xml")[-1].status == 200  # …but a held entry is due, so no conditional GET
    assert later.item is not None and digest_urls(later.item) == [site.url("/p6.html")]
    assert run_feed(settings, "news", now=now + dt.timedelta(days=3)).not_modified


def test_a_broken_link_and_a_paywall_are_reported_and_the_rest_composes(settings: Settings, site: Site,
                                                                        capsys: pytest.CaptureFixture[str]) -> None:
    site.page("/paywalled.html", PAYWALL)
    add(settings, site)
    run_feed(settings, "news")
    site.rss("/feed.xml", [story(7, path="/gone.html"), story(8, path="/paywalled.html"), story(4),
                           *stories(range(3))])
    capsys.readouterr()
    assert main(["feed", "run", "news", "--outbox", str(settings.outbox_dir)]) == 0
    out, err = capsys.readouterr()
    item = Outbox(settings.outbox_dir).get(out.strip())
    assert digest_urls(item) == [site.url("/p4.html")]
    failed = {f["link"]: f["reason"] for f in item.manifest["feed"]["failed"]}
    assert set(failed) == {site.url("/gone.html"), site.url("/paywalled.html")}
    assert "HTTP 404" in failed[site.url("/gone.html")] and "paywall" in failed[site.url("/paywalled.html")]
    assert "1 new entries composed" in err and "1 failed" not in err and "2 failed" in err
    assert "left out Story 7" in err and "left out Story 8" in err

    retry = run_feed(settings, "news")  # failed pages are tried again (the feed is fetched in full for them)
    assert retry.item is None and len(retry.failed) == 2 and retry.exit_code == 1
    with FeedState.in_outbox(settings.outbox_dir) as state:
        assert state.known("news")["guid:urn:story:7"].attempts == 2


def test_compose_feed_digest_without_memory(settings: Settings, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    site.rss("/feed.xml", [story(9, path="/gone.html"), *stories(range(3))])
    assert main(["compose", site.url("/feed.xml"), "--digest", "--json", "--outbox", str(settings.outbox_dir)]) == 0
    out, err = capsys.readouterr()
    item = Outbox(settings.outbox_dir).get(json.loads(out)["item"])
    assert sorted(digest_urls(item)) == [site.url(f"/p{i}.html") for i in range(3)]
    assert [f["link"] for f in item.manifest["feed"]["failed"]] == [site.url("/gone.html")]
    assert "left out Story 9" in err


@pytest.mark.parametrize(("args", "message"), [
    (["feed", "run", "nope"], "no feed named 'nope'"),
    (["feed", "add", "news", "{page}"], "is not an RSS or Atom feed"),
    (["feed", "add", "news", "http://127.0.0.1:9/feed.xml"], "connection refused"),
    (["feed", "add", "News!", "{feed}"], "feed name 'News!'"),
    (["feed", "add", "news", "{feed}", "--every", "weekly", "--at", "someday 8"], "a weekly feed takes a day"),
    (["compose", "{feed}"], "is a feed: add --digest"),
    (["compose", "{feed}", "--digest", "--title", "Monday"], "is a feed: --url, --title, --authors and --published"),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(settings: Settings, site: Site, args: list[str],
                                                          message: str, capsys: pytest.CaptureFixture[str]) -> None:
    argv = [a.format(page=site.url("/p0.html"), feed=site.url("/feed.xml")) for a in args]
    assert main([*argv, "--outbox", str(settings.outbox_dir)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert items(settings) == []
    assert main(["feed", "list", "--json", "--outbox", str(settings.outbox_dir)]) == 0
    assert capsys.readouterr().out == ""  # no feed was stored


def test_a_second_run_of_the_same_feed_is_refused_while_one_runs(settings: Settings, site: Site) -> None:
    add(settings, site)
    with FeedState.in_outbox(settings.outbox_dir) as state, state.lock("news"), \
            pytest.raises(InputError, match="being run by another process"):
        run_feed(settings, "news")


def test_the_worker_runs_a_due_feed_and_schedules_the_next(settings: Settings, site: Site) -> None:
    add(settings, site, "--every", "daily", "--at", "07:30", "--tz", "Europe/Berlin")
    with FeedState.in_outbox(settings.outbox_dir) as state:
        assert state.feed("news").next_due is not None
        state.set_next_due("news", 1.0)  # long overdue: the worker was down
    assert main(["worker", "--once", "--outbox", str(settings.outbox_dir)]) == 0
    with FeedState.in_outbox(settings.outbox_dir) as state:
        row = state.feed("news")
    assert row.last_run is not None and row.next_due is not None and row.next_due > dt.datetime.now(dt.UTC).timestamp()
    local = dt.datetime.fromtimestamp(row.next_due, dt.UTC).astimezone(__import__("zoneinfo").ZoneInfo("Europe/Berlin"))
    assert (local.hour, local.minute) == (7, 30)
    assert run_due_feeds(settings) == []  # nothing else is due


def test_send_right_after_composing(settings: Settings, site: Site, tmp_path: Path,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    subscribers = tmp_path / "list.csv"
    subscribers.write_text("email,name\nann@example.org,Ann\nbob@example.org,Bob\n")
    add(settings, site)
    run_feed(settings, "news")
    site.rss("/feed.xml", stories(range(4)))
    assert main(["feed", "run", "news", "--send", str(subscribers), "--outbox", str(settings.outbox_dir)]) == 0
    item = Path(capsys.readouterr().out.strip())
    assert len(list(item.glob("sent/*/*.eml"))) == 2


def test_feed_list_shows_schedule_and_counts(settings: Settings, site: Site, capsys: pytest.CaptureFixture[str]) -> None:
    add(settings, site, "--every", "weekly", "--at", "Mon 08:00", "--tz", "UTC")
    run_feed(settings, "news")
    capsys.readouterr()
    assert main(["feed", "list", "--json", "--outbox", str(settings.outbox_dir)]) == 0
    row = json.loads(capsys.readouterr().out)
    assert row["name"] == "news" and row["schedule"] == "weekly at mon 08:00 (UTC)"
    assert row["entries"]["backlog"] == 3 and row["last_run"]


def test_a_private_feeds_token_is_never_printed(settings: Settings, site: Site,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    private = "/feed.xml?token=s3cret-value&page=1"
    site.routes[private] = site.routes["/feed.xml"]
    outbox = ["--outbox", str(settings.outbox_dir)]
    assert main(["feed", "add", "members", site.url(private), *outbox]) == 0
    assert main(["feed", "list", *outbox]) == 0
    assert main(["feed", "list", "--json", *outbox]) == 0
    del site.routes[private]  # the site drops the feed: the error quotes the URL
    assert main(["feed", "run", "members", *outbox]) == 2
    out, err = capsys.readouterr()
    assert "s3cret" not in out + err
    assert "token=***&page=1" in out and "token=***&page=1: the server answered HTTP 404" in err


def test_a_send_that_cannot_start_leaves_the_issue_composed_and_says_so(settings: Settings, site: Site,
                                                                          tmp_path: Path) -> None:
    subscribers = tmp_path / "list.csv"
    subscribers.write_text("email\nann@example.org\n")
    add(settings, site, "--send", str(subscribers))
    run_feed(settings, "news")
    subscribers.unlink()  # the list moved away after the feed was added
    site.rss("/feed.xml", stories(range(4)))
    result = run_feed(settings, "news")
    assert result.item is not None and result.exit_code == 1
    assert "not sent" in result.message and f"compose send {result.item.name}" in result.message
