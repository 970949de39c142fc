"""The arXiv client against the fake arXiv server: fields, failure modes, batching, spacing."""

from __future__ import annotations

import datetime
import threading
import time
import urllib.request

import pytest

from papers.arxiv import client as client_module
from papers.arxiv.client import ArxivClient
from papers.arxiv.ratelimit import LocalRateLimiter, spacing_for
from tests.arxiv.conftest import INTERVAL

UTC = datetime.UTC


@pytest.fixture
def client(fake_arxiv) -> ArxivClient:
    return ArxivClient.from_settings()


def add_leankv(fake):
    return fake.add(
        "2412.03131",
        title="Unifying KV Cache Compression for Large Language Models with LeanKV, a title "
        "long enough that arXiv hard-wraps it over two lines",
        summary="Large language model serving keeps a key-value cache per request, and the "
        "cache, not the weights, bounds how many requests fit on a GPU. " * 3,
        authors=[("Yanqi Zhang", ["EPFL"]), ("Yuwei Hu", ["EPFL", "Huawei"]), ("R. Zhao", [])],
        version=2,
        published=datetime.datetime(2024, 12, 4, 9, 0, 1, tzinfo=UTC),
        updated=datetime.datetime(2025, 3, 11, 17, 42, 5, tzinfo=UTC),
        primary_category="cs.LG",
        categories=["cs.LG", "cs.DC"],
        doi="10.1145/3731569.3764801",
        journal_ref="SOSP '25",
        comment="14 pages, 11 figures",
    )


@pytest.mark.parametrize("style", ["new", "old"])
def test_every_field_from_either_feed_style(fake_arxiv, client, style):
    fake_arxiv.style = style
    paper = add_leankv(fake_arxiv)

    outcome = client.fetch(["2412.03131"])["2412.03131"]

    assert outcome.status == "fetched"
    entry = outcome.entry
    assert entry.arxiv_id == "2412.03131"
    assert entry.version == 2
    assert entry.title == paper.title
    assert entry.summary == paper.summary.strip()
    assert entry.author_names == ["Yanqi Zhang", "Yuwei Hu", "R. Zhao"]
    assert entry.authors[1].affiliations == ("EPFL", "Huawei")
    assert entry.published == paper.published
    assert entry.updated == paper.updated
    assert entry.primary_category == "cs.LG"
    assert entry.categories == ("cs.LG", "cs.DC")
    assert entry.doi == "10.1145/3731569.3764801"
    assert entry.journal_ref == "SOSP '25"
    assert entry.comment == "14 pages, 11 figures"
    scheme = "https" if style == "new" else "http"
    assert entry.abs_url == f"{scheme}://arxiv.org/abs/2412.03131v2"
    assert entry.pdf_url == f"{scheme}://arxiv.org/pdf/2412.03131v2"


def test_request_shape_id_list_max_results_user_agent(fake_arxiv, client):
    fake_arxiv.add("2412.03131")
    fake_arxiv.add("cs/0112017")

    client.fetch(["2412.03131", "cs/0112017", "2412.03131"])

    [request] = fake_arxiv.requests
    assert request.path == "/api/query"
    assert request.ids == ["2412.03131", "cs/0112017"]
    assert request.params["max_results"] == "2"
    assert request.params["start"] == "0"
    assert request.user_agent == "readinggroup-tests/1.0 (mailto:tests@example.org)"


def test_the_fake_like_arxiv_returns_ten_without_max_results(fake_arxiv):
    ids = [f"2501.{n:05d}" for n in range(1, 31)]
    fake_arxiv.add_generated(ids)
    url = f"{fake_arxiv.url}?id_list={','.join(ids)}"
    body = urllib.request.urlopen(url).read()
    assert body.count(b"<entry>") == 10
    body = urllib.request.urlopen(f"{url}&max_results=30").read()
    assert body.count(b"<entry>") == 30


def test_unknown_id_is_not_found_and_the_rest_still_count(fake_arxiv, client):
    fake_arxiv.add("2412.03131")

    outcomes = client.fetch(["2412.03131", "2501.99999"])

    assert outcomes["2412.03131"].status == "fetched"
    assert outcomes["2501.99999"].status == "not_found"
    assert outcomes["2501.99999"].message == "arXiv has no paper 2501.99999."
    assert len(fake_arxiv.requests) == 1


