"""The paper queue's rules: nominate, vote, withdraw a vote, turn a nomination into a talk.

One nomination per paper and one vote per member per nomination are database constraints; the
functions here turn a lost race (IntegrityError) into the same answer as a clean run, so a
double click or two members nominating one paper at once leave one row each.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.db import IntegrityError, transaction
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from papers import presented, services
from papers.models import Paper, Topic
from papers.showings import Showings
from planner.models import Nomination, Vote
from readinggroup.params import parse_id
from sessions.models import Person, Session, Talk

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

REASON_MAX = 300


class QueueError(Exception):
    """A queue action the rules refuse; the message says why, for the person who tried."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def paper_for_nomination(paper_id: str = "", arxiv: str = "") -> Paper:
    """The paper a member names: a catalogue id, else an arXiv id or link (validated and added
    to the catalogue by papers.services, which queues its metadata fetch)."""
    paper_id, arxiv = (paper_id or "").strip(), (arxiv or "").strip()
    if paper_id:
        paper_pk = parse_id(paper_id)
        paper = Paper.objects.filter(pk=paper_pk).first() if paper_pk is not None else None
        if paper is None:
            raise QueueError(_("That paper is not in the catalogue."))
        return paper
    if arxiv:
        try:
            return services.add_paper_from_arxiv(arxiv)
        except services.InvalidArxivId as exc:
            raise QueueError(str(exc)) from exc
    raise QueueError(_("Choose a paper from the catalogue or paste an arXiv id or link."))


def nominate(paper: Paper, person: Person, reason: str = "") -> tuple[Nomination, bool]:
    """Put a paper in the queue with the nominator's vote. A paper already nominated gets the
    vote instead (and keeps its first reason). Returns (nomination, created)."""
    reason = " ".join((reason or "").split())
    if len(reason) > REASON_MAX:
        raise QueueError(
            _("Keep the reason under %(max)d characters (it has %(n)d).")
            % {"max": REASON_MAX, "n": len(reason)}
        )
    try:
        with transaction.atomic():
            nomination = Nomination.objects.create(paper=paper, nominated_by=person, reason=reason)
            created = True
    except IntegrityError:
        nomination = Nomination.objects.get(paper=paper)
        created = False
    vote(nomination, person)
    return nomination, created


def vote(nomination: Nomination, person: Person) -> bool:
    """The member's vote for a nomination; True if new, False if they had voted already."""
    if nomination.talk_id is not None:
        raise QueueError(_("This paper is already scheduled; the queue no longer takes votes."))
    try:
        with transaction.atomic():
            Vote.objects.create(nomination=nomination, person=person)
    except IntegrityError:
        return False
    return True


def withdraw_vote(nomination: Nomination, person: Person) -> bool:
    """Takes the member's vote back; False if there was none."""
    deleted, _ = Vote.objects.filter(nomination=nomination, person=person).delete()
    return bool(deleted)


def schedule(nomination: Nomination, talk: Talk) -> Talk:
    """An organiser makes the nominated paper the paper of an open talk, in one step."""
    with transaction.atomic():
        locked = (
            Talk.objects.select_for_update(of=("self",)).select_related("session").get(pk=talk.pk)
        )
        if locked.session.kind == Session.Kind.CANCELLED:
            raise QueueError(_("That session is cancelled; choose another talk."))
        if locked.session.date < timezone.localdate():
            raise QueueError(_("That talk has already taken place; choose an upcoming one."))
        if locked.paper_id is not None and locked.paper_id != nomination.paper_id:
            raise QueueError(
                _("Topic %(topic)s on %(date)s already has a paper; choose an open talk.")
                % {"topic": locked.roman_position, "date": locked.session.date.isoformat()}
            )
        set_talk_paper(locked, nomination.paper)
        Nomination.objects.filter(pk=nomination.pk).update(talk=locked)
        nomination.talk = locked
    return locked


