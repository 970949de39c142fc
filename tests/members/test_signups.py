"""The sign-up rules in sessions/signups.py, through the functions the views and organisers use."""

from __future__ import annotations

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from sessions import signups
from sessions.models import Presenter, Session
from tests import factories
from tests.conftest import FROZEN_NOW
from tests.members.conftest import make_talk, person_of

pytestmark = pytest.mark.time_machine(FROZEN_NOW)


@pytest.fixture
def alice(member):
    return person_of(member, "Alice")


@pytest.fixture
def bob(other_member):
    return person_of(other_member, "Bob")


def test_sign_up_as_lead_holds_the_slot_unconfirmed(upcoming_talk, alice):
    row = signups.sign_up(upcoming_talk, alice, "lead")
    assert (row.role, row.person, row.confirmed, row.position) == ("lead", alice, False, 0)
    assert upcoming_talk.presenters.count() == 1


def test_second_lead_is_refused_with_the_leads_name(upcoming_talk, alice, bob):
    signups.sign_up(upcoming_talk, alice, "lead")
    with pytest.raises(signups.LeadTaken, match="Alice already leads this talk"):
        signups.sign_up(upcoming_talk, bob, "lead")
    assert list(upcoming_talk.presenters.values_list("person__name", flat=True)) == ["Alice"]


def test_same_person_twice_is_refused(upcoming_talk, alice):
    signups.sign_up(upcoming_talk, alice, "support")
    with pytest.raises(signups.AlreadyOnTalk, match="already the supporter"):
        signups.sign_up(upcoming_talk, alice, "lead")
    with pytest.raises(signups.AlreadyOnTalk):
        signups.sign_up(upcoming_talk, alice, "support")
    assert upcoming_talk.presenters.count() == 1


def test_supporters_are_capped(upcoming_talk, settings):
    settings.MAX_SUPPORTERS = 2
    first, second, third = (factories.PersonFactory() for _ in range(3))
    signups.sign_up(upcoming_talk, first, "support")
    signups.sign_up(upcoming_talk, second, "support")
    with pytest.raises(signups.SupportersFull, match=r"already has 2 supporters.*\(2\)"):
        signups.sign_up(upcoming_talk, third, "support")
    # The cap is on supporters: the lead slot is still free.
    signups.sign_up(upcoming_talk, third, "lead")
    roles = list(upcoming_talk.presenters.order_by("position").values_list("role", "position"))
    assert roles == [("lead", 0), ("support", 1), ("support", 2)]


def test_supporters_follow_in_the_order_they_joined(upcoming_talk, alice, bob):
    signups.sign_up(upcoming_talk, alice, "support")
    signups.sign_up(upcoming_talk, bob, "support")
    assert list(upcoming_talk.presenters.values_list("person__name", "position")) == [
        ("Alice", 1),
        ("Bob", 2),
    ]


def test_past_talk_is_closed(past_talk, alice):
    with pytest.raises(signups.TalkClosed, match="already taken place"):
        signups.sign_up(past_talk, alice, "lead")
    assert not past_talk.presenters.exists()


def test_talk_today_is_still_open(db, alice):
    talk = make_talk(days=0)
    signups.sign_up(talk, alice, "lead")
    assert talk.presenters.count() == 1


def test_cancelled_session_is_closed(db, alice):
    talk = make_talk(days=14, kind=Session.Kind.CANCELLED)
    with pytest.raises(signups.TalkClosed, match="cancelled"):
        signups.sign_up(talk, alice, "support")
    assert not talk.presenters.exists()


def test_unknown_role_is_refused(upcoming_talk, alice):
    with pytest.raises(signups.UnknownRole, match="choose lead or support"):
        signups.sign_up(upcoming_talk, alice, "boss")
    assert not upcoming_talk.presenters.exists()


def test_withdraw_removes_only_that_person(upcoming_talk, alice, bob):
    signups.sign_up(upcoming_talk, alice, "lead")
    signups.sign_up(upcoming_talk, bob, "support")
    signups.withdraw(upcoming_talk, alice)
    assert list(upcoming_talk.presenters.values_list("person__name", flat=True)) == ["Bob"]
    # The lead slot is free again.
    signups.sign_up(upcoming_talk, bob.__class__.objects.create(name="Carol"), "lead")


