"""Flows a member clicks through, in Chromium: register, sign up as lead in place on the schedule,
pick a paper, upload slides, withdraw; and a second member who loses the race for the lead."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from sessions.models import Presenter
from tests import factories
from tests.members.conftest import make_talk, person_of
from tests.members.pdfs import text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def talk_card(page, talk):
    return page.locator(f"#talk-{talk.pk}")


def test_member_registers_signs_up_prepares_and_withdraws(
    page, live_server, screenshot, media_root, settings, tmp_path
):
    settings.REGISTRATION_MODE = "open"
    talk = make_talk(days=10, paper=None, title="")
    make_talk(days=10, position=2)
    factories.PaperFactory(title="Kernel bypass for everyone", system_name="Bypass")
    factories.PaperFactory(title="Unrelated storage paper")

    # Register.
    page.goto("/accounts/register/")
    page.get_by_label("Username").fill("nora")
    page.get_by_label("Display name").fill("Nora Newbie")
    page.get_by_label("Affiliation").fill("HKU")
    page.get_by_label("Email").fill("nora@example.org")
    page.get_by_label("Password", exact=True).fill("a-long-unusual-passphrase-42")
    page.get_by_label("Password confirmation").fill("a-long-unusual-passphrase-42")
    screenshot(page, "members-register")
    page.get_by_role("button", name="Create account").click()
    page.wait_for_url("**/members/nora/")
    assert "Welcome, Nora Newbie" in page.content()
    screenshot(page, "members-member-page-new")

    # Sign up as lead on the schedule: the talk updates in place, the page does not reload.
    page.goto("/")
    card = talk_card(page, talk)
    url_before = page.url
    page.evaluate("window.__marker = 'still here'")
    card.get_by_role("button", name="Sign up as lead").click()
    card = talk_card(page, talk)
    card.get_by_text("You are the lead").wait_for()
    assert page.evaluate("window.__marker") == "still here"
    assert page.url == url_before
    assert "Nora Newbie" in card.inner_text()
    assert Presenter.objects.get(talk=talk).person.name == "Nora Newbie"
    screenshot(page, "members-schedule-signed-up")

    # Prepare the talk: search as you type, choose the paper.
    card.get_by_role("link", name="Prepare talk").click()
    page.wait_for_url(f"**/talks/{talk.pk}/edit/")
    page.get_by_label("Search the catalogue").press_sequentially("kernel", delay=30)
    results = page.locator("#paper-results")
    results.get_by_text("Kernel bypass for everyone").wait_for()
    assert "Unrelated storage paper" not in results.inner_text()
    screenshot(page, "members-paper-search")
    results.get_by_role("button", name="Choose").first.click()
    page.get_by_text("The paper of this talk is now").wait_for()

    # Upload slides: a lead does once an organiser confirmed the sign-up (issue 12).
    Presenter.objects.filter(talk=talk).update(confirmed=True)
    deck = tmp_path / "Our deck.pdf"
    deck.write_bytes(text_pdf("Kernel bypass, explained", "Results"))
    page.get_by_label("Upload a PDF").set_input_files(str(deck))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Slides uploaded (2 pages)").wait_for()
    assert page.get_by_role("link", name="Our deck.pdf").is_visible()
    screenshot(page, "members-talk-edit")

    # A refused file says why, in words.
    bad = tmp_path / "notes.pdf"
    bad.write_bytes(b"these are not slides")
    page.get_by_label("Replace with a new PDF").set_input_files(str(bad))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Slides must be a PDF file").wait_for()

    # The member page shows the talk with its paper and nothing left but the video later.
    page.goto("/me/")
    assert "Kernel bypass for everyone" in page.content()
    screenshot(page, "members-member-page")

    page.goto("/accounts/profile/")
    screenshot(page, "members-profile")

    # Withdraw, in place.
    page.goto("/")
    page.once("dialog", lambda dialog: dialog.accept())
    talk_card(page, talk).get_by_role("button", name="Withdraw").click()
    talk_card(page, talk).get_by_role("button", name="Sign up as lead").wait_for()
    assert not Presenter.objects.filter(talk=talk).exists()


def test_second_member_cannot_take_the_same_lead(browser, page, live_server, login, screenshot):
    talk = make_talk(days=10)
    first = factories.UserFactory(username="first")
    second = factories.UserFactory(username="second")
    person_of(first, "Fiona First")
    person_of(second, "Sam Second")

    other_context = browser.new_context(
        base_url=live_server.url, viewport={"width": 1200, "height": 900}
    )
    other = other_context.new_page()
    try:
        login(page, first)
        login(other, second)
        page.goto("/")
        other.goto("/")  # both see an open lead slot
        talk_card(page, talk).get_by_role("button", name="Sign up as lead").click()
        talk_card(page, talk).get_by_text("You are the lead").wait_for()

        talk_card(other, talk).get_by_role("button", name="Sign up as lead").click()
        alert = talk_card(other, talk).get_by_role("alert")
        alert.wait_for()
        assert re.search(r"Fiona First already leads this talk", alert.inner_text())
        # The fresh card no longer offers the lead but still offers joining as a supporter.
        assert talk_card(other, talk).get_by_role("button", name="Join as supporter").is_visible()
        assert talk_card(other, talk).get_by_role("button", name="Sign up as lead").count() == 0
        screenshot(other, "members-lead-taken")
    finally:
        other_context.close()
    rows = list(Presenter.objects.filter(talk=talk).values_list("person__name", "role"))
    assert rows == [("Fiona First", "lead")]
    assert get_user_model().objects.count() == 2


def test_organiser_pages_look_right(page, login, screenshot, organiser):
    from accounts import services

    services.create_invite(organiser, note="Grace from CMU")
    guest = factories.PersonFactory(name="Gus Guest", affiliation="MIT")
    factories.PresenterFactory(talk=make_talk(days=-20), person=guest, role="lead")
    person_of(factories.UserFactory(username="gus"), "Gus Member")
    login(page, organiser)
    page.goto("/accounts/invites/")
    assert page.get_by_text("Grace from CMU").is_visible()
    screenshot(page, "members-invites")
    page.goto("/accounts/people/")
    page.get_by_label("Member for Gus Guest").select_option(label="Gus Member (gus)")
    screenshot(page, "members-people")
    page.get_by_role("button", name="Link").click()
    page.get_by_text("Gus Guest's talks now show on Gus Member's page").wait_for()
