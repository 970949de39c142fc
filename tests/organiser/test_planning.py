"""Planning rules: weekday arithmetic, skipped dates, collisions, moving talks, cancelling."""

from __future__ import annotations

import datetime

import pytest

from sessions.models import Session, Talk, Term
from sessions.planning import (
    PlanningError,
    add_talk_slot,
    cancel_session,
    generate_term,
    meeting_dates,
    move_talk,
    remove_talk_slot,
)
from tests import factories

D = datetime.date
TUESDAY = 1


def generate(**overrides) -> Term:
    arguments = {
        "weekday": TUESDAY,
        "start_date": D(2026, 2, 23),  # a Monday: the first meeting is the Tuesday after
        "weeks": 4,
        "start_time": datetime.time(19, 0),
        "place": "Room 101",
        "online_link": "https://meet.example.org/rg",
        "skip_dates": [],
    }
    arguments.update(overrides)
    return generate_term("2026 Spring", "2026-spring", **arguments)


def test_meeting_dates_start_on_the_first_matching_weekday():
    assert meeting_dates(D(2026, 2, 23), TUESDAY, 3) == [
        D(2026, 2, 24),
        D(2026, 3, 3),
        D(2026, 3, 10),
    ]
    # A start date on the weekday itself is the first meeting.
    assert meeting_dates(D(2026, 2, 24), TUESDAY, 1) == [D(2026, 2, 24)]
    # A start on Wednesday waits six days for the next Tuesday.
    assert meeting_dates(D(2026, 2, 25), TUESDAY, 1) == [D(2026, 3, 3)]
    # Sunday (6) after a Monday start.
    assert meeting_dates(D(2026, 2, 23), 6, 1) == [D(2026, 3, 1)]


@pytest.mark.django_db
def test_generate_term_creates_weekly_sessions_with_empty_slots():
    term = generate(talks_per_session=2, minutes=50)
    sessions = list(term.sessions.order_by("date"))
    assert [s.date for s in sessions] == [
        D(2026, 2, 24),
        D(2026, 3, 3),
        D(2026, 3, 10),
        D(2026, 3, 17),
    ]
    assert all(s.date.weekday() == TUESDAY for s in sessions)
    assert {(s.place, s.online_link, s.start_time) for s in sessions} == {
        ("Room 101", "https://meet.example.org/rg", datetime.time(19, 0))
    }
    assert term.start_date == D(2026, 2, 24)
    assert term.end_date == D(2026, 3, 17)
    talks = Talk.objects.filter(session__term=term)
    assert talks.count() == 8
    assert sorted(set(talks.values_list("position", flat=True))) == [1, 2]
    assert set(talks.values_list("minutes", flat=True)) == {50}
    assert not talks.exclude(paper=None).exists()


@pytest.mark.django_db
def test_skipped_dates_use_up_their_week():
    term = generate(weeks=4, skip_dates=[D(2026, 3, 3)])
    dates = list(term.sessions.order_by("date").values_list("date", flat=True))
    # Same end date as without the skip, one session fewer.
    assert dates == [D(2026, 2, 24), D(2026, 3, 10), D(2026, 3, 17)]


@pytest.mark.django_db
def test_a_skip_date_off_the_schedule_is_refused():
    with pytest.raises(PlanningError, match="2026-03-04"):
        generate(skip_dates=[D(2026, 3, 4)])
    assert not Term.objects.exists()


@pytest.mark.django_db
def test_skipping_every_date_is_refused():
    with pytest.raises(PlanningError, match="no sessions"):
        generate(weeks=1, skip_dates=[D(2026, 2, 24)])
    assert not Term.objects.exists()


@pytest.mark.django_db
def test_dates_that_hold_a_session_are_refused_and_nothing_is_created():
    other = factories.SessionFactory(date=D(2026, 3, 10), term__name="2025 Fall")
    with pytest.raises(PlanningError, match=r"2026-03-10 \(2025 Fall\)"):
        generate()
    assert list(Session.objects.all()) == [other]
    assert Term.objects.count() == 1


