"""Refusals a person can read, in Chromium: another member's talk page shows the reason in the
site's layout with a way back; an HTMX action refused on the server says why in place."""

from __future__ import annotations

import pytest

from readinggroup.permissions import set_organiser
from sessions.models import Presenter
from tests import factories
from tests.members.conftest import make_talk, person_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_member_opening_another_members_talk_page_sees_why(page, login, screenshot):
    talk = make_talk(days=7)
    lead = factories.UserFactory(username="olga")
    Presenter.objects.create(talk=talk, person=person_of(lead), role="lead")
    login(page, factories.UserFactory(username="nora"))

    response = page.goto(f"/talks/{talk.pk}/edit/")
    assert response.status == 403
    page.get_by_role("heading", name="Not allowed").wait_for()
    reason = "Only the lead of this talk or an organiser may change it."
    assert page.get_by_text(reason).is_visible()
    navigation = page.get_by_role("navigation", name="Main")
    assert navigation.get_by_role("link", name="Schedule").is_visible()
    screenshot(page, "errors-403-desktop")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "errors-403-phone")

    page.get_by_role("link", name="Back to the schedule").click()
    page.wait_for_url("**/")
    assert page.locator(f"#talk-{talk.pk}").is_visible()


def test_an_htmx_action_refused_on_the_server_says_why_in_place(page, login, screenshot):
    session = make_talk(days=7).session
    organiser = factories.OrganiserFactory(username="ines")
    login(page, organiser)
    page.goto(f"/organise/terms/{session.term.slug}/")
    row = page.locator(f"#session-{session.pk}")
    talks_before = session.talks.count()
    set_organiser(organiser, False)  # e.g. another organiser revoked the role meanwhile

    row.get_by_role("button", name="Add talk slot").click()
    alert = page.get_by_role("alert").filter(has_text="Only organisers can do this.")
    alert.wait_for()
    assert session.talks.count() == talks_before
    screenshot(page, "errors-htmx-refused")
