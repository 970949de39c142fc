"""The organiser dashboard's pages: a term of any size shows `PAGE_SIZE` sessions at a time.

Sessions are ordered by date (unique: one session a day), so the page of a session is one
COUNT and a redirect after an edit lands on the page that holds the edited row. Without ?page=,
the dashboard opens on the page of the term's first session from today on (planned next).
"""

from __future__ import annotations

import datetime

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from sessions.models import Session, Term
from sessions.rules import sessions_for_checks

PAGE_SIZE = 50
ORDER = ("date",)  # unique: one session a day (Session.date)


def ordered(term: Term) -> QuerySet[Session]:
    """The term's sessions in dashboard order, prefetched for the rule checks."""
    return sessions_for_checks(term).order_by(*ORDER)


def page_number_of(session: Session) -> int:
    index = Session.objects.filter(term_id=session.term_id, date__lt=session.date).count()
    return index // PAGE_SIZE + 1


def dashboard_page(term: Term, number: str | int | None, today: datetime.date) -> Page:
    """The page asked for (a bad number gives the nearest page), or the page holding today."""
    stats = Session.objects.filter(term=term).aggregate(
        total=Count("pk"), past=Count("pk", filter=Q(date__lt=today))
    )
    paginator = Paginator(ordered(term), PAGE_SIZE, allow_empty_first_page=True)
    paginator.count = stats["total"]  # one query for both figures, none more for the pager
    if number in (None, ""):
        number = min(stats["past"], max(stats["total"] - 1, 0)) // PAGE_SIZE + 1
    return paginator.get_page(number)


def page_of(session: Session) -> list[Session]:
    """The sessions on the page that holds `session` (the targets its rows offer for a move)."""
    start = (page_number_of(session) - 1) * PAGE_SIZE
    return list(
        Session.objects.filter(term_id=session.term_id)
        .order_by(*ORDER)
        .only("pk", "date", "title", "kind", "term_id")[start : start + PAGE_SIZE]
    )