@pytest.mark.django_db
def test_a_taken_slug_is_refused():
    factories.TermFactory(slug="2026-spring")
    with pytest.raises(PlanningError, match="exists already"):
        generate()
    assert not Session.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"weeks": 0}, "between 1 and"),
        ({"weeks": 61}, "between 1 and"),
        ({"weekday": 7}, "weekday"),
        ({"talks_per_session": 0}, "between 1 and 10"),
        ({"minutes": 0}, "at least one minute"),
    ],
)
@pytest.mark.django_db
def test_bad_arguments_are_refused(overrides, message):
    with pytest.raises(PlanningError, match=message):
        generate(**overrides)
    assert not Term.objects.exists()


@pytest.mark.django_db
def test_blank_name_is_refused():
    with pytest.raises(PlanningError, match="name"):
        generate_term("  ", "x", weekday=1, start_date=D(2026, 1, 1), weeks=1, start_time=None)


# --- moving and slots --------------------------------------------------------------------


@pytest.fixture
def two_sessions(db):
    term = generate(weeks=2)
    first, second = term.sessions.order_by("date")
    return first, second


@pytest.mark.django_db
def test_move_talk_takes_an_empty_slot_and_brings_its_presenters(two_sessions):
    first, second = two_sessions
    talk = first.talks.get(position=2)
    talk.title = "Moving paper"
    talk.save()
    presenter = factories.PresenterFactory(talk=talk)
    move_talk(talk, second)
    talk.refresh_from_db()
    assert talk.session == second
    assert talk.position == 1  # the first empty slot of the target
    assert second.talks.count() == 2  # the empty slot it replaced is gone
    assert first.talks.count() == 1
    presenter.refresh_from_db()
    assert presenter.talk == talk


@pytest.mark.django_db
def test_move_talk_to_its_own_session_is_refused(two_sessions):
    first, _ = two_sessions
    talk = first.talks.get(position=1)
    with pytest.raises(PlanningError, match="already in the session"):
        move_talk(talk, first)


@pytest.mark.django_db
def test_move_talk_to_a_full_session_is_refused(two_sessions):
    first, second = two_sessions
    for slot in second.talks.all():
        slot.title = f"Filled {slot.position}"
        slot.save()
    talk = first.talks.get(position=1)
    with pytest.raises(PlanningError, match="is full"):
        move_talk(talk, second)
    talk.refresh_from_db()
    assert talk.session == first
    assert second.talks.count() == 2


@pytest.mark.django_db
def test_move_talk_fills_a_session_with_fewer_than_two_talks(two_sessions):
    first, second = two_sessions
    second.talks.filter(position=1).delete()
    filled = second.talks.get(position=2)
    filled.title = "Stays"
    filled.save()
    talk = first.talks.get(position=2)
    move_talk(talk, second)
    talk.refresh_from_db()
    assert (talk.session, talk.position) == (second, 1)


@pytest.mark.django_db
def test_move_talk_to_a_cancelled_session_is_refused(two_sessions):
    first, second = two_sessions
    cancel_session(second)
    with pytest.raises(PlanningError, match="cancelled"):
        move_talk(first.talks.first(), second)


@pytest.mark.django_db
def test_cancel_session_keeps_its_talks(two_sessions):
    first, _ = two_sessions
    cancel_session(first)
    first.refresh_from_db()
    assert first.kind == Session.Kind.CANCELLED
    assert first.talks.count() == 2
    with pytest.raises(PlanningError, match="already cancelled"):
        cancel_session(first)


@pytest.mark.django_db
def test_add_and_remove_talk_slots(two_sessions):
    first, _ = two_sessions
    first.talks.filter(position=1).delete()
    added = add_talk_slot(first)
    assert added.position == 1  # the lowest free position
    third = add_talk_slot(first)
    assert third.position == 3
    remove_talk_slot(third)
    assert first.talks.count() == 2


@pytest.mark.django_db
def test_removing_a_talk_with_presenters_is_refused(two_sessions):
    first, _ = two_sessions
    talk = first.talks.get(position=1)
    factories.PresenterFactory(talk=talk)
    with pytest.raises(PlanningError, match="has presenters"):
        remove_talk_slot(talk)
    assert Talk.objects.filter(pk=talk.pk).exists()
