"""The password reset mail goes through the outbox: the request writes a row and queues the
task, never connecting to the mail server; the worker sends it once after the commit,
retries an SMTP failure, and a broker outage leaves it for the periodic sweep."""

from __future__ import annotations

import re
import smtplib
import time

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.urls import reverse

from notifications import kinds, outbox
from notifications.models import Message
from readinggroup.celery import app as celery_app
from tests.broker import use_broker
from tests.conftest import FROZEN_NOW

pytestmark = pytest.mark.time_machine(FROZEN_NOW)

PASSWORD = "a-long-unusual-passphrase-42"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
REFUSING = "tests.members.test_password_reset.RefusingBackend"
FLAKY = "tests.members.test_password_reset.FlakyBackend"
RESET_LINK = re.compile(r"https?://[^/]+(/accounts/reset/\S+/)")


class RefusingBackend(BaseEmailBackend):
    """The mail server while the request runs: any use of it fails the test."""

    def open(self):
        raise AssertionError("the request opened a connection to the mail server")

    def send_messages(self, email_messages):
        raise AssertionError("the request sent mail itself")


class FlakyBackend(BaseEmailBackend):
    """A server that drops the first connection, then delivers (into mail.outbox)."""

    calls = 0

    def send_messages(self, email_messages):
        type(self).calls += 1
        if type(self).calls == 1:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def eager():
    """The worker's tasks run in-process when the commit hands them over."""
    previous = celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates
    celery_app.conf.task_always_eager = True
    # An eager retry runs inside the first attempt; each attempt answers instead of raising.
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_always_eager, celery_app.conf.task_eager_propagates = previous


def ask_for_reset(client, email="member@example.org"):
    return client.post(reverse("password_reset"), {"email": email})


@pytest.mark.django_db
def test_the_request_queues_the_mail_and_the_worker_sends_it_once_with_a_working_link(
    client, member, organiser, settings, eager, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING
    with django_capture_on_commit_callbacks() as after_commit:
        response = ask_for_reset(client)
    assert response.status_code == 302
    [message] = Message.objects.all()
    assert (message.kind, message.state, message.to) == (
        kinds.ACCOUNT,
        Message.State.QUEUED,
        ["member@example.org"],
    )
    assert mail.outbox == []

    settings.EMAIL_BACKEND = LOCMEM  # the worker's backend
    for callback in after_commit:
        callback()
    for callback in after_commit:  # the task delivered twice (a redelivery) sends nothing more
        callback()
    [email] = mail.outbox
    assert email.to == ["member@example.org"]
    assert "reset the password" in email.body
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.attempts == 1

    # Organisers see the mail in the outbox, but not the link into the member's account.
    link = RESET_LINK.search(email.body).group(1)
    client.force_login(organiser)
    for page in (
        reverse("notifications:outbox"),
        reverse("notifications:message", args=[message.pk]),
    ):
        html = client.get(page).content.decode()
        assert "member@example.org" in html
        assert "/accounts/reset/" not in html and "not shown" in html
    client.logout()

    page = client.get(link, follow=True)
    assert b"Choose a new password" in page.content
    done = client.post(
        page.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD}
    )
    assert done.status_code == 302
    member.refresh_from_db()
    assert member.check_password(PASSWORD)
    # A used link says so instead of showing the form.
    assert b"Link no longer valid" in client.get(link, follow=True).content


@pytest.mark.django_db
def test_an_smtp_failure_is_retried_by_the_worker(
    client, member, settings, eager, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = REFUSING
    with django_capture_on_commit_callbacks() as after_commit:
        ask_for_reset(client)
    settings.EMAIL_BACKEND = FLAKY
    FlakyBackend.calls = 0
    for callback in after_commit:
        callback()
    message = Message.objects.get()
    assert (message.state, message.attempts, FlakyBackend.calls) == (Message.State.SENT, 2, 2)
    [email] = mail.outbox
    assert RESET_LINK.search(email.body)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker_down")
def test_with_the_broker_down_the_page_answers_and_the_sweep_sends_the_mail_later(
    client,
    member,
    settings,
    time_machine,
):
    settings.EMAIL_BACKEND = REFUSING
    started = time.monotonic()
    response = ask_for_reset(client)
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert elapsed < 5, f"the request waited {elapsed:.1f} s for the broker"
    assert b"Check your email" in client.get(response["Location"]).content
    message = Message.objects.get()
    assert message.state == Message.State.UNQUEUED
    assert mail.outbox == []

    # The broker is back; the periodic sweep (every five minutes) hands the mail over at once.
    use_broker("memory://")
    celery_app.conf.task_always_eager = True
    settings.EMAIL_BACKEND = LOCMEM
    assert outbox.requeue_lost() == 1
    [email] = mail.outbox
    assert RESET_LINK.search(email.body)
    message.refresh_from_db()
    assert message.state == Message.State.SENT
    assert outbox.requeue_lost() == 0


@pytest.mark.django_db
def test_an_unknown_email_queues_nothing_and_says_the_same(client, settings):
    settings.EMAIL_BACKEND = REFUSING
    response = client.post(reverse("password_reset"), {"email": "nobody@example.org"}, follow=True)
    assert b"Check your email" in response.content
    assert not Message.objects.exists()
    assert mail.outbox == []
