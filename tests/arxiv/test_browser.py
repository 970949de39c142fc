"""Chromium: paste an arXiv link, watch the status turn to fetched in place; re-fetch a paper.

The live server runs in this process, so the settings the fake_arxiv fixture sets are its
settings. Sending the fetch is held back (no broker here) and the test then does what a Celery
worker would: it runs the task, while the page polls and updates by itself.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from papers import services, tasks
from papers.models import Paper
from tests.factories import PaperFactory


@pytest.fixture
def held_fetches(monkeypatch) -> list[list[int]]:
    held: list[list[int]] = []
    monkeypatch.setattr(services, "enqueue_fetch", lambda ids, force=False: held.append(list(ids)))
    return held


def run_worker(held: list[list[int]]) -> None:
    while held:
        tasks.fetch_arxiv_metadata(held.pop(0))


@pytest.mark.browser
def test_paste_an_arxiv_link_and_watch_it_fetch(
    page, live_server, login, member, fake_arxiv, held_fetches, screenshot
):
    fake_arxiv.add(
        "2412.03131",
        title="Unifying KV Cache Compression for Large Language Models with LeanKV",
        authors=[("Yanqi Zhang", ["EPFL"]), ("Yuwei Hu", [])],
    )
    login(page, member)
    page.goto("/papers/add-arxiv/")
    expect(page.get_by_role("heading", name="Add paper from arXiv")).to_be_visible()

    page.get_by_label("arXiv id or link").fill("https://arxiv.org/abs/2412.03131v1")
    page.get_by_role("button", name="Add paper").click()

    status = page.locator(".fetch-status [data-status]")
    expect(status).to_have_text("Queued")
    expect(page.locator(".fetch-title")).to_contain_text("arXiv:2412.03131")
    screenshot(page, "arxiv-add-queued")
    assert held_fetches == [[Paper.objects.get(arxiv_id="2412.03131").pk]]

    run_worker(held_fetches)  # the page is not reloaded: the fragment polls every 2 s

    expect(status).to_have_text("Fetched", timeout=8_000)
    expect(page.locator(".fetch-title")).to_contain_text(
        "Unifying KV Cache Compression for Large Language Models with LeanKV"
    )
    expect(page.locator(".fetch-title")).to_contain_text("Yanqi Zhang, Yuwei Hu")
    assert re.search(r"/papers/add-arxiv/\?paper=\d+$", page.url)
    screenshot(page, "arxiv-add-fetched")
    # Polling stopped: the final fragment carries no trigger.
    assert page.locator(".fetch-status[hx-trigger]").count() == 0


@pytest.mark.browser
def test_bad_input_is_explained(page, login, member, screenshot):
    login(page, member)
    page.goto("/papers/add-arxiv/")
    page.get_by_label("arXiv id or link").fill("the LeanKV paper")
    page.get_by_role("button", name="Add paper").click()
    expect(page.get_by_role("alert")).to_contain_text("is not an arXiv id or arXiv link")
    screenshot(page, "arxiv-add-error")
    assert Paper.objects.count() == 0


@pytest.mark.browser
def test_organiser_refetches_from_the_paper_page(
    page, login, organiser, fake_arxiv, held_fetches, screenshot
):
    fake_arxiv.add("2504.15465", title="A paper arXiv knows better", summary="Now with abstract.")
    paper = PaperFactory(
        arxiv_id="2504.15465",
        proceedings=None,
        title="arXiv:2504.15465",
        fetch_status=Paper.FetchStatus.FAILED,
        fetch_error="arXiv API gave no usable answer after 4 attempts: HTTP 503: rate exceeded",
        fetch_attempts=2,
    )
    login(page, organiser)
    page.goto(paper.get_absolute_url())
    expect(page.locator(".fetch-error")).to_contain_text("HTTP 503: rate exceeded")
    screenshot(page, "arxiv-paper-failed")

    page.get_by_role("button", name="Re-fetch from arXiv").click()
    expect(page.locator(".fetch-status [data-status]")).to_have_text("Queued")
    run_worker(held_fetches)

    # When the fetch is done the paper page reloads once, showing the new metadata.
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "A paper arXiv knows better", timeout=8_000
    )
    expect(page.locator(".fetch-status [data-status]")).to_have_text("Fetched")
    expect(page.get_by_text("Now with abstract.")).to_be_visible()
    screenshot(page, "arxiv-paper-fetched")


@pytest.mark.browser
def test_a_malformed_id_is_refused_with_its_reason(page, login, member, screenshot):
    login(page, member)
    page.goto("/papers/add-arxiv/")
    page.get_by_label("arXiv id or link").fill("2409.3108")
    page.get_by_role("button", name="Add paper").click()
    expect(page.get_by_role("alert")).to_contain_text("“2409.3108” is not a valid arXiv id")
    expect(page.get_by_role("alert")).to_contain_text("five digits after the dot")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"arxiv-add-malformed-{width}")
    assert Paper.objects.count() == 0


@pytest.mark.browser
def test_an_organiser_keeps_a_paper_arxiv_does_not_know(page, login, organiser, screenshot):
    paper = PaperFactory(
        arxiv_id="2501.99999",
        proceedings=None,
        title="arXiv:2501.99999",
        fetch_status=Paper.FetchStatus.MISSING,
        fetch_error="arXiv has no paper 2501.99999.",
        fetch_attempts=1,
    )
    login(page, organiser)
    page.goto(paper.get_absolute_url())
    expect(page.locator(".fetch-status [data-status]")).to_have_text("Not on arXiv")
    expect(page.locator(".fetch-error")).to_contain_text("kept out of the public catalogue")
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        screenshot(page, f"arxiv-paper-missing-{width}")
    page.set_viewport_size({"width": 1280, "height": 900})

    page.get_by_role("button", name="Keep in the public catalogue").click()
    expect(page.locator(".fetch-error")).to_contain_text("The paper stays in the catalogue.")
    expect(page.get_by_role("button", name="Keep in the public catalogue")).to_have_count(0)
    screenshot(page, "arxiv-paper-missing-kept")
    paper.refresh_from_db()
    assert paper.kept_public
