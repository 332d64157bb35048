"""The optional LLM path against a fake OpenAI-compatible server on 127.0.0.1."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from composer.article import Article, Block
from composer.summarize import summarise
from composer.summarize.llm import LLMSettings, summarise_llm

SECRET = "sk-test-SECRET-1234567890"
ARTICLE = Article(
    title="Riverton approves flood barrier",
    url="https://news.example.org/riverton-barrier",
    body=tuple(Block("paragraph", t) for t in [
        "The city council of Riverton approved a new flood barrier on Tuesday after three days of debate.",
        "The barrier will cost 40 million euros and protect about 12,000 homes along the Lune river.",
        "Mayor Anna Berg said the vote was the most important decision of her term.",
        "Details are at https://riverton.example.org/barrier for residents.",
    ]),
)
GOOD = {
    "tldr": "Riverton's council approved a 40 million euro flood barrier protecting 12,000 homes.",
    "summary": "Riverton approved a flood barrier on Tuesday. It will protect about 12,000 homes.",
    "key_points": ["The council approved the barrier on Tuesday.", "It costs 40 million euros.",
                   "Mayor Anna Berg called it her most important decision.",
                   "Residents can read more at https://riverton.example.org/barrier."],
    "keywords": ["Riverton", "flood barrier", "Anna Berg"],
    "hashtags": ["#Riverton", "#FloodBarrier", "#floodbarrier", "#The"],
}

Reply = Callable[[dict], tuple[int, str, float]]  # request JSON -> (status, body, delay)


def completion(content: str) -> str:
    return json.dumps({"choices": [{"index": 0, "message": {"role": "assistant", "content": content}}]})


@pytest.fixture
def server() -> Iterator[tuple[str, list[dict], Callable[[Reply], None]]]:
    """A chat-completions endpoint whose answer each test chooses; records what it received."""
    received: list[dict] = []
    state: dict[str, Reply] = {"reply": lambda req: (200, completion(json.dumps(GOOD)), 0.0)}

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server API
            body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            received.append({"path": self.path, "auth": self.headers.get("Authorization"), "body": body})
            status, text, delay = state["reply"](body)
            time.sleep(delay)
            data = text.encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: object) -> None:
            pass

    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()

    def set_reply(reply: Reply) -> None:
        state["reply"] = reply

    yield f"http://127.0.0.1:{httpd.server_port}/v1", received, set_reply
    httpd.shutdown()
    httpd.server_close()


def settings(url: str, timeout: float = 5.0) -> LLMSettings:
    return LLMSettings(base_url=url, model="tiny-model", api_key=SECRET, timeout=timeout)


def test_success(server) -> None:
    url, received, _ = server
    fallback = summarise(ARTICLE)
    s, warning = summarise_llm(ARTICLE, settings(url), fallback)
    assert warning is None
    assert s.tldr == GOOD["tldr"] and s.summary == GOOD["summary"]
    assert s.key_points == tuple(GOOD["key_points"])  # the URL is in the article: allowed
    assert s.hashtags == ("#Riverton", "#FloodBarrier", "#AnnaBerg")  # deduplicated, no stop word
    assert s.title == fallback.title and s.language == "en" and s.reading_time_min == fallback.reading_time_min
    req = received[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == f"Bearer {SECRET}"
    assert req["body"]["model"] == "tiny-model" and req["body"]["temperature"] == 0
    assert "JSON" in req["body"]["messages"][0]["content"]
    assert "Riverton approved a new flood barrier" in req["body"]["messages"][1]["content"]


def test_code_fence_is_tolerated(server) -> None:
    url, _, set_reply = server
    set_reply(lambda req: (200, completion("```json\n" + json.dumps(GOOD) + "\n```"), 0.0))
    s, warning = summarise_llm(ARTICLE, settings(url), summarise(ARTICLE))
    assert warning is None and s.tldr == GOOD["tldr"]


def test_long_tldr_is_shortened(server) -> None:
    url, _, set_reply = server
    long = dict(GOOD, tldr="The council " + "of the small town " * 15 + "approved a barrier.")
    set_reply(lambda req: (200, completion(json.dumps(long)), 0.0))
    s, warning = summarise_llm(ARTICLE, settings(url), summarise(ARTICLE))
    assert warning is None and len(s.tldr) <= 200


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ("Sure! Here is your summary: the council approved a barrier.", "no JSON object"),
        ('{"tldr": "Cut off', "no JSON object"),
        ('{"tldr": "x", "summary": }', "not valid JSON"),
        (json.dumps(dict(GOOD, key_points="one string")), "key_points"),
        (json.dumps(dict(GOOD, tldr="")), "tldr"),
        (json.dumps(dict(GOOD, key_points=["Only one."])), "expected 3 to 5"),
        (json.dumps(dict(GOOD, summary="x" * 2000)), "longer than"),
    ],
)
def test_invalid_answer_falls_back(server, content: str, reason: str) -> None:
    url, _, set_reply = server
    set_reply(lambda req: (200, completion(content), 0.0))
    fallback = summarise(ARTICLE)
    s, warning = summarise_llm(ARTICLE, settings(url), fallback)
    assert s is fallback
    assert warning and reason in warning and "extractive" in warning and SECRET not in warning


def test_reply_that_is_not_json_at_all(server) -> None:
    url, _, set_reply = server
    set_reply(lambda req: (200, "<html>oops</html>", 0.0))
    fallback = summarise(ARTICLE)
    s, warning = summarise_llm(ARTICLE, settings(url), fallback)
    assert s is fallback and warning and "not JSON" in warning


def test_invented_url_is_rejected(server) -> None:
    url, _, set_reply = server
    bad = dict(GOOD, summary="Riverton approved a barrier. See https://invented.example.com/story for more.")
    set_reply(lambda req: (200, completion(json.dumps(bad)), 0.0))
    fallback = summarise(ARTICLE)
    s, warning = summarise_llm(ARTICLE, settings(url), fallback)
    assert s is fallback and warning and "URL that is not in the article" in warning


def test_invented_bare_domain_is_rejected(server) -> None:
    url, _, set_reply = server
    bad = dict(GOOD, key_points=[*GOOD["key_points"][:3], "More at fake-news.example.net/riverton today."])
    set_reply(lambda req: (200, completion(json.dumps(bad)), 0.0))
    s, warning = summarise_llm(ARTICLE, settings(url), summarise(ARTICLE))
    assert warning and "URL that is not in the article" in warning


def test_timeout_falls_back(server) -> None:
    url, _, set_reply = server
    set_reply(lambda req: (200, completion(json.dumps(GOOD)), 2.0))
    fallback = summarise(ARTICLE)
    t0 = time.monotonic()
    s, warning = summarise_llm(ARTICLE, settings(url, timeout=0.3), fallback)
    assert time.monotonic() - t0 < 1.5
    assert s is fallback and warning and "0.3 s" in warning and "LLM_TIMEOUT" in warning


def test_http_error_never_shows_the_key(server) -> None:
    url, _, set_reply = server
    set_reply(lambda req: (401, json.dumps({"error": f"invalid key {SECRET}"}), 0.0))
    fallback = summarise(ARTICLE)
    s, warning = summarise_llm(ARTICLE, settings(url), fallback)
    assert s is fallback and warning and "HTTP 401" in warning and "LLM_API_KEY" in warning
    assert SECRET not in warning


def test_unreachable_server_falls_back() -> None:
    # a port nothing listens on: bind, note the port, close
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    fallback = summarise(ARTICLE)
    s, warning = summarise_llm(ARTICLE, settings(f"http://127.0.0.1:{port}/v1"), fallback)
    assert s is fallback and warning and "LLM_BASE_URL" in warning and SECRET not in warning


def test_credentials_in_the_url_are_not_shown(server) -> None:
    url, _, set_reply = server
    set_reply(lambda req: (500, "boom", 0.0))
    host = url.removeprefix("http://")
    st = LLMSettings(base_url=f"http://user:{SECRET}@{host}", model="m", api_key=None, timeout=2)
    fallback = summarise(ARTICLE)
    s, warning = summarise_llm(ARTICLE, st, fallback)
    assert s is fallback and warning and SECRET not in warning and "user:" not in warning
    assert f"http://{host}/chat/completions" in warning


def test_key_never_in_repr() -> None:
    st = settings("http://127.0.0.1:1/v1")
    assert SECRET not in repr(st) and SECRET not in str(st)
    assert st.endpoint == "http://127.0.0.1:1/v1/chat/completions"
    assert LLMSettings("http://h/v1/chat/completions/", "m").endpoint == "http://h/v1/chat/completions"


def test_no_key_no_authorization_header(server) -> None:
    url, received, _ = server
    summarise_llm(ARTICLE, LLMSettings(base_url=url, model="m"), summarise(ARTICLE))
    assert received[0]["auth"] is None
