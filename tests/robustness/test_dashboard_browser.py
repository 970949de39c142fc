"""The paged organiser dashboard in Chromium: it opens on today's page, the pager moves on."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from sessions import paging
from tests.robustness.test_dashboard_pages import big_term

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_term_of_sixty_sessions_is_paged(page, login, screenshot, organiser):
    # Browser tests use the real clock: 55 sessions before today, so today is on page 2.
    today = timezone.localdate()
    term = big_term(60, first=today - datetime.timedelta(days=55))
    login(page, organiser)
    page.goto(f"/organise/terms/{term.slug}/")

    pager = page.get_by_role("navigation", name="Pages of sessions").first
    assert "Sessions 51\N{EN DASH}60 of 60 · page 2 of 2" in pager.inner_text()
    assert page.locator("article.organiser-session").count() == 10
    assert page.get_by_text(f"Talk {today}").is_visible()
    screenshot(page, "organiser-dashboard-paged")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "organiser-dashboard-paged-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    screenshot(page, "organiser-dashboard-paged-1280")

    pager.get_by_role("link", name="← Earlier sessions").click()
    page.wait_for_url("**?page=1")
    assert page.locator("article.organiser-session").count() == paging.PAGE_SIZE
    assert (
        "page 1 of 2" in page.get_by_role("navigation", name="Pages of sessions").first.inner_text()
    )
