"""Read-side queries of the public schedule: each fetches what a page shows in a fixed few queries.

Filtering happens in Python on a term's prefetched sessions (a term is a few dozen talks), so
the filter choices and the filtered list come from the same handful of queries.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from papers.models import Paper
from papers.venues import venue_name
from sessions.models import Person, Presenter, Session, SessionQuerySet, Talk, TalkQuerySet, Term

# What reverse() leaves unquoted in a path argument.
_URL_SAFE = RFC3986_SUBDELIMS + "/~:@"

WHEN_UPCOMING = "upcoming"
WHEN_PAST = "past"
WHEN_CHOICES = [
    ("", gettext_lazy("All sessions")),
    (WHEN_UPCOMING, gettext_lazy("Upcoming")),
    (WHEN_PAST, gettext_lazy("Past")),
]


def presenters_queryset() -> QuerySet[Presenter]:
    return Presenter.objects.select_related("person").order_by("position", "id")


def talks_queryset() -> TalkQuerySet:
    """Talks with what schedule/partials/talk.html reads: paper, venue, presenters, persons."""
    return (
        Talk.objects.select_related("paper__proceedings__venue")
        .prefetch_related(Prefetch("presenters", queryset=presenters_queryset()))
        .order_by("position")
    )


def sessions_queryset() -> SessionQuerySet:
    return Session.objects.prefetch_related(Prefetch("talks", queryset=talks_queryset()))


def all_terms() -> list[Term]:
    """Every term, newest first, for the term switcher (one query)."""
    return list(
        Term.objects.only("id", "name", "slug", "start_date", "end_date").order_by(
            "-start_date", "-id"
        )
    )


def paths_for(viewname: str, kwarg: str, values: Iterable[str]) -> list[str]:
    """reverse(viewname, kwargs={kwarg: value}) for each value, from one reverse(): a page
    listing hundreds of links spent most of its render in reverse()."""
    marker = f"{kwarg}-value-marker"
    pattern = reverse(viewname, kwargs={kwarg: marker})
    head, _, tail = pattern.partition(marker)
    return [f"{head}{quote(value, safe=_URL_SAFE)}{tail}" for value in values]


def term_urls(terms: list[Term]) -> list[str]:
    """Each term's page address, as Term.get_absolute_url gives it (the term switcher)."""
    return paths_for("schedule:term", "slug", (term.slug for term in terms))


def current_term(terms: list[Term], today: datetime.date) -> Term | None:
    """The term running today; else the next to start; else the one that ended last."""
    dated = [
        (term.start_date, term.end_date, term)
        for term in terms
        if term.start_date and term.end_date
    ]
    running = [row for row in dated if row[0] <= today <= row[1]]
    if running:
        return max(running, key=lambda row: row[0])[2]
    coming = [row for row in dated if row[0] > today]
    if coming:
        return min(coming, key=lambda row: row[0])[2]
    if dated:
        return max(dated, key=lambda row: (row[1], row[2].pk))[2]
    return terms[0] if terms else None


def talk_venue(talk: Talk) -> str:
    """The venue tag as the group writes it: the talk's own label, else the paper's."""
    if talk.venue_label:
        return talk.venue_label
    return talk.paper.venue_label if talk.paper is not None else ""


@dataclass
class Filters:
    presenter: Person | None = None
    venue: str = ""
    when: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def active(self) -> bool:
        return bool(self.presenter or self.venue or self.when)

    @property
    def when_label(self) -> str:
        return str(dict(WHEN_CHOICES).get(self.when, ""))


@dataclass(frozen=True)
class ShownSession:
    """A session as the schedule shows it: with the talks the filters keep."""

    session: Session
    talks: list[Talk]


@dataclass
class ScheduleView:
    """A term's sessions, split the way the page shows them, with the filter choices."""

    term: Term
    today: datetime.date
    filters: Filters
    next_session: ShownSession | None
    upcoming: list[ShownSession]
    past: list[ShownSession]
    people: list[Person]
    venues: list[str]
    total_sessions: int

    @property
    def shown(self) -> int:
        return (1 if self.next_session else 0) + len(self.upcoming) + len(self.past)


def term_sessions(term: Term) -> list[Session]:
    """A term's sessions with talks, papers and presenters: three queries."""
    return list(sessions_queryset().filter(term=term).order_by("date"))


# The query parameters parse_filters reads (the page cache keys on these only).
SCHEDULE_PARAMS = ("presenter", "venue", "when")


