"""The catalogue in a real browser: search in place, filter, open a paper."""

from __future__ import annotations

import re

import pytest

from papers.catalogue_import import import_conference_list
from papers.conference_list import parse
from tests.papers.test_conference_list import SEED

pytestmark = pytest.mark.browser


@pytest.fixture
def catalogue(transactional_db):
    import_conference_list(parse(SEED))


def test_search_updates_the_list_in_place_and_opens_a_paper(page, catalogue, screenshot):
    from playwright.sync_api import expect

    page.goto("/papers/")
    expect(page.locator(".paper-card")).to_have_count(25)
    expect(page.locator(".result-count")).to_contain_text("29 papers")
    screenshot(page, "papers-catalogue")

    # A marker on the window survives an in-place update, not a page load.
    page.evaluate("window.stillTheSamePage = true")
    page.locator("#id_q").press_sequentially("gpu check", delay=40)
    expect(page.locator(".paper-card")).to_have_count(1)
    expect(page.locator(".paper-card h2")).to_have_text(
        "PhoenixOS: Concurrent OS-level GPU Checkpoint and Restore with Validated Speculation"
    )
    assert page.evaluate("window.stillTheSamePage") is True
    # The address bar follows the filters, so the URL can be shared or reloaded.
    expect(page).to_have_url(re.compile(r"/papers/\?q=gpu\+check"))
    screenshot(page, "papers-catalogue-search")

    # A filter narrows in place too; the search box keeps its text.
    page.locator("#id_q").fill("")
    expect(page.locator(".paper-card")).to_have_count(25)
    page.select_option("#id_topic", label="GPU")
    expect(page.locator(".paper-card")).to_have_count(3)
    expect(page).to_have_url(re.compile(r"topic=\d+"))
    assert page.evaluate("window.stillTheSamePage") is True

    page.get_by_role("link", name=re.compile("^LithOS")).click()
    expect(page.locator("h1")).to_have_text(
        "LithOS: An Operating System for Efficient Machine Learning on GPUs"
    )
    expect(page.locator(".paper-facts")).to_contain_text("GPU \u203a GPU OS")
    expect(page.locator(".paper-notes li")).to_have_count(5)
    screenshot(page, "papers-paper")

    # Back to the filtered list.
    page.go_back()
    expect(page.locator(".paper-card")).to_have_count(3)


def test_proceedings_page_and_the_list_on_a_phone(page, catalogue, screenshot):
    from playwright.sync_api import expect

    page.goto("/papers/sosp/2025/")
    expect(page.locator(".proceedings-area")).to_have_count(10)
    expect(page.locator(".listed-paper")).to_have_count(29)
    screenshot(page, "papers-proceedings")

    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/papers/?venue=SOSP")
    expect(page.locator(".paper-card")).to_have_count(25)
    # Nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "papers-catalogue-phone")


def test_search_works_without_javascript(browser, live_server, catalogue):
    from playwright.sync_api import expect

    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/papers/")
        page.fill("#id_q", "serverless")
        page.click(".catalogue-filters button[type=submit]")  # not the header's language button
        expect(page).to_have_url(re.compile(r"q=serverless"))
        expect(page.locator(".paper-card h2")).to_have_text(
            ["Quilt: Resource-aware Merging of Serverless Workflows"]
        )
    finally:
        context.close()


def test_organiser_imports_a_conference_list_from_the_browser(
    page, login, organiser, transactional_db, screenshot, fixtures_dir
):
    from playwright.sync_api import expect

    login(page, organiser)
    page.goto("/organise/")
    page.get_by_role("link", name="Import a conference list").click()
    page.get_by_label("Conference list (.md)").set_input_files(
        str(fixtures_dir / "lists" / "nsdi-2025.md")
    )
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: NSDI 2025")).to_be_visible()
    expect(page.locator(".import-warnings li")).to_have_count(2)
    expect(page.locator(".import-warnings")).to_contain_text("nsdi-2025.md:29")
    screenshot(page, "papers-import-preview")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "papers-import-preview-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Import NSDI 2025").click()
    expect(page).to_have_url(re.compile(r"/papers/nsdi/2025/$"))
    expect(page.locator(".messages")).to_contain_text("NSDI 2025: proceedings created")
    expect(page.locator(".listed-paper")).to_have_count(6)
    screenshot(page, "papers-import-done")


def test_search_shows_where_it_matched(page, catalogue, screenshot):
    from playwright.sync_api import expect

    from tests import factories

    talk = factories.TalkFactory(
        paper=None, title="Free topic: inference engines", slides_text="Slide 3: inferlets again"
    )
    page.goto("/papers/")
    page.locator("#id_q").press_sequentially("inferlets", delay=30)
    expect(page.locator(".paper-card")).to_have_count(2)
    # The paper whose notes say it, and the talk whose slides say it.
    first = page.locator(".paper-card", has_text="Pie:")
    second = page.locator(".paper-card", has_text="Free topic")
    expect(first.locator(".search-snippet")).to_contain_text("In the notes:")
    expect(first.locator(".search-snippet mark")).to_have_text("inferlets")
    expect(second.locator("h2")).to_have_text("Free topic: inference engines")
    expect(second).to_contain_text("Topic I")
    expect(second.locator(".search-snippet mark")).to_have_text("inferlets")
    expect(page.locator(".result-count")).to_contain_text("2 results, best match first")
    screenshot(page, "papers-search-snippet")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "papers-search-snippet-390")
    second.locator("h2 a").click()
    expect(page).to_have_url(re.compile(re.escape(talk.session.get_absolute_url()) + "$"))


def test_a_list_saved_as_gb18030_is_read_and_the_preview_says_so(
    page, login, organiser, transactional_db, screenshot, fixtures_dir, tmp_path
):
    """A list saved by a Chinese Windows editor ("ANSI"): imported, the guess shown at line 1."""
    from playwright.sync_api import expect

    text = (fixtures_dir / "lists" / "nsdi-2025.md").read_text(encoding="utf-8")
    listed = tmp_path / "nsdi-2025-gbk.md"
    listed.write_bytes(text.replace("  * Stanford", "  * 清华大学 & Stanford", 1).encode("gb18030"))
    login(page, organiser)
    page.goto("/organise/papers/import/")
    page.get_by_label("Conference list (.md)").set_input_files(str(listed))
    page.get_by_role("button", name="Preview").click()
    expect(page.get_by_role("heading", name="Preview: NSDI 2025")).to_be_visible()
    warnings = page.locator(".import-warnings li")
    expect(warnings).to_have_count(3)
    expect(warnings.first).to_contain_text("nsdi-2025-gbk.md:1")
    expect(warnings.first).to_contain_text("GB18030")
    screenshot(page, "papers-import-gb18030")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "papers-import-gb18030-phone")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_role("button", name="Import NSDI 2025").click()
    expect(page).to_have_url(re.compile(r"/papers/nsdi/2025/$"))
    expect(page.get_by_text("清华大学 & Stanford")).to_be_visible()
