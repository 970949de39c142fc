"""The public schedule in Chromium: next session first, filtering in place, a session page."""

from __future__ import annotations

import re

import icalendar
import pytest

from sessions.models import Person, Session
from tests.schedule.helpers import import_shifted

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_home_filter_by_presenter_then_open_a_session(page, live_server, screenshot):
    import_shifted()
    next_session = Session.objects.filter(date__gte=page_today()).order_by("date").first()

    page.goto("/")
    first_card = page.locator(".session-card").first
    assert "highlight" in first_card.get_attribute("class")
    assert first_card.get_attribute("id") == f"session-{next_session.date.isoformat()}"
    screenshot(page, "schedule-home")

    # Filtering swaps the list in place: the page itself is not reloaded.
    page.evaluate("window.__notReloaded = true")
    person = Person.objects.get(name="Mingxuan Liu")
    page.select_option("select[name=presenter]", str(person.pk))
    page.wait_for_url(re.compile(rf"\?presenter={person.pk}$"))
    page.locator(".schedule-count", has_text="with Mingxuan Liu").wait_for()
    assert page.evaluate("window.__notReloaded") is True
    assert page.locator(".talk").count() == 2
    assert page.locator(".session-card").count() == 1
    screenshot(page, "schedule-home-filtered")

    page.locator(".session-card h3 a").first.click()
    page.wait_for_url(re.compile(r"/sessions/\d{4}-\d{2}-\d{2}/$"))
    assert page.locator("h1").inner_text().strip()
    assert "Jenga" in page.locator(".talk").first.inner_text()
    screenshot(page, "schedule-session")

    # The paper's page lists where it was presented.
    page.locator(".talk-title a", has_text="Jenga").click()
    page.wait_for_url(re.compile(r"/papers/\d+/$"))
    sessions = page.locator(".paper-sessions")
    assert "Mingxuan Liu" in sessions.inner_text()
    screenshot(page, "schedule-paper-sessions")


def test_term_page_shows_requirements_and_downloads(page, live_server, screenshot):
    result = import_shifted()

    page.goto(f"/terms/{result.term.slug}/")
    assert "at least 45 minutes" in page.locator(".term-info").inner_text()
    screenshot(page, "schedule-term")

    with page.expect_download() as download:
        page.click("text=Add to calendar")
    calendar = icalendar.Calendar.from_ical(download.value.path().read_bytes())
    assert len(calendar.walk("VEVENT")) == 15

    with page.expect_download() as readme:
        page.click("text=Export README")
    assert readme.value.path().read_text(encoding="utf-8").startswith("# 2025 Fall\n")


def test_filters_work_without_javascript(browser, live_server):
    import_shifted()
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/")
        page.select_option("select[name=venue]", "OSDI")
        page.click("button:has-text('Filter')")
        page.wait_for_url(re.compile(r"venue=OSDI"))
        assert page.locator(".talk").count() == 2
    finally:
        context.close()


def page_today():
    from django.utils import timezone

    return timezone.localdate()