def parse_filters(params, people: list[Person], venues: list[str]) -> Filters:
    """The filters in a query string; a value that names nothing is reported, not applied."""
    filters = Filters()
    presenter = (params.get("presenter") or "").strip()
    if presenter:
        by_id = {str(person.pk): person for person in people}
        filters.presenter = by_id.get(presenter)
        if filters.presenter is None:
            filters.problems.append(_("No presenter of this term matches that filter."))
    venue = (params.get("venue") or "").strip()
    if venue:
        match = next((name for name in venues if name.lower() == venue.lower()), None)
        if match is None:
            filters.problems.append(
                _("No talk of this term is from '%(venue)s'.") % {"venue": venue[:40]}
            )
        filters.venue = match or ""
    when = (params.get("when") or "").strip()
    if when in (WHEN_UPCOMING, WHEN_PAST):
        filters.when = when
    elif when:
        filters.problems.append(_("Show “upcoming” or “past” sessions, or all of them."))
    return filters


def schedule_view(term: Term, params, today: datetime.date) -> ScheduleView:
    sessions = term_sessions(term)
    people_by_id: dict[int, Person] = {}
    venues: set[str] = set()
    for session in sessions:
        for talk in session.talks.all():
            for presenter in talk.presenters.all():
                people_by_id.setdefault(presenter.person_id, presenter.person)
            name = venue_name(talk_venue(talk))
            if name:
                venues.add(name)
    people = sorted(people_by_id.values(), key=lambda person: person.name.lower())
    venue_list = sorted(venues, key=str.lower)
    filters = parse_filters(params, people, venue_list)

    shown: list[ShownSession] = []
    for session in sessions:
        talks = list(session.talks.all())
        if filters.presenter is not None:
            talks = [
                talk
                for talk in talks
                if any(p.person_id == filters.presenter.pk for p in talk.presenters.all())
            ]
        if filters.venue:
            talks = [talk for talk in talks if venue_name(talk_venue(talk)) == filters.venue]
        if (filters.presenter or filters.venue) and not talks:
            continue
        is_upcoming = not session.is_past(today)
        if (filters.when == WHEN_UPCOMING and not is_upcoming) or (
            filters.when == WHEN_PAST and is_upcoming
        ):
            continue
        shown.append(ShownSession(session, talks))

    upcoming = [s for s in shown if not s.session.is_past(today)]
    past = sorted(
        (s for s in shown if s.session.is_past(today)), key=lambda s: s.session.date, reverse=True
    )
    next_session = next((s for s in upcoming if not s.session.is_cancelled), None)
    if next_session is not None:
        upcoming.remove(next_session)
    return ScheduleView(
        term=term,
        today=today,
        filters=filters,
        next_session=next_session,
        upcoming=upcoming,
        past=past,
        people=people,
        venues=venue_list,
        total_sessions=len(sessions),
    )


@dataclass
class SessionPage:
    session: Session
    talks: list[Talk]
    previous: Session | None
    following: Session | None
    upcoming: bool = False  # not past and not cancelled: the card is highlighted


def session_page(date: datetime.date) -> SessionPage | None:
    """One session with its talks, and its neighbours for paging: five queries."""
    session = sessions_queryset().select_related("term").filter(date=date).first()
    if session is None:
        return None
    neighbours = Session.objects.only("id", "date", "title", "kind")
    previous = neighbours.filter(date__lt=date).order_by("-date").first()
    following = neighbours.filter(date__gt=date).order_by("date").first()
    return SessionPage(
        session=session,
        talks=list(session.talks.all()),
        previous=previous,
        following=following,
        upcoming=session.is_open(),
    )


def schedule_terms(slug: str | None = None) -> list[Term]:
    """Terms with all their sessions, talks and presenters (the JSON and iCal): four queries."""
    terms = Term.objects.order_by("start_date", "id").prefetch_related(
        Prefetch("sessions", queryset=sessions_queryset().order_by("date"))
    )
    if slug is not None:
        terms = terms.filter(slug=slug)
    return list(terms)


def upcoming_sessions(today: datetime.date, limit: int = 50) -> QuerySet[Session]:
    """The next sessions of any term, soonest first (the feed reads them as rows)."""
    return Session.objects.upcoming(today).order_by("date", "id")[:limit]


def paper_talks(paper: Paper) -> list[Talk]:
    """Where a paper was presented, and by whom: two queries, whatever the number of talks."""
    return list(
        Talk.objects.filter(paper=paper)
        .select_related("session")
        .prefetch_related(Prefetch("presenters", queryset=presenters_queryset()))
        .order_by("-session__date", "position")
    )


def talk_link(talk: Talk) -> str:
    """Where a talk's paper can be read: the link the group gave, else the catalogue's."""
    if talk.url:
        return talk.url
    paper = talk.paper
    if paper is None:
        return ""
    return paper.arxiv_url or paper.doi_url
