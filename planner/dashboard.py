"""What the organiser's term dashboard shows from the planner, read in a fixed few queries.

The next upcoming session that still needs something (an open talk or a talk without a lead)
gets its suggestions inline; the other upcoming sessions load theirs on demand (one click,
/organise/sessions/<pk>/suggestions/), so the dashboard's cost does not grow with the term.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from planner import pairs, rotation, swaps
from planner.models import SwapRequest
from sessions.models import Session, Talk, Term


@dataclass
class SessionPlan:
    session: Session
    pairs: list[pairs.Pair]
    leads: list[tuple[Talk, list[rotation.Candidate]]] = field(default_factory=list)

    @property
    def open_talks(self) -> bool:
        return bool(pairs.open_talks(self.session))

    @property
    def empty(self) -> bool:
        return not self.pairs and not self.leads


def needs_planning(session: Session, on: datetime.date) -> bool:
    """Upcoming, not cancelled, with an open talk or a talk without a lead (prefetched)."""
    if session.date < on or session.kind == Session.Kind.CANCELLED:
        return False
    talks = list(session.talks.all())
    return bool(pairs.open_talks(session)) or any(rotation.needs_lead(t) for t in talks)


def plan_session(session: Session) -> SessionPlan:
    """Pairs for its open talks and lead suggestions for each talk without a lead.

    Reads session.talks with papers and presenters (prefetch as sessions_for_checks does)."""
    return SessionPlan(
        session=session,
        pairs=pairs.suggest_pairs(session),
        leads=[
            (talk, rotation.suggest_presenters(talk))
            for talk in session.talks.all()
            if rotation.needs_lead(talk)
        ],
    )


@dataclass
class TermPlan:
    next_plan: SessionPlan | None
    later: list[Session]
    swaps: list[SwapRequest]


def plan_term(term: Term, sessions: list[Session], on: datetime.date | None = None) -> TermPlan:
    """`sessions`: the term's sessions as the dashboard fetched them (sessions_for_checks)."""
    on = on or timezone.localdate()
    waiting = [s for s in sessions if needs_planning(s, on)]
    return TermPlan(
        next_plan=plan_session(waiting[0]) if waiting else None,
        later=waiting[1:],
        swaps=list(swaps.for_term(term.pk)),
    )
