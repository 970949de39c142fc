"""The rule 'a member leads at most one topic per session', switchable per term."""

from __future__ import annotations

import datetime

from sessions.rules import RULE_ONE_LEAD_PER_MEMBER, check_session, sessions_for_checks
from tests import factories
from tests.planner.conftest import lead, member_person, session


def problems(term, s):
    found = check_session(sessions_for_checks(term).get(pk=s.pk), term)
    return [p for p in found if p.rule == RULE_ONE_LEAD_PER_MEMBER]


def test_a_member_leading_both_topics_is_reported_and_the_switch_turns_it_off(db):
    term = factories.TermFactory()
    ann = member_person("ann", "Ann")
    s = session(term, datetime.date(2025, 10, 7))
    lead(s.talks.get(position=1), ann)
    lead(s.talks.get(position=2), ann)
    [problem] = problems(term, s)
    assert problem.message == (
        "Ann leads Topic I and Topic II; a member leads at most one topic per session."
    )
    term.rule_one_lead_per_member = False
    term.save()
    assert problems(term, s) == []


def test_different_leads_or_a_guest_twice_are_fine(db):
    term = factories.TermFactory()
    s = session(term, datetime.date(2025, 10, 7))
    lead(s.talks.get(position=1), member_person("ann"))
    lead(s.talks.get(position=2), member_person("bob"))
    assert problems(term, s) == []
    guest = factories.PersonFactory(name="Guest")
    other = session(term, datetime.date(2025, 10, 14))
    lead(other.talks.get(position=1), guest)
    lead(other.talks.get(position=2), guest)
    assert problems(term, other) == []
