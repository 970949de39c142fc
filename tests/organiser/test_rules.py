"""The group's rules as live checks: each rule, each per-term switch, and a pinned query count."""

from __future__ import annotations

import datetime
import itertools

import pytest

from papers.models import Venue
from sessions.models import Presenter, Session
from sessions.rules import (
    RULE_LEAD,
    RULE_MINUTES,
    RULE_PAIRING,
    RULE_RECORDING,
    check_session,
    check_term,
    sessions_for_checks,
    talk_kind,
)
from tests import factories

TODAY = datetime.date(2025, 10, 1)
PAST = datetime.date(2025, 9, 23)
FUTURE = datetime.date(2025, 10, 7)
ARXIV_NUMBERS = itertools.count(1)


def sosp_paper():
    return factories.PaperFactory(proceedings=factories.ProceedingsFactory(venue__name="SOSP"))


def arxiv_paper():
    return factories.PaperFactory(proceedings=None, arxiv_id=f"2501.{next(ARXIV_NUMBERS):05d}")


def good_session(term, date=FUTURE, **talk_fields):
    """A session that satisfies every rule: SOSP + arXiv, confirmed leads, 45 minutes."""
    session = factories.SessionFactory(term=term, date=date)
    for position, paper in ((1, sosp_paper()), (2, arxiv_paper())):
        talk = factories.TalkFactory(
            session=session, position=position, paper=paper, venue_label="", **talk_fields
        )
        factories.PresenterFactory(talk=talk, role=Presenter.Role.LEAD)
    return session


def problems_of(session, term):
    session = sessions_for_checks(term).get(pk=session.pk)
    return check_session(session, term, today=TODAY)


@pytest.fixture
def term(db):
    return factories.TermFactory()


def test_a_good_session_has_no_problems(term):
    assert problems_of(good_session(term), term) == []


def test_past_session_with_recordings_has_no_problems(term):
    session = good_session(term, date=PAST, video_url="https://video.example.org/1")
    assert problems_of(session, term) == []


# --- rule 1: one SOSP/OSDI + one arXiv -----------------------------------------------------


def test_two_conference_papers_break_the_pairing(term):
    session = good_session(term)
    talk = session.talks.get(position=2)
    talk.paper = factories.PaperFactory(
        proceedings=factories.ProceedingsFactory(venue__name="OSDI")
    )
    talk.save()
    problems = problems_of(session, term)
    assert [p.rule for p in problems] == [RULE_PAIRING]
    assert "Both talks are SOSP/OSDI papers" in problems[0].message


def test_two_arxiv_papers_break_the_pairing(term):
    session = good_session(term)
    talk = session.talks.get(position=1)
    talk.paper = arxiv_paper()
    talk.save()
    assert "Both talks are arXiv papers" in problems_of(session, term)[0].message


def test_one_talk_breaks_the_pairing(term):
    session = good_session(term)
    session.talks.get(position=2).delete()
    problems = problems_of(session, term)
    assert [p.message for p in problems] == [
        "Has 1 talk; the group pairs one SOSP/OSDI paper and one arXiv paper."
    ]


def test_a_talk_without_a_paper_is_named(term):
    session = good_session(term)
    talk = session.talks.get(position=2)
    talk.paper = None
    talk.save()
    problems = problems_of(session, term)
    assert [(p.rule, p.talk_id) for p in problems] == [(RULE_PAIRING, talk.pk)]
    assert problems[0].message.startswith("Topic II: no paper chosen yet")


def test_a_session_without_any_paper_gets_one_message(term):
    session = factories.SessionFactory(term=term, date=FUTURE)
    for position in (1, 2):
        talk = factories.TalkFactory(session=session, position=position, paper=None, venue_label="")
        factories.PresenterFactory(talk=talk)
    problems = problems_of(session, term)
    assert [(p.rule, p.talk_id) for p in problems] == [(RULE_PAIRING, None)]
    assert problems[0].message.startswith("No papers chosen yet")


def test_a_problem_reads_alone_and_under_its_talk(term):
    session = good_session(term)
    talk = session.talks.get(position=2)
    talk.presenters.all().delete()
    (problem,) = problems_of(session, term)
    assert problem.message == "Topic II: no lead presenter."
    assert problem.detail == "No lead presenter."


def test_another_venue_is_named(term):
    session = good_session(term)
    talk = session.talks.get(position=1)
    talk.paper = factories.PaperFactory(
        proceedings=factories.ProceedingsFactory(venue__name="EuroSys")
    )
    talk.save()
    assert "Topic I (EuroSys'25) is neither SOSP/OSDI nor arXiv." in [
        p.message for p in problems_of(session, term)
    ]


