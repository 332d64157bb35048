"""The post writer: limits by each network's counter, splitting rules, links, facets."""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import parse_qs, urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from composer.article import Article, Block, Summary
from composer.links import display_url
from composer.social.networks import NETWORKS, count
from composer.social.posts import PostOptions, write_post, write_posts, write_thread

URL = "https://www.example-news.com/world/2024/10/01/rutte-takes-over-nato"
NUMBER = re.compile(r" (\d+)/(\d+)$")


def article(url: str | None = URL, title: str | None = "Who is NATO's new secretary general Mark Rutte?") -> Article:
    return Article(title=title, body=(Block("paragraph", "Body."),), url=url, site_name="Example News")


def summary(**kw) -> Summary:
    base = {
        "title": "Who is NATO's new secretary general Mark Rutte?",
        "tldr": "NATO ambassadors appointed outgoing Dutch prime minister Mark Rutte as the alliance's next "
                "secretary general on Wednesday, ending a months-long contest.",
        "summary": "",
        "key_points": (
            "Rutte, 57, led the Netherlands for 14 years and built a reputation as a deal-maker in Brussels.",
            "His candidacy stalled for months until Hungary and Turkey dropped their objections.",
            "He takes over from Jens Stoltenberg on 1 October, as the war in Ukraine tests the alliance.",
        ),
        "hashtags": ("#NATO", "#MarkRutte", "#Ukraine"),
        "language": "en",
    }
    base.update(kw)
    return Summary(**base)


def strip_part(part: str) -> str:
    part = NUMBER.sub("", part)
    return part[:-1] if part.endswith("…") else part


# --- shape ---------------------------------------------------------------------------------------


def test_posts_json_shape():
    posts = write_posts(article(), summary())
    assert list(posts) == list(NETWORKS)
    for network, entry in posts.items():
        assert isinstance(entry["post"], str) and entry["post"]
        assert isinstance(entry["thread"], list) and entry["thread"]
        assert count(entry["post"], network).valid
    assert {"facets", "thread_facets"} <= set(posts["bluesky"])
    assert len(posts["bluesky"]["thread_facets"]) == len(posts["bluesky"]["thread"])


def test_single_post_reads_like_an_editor_wrote_it():
    post = write_post(article(), summary(), "x")["post"]
    assert post == (
        "NATO ambassadors appointed outgoing Dutch prime minister Mark Rutte as the alliance's next secretary "
        f"general on Wednesday, ending a months-long contest.\n\n{URL}\n\n#NATO #MarkRutte #Ukraine"
    )


def test_hashtags_are_trimmed_before_the_hook():
    tldr = " ".join(["word"] * 48) + " end."  # 244 characters: hook + link leave room for one tag
    post = write_post(article(), summary(tldr=tldr), "x")["post"]
    assert post.startswith(tldr)
    assert post.endswith("#NATO")
    assert count(post, "x").valid


def test_hook_is_shortened_at_a_word_boundary_with_ellipsis():
    tldr = "Alliance " * 60 + "ends here."
    post = write_post(article(), summary(tldr=tldr.strip(), hashtags=("#NATO",)), "x")["post"]
    hook = post.split("\n\n")[0]
    assert hook.endswith("Alliance…")
    assert "#NATO" not in post
    assert URL in post
    assert count(post, "x").valid


def test_hook_falls_back_to_first_sentence():
    tldr = "Rutte gets the top NATO job. " + "More detail follows here " * 20 + "and ends."
    post = write_post(article(), summary(tldr=tldr, hashtags=()), "x")["post"]
    assert post.split("\n\n")[0] == "Rutte gets the top NATO job."


def test_no_url_means_no_link():
    posts = write_posts(article(url=None), summary())
    for entry in posts.values():
        assert "http" not in entry["post"] and all("http" not in p for p in entry["thread"])
    assert [f for f in posts["bluesky"]["facets"] if "link" in f["features"][0]["$type"]] == []


def test_unsafe_url_is_dropped():
    posts = write_posts(article(url="javascript:alert(1)"), summary())
    assert "javascript" not in str(posts)


def test_utm_parameters_per_network():
    opts = PostOptions(utm={"utm_source": "{network}", "utm_medium": "social"})
    posts = write_posts(article(url=URL + "?id=7"), summary(), opts)
    link = re.search(r"https://\S+", posts["mastodon"]["post"]).group(0)
    q = parse_qs(urlsplit(link).query)
    assert q == {"id": ["7"], "utm_source": ["mastodon"], "utm_medium": ["social"]}
    uri = posts["bluesky"]["facets"][0]["features"][0]["uri"]
    assert parse_qs(urlsplit(uri).query)["utm_source"] == ["bluesky"]


