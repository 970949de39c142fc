"""The outbox: hold automatic mails, edit, send, discard; retries on SMTP failure; each mail
sent once; the organiser's one message to all presenters of a session."""

from __future__ import annotations

import datetime
import smtplib

import pytest
from django.core import mail
from django.urls import reverse

from notifications import kinds, outbox
from notifications.models import Message
from notifications.tasks import deliver_message
from readinggroup.celery import app as celery_app
from sessions import signups
from sessions.models import Presenter
from tests.broker import use_broker
from tests.conftest import FROZEN_NOW
from tests.notifications.conftest import presenter

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]


@pytest.fixture
def holding(db):
    outbox.set_holding(True)


def test_held_mails_wait_for_an_organiser(commit, people, talk, holding):
    commit(signups.sign_up, talk, people["alice"], "lead")
    assert mail.outbox == []
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.HELD}


def test_an_organiser_edits_and_sends_a_held_mail(commit, client, organiser, people, talk, holding):
    signups.sign_up(talk, people["alice"], "lead")
    message = Message.objects.get(kind=kinds.SIGNUP_RECEIVED)
    client.force_login(organiser)
    page = client.get(reverse("notifications:outbox"))
    assert "Sign-up received" in page.content.decode()
    response = client.post(
        reverse("notifications:message", args=[message.pk]),
        {"subject": "Welcome aboard", "text": "Hello Alice, <b>see you</b> there."},
    )
    assert response.status_code == 302
    with_commit = commit(client.post, reverse("notifications:message_send", args=[message.pk]))
    assert with_commit.status_code == 302
    [email] = mail.outbox
    assert email.subject == "Welcome aboard" and email.to == ["member@example.org"]
    assert "<b>see you</b>" in email.body
    assert "&lt;b&gt;see you&lt;/b&gt;" in email.alternatives[0][0]
    message.refresh_from_db()
    assert message.state == Message.State.SENT and message.sent_at is not None


def test_a_discarded_mail_is_never_sent_and_cannot_be_sent_later(
    commit, client, organiser, people, talk, holding
):
    signups.sign_up(talk, people["alice"], "lead")
    message = Message.objects.get(kind=kinds.SIGNUP_RECEIVED)
    client.force_login(organiser)
    client.post(reverse("notifications:message_discard", args=[message.pk]))
    commit(client.post, reverse("notifications:message_send", args=[message.pk]))
    message.refresh_from_db()
    assert message.state == Message.State.DISCARDED
    assert mail.outbox == []
    with pytest.raises(outbox.OutboxError):
        outbox.edit_held(message, "x", "y")


def test_the_hold_setting_is_switched_on_the_outbox_page(client, organiser):
    client.force_login(organiser)
    client.post(reverse("notifications:outbox"), {"hold_automatic": "on"})
    assert outbox.holding()
    client.post(reverse("notifications:outbox"), {})
    assert not outbox.holding()


def test_a_mail_is_sent_once_even_when_its_task_runs_twice(people, talk):
    signups.sign_up(talk, people["alice"], "lead")
    message = Message.objects.get(kind=kinds.SIGNUP_RECEIVED)
    assert deliver_message.apply(args=[message.pk]).get() == "sent"
    assert deliver_message.apply(args=[message.pk]).get() == "not queued (sent)"
    assert len([m for m in mail.outbox if m.to == ["member@example.org"]]) == 1


@pytest.fixture
def retries_in_process():
    """Eager retries run one inside the other; each answers instead of raising."""
    previous = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    yield
    celery_app.conf.task_eager_propagates = previous


def test_an_smtp_failure_is_retried_and_then_sent(people, talk, monkeypatch, retries_in_process):
    signups.sign_up(talk, people["alice"], "lead")
    message = Message.objects.get(kind=kinds.SIGNUP_RECEIVED)
    real_send = mail.EmailMultiAlternatives.send
    calls = []

    def flaky(self, fail_silently=False):
        calls.append(1)
        if len(calls) < 3:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        return real_send(self, fail_silently)

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", flaky)
    result = deliver_message.apply(args=[message.pk], throw=False)
    assert result.get() == "sent"
    message.refresh_from_db()
    assert (message.state, message.attempts, len(calls)) == (Message.State.SENT, 3, 3)
    assert len([m for m in mail.outbox if m.to == ["member@example.org"]]) == 1


def test_after_the_last_attempt_the_mail_is_failed_with_the_error(
    people, talk, monkeypatch, retries_in_process
):
    signups.sign_up(talk, people["alice"], "lead")
    message = Message.objects.get(kind=kinds.SIGNUP_RECEIVED)

    def down(self, fail_silently=False):
        raise ConnectionRefusedError(111, "Connection refused")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", down)
    deliver_message.apply(args=[message.pk], throw=False)
    message.refresh_from_db()
    assert message.state == Message.State.FAILED
    assert message.attempts == deliver_message.max_retries + 1
    assert "Connection refused" in message.last_error


