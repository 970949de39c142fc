"""Each event of the schedule mails the right people, once, after the commit."""

from __future__ import annotations

import pytest
from django.core import mail

from notifications import kinds
from notifications.models import Message, OptOut
from planner import swaps
from sessions import planning, signups
from sessions.models import Presenter
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk
from tests.notifications.conftest import presenter, recipients

pytestmark = [pytest.mark.django_db, pytest.mark.time_machine(FROZEN_NOW)]


def by_kind(kind: str) -> list[Message]:
    return list(Message.objects.filter(kind=kind).order_by("pk"))


def mails_to(address: str) -> list:
    return [m for m in mail.outbox if address in m.to]


def test_a_sign_up_tells_the_member_the_organisers_and_the_other_presenters(commit, people, talk):
    presenter(talk, people["bob"])  # bob leads already
    commit(signups.sign_up, talk, people["alice"], "support")

    assert [m.to for m in mail.outbox if "Sign-up received" in m.subject] == [
        ["member@example.org"]
    ]
    organisers = [m for m in mail.outbox if m.subject.startswith("To confirm")]
    assert recipients(organisers) == ["organiser@example.org"]
    assert "Alice" in organisers[0].subject
    joined = [m for m in mail.outbox if "joined your talk" in m.subject]
    assert recipients(joined) == ["other@example.org"]
    assert len(mail.outbox) == 3
    assert Message.objects.filter(state=Message.State.SENT).count() == 3


def test_mails_are_in_the_groups_language_whatever_the_visitor_reads(commit, people, talk):
    # The sign-up was made from the Chinese site; the group writes its mails in English.
    from django.utils import translation

    presenter(talk, people["bob"])
    with translation.override("zh-hans"):
        commit(signups.sign_up, talk, people["alice"], "support")
    joined = next(m for m in mail.outbox if "joined your talk" in m.subject)
    assert "joined Topic I" in joined.body and "as supporter" in joined.body
    assert "协讲" not in joined.body


def test_nothing_is_sent_inside_the_request_only_after_the_commit(people, talk):
    signups.sign_up(talk, people["alice"], "lead")  # no commit happens in this test
    assert mail.outbox == []
    assert Message.objects.filter(state=Message.State.QUEUED).count() == 2  # member, organiser


def test_a_rolled_back_sign_up_leaves_no_mail(commit, people, talk):
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        signups.sign_up(talk, people["alice"], "lead")
        raise RuntimeError("the request failed after the sign-up")
    assert not Message.objects.exists()


def test_confirming_tells_the_member(commit, people, talk):
    row = signups.sign_up(talk, people["alice"], "lead")
    mail.outbox.clear()
    commit(signups.confirm_presenter, row)
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert "Confirmed" in mail.outbox[0].subject
    # Confirming again (a second click) is no new event.
    commit(signups.confirm_presenter, row)
    assert len(mail.outbox) == 1


def test_assigning_confirms_a_pending_sign_up_with_the_confirmed_mail(commit, people, talk):
    signups.sign_up(talk, people["alice"], "lead")
    commit(signups.assign_presenter, talk, people["alice"], "lead")
    assert [m.subject for m in mail.outbox] == [f"Confirmed: you present Topic I on {_date(talk)}"]


def _date(talk) -> str:
    from django.utils import formats

    return formats.date_format(talk.session.date, "DATE_FORMAT")


def test_an_organiser_assigning_tells_the_member_and_the_other_presenters(commit, people, talk):
    presenter(talk, people["bob"])
    commit(signups.assign_presenter, talk, people["alice"], "support")
    assert recipients(m for m in mail.outbox if m.subject.startswith("You present")) == [
        "member@example.org"
    ]
    assert recipients(m for m in mail.outbox if "joined" in m.subject) == ["other@example.org"]
    assert len(mail.outbox) == 2