def test_threads_gets_one_hashtag():
    post = write_post(article(), summary(), "threads")["post"]
    assert post.count("#") == 1


# --- threads -------------------------------------------------------------------------------------


def test_thread_numbering_and_link_last():
    thread = write_thread(article(), summary(), "x")["thread"]
    n = len(thread)
    assert n >= 2
    for i, part in enumerate(thread, 1):
        assert part.endswith(f" {i}/{n}")
        assert count(part, "x").valid
    assert URL in thread[-1] and all(URL not in p for p in thread[:-1])


def test_link_first():
    thread = write_thread(article(), summary(), "x", PostOptions(link_position="first"))["thread"]
    assert URL in thread[0] and all(URL not in p for p in thread[1:])
    assert thread[0].startswith("Who is NATO's new secretary general Mark Rutte?\n\n" + URL)


def test_numbering_width_reserved_for_ten_or_more_parts():
    points = tuple(f"Point number {i} says something long enough to need a post of its own, "
                   f"with a second clause that keeps going for a while longer than usual, and a third one that "
                   f"makes it too long to share." for i in range(12))
    thread = write_thread(article(), summary(key_points=points), "x")["thread"]
    assert len(thread) >= 10
    for part in thread:
        body = NUMBER.sub("", part)
        # Room for " 99/99" was kept in every part, not only in those numbered with two digits.
        assert count(body + " 99/99", "x").valid


def test_long_sentence_is_cut_with_ellipsis_and_no_lonely_word():
    sentence = ("The alliance, which now counts 32 members after Finland and Sweden joined, faces its hardest test "
                "in decades as Russia's war grinds on, budgets strain and voters in several member states question "
                "the cost of collective defence, while the new secretary general must keep Washington, Ankara and "
                "Budapest on board at the same time as he reassures the eastern flank that help would come quickly.")
    thread = write_thread(article(url=None, title=None), summary(title=None, key_points=(sentence,), tldr=""), "x")
    parts = thread["thread"]
    assert len(parts) >= 2
    for part in parts[:-1]:
        assert NUMBER.sub("", part).endswith(("…", ".")), part
    words = " ".join(strip_part(p) for p in parts).split()
    assert [w.rstrip(",") for w in words] == [w.rstrip(",") for w in sentence.split()]
    for part in parts[1:]:
        assert len(strip_part(part).split()) >= 2


def test_thread_prefers_clause_boundaries():
    sentence = ("Rutte promised continuity on Ukraine, more spending on defence and a closer partnership with the "
                "European Union; he also said that the alliance would not be drawn into the war, and that its door "
                "remained open to new members who share its values, even as several governments in the east asked "
                "for firmer guarantees before the summit.")
    parts = write_thread(article(url=None, title=None), summary(title=None, key_points=(sentence,), tldr=""),
                         "bluesky")["thread"]
    assert len(parts) == 2
    first = NUMBER.sub("", parts[0])
    assert first.endswith("values…"), first


def test_cjk_thread_splits_at_punctuation():
    text = "故人西辞黄鹤楼，烟花三月下扬州。孤帆远影碧空尽，唯见长江天际流。" * 6
    parts = write_thread(article(url=None, title=None), summary(title=None, tldr="", key_points=(text,),
                                                                  language="zh"), "x")["thread"]
    assert len(parts) >= 2
    assert all(count(p, "x").valid for p in parts)
    assert "".join(strip_part(p) for p in parts) == text


def test_bluesky_facets_use_byte_offsets():
    s = summary(tldr="Zürich 👍 — Rutte übernimmt die NATO-Führung.", hashtags=("#NATO", "Mark Rutte"))
    out = write_post(article(), s, "bluesky")
    post, facets = out["post"], out["facets"]
    raw = post.encode("utf-8")
    shown = display_url(URL)
    link = [f for f in facets if f["features"][0]["$type"] == "app.bsky.richtext.facet#link"]
    assert len(link) == 1
    idx = link[0]["index"]
    assert raw[idx["byteStart"]:idx["byteEnd"]].decode() == shown
    assert link[0]["features"][0]["uri"] == URL
    tags = {f["features"][0]["tag"] for f in facets if f["features"][0]["$type"].endswith("#tag")}
    assert tags == {"NATO", "MarkRutte"}
    for f in facets:
        i = f["index"]
        assert raw[i["byteStart"]:i["byteEnd"]].decode().lstrip("#") in (shown, *tags)