def test_withdraw_when_not_on_talk(upcoming_talk, alice):
    with pytest.raises(signups.NotOnTalk, match="not presenting"):
        signups.withdraw(upcoming_talk, alice)


def test_withdraw_from_a_past_talk_is_refused(past_talk, alice):
    factories.PresenterFactory(talk=past_talk, person=alice, role="lead")
    with pytest.raises(signups.TalkClosed, match="ask an organiser"):
        signups.withdraw(past_talk, alice)
    assert past_talk.presenters.count() == 1


def test_assign_presenter_is_confirmed_and_works_on_past_talks(past_talk, alice, settings):
    settings.MAX_SUPPORTERS = 1
    lead = signups.assign_presenter(past_talk, alice, "lead")
    assert lead.confirmed and lead.role == "lead"
    # Organisers may go past the supporters' cap (e.g. a guest joins).
    signups.assign_presenter(past_talk, factories.PersonFactory(), "support")
    signups.assign_presenter(past_talk, factories.PersonFactory(), "support")
    assert past_talk.presenters.filter(role="support").count() == 2


def test_assign_presenter_keeps_one_lead(upcoming_talk, alice, bob):
    signups.assign_presenter(upcoming_talk, alice, "lead")
    with pytest.raises(signups.LeadTaken):
        signups.assign_presenter(upcoming_talk, bob, "lead")


def test_assign_confirms_an_existing_sign_up(upcoming_talk, alice):
    row = signups.sign_up(upcoming_talk, alice, "lead")
    again = signups.assign_presenter(upcoming_talk, alice, "lead")
    assert again.pk == row.pk and again.confirmed
    with pytest.raises(signups.AlreadyOnTalk):
        signups.assign_presenter(upcoming_talk, alice, "support")


def test_confirm_and_remove(upcoming_talk, alice):
    row = signups.sign_up(upcoming_talk, alice, "lead")
    signups.confirm_presenter(row)
    row.refresh_from_db()
    assert row.confirmed
    signups.remove_presenter(row)
    assert not Presenter.objects.filter(pk=row.pk).exists()


def test_constraint_violation_becomes_a_signup_error(upcoming_talk, alice, bob, monkeypatch):
    """If a lead slips in past the checks (no lock, e.g. SQLite), the constraint still holds."""
    signups.sign_up(upcoming_talk, alice, "lead")
    # Blind the check so the INSERT reaches the database constraint.
    monkeypatch.setattr(signups, "_check_common", lambda talk, person, role: [])
    with pytest.raises(signups.LeadTaken, match="Alice has just signed up"):
        signups.sign_up(upcoming_talk, bob, "lead")
    with pytest.raises(signups.AlreadyOnTalk):
        signups.sign_up(upcoming_talk, alice, "lead")
    # The surrounding transaction is still usable and nothing was corrupted.
    assert list(upcoming_talk.presenters.values_list("person__name", "role")) == [("Alice", "lead")]


def test_the_database_refuses_a_second_lead(upcoming_talk, alice, bob):
    Presenter.objects.create(talk=upcoming_talk, person=alice, role="lead")
    with pytest.raises(IntegrityError), transaction.atomic():
        Presenter.objects.create(talk=upcoming_talk, person=bob, role="lead")


def test_talk_actions_reads_prefetched_presenters(
    upcoming_talk, alice, bob, settings, django_assert_num_queries
):
    settings.MAX_SUPPORTERS = 1
    signups.sign_up(upcoming_talk, alice, "lead")
    signups.sign_up(upcoming_talk, factories.PersonFactory(), "support")
    talk = (
        type(upcoming_talk)
        .objects.select_related("session")
        .prefetch_related("presenters")
        .get(pk=upcoming_talk.pk)
    )
    today = timezone.localdate()
    with django_assert_num_queries(0):
        mine = signups.talk_actions(talk, alice.pk, True, today)
        other = signups.talk_actions(talk, bob.pk, True, today)
        anonymous = signups.talk_actions(talk, None, False, today)
    assert mine.mine is not None and mine.can_withdraw and not mine.can_lead
    assert other.mine is None and not other.can_lead and not other.can_support
    assert not anonymous.signed_in and not anonymous.has_room