def test_empty_feed_every_id_not_found(fake_arxiv, client):
    outcomes = client.fetch(["2501.99998", "2501.99999"])
    assert {o.status for o in outcomes.values()} == {"not_found"}
    assert len(fake_arxiv.requests) == 1


@pytest.mark.parametrize("style", ["new", "old"])
def test_malformed_id_is_rejected_and_the_rest_of_the_batch_still_counts(fake_arxiv, client, style):
    # 2409.3108 (our parser refuses it now; the client still asks for what it is given):
    # arXiv wants 5 digits after 2015, "incorrect id format".
    fake_arxiv.style = style  # new: HTTP 200 + error entry; old: HTTP 400 + error entry
    fake_arxiv.add("2412.03131")
    fake_arxiv.add("2504.15465")

    outcomes = client.fetch(["2412.03131", "2409.3108", "2504.15465", "2501.99999"])

    assert outcomes["2409.3108"].status == "rejected"
    assert outcomes["2409.3108"].message == (
        "arXiv rejected the id: incorrect id format for 2409.3108"
    )
    assert outcomes["2412.03131"].status == "fetched"
    assert outcomes["2504.15465"].status == "fetched"
    assert outcomes["2501.99999"].status == "not_found"
    # The error answer hid the others: they were asked again without the bad id.
    assert [r.answer for r in fake_arxiv.requests] == ["error-entry", "feed"]
    assert fake_arxiv.requests[1].ids == ["2412.03131", "2504.15465", "2501.99999"]


@pytest.mark.parametrize("mode", ["503", "429", "500", "timeout", "truncated", "drop", "malformed"])
def test_transient_failure_is_retried(fake_arxiv, client, mode):
    fake_arxiv.add("2412.03131")
    fake_arxiv.fail_next(mode)

    outcome = client.fetch(["2412.03131"])["2412.03131"]

    assert outcome.status == "fetched"
    assert [r.answer for r in fake_arxiv.requests] == [mode, "feed"]


@pytest.mark.parametrize(
    ("mode", "reason"),
    [
        ("503", "HTTP 503: rate exceeded"),
        ("429", "HTTP 429: rate exceeded"),
        ("500", "HTTP 500"),
        ("timeout", "no answer within 0.3 s"),
        ("truncated", "unreadable answer: not a well-formed Atom feed"),
        ("malformed", "unreadable answer: not a well-formed Atom feed"),
        ("drop", "connection broke off"),
    ],
)
def test_persistent_failure_gives_up_after_bounded_attempts(fake_arxiv, client, mode, reason):
    fake_arxiv.add("2412.03131")
    fake_arxiv.add("2504.15465")
    fake_arxiv.fail_next(mode, mode, mode, mode)

    outcomes = client.fetch(["2412.03131", "2504.15465"])

    assert len(fake_arxiv.requests) == 3  # ARXIV_MAX_ATTEMPTS
    for outcome in outcomes.values():
        assert outcome.status == "failed"
        assert outcome.message.startswith("arXiv API gave no usable answer after 3 attempts: ")
        assert reason in outcome.message


def test_rate_exceeded_body_is_never_parsed_as_xml(fake_arxiv, client, monkeypatch):
    parsed = []
    real_parse = client_module.parse_feed

    def spy(body):
        parsed.append(body)
        return real_parse(body)

    monkeypatch.setattr(client_module, "parse_feed", spy)
    fake_arxiv.add("2412.03131")
    fake_arxiv.fail_next("429", "503")

    assert client.fetch(["2412.03131"])["2412.03131"].status == "fetched"
    assert len(parsed) == 1
    assert b"Rate exceeded" not in parsed[0]


def test_backoff_is_exponential_with_jitter_and_capped(fake_arxiv):
    slept: list[float] = []
    fake_arxiv.add("2412.03131")
    fake_arxiv.fail_next("503", "503", "503", "503", "503")
    client = ArxivClient(
        api_url=fake_arxiv.url,
        limiter=LocalRateLimiter(0.0),
        max_attempts=6,
        retry_base=1.0,
        retry_max=5.0,
        sleep=slept.append,
        rng=lambda: 1.0,
    )
    assert client.fetch(["2412.03131"])["2412.03131"].status == "fetched"
    assert slept == [1.0, 2.0, 4.0, 5.0, 5.0]

    low = ArxivClient(api_url="", limiter=LocalRateLimiter(0), retry_base=1.0, rng=lambda: 0.0)
    assert [low._backoff(n, None) for n in (1, 2, 3)] == [0.5, 1.0, 2.0]
    # A server's Retry-After is honoured, within the cap.
    assert low._backoff(1, 30.0) == 30.0
    assert low._backoff(1, 600.0) == 60.0


