"""In Chromium: an organiser holds, edits, sends and discards mails in the outbox; a member
chooses their mails on the profile and unsubscribes from a link; My talks offers the calendar."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications import kinds, outbox, unsubscribe
from notifications.models import Message, OptOut
from readinggroup.celery import app as celery_app
from sessions import signups
from tests.members.conftest import make_talk, person_of

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def eager(settings):
    # The live server's requests run the delivery task in-process (no worker here).
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


def test_organiser_reviews_held_mails(page, login, organiser, member, screenshot):
    person_of(organiser, "Olga Organiser")
    alice = person_of(member, "Alice Member")
    outbox.set_holding(True)
    talk = make_talk(days=10)
    signups.sign_up(talk, alice, "lead")
    signups.sign_up(make_talk(days=17), alice, "support")
    assert Message.objects.filter(state=Message.State.HELD).count() == 4

    login(page, organiser)
    page.goto("/organise/outbox/")
    page.get_by_text("4 mails are held.").wait_for()
    screenshot(page, "mail-outbox-held-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "mail-outbox-held-390")
    page.set_viewport_size({"width": 1280, "height": 900})

    received = Message.objects.filter(kind=kinds.SIGNUP_RECEIVED).order_by("pk").first()
    card = page.locator(f"#mail-{received.pk}")
    card.get_by_role("link", name="Edit").click()
    page.get_by_label("Subject").fill("Welcome to the group, Alice")
    page.get_by_role("button", name="Save changes").click()
    page.get_by_text("The mail is saved; it is still held.").wait_for()
    screenshot(page, "mail-outbox-edit")
    page.get_by_role("button", name="Send", exact=True).click()
    page.get_by_text("The mail is on its way to member@example.org.").wait_for()
    received.refresh_from_db()
    assert received.state == Message.State.SENT
    assert [m.subject for m in mail.outbox] == ["Welcome to the group, Alice"]

    other = Message.objects.filter(state=Message.State.HELD).order_by("pk").first()
    page.locator(f"#mail-{other.pk}").get_by_role("button", name="Discard").click()
    page.get_by_text("The mail is discarded; nobody gets it.").wait_for()
    other.refresh_from_db()
    assert other.state == Message.State.DISCARDED
    assert len(mail.outbox) == 1

    page.get_by_label("Hold automatic mails for review").uncheck()
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Automatic mails go out at once").wait_for()
    assert not outbox.holding()
    screenshot(page, "mail-outbox-after")


def test_member_chooses_mails_and_unsubscribes_from_a_link(
    page, login, member, live_server, screenshot
):
    person_of(member, "Alice Member")
    login(page, member)
    page.goto("/accounts/profile/")
    section = page.locator("#mail")
    section.get_by_label("Reminder before your session").uncheck()
    screenshot(page, "mail-preferences-1280")
    page.set_viewport_size({"width": 390, "height": 844})
    screenshot(page, "mail-preferences-390")
    page.set_viewport_size({"width": 1280, "height": 900})
    section.get_by_role("button", name="Save mail choices").click()
    page.get_by_text("Your mail choices are saved.").wait_for()
    assert list(OptOut.objects.values_list("kind", flat=True)) == [kinds.REMINDER]
    assert not page.locator("#mail").get_by_label("Reminder before your session").is_checked()

    # An unsubscribe link from a mail, opened signed out.
    page.context.clear_cookies()
    link = unsubscribe.unsubscribe_url(member, kinds.TALK_MOVED).replace(
        "https://rg.example.org", live_server.url
    )
    page.goto(link)
    page.get_by_text("Stop getting “Your talk moved to another date” mails?").wait_for()
    screenshot(page, "mail-unsubscribe")
    page.get_by_role("button", name="Unsubscribe").click()
    page.get_by_text("Done: you no longer get").wait_for()
    assert set(OptOut.objects.values_list("kind", flat=True)) == {kinds.REMINDER, kinds.TALK_MOVED}


def test_my_talks_offers_the_personal_calendar(page, login, member, screenshot, live_server):
    alice = person_of(member, "Alice Member")
    signups.sign_up(make_talk(days=10), alice, "lead")
    login(page, member)
    page.goto("/me/")
    section = page.locator("#calendar")
    subscribe = section.get_by_role("link", name="Subscribe")
    assert subscribe.get_attribute("href").startswith("webcal://")
    download = section.get_by_role("link", name="Download .ics")
    response = page.request.get(download.get_attribute("href"))
    assert response.status == 200 and b"BEGIN:VEVENT" in response.body()
    screenshot(page, "mail-my-talks-calendar")
    old = download.get_attribute("href")
    section.get_by_role("button", name="New address").click()
    page.get_by_text("Your calendar has a new address").wait_for()
    assert page.request.get(old).status == 404
    new = page.locator("#calendar").get_by_role("link", name="Download .ics").get_attribute("href")
    assert new != old and page.request.get(new).status == 200