def test_removal_tells_the_member_the_others_and_the_organisers_when_the_lead_goes(
    commit, people, talk
):
    lead = presenter(talk, people["alice"])
    presenter(talk, people["bob"], role=Presenter.Role.SUPPORT)
    commit(signups.remove_presenter, lead)
    assert recipients(m for m in mail.outbox if "no longer present" in m.subject) == [
        "member@example.org"
    ]
    assert recipients(m for m in mail.outbox if "left your talk" in m.subject) == [
        "other@example.org"
    ]
    assert recipients(m for m in mail.outbox if m.subject.startswith("No lead")) == [
        "organiser@example.org"
    ]
    assert len(mail.outbox) == 3


def test_a_supporter_withdrawing_tells_the_organisers_and_the_lead(commit, people, talk):
    presenter(talk, people["bob"])
    presenter(talk, people["alice"], role=Presenter.Role.SUPPORT)
    commit(signups.withdraw, talk, people["alice"])
    assert recipients(m for m in mail.outbox if "withdrew" in m.subject) == [
        "organiser@example.org"
    ]
    assert recipients(m for m in mail.outbox if "left your talk" in m.subject) == [
        "other@example.org"
    ]
    assert len(mail.outbox) == 2


def test_the_lead_withdrawing_leaves_the_talk_without_a_lead(commit, people, talk):
    presenter(talk, people["alice"])
    commit(signups.withdraw, talk, people["alice"])
    assert [m.subject.split(":")[0] for m in mail.outbox] == ["No lead any more"]
    assert mail.outbox[0].to == ["organiser@example.org"]


def test_a_moved_talk_tells_each_presenter_once(commit, people, talk):
    presenter(talk, people["alice"])
    presenter(talk, people["bob"], role=Presenter.Role.SUPPORT)
    target = make_talk(days=17).session
    target.talks.all().delete()
    commit(planning.move_talk, talk, target)
    assert recipients(mail.outbox) == ["member@example.org", "other@example.org"]
    assert all("moved" in m.subject for m in mail.outbox)


def test_swaps_tell_the_asked_member_and_then_the_one_who_asked(commit, people, talk):
    row = presenter(talk, people["alice"])
    swap = commit(swaps.request_swap, row, people["bob"])
    assert [m.to for m in mail.outbox] == [["other@example.org"]]
    assert "Alice asks you" in mail.outbox[0].subject
    mail.outbox.clear()
    commit(swaps.accept, swap, people["bob"])
    assert [m.to for m in mail.outbox] == [["member@example.org"]]
    assert "Bob takes over" in mail.outbox[0].subject


def test_guests_and_members_without_an_address_get_nothing(commit, people, talk, member):
    from tests import factories

    member.email = ""
    member.save()
    presenter(talk, factories.PersonFactory(name="A guest"))
    commit(signups.assign_presenter, talk, people["alice"], "support")
    assert mail.outbox == []


def test_a_member_who_turned_a_kind_off_does_not_get_it(commit, people, talk, member):
    OptOut.objects.create(user=member, kind=kinds.SIGNUP_RECEIVED)
    commit(signups.sign_up, talk, people["alice"], "lead")
    assert recipients(mail.outbox) == ["organiser@example.org"]


def test_the_same_event_makes_one_mail_even_when_announced_twice(commit, people, talk):
    from sessions import events

    row = commit(signups.sign_up, talk, people["alice"], "lead")
    commit(events.signed_up.send, sender=__name__, presenter=row)
    assert len(mail.outbox) == 2  # the member and the organiser, once each
    assert Message.objects.count() == 2


def test_mails_have_html_with_the_text_escaped_and_an_unsubscribe_link(commit, people, talk):
    talk.title = "<script>alert(1)</script> & friends"
    talk.save()
    commit(signups.sign_up, talk, people["alice"], "lead")
    email = mails_to("member@example.org")[0]
    html, mimetype = email.alternatives[0]
    assert mimetype == "text/html"
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<script>alert(1)</script> & friends" in email.body
    assert "https://rg.example.org/mail/unsubscribe/" in email.body
    assert email.extra_headers["List-Unsubscribe"].startswith(
        "<https://rg.example.org/mail/unsubscribe/"
    )
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
