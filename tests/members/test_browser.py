"""Flows a member clicks through, in Chromium: register, sign up as lead in place on the schedule,
pick a paper, upload slides, withdraw; and a second member who loses the race for the lead."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model

from sessions import slides
from sessions.models import Presenter, Talk
from tests import factories
from tests.members.conftest import make_talk, person_of
from tests.members.pdfs import encrypted_pdf, text_pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


PHONE = {"width": 390, "height": 844}


def talk_card(page, talk):
    return page.locator(f"#talk-{talk.pk}")


def both_widths(page, screenshot, name: str) -> None:
    screenshot(page, f"{name}-desktop")
    size = page.viewport_size
    page.set_viewport_size(PHONE)
    screenshot(page, f"{name}-phone")
    page.set_viewport_size(size)


def run_slides_task(talk) -> str:
    pending = Talk.objects.get(pk=talk.pk).slides_pending.name
    assert pending, "no upload is waiting for the slides task"
    return slides.process_pending(talk.pk, pending)


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

    # Upload slides: a lead does once an organiser confirmed the sign-up (issue 12). The
    # request only stores the file; the slides task reads it (run here by hand, as a worker
    # would) and the slides part, polling meanwhile, shows the result without a reload.
    Presenter.objects.filter(talk=talk).update(confirmed=True)
    deck = tmp_path / "Our deck.pdf"
    deck.write_bytes(text_pdf("Kernel bypass, explained", "Results"))
    page.get_by_label("Upload a PDF").set_input_files(str(deck))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Slides received: they are being processed.").wait_for()
    assert page.get_by_text("Slides are being processed").is_visible()
    both_widths(page, screenshot, "members-slides-processing")
    run_slides_task(talk)
    page.get_by_role("link", name="Our deck.pdf").wait_for()
    assert page.get_by_text("Slides are being processed").count() == 0
    # The message of the upload, out of date now, went with the wait.
    assert page.get_by_text("Slides received: they are being processed.").count() == 0
    assert "Kernel bypass, explained" in Talk.objects.get(pk=talk.pk).slides_text
    screenshot(page, "members-talk-edit")

    # A PDF the task refuses: the reason shows, the deck before it stays.
    locked = tmp_path / "locked.pdf"
    locked.write_bytes(encrypted_pdf())
    page.get_by_label("Replace with a new PDF").set_input_files(str(locked))
    page.get_by_role("button", name="Upload", exact=True).click()
    page.get_by_text("Slides are being processed").wait_for()
    run_slides_task(talk)
    page.get_by_text("“locked.pdf” was not accepted: The PDF is encrypted").wait_for()
    assert page.get_by_text("Slides received: they are being processed.").count() == 0
    assert page.get_by_role("link", name="Our deck.pdf").is_visible()
    assert page.get_by_text("The current slides stay.").is_visible()
    both_widths(page, screenshot, "members-slides-refused")

    # A file that is no PDF at all is refused in the request, and says why, in words.
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
