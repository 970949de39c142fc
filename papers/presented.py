"""Which catalogue papers the group has presented, and when: one home for "presented".

A paper is presented on the date of a session (not cancelled) that has a talk on it and is
over: the session's day has passed, as the schedule counts past talks. A talk in an upcoming
session makes the paper "scheduled" instead. papers never imports sessions (the schedule sits
on top of the catalogue), so this reads the schedule through the ORM's reverse relation
`Paper.talks` and the session kind by its stored value.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from papers.models import Paper
from papers.showings import Showings

# The schedule's Session.Kind.CANCELLED, by value: a cancelled session presents nothing.
CANCELLED = "cancelled"


def _on(on: datetime.date | None) -> datetime.date:
    return on or timezone.localdate()


def _held_talks() -> QuerySet:
    """Talks in sessions that are not cancelled, via the reverse relation (no sessions import)."""
    talk_model = Paper._meta.get_field("talks").related_model
    return talk_model._default_manager.exclude(session__kind=CANCELLED).filter(paper__isnull=False)


def presented_q(on: datetime.date | None = None) -> Q:
    """Papers with a talk in a session that was held before `on` (today)."""
    return Q(pk__in=_held_talks().filter(session__date__lt=_on(on)).values("paper_id"))


def taken_q() -> Q:
    """Papers presented or scheduled: on a talk of any session that is not cancelled."""
    return taken_q_for("pk")


def taken_q_for(paper_field: str) -> Q:
    """`taken_q` for a model that points at papers through `paper_field` (e.g. "paper")."""
    return Q(**{f"{paper_field}__in": _held_talks().values("paper_id")})


def filter_presented(
    papers: QuerySet[Paper], presented: bool | None, on: datetime.date | None = None
) -> QuerySet[Paper]:
    """`presented=True`: only papers presented before `on`; False: only the others."""
    if presented is None:
        return papers
    condition = presented_q(on)
    return papers.filter(condition) if presented else papers.exclude(condition)


def showings(paper_ids: Iterable[int], on: datetime.date | None = None) -> dict[int, Showings]:
    """Each paper's presented and scheduled dates, in one query whatever the number of papers."""
    on = _on(on)
    ids = list(paper_ids)
    found: dict[int, Showings] = {pk: Showings() for pk in ids}
    if not ids:
        return found
    rows = (
        _held_talks()
        .filter(paper_id__in=ids)
        .values_list("paper_id", "session__date")
        .order_by("session__date")
        .distinct()
    )
    for pk, date in rows:
        bucket = found[pk].presented if date < on else found[pk].scheduled
        bucket.append(date)
    return found


def attach_showings(papers: Iterable[Paper], on: datetime.date | None = None) -> list[Paper]:
    """Set `paper.showings` on each paper (one query) and return them as a list."""
    papers = list(papers)
    by_id = showings((p.pk for p in papers), on)
    for paper in papers:
        paper.showings = by_id[paper.pk]
    return papers


def warning(paper: Paper, shown: Showings) -> str:
    """What a paper picker says before an already presented (or scheduled) paper is chosen."""
    if shown.presented:
        dates = ", ".join(day.isoformat() for day in shown.presented)
        return _("“%(title)s” was already presented (%(dates)s). Choose it anyway to confirm.") % {
            "title": paper.title,
            "dates": dates,
        }
    dates = ", ".join(day.isoformat() for day in shown.scheduled)
    return _("“%(title)s” is already scheduled (%(dates)s). Choose it anyway to confirm.") % {
        "title": paper.title,
        "dates": dates,
    }