def test_batching_250_ids_take_3_requests(fake_arxiv, settings):
    settings.ARXIV_BATCH_SIZE = 100
    settings.ARXIV_MIN_INTERVAL = 0.01
    ids = [f"2501.{n:05d}" for n in range(1, 251)]
    fake_arxiv.add_generated(ids)

    outcomes = ArxivClient.from_settings().fetch(ids)

    assert len(fake_arxiv.requests) == 3
    assert [len(r.ids) for r in fake_arxiv.requests] == [100, 100, 50]
    assert [r.params["max_results"] for r in fake_arxiv.requests] == ["100", "100", "50"]
    assert sorted(fake_arxiv.asked_ids()) == ids  # each id asked exactly once
    assert all(outcomes[i].status == "fetched" for i in ids)
    assert (
        outcomes["2501.00250"].entry.title == "Generated paper 249: scaling the 2501.00250 system"
    )


def test_a_paged_answer_is_followed_up_not_taken_as_missing(fake_arxiv, client):
    ids = [f"2501.{n:05d}" for n in range(1, 8)]
    fake_arxiv.add_generated(ids)
    fake_arxiv.page_cap = 3  # the server sends 3 entries, whatever max_results says

    outcomes = client.fetch([*ids, "2501.99999"])

    assert all(outcomes[i].status == "fetched" for i in ids)
    assert outcomes["2501.99999"].status == "not_found"
    assert [len(r.ids) for r in fake_arxiv.requests] == [8, 5, 2]


def test_spacing_between_requests_on_the_servers_clock(fake_arxiv, settings):
    settings.ARXIV_BATCH_SIZE = 1
    ids = [f"2501.{n:05d}" for n in range(1, 9)]
    fake_arxiv.add_generated(ids)
    fake_arxiv.fail_next("503")  # a retry goes through the limiter too

    ArxivClient.from_settings().fetch(ids)

    assert len(fake_arxiv.requests) == 9
    assert min(fake_arxiv.gaps()) >= INTERVAL


def test_spacing_holds_across_threads_of_one_process(fake_arxiv, settings):
    settings.ARXIV_BATCH_SIZE = 1
    ids = [f"2501.{n:05d}" for n in range(1, 13)]
    fake_arxiv.add_generated(ids)

    def work(chunk):
        ArxivClient.from_settings().fetch(chunk)

    threads = [threading.Thread(target=work, args=(ids[i::3],)) for i in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(fake_arxiv.requests) == 12
    assert min(fake_arxiv.gaps()) >= INTERVAL


def test_local_limiter_spaces_from_the_end_of_the_previous_request():
    now = [100.0]
    slept = []

    def sleep(seconds):
        slept.append(seconds)
        now[0] += seconds

    limiter = LocalRateLimiter(3.0, clock=lambda: now[0], sleep=sleep)
    spacing = spacing_for(3.0)
    assert spacing == pytest.approx(3.06)  # 3 s plus a 2 % margin
    with limiter.slot() as waited:
        assert waited == 0
        now[0] += 1.5  # a slow request: the next one waits from its end, not its start
    with limiter.slot() as waited:
        assert waited == pytest.approx(spacing)
    now[0] += 10.0  # long idle: nothing to wait for
    with limiter.slot() as waited:
        assert waited == 0
    assert slept == [pytest.approx(spacing)]


def test_a_request_delayed_on_its_way_still_leaves_the_interval(fake_arxiv, settings, monkeypatch):
    """Spacing request starts is not enough; the slot lasts until the answer is in."""
    settings.ARXIV_BATCH_SIZE = 1
    ids = [f"2501.{n:05d}" for n in range(1, 5)]
    fake_arxiv.add_generated(ids)
    real_get = ArxivClient._get
    calls = []

    def slow_first_connect(self, url):
        calls.append(url)
        if len(calls) == 2:
            time.sleep(3 * INTERVAL)  # the second request reaches arXiv late
        return real_get(self, url)

    monkeypatch.setattr(ArxivClient, "_get", slow_first_connect)
    ArxivClient.from_settings().fetch(ids)
    assert len(fake_arxiv.requests) == 4
    assert min(fake_arxiv.gaps()) >= INTERVAL
