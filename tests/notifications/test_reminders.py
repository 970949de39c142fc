"""Reminders before a session (REMINDER_DAYS) and the lead's follow-up the day after: the right
people, what is still missing, each once however often the job runs; `send_reminders`."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
import time_machine
from django.core import mail
from django.core.management import CommandError, call_command

from notifications import reminders
from notifications.models import Message
from sessions.models import Presenter, Session
from tests import factories
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk
from tests.notifications.conftest import presenter, recipients

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]

TODAY = FROZEN_NOW.date()


@pytest.fixture
def week_away(people):
    """A talk 7 days ahead: alice leads (no slides yet), bob supports; a guest supports too."""
    talk = make_talk(days=7, slides_url="")
    presenter(talk, people["alice"])
    presenter(talk, people["bob"], role=Presenter.Role.SUPPORT)
    presenter(talk, factories.PersonFactory(name="Guest"), role=Presenter.Role.SUPPORT)
    return talk


def test_a_week_before_every_presenter_with_an_address_is_reminded_of_what_is_missing(
    commit, week_away
):
    commit(reminders.send, TODAY)
    assert recipients(mail.outbox) == ["member@example.org", "other@example.org"]
    for email in mail.outbox:
        assert email.subject.startswith("In 7 days: you present Topic I")
        assert "Still to do:\n- slides not uploaded" in email.body
    lead = next(m for m in mail.outbox if m.to == ["member@example.org"])
    assert "you are the lead of Topic I" in lead.body


def test_running_the_job_twice_the_same_day_sends_nothing_twice(commit, week_away):
    commit(reminders.send, TODAY)
    commit(reminders.send, TODAY)
    assert len(mail.outbox) == 2
    assert reminders.plan(TODAY) == []


def test_the_day_before_is_a_reminder_of_its_own(commit, people):
    talk = make_talk(days=1, slides_url="https://slides.example/x.pdf")
    presenter(talk, people["alice"])
    commit(reminders.send, TODAY)
    [email] = mail.outbox
    assert email.subject == "Tomorrow: you present Topic I"
    assert "nothing left to do" in email.body


def test_days_not_in_reminder_days_remind_nobody(commit, people, settings):
    presenter(make_talk(days=3), people["alice"])
    commit(reminders.send, TODAY)
    assert mail.outbox == []
    settings.REMINDER_DAYS = [3]
    commit(reminders.send, TODAY)
    assert recipients(mail.outbox) == ["member@example.org"]


def test_cancelled_sessions_send_no_reminders(commit, people):
    talk = make_talk(days=7, kind=Session.Kind.CANCELLED)
    presenter(talk, people["alice"])
    commit(reminders.send, TODAY)
    assert mail.outbox == []


def test_the_day_after_only_the_lead_is_asked_for_the_missing_links(commit, people):
    talk = make_talk(days=-1, video_url="https://video.example/1", summary_url="")
    presenter(talk, people["alice"])
    presenter(talk, people["bob"], role=Presenter.Role.SUPPORT)
    commit(reminders.send, TODAY)
    [email] = mail.outbox
    assert email.to == ["member@example.org"]
    assert "- summary link" in email.body and "- video link" not in email.body


def test_the_day_after_a_talk_with_both_links_asks_nothing(commit, people):
    talk = make_talk(days=-1, video_url="https://v.example/1", summary_url="https://s.example/1")
    presenter(talk, people["alice"])
    commit(reminders.send, TODAY)
    assert mail.outbox == []


def test_the_job_runs_on_any_day_of_the_week(commit, people):
    talk = make_talk(days=7)
    presenter(talk, people["alice"])
    session_day = talk.session.date
    for offset in range(7):
        day = session_day - datetime.timedelta(days=7 + offset)
        with time_machine.travel(datetime.datetime.combine(day, datetime.time(8)), tick=False):
            commit(reminders.send, day)
    assert len(mail.outbox) == 1  # only the day exactly a week before


def test_dry_run_prints_recipient_tab_subject_and_sends_nothing(week_away):
    out = StringIO()
    call_command("send_reminders", "--dry-run", stdout=out)
    lines = sorted(out.getvalue().splitlines())
    assert lines == [
        f"member@example.org\tIn 7 days: you present Topic I on {_date(week_away)}",
        f"other@example.org\tIn 7 days: you present Topic I on {_date(week_away)}",
    ]
    assert mail.outbox == [] and not Message.objects.exists()


def _date(talk) -> str:
    from django.utils import formats

    return formats.date_format(talk.session.date, "DATE_FORMAT")


def test_the_command_takes_another_day_and_queues_the_mails(commit, week_away):
    out, err = StringIO(), StringIO()
    day = (week_away.session.date - datetime.timedelta(days=1)).isoformat()
    call_command("send_reminders", "--today", day, "--dry-run", stdout=out)
    assert out.getvalue().count("Tomorrow: you present Topic I") == 2
    commit(call_command, "send_reminders", "--today", day, stdout=out, stderr=err)
    assert len(mail.outbox) == 2
    assert "2 reminder(s) queued" in err.getvalue()


def test_the_command_refuses_a_date_it_cannot_read():
    with pytest.raises(CommandError, match="not a date"):
        call_command("send_reminders", "--today", "next tuesday")