def test_bluesky_thread_parts_carry_their_own_facets():
    out = write_thread(article(), summary(), "bluesky")
    for part, facets in zip(out["thread"], out["thread_facets"], strict=True):
        raw = part.encode()
        for f in facets:
            i = f["index"]
            assert 0 <= i["byteStart"] < i["byteEnd"] <= len(raw)
    assert any(out["thread_facets"][-1])


# --- properties ------------------------------------------------------------------------------------

WORD = st.one_of(
    st.sampled_from(["the", "NATO", "alliance", "Rutte", "said", "über", "Zürich", "défense", "README.md",
                     "example.com", "👍", "👨‍👩‍👧‍👦", "🇳🇱", "日本", "«quote»", "(aside)", "x", "I", "2024"]),
    # The check below drops the link's words ("http…", "example-news.com…"); generated words must
    # not look like them, or a word such as "http" would be dropped too and the test fail at random.
    st.text(alphabet=st.characters(categories=("Ll", "Lu", "Nd", "Lo")), min_size=1, max_size=12)
    .filter(lambda w: not w.startswith(("http", "example-news.com"))),
)
PUNCT = st.sampled_from(["", "", "", ",", ";", ":", ".", "!", "?"])
SENTENCE = st.lists(st.tuples(WORD, PUNCT), min_size=1, max_size=40).map(
    lambda ws: " ".join(w + p for w, p in ws) + ".")
POINT = st.lists(SENTENCE, min_size=1, max_size=4).map(" ".join)


@settings(max_examples=60, deadline=None, suppress_health_check=list(HealthCheck))
@given(
    title=st.one_of(st.none(), SENTENCE),
    tldr=st.one_of(st.just(""), POINT),
    points=st.lists(POINT, max_size=5, unique=True),
    tags=st.lists(st.sampled_from(["#NATO", "Mark Rutte", "ukraine", "#日本", "EU"]), max_size=5),
    url=st.sampled_from([URL, None, URL + "?q=" + "x" * 200]),
    first=st.booleans(),
)
def test_property_limits_and_no_lost_words(title, tldr, points, tags, url, first):
    s = Summary(title=title, tldr=tldr, summary="", key_points=tuple(points), hashtags=tuple(tags))
    a = article(url=url, title=title)
    opts = PostOptions(link_position="first" if first else "last", utm={"utm_source": "{network}"})
    posts = write_posts(a, s, opts)
    for network, entry in posts.items():
        assert count(entry["post"], network).valid or not entry["post"], (network, entry["post"])
        thread = entry["thread"]
        for part in thread:
            assert count(part, network).valid, (network, part)
        if len(thread) > 1:
            assert all(NUMBER.search(p) for p in thread)
        # Joining the parts minus numbering and our ellipses gives back the words we started from.
        joined = " ".join(strip_part(p) for p in thread)
        expected = _expected_thread_text(title, tldr, points)
        got_words = [w for w in joined.split() if not w.startswith(("http", "example-news.com"))]
        # (a part cut after a comma drops the comma before its "…")
        assert _bare("".join(got_words)) == _bare("".join(expected.split())), network


def _bare(text: str) -> str:
    # The writer NFC-normalises text (as every reader does), so compare normalised forms.
    return re.sub(r"[,;:]", "", unicodedata.normalize("NFC", text))


def _expected_thread_text(title, tldr, points):
    opener = title or tldr
    pts = list(points) or ([tldr] if tldr and tldr != opener else [])
    pts = [p for p in pts if p.lower() != (opener or "").lower()]
    return " ".join([opener or "", *pts])


@pytest.mark.parametrize("network", NETWORKS)
def test_every_network_fits_a_huge_summary(network):
    huge = summary(tldr="word " * 2000, key_points=tuple("long point " * 300 for _ in range(3)))
    out = write_posts(article(), huge, PostOptions(networks=(network,)))[network]
    assert count(out["post"], network).valid
    assert all(count(p, network).valid for p in out["thread"])


@pytest.mark.parametrize("network", NETWORKS)
@pytest.mark.parametrize("first", [True, False])
def test_giant_word_next_to_the_link_still_fits(network, first):
    giant = "Supercalifragilistic" * 200
    s = summary(title=giant, tldr=giant, key_points=(giant,))
    opts = PostOptions(link_position="first" if first else "last", networks=(network,))
    out = write_posts(article(), s, opts)[network]
    assert count(out["post"], network).valid
    assert all(count(p, network).valid for p in out["thread"])
    assert "".join(strip_part(p) for p in out["thread"]).count("Supercalifragilistic") >= 200