def set_talk_paper(talk: Talk, paper: Paper) -> None:
    """The paper names the talk from now on (a free title from before would hide it)."""
    talk.paper = paper
    talk.title = ""
    talk.url = ""
    talk.venue_label = paper.venue_label
    talk.save(update_fields=["paper", "title", "url", "venue_label", "updated_at"])


# --- reading the queue ----------------------------------------------------------------------


@dataclass
class QueueEntry:
    nomination: Nomination
    votes: int
    voted: bool  # by the viewer
    showings: Showings

    @property
    def paper(self) -> Paper:
        return self.nomination.paper


class VoteCount(TypedDict):
    vote_count: int


def queue_queryset(person: Person | None) -> QuerySet[WithAnnotations[Nomination, VoteCount]]:
    """Nominations with what the queue shows: paper, venue, topics, votes, the viewer's vote."""
    queryset = (
        Nomination.objects.select_related("paper__proceedings__venue", "nominated_by")
        .prefetch_related(
            Prefetch("paper__topics", queryset=Topic.objects.select_related("parent__parent"))
        )
        .annotate(vote_count=Count("votes", distinct=True))
    )
    if person is not None:
        mine = Vote.objects.filter(nomination=OuterRef("pk"), person=person)
        queryset = queryset.annotate(voted=Exists(mine))
    return queryset


def _taken_since_nominated() -> Exists:
    """The paper is on a talk (not cancelled) of a session on or after its nomination day."""
    talks = Talk.objects.filter(
        paper_id=OuterRef("paper_id"), session__date__gte=OuterRef("nominated_on")
    ).exclude(session__kind=Session.Kind.CANCELLED)
    return Exists(talks)


def open_queue(person: Person | None, on: datetime.date | None = None) -> list[QueueEntry]:
    """The open queue, most votes first, then oldest first: nominations not yet on a talk.

    A paper put on a talk after it was nominated (here or by other means) leaves the queue; a
    paper the group presented before someone nominated it again stays, marked "presented".
    Four queries at any size."""
    nominations = (
        queue_queryset(person)
        .annotate(nominated_on=TruncDate("created_at"))
        .annotate(taken=_taken_since_nominated())
        .filter(talk__isnull=True, taken=False)
        .order_by("-vote_count", "created_at", "pk")
    )
    return _entries(nominations, on)


def recently_scheduled(
    person: Person | None, on: datetime.date | None = None, limit: int = 10
) -> list[QueueEntry]:
    """Nominations that made it onto a talk, newest first."""
    nominations = (
        queue_queryset(person)
        .annotate(nominated_on=TruncDate("created_at"))
        .annotate(taken=_taken_since_nominated())
        .filter(Q(talk__isnull=False) | Q(taken=True))
        .order_by("-created_at", "-pk")[:limit]
    )
    return _entries(nominations, on)


def _entries(
    nominations: Iterable[WithAnnotations[Nomination, VoteCount]], on: datetime.date | None
) -> list[QueueEntry]:
    rows = list(nominations)
    shown = presented.showings([n.paper_id for n in rows], on)
    # `voted` is annotated only when there is a viewer (queue_queryset).
    return [
        QueueEntry(n, n.vote_count, bool(getattr(n, "voted", False)), shown[n.paper_id])
        for n in rows
    ]


def entry(nomination_id: int, person: Person | None) -> QueueEntry | None:
    """One nomination as the queue shows it (for re-rendering its row after a vote)."""
    found = list(queue_queryset(person).filter(pk=nomination_id))
    return _entries(found, None)[0] if found else None


def vote_counts(paper_ids: list[int]) -> dict[int, int]:
    """Votes per paper among open nominations (one query), for the pairing suggestions."""
    rows = (
        Nomination.objects.filter(paper_id__in=paper_ids, talk__isnull=True)
        .annotate(n=Count("votes"))
        .values_list("paper_id", "n")
    )
    return dict(rows)