def test_an_error_that_is_no_network_hiccup_fails_the_mail_at_once(
    people, talk, monkeypatch, retries_in_process
):
    # Left "sending", it would never be sent nor shown as failed.
    signups.sign_up(talk, people["alice"], "lead")
    message = Message.objects.get(kind=kinds.SIGNUP_RECEIVED)

    def refused(self, fail_silently=False):
        raise ValueError("header values may not contain newlines")

    monkeypatch.setattr(mail.EmailMultiAlternatives, "send", refused)
    assert deliver_message.apply(args=[message.pk], throw=False).get() == "failed"
    message.refresh_from_db()
    assert (message.state, message.attempts) == (Message.State.FAILED, 1)
    assert "newlines" in message.last_error


def test_an_organiser_writes_one_mail_to_all_presenters_of_a_session(
    commit, client, organiser, people, talk
):
    presenter(talk, people["alice"])
    presenter(talk, people["bob"], role=Presenter.Role.SUPPORT)
    client.force_login(organiser)
    url = reverse("notifications:session_message", args=[talk.session.pk])
    page = client.get(url).content.decode()
    assert "member@example.org" in page and "other@example.org" in page
    data = {"subject": "Room change", "text": "We meet in room 2 tonight.", "nonce": "n1"}
    response = commit(client.post, url, data)
    assert response.status_code == 302
    [email] = mail.outbox
    assert sorted(email.to) == ["member@example.org", "other@example.org"]
    assert email.cc == ["organiser@example.org"]
    assert sorted(email.reply_to) == [
        "member@example.org",
        "organiser@example.org",
        "other@example.org",
    ]
    # The same form sent twice (a double click, a reload) is one mail.
    commit(client.post, url, data)
    assert len(mail.outbox) == 1
    # A form token that is not the form's own (too long for the mail's key) sends nothing.
    for nonce in ("x" * 500, ""):
        response = commit(client.post, url, data | {"nonce": nonce})
        assert response.status_code == 200
    assert len(mail.outbox) == 1
    assert 'name="nonce"' in page


def test_one_talk_s_presenters_only(commit, client, organiser, people, talk):
    from tests.members.conftest import make_talk

    other_talk = make_talk(days=10, position=2)
    presenter(talk, people["alice"])
    presenter(other_talk, people["bob"])
    client.force_login(organiser)
    url = reverse("notifications:talk_message", args=[talk.pk])
    commit(client.post, url, {"subject": "Your slides", "text": "Please send them.", "nonce": "a"})
    assert [m.to for m in mail.outbox] == [["member@example.org"]]


def test_the_outbox_list_has_a_constant_number_of_queries(
    client, organiser, people, talk, django_assert_num_queries
):
    signups.sign_up(talk, people["alice"], "lead")
    client.force_login(organiser)
    client.get(reverse("notifications:outbox"))  # warm the session and settings rows
    with django_assert_num_queries(QUERIES):
        client.get(reverse("notifications:outbox"))
    for n in range(10):
        outbox.queue_mail(kinds.REMINDER, organiser, f"extra-{n}", {"days": 7, "missing": []})
    with django_assert_num_queries(QUERIES):
        client.get(reverse("notifications:outbox"))


QUERIES = 7


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("broker_down")
def test_with_the_broker_down_a_sign_up_answers_and_its_mails_wait_for_the_sweep(
    client, people, talk, time_machine
):
    client.force_login(people["alice"].user)
    response = client.post(
        reverse("schedule:talk_signup", kwargs={"pk": talk.pk}), {"role": "lead", "next": "/"}
    )
    assert response.status_code == 302
    assert Presenter.objects.filter(talk=talk, person=people["alice"]).exists()
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.UNQUEUED}
    assert mail.outbox == []

    use_broker("memory://")
    celery_app.conf.task_always_eager = True
    assert outbox.requeue_lost() == Message.objects.count() >= 2
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}
    assert len(mail.outbox) == Message.objects.count()
    assert outbox.requeue_lost() == 0


@pytest.mark.django_db
def test_the_sweep_leaves_a_queued_mail_alone_until_its_task_is_surely_lost(
    people, talk, time_machine, django_capture_on_commit_callbacks
):
    # Queued and handed to the broker (its task dropped here, as if lost): it may still be on
    # its way, or waiting for a retry, so the sweep sends it again only once that is long past.
    with django_capture_on_commit_callbacks(execute=False):
        signups.sign_up(talk, people["alice"], "lead")
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.QUEUED}
    assert outbox.requeue_lost() == 0
    time_machine.shift(datetime.timedelta(minutes=121))
    celery_app.conf.task_always_eager = False  # handed over again, still not run
    try:
        with django_capture_on_commit_callbacks(execute=False):
            assert outbox.requeue_lost() == Message.objects.count()
        # Just handed over: the next sweep, five minutes on, leaves them alone.
        time_machine.shift(datetime.timedelta(minutes=5))
        assert outbox.requeue_lost() == 0
        time_machine.shift(datetime.timedelta(minutes=121))
    finally:
        celery_app.conf.task_always_eager = True
    assert outbox.requeue_lost() == Message.objects.count()
    assert set(Message.objects.values_list("state", flat=True)) == {Message.State.SENT}