def test_venue_labels_decide_without_a_catalogue_paper(term):
    session = factories.SessionFactory(term=term, date=FUTURE)
    for position, label in ((1, "SOSP'25"), (2, "arXiv")):
        talk = factories.TalkFactory(
            session=session, position=position, paper=None, title="Free", venue_label=label
        )
        factories.PresenterFactory(talk=talk)
    assert problems_of(session, term) == []


def test_a_sosp_paper_that_is_also_on_arxiv_counts_as_sosp(term):
    talk = factories.TalkFactory(paper=sosp_paper(), venue_label="")
    talk.paper.arxiv_id = "2412.03131"
    talk.paper.save()
    assert talk_kind(talk) == "conference"
    talk.paper = factories.PaperFactory(
        proceedings=factories.ProceedingsFactory(
            venue=factories.VenueFactory(name="arXiv", kind=Venue.Kind.PREPRINT), year=2025
        )
    )
    assert talk_kind(talk) == "arxiv"


def test_special_and_cancelled_sessions_skip_the_pairing(term):
    session = good_session(term)
    session.talks.get(position=2).delete()
    session.kind = Session.Kind.KICK_OFF
    session.save()
    assert problems_of(session, term) == []
    session.kind = Session.Kind.CANCELLED
    session.talks.all().delete()
    session.save()
    assert problems_of(session, term) == []


def test_pairing_rule_switches_off(term):
    session = good_session(term)
    session.talks.get(position=2).delete()
    term.rule_one_conference_one_arxiv = False
    term.save()
    assert problems_of(session, term) == []


# --- rule 2: a lead per talk ---------------------------------------------------------------


def test_a_talk_without_a_lead(term):
    session = good_session(term)
    talk = session.talks.get(position=1)
    talk.presenters.all().delete()
    factories.PresenterFactory(talk=talk, role=Presenter.Role.SUPPORT)
    problems = problems_of(session, term)
    assert [(p.rule, p.message, p.talk_id) for p in problems] == [
        (RULE_LEAD, "Topic I: no lead presenter.", talk.pk)
    ]


def test_a_pending_lead_is_reported(term):
    session = good_session(term)
    talk = session.talks.get(position=2)
    lead = talk.presenters.get()
    lead.confirmed = False
    lead.save()
    problems = problems_of(session, term)
    assert [p.rule for p in problems] == [RULE_LEAD]
    assert "awaits confirmation" in problems[0].message


def test_lead_rule_switches_off(term):
    session = good_session(term)
    session.talks.get(position=1).presenters.all().delete()
    term.rule_lead_required = False
    term.save()
    assert problems_of(session, term) == []


# --- rule 3: minimum minutes ---------------------------------------------------------------


def test_a_short_talk(term):
    session = good_session(term)
    talk = session.talks.get(position=2)
    talk.minutes = 30
    talk.save()
    problems = problems_of(session, term)
    assert [(p.rule, p.message) for p in problems] == [
        (RULE_MINUTES, "Topic II: planned for 30 minutes; the group asks for at least 45.")
    ]


def test_the_minimum_follows_the_term_and_zero_switches_it_off(term):
    session = good_session(term)  # 45-minute talks
    term.rule_min_minutes = 60
    term.save()
    assert [p.rule for p in problems_of(session, term)] == [RULE_MINUTES, RULE_MINUTES]
    term.rule_min_minutes = 0
    term.save()
    assert problems_of(session, term) == []


# --- rule 4: slides or video after the session ---------------------------------------------


def test_a_past_talk_without_slides_or_video(term):
    session = good_session(term, date=PAST)
    talk = session.talks.get(position=1)
    talk.slides_url = "https://slides.example.org/1.pdf"
    talk.save()
    problems = problems_of(session, term)
    assert [(p.rule, p.message) for p in problems] == [
        (RULE_RECORDING, "Topic II: held, but no slides or video.")
    ]


def test_a_future_talk_needs_no_recording(term):
    assert problems_of(good_session(term, date=FUTURE), term) == []


def test_recording_rule_switches_off(term):
    session = good_session(term, date=PAST)
    term.rule_recording_required = False
    term.save()
    assert problems_of(session, term) == []


# --- the whole term, in a constant number of queries -----------------------------------------


@pytest.mark.parametrize("count", [1, 10])
def test_check_term_query_count_does_not_grow(term, count, django_assert_num_queries):
    for week in range(count):
        session = good_session(term, date=PAST + datetime.timedelta(weeks=week))
        factories.PresenterFactory(talk=session.talks.get(position=1), role=Presenter.Role.SUPPORT)
    # Sessions; talks with papers, proceedings and venues; presenters with people.
    with django_assert_num_queries(3):
        checks = check_term(term, today=TODAY)
        messages = [p.message for check in checks for p in check.problems]
    assert len(checks) == count
    # Every session dated before TODAY lacks recordings, two talks each.
    past = sum(1 for c in checks if c.session.date < TODAY)
    assert len(messages) == 2 * past
