"""Fair rotation: who cannot attend which session, and who should lead a talk next.

A member marks the sessions they cannot attend (Unavailability rows, one per person and
session by constraint). For a talk without a lead, people are suggested in this order:
available that day, not presenting elsewhere in that session, fewest leads this term, longest
since their last lead (never led first), then by name. Counts cover members and guests alike.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from planner.models import Unavailability
from planner.nominations import QueueError
from sessions.models import Person, Presenter, Session, Talk

LIMIT = 8
LEAD, SUPPORT = Presenter.Role.LEAD, Presenter.Role.SUPPORT
CANCELLED = Session.Kind.CANCELLED


# --- availability ---------------------------------------------------------------------------


def set_available(person: Person, session: Session, available: bool) -> bool:
    """Marks the person (un)available for the session; returns whether they are available.

    Idempotent: marking twice leaves one row (the constraint decides a race)."""
    if session.date < timezone.localdate():
        raise QueueError(_("This session is over; availability is for upcoming sessions."))
    if available:
        Unavailability.objects.filter(person=person, session=session).delete()
        return True
    try:
        with transaction.atomic():
            Unavailability.objects.create(person=person, session=session)
    except IntegrityError:
        pass
    return False


def unavailable_session_ids(person: Person) -> set[int]:
    return set(Unavailability.objects.filter(person=person).values_list("session_id", flat=True))


# --- who leads next ---------------------------------------------------------------------------


@dataclass
class Candidate:
    person: Person
    leads_this_term: int
    supports_this_term: int
    leads_total: int
    supports_total: int
    last_lead: datetime.date | None  # their last lead before this talk's session
    available: bool

    def as_json(self) -> dict:
        return {
            "person_id": self.person.pk,
            "name": self.person.name,
            "leads_this_term": self.leads_this_term,
            "supports_this_term": self.supports_this_term,
            "last_presented": self.last_lead.isoformat() if self.last_lead else None,
            "available": self.available,
        }


def _sort_key(candidate: Candidate) -> tuple:
    return (
        not candidate.available,
        candidate.leads_this_term,
        candidate.last_lead or datetime.date.min,
        candidate.person.name.lower(),
        candidate.person.pk,
    )


def suggest_presenters(talk: Talk, *, limit: int | None = LIMIT) -> list[Candidate]:
    """People to ask to lead `talk`, best first (four queries at any size).

    Left out: anyone presenting another talk of the same session or this one. People who
    cannot attend stay in the list, last, with available=False, so an organiser sees why.
    """
    session = talk.session
    held = ~Q(talk__session__kind=CANCELLED)
    this_term = held & Q(talk__session__term_id=session.term_id)
    counts = {
        row["person_id"]: row
        for row in Presenter.objects.values("person_id").annotate(
            leads_term=Count("pk", filter=this_term & Q(role=LEAD)),
            supports_term=Count("pk", filter=this_term & Q(role=SUPPORT)),
            leads=Count("pk", filter=held & Q(role=LEAD)),
            supports=Count("pk", filter=held & Q(role=SUPPORT)),
            last_lead=Max(
                "talk__session__date",
                filter=held & Q(role=LEAD, talk__session__date__lt=session.date),
            ),
        )
    }
    busy = set(Presenter.objects.filter(talk__session=session).values_list("person_id", flat=True))
    away = set(Unavailability.objects.filter(session=session).values_list("person_id", flat=True))
    people = Person.objects.exclude(pk__in=busy).only("id", "name", "affiliation", "user_id")
    empty: dict = {}
    candidates = []
    for person in people:
        row = counts.get(person.pk, empty)
        candidates.append(
            Candidate(
                person=person,
                leads_this_term=row.get("leads_term", 0),
                supports_this_term=row.get("supports_term", 0),
                leads_total=row.get("leads", 0),
                supports_total=row.get("supports", 0),
                last_lead=row.get("last_lead"),
                available=person.pk not in away,
            )
        )
    candidates.sort(key=_sort_key)
    return candidates if limit is None else candidates[:limit]


def needs_lead(talk: Talk) -> bool:
    """Reads talk.presenters.all() (prefetch it)."""
    return not any(p.role == LEAD for p in talk.presenters.all())
