"""The planner's blocks inside other apps' pages (My talks, the term dashboard, a paper's page,
the lead's page), each a fixed number of queries, so those pages need one line each."""

from __future__ import annotations

import datetime

from django import template
from django.utils import timezone

from papers import presented
from papers.models import Paper
from planner import dashboard, related, swaps
from planner.models import SwapRequest, Unavailability
from planner.topics import TopicSuggester
from readinggroup.permissions import is_organiser
from sessions.models import Person, Presenter, Session

register = template.Library()

WEEKS_AHEAD = 10  # sessions shown for availability on My talks


@register.inclusion_tag("planner/partials/my_planning.html", takes_context=True)
def my_planning(context: template.Context, person: Person | None) -> dict:
    """Availability toggles for the coming sessions, swap requests made to and by `person`.
    Shown only on the member's own page."""
    if person is None:
        return {}
    today = timezone.localdate()
    horizon = today + datetime.timedelta(weeks=WEEKS_AHEAD)
    upcoming = list(
        Session.objects.filter(date__gte=today, date__lte=horizon)
        .exclude(kind=Session.Kind.CANCELLED)
        .order_by("date")
    )
    # Filters rather than id lists, so an empty list still costs its one query (pinned counts).
    away = set(
        Unavailability.objects.filter(
            person=person, session__date__gte=today, session__date__lte=horizon
        ).values_list("session_id", flat=True)
    )
    rows = list(
        Presenter.objects.filter(person=person, talk__session__date__gte=today)
        .exclude(talk__session__kind=Session.Kind.CANCELLED)
        .select_related("talk__session")
        .order_by("talk__session__date", "talk__position")
    )
    mine_sessions = {row.talk.session_id for row in rows}
    pending = {
        swap.presenter_id: swap
        for swap in SwapRequest.objects.filter(
            from_person=person, status=SwapRequest.Status.PENDING
        ).select_related("to_person")
    }
    received, sent = swaps.for_person(person)
    members = list(Person.objects.filter(user__isnull=False).only("id", "name").order_by("name"))
    return {
        "me": person,
        "received": received,
        "sent": sent,
        "sessions": [
            {"session": s, "available": s.pk not in away, "mine": s.pk in mine_sessions}
            for s in upcoming
        ],
        "handoffs": [{"presenter": row, "pending": pending.get(row.pk)} for row in rows],
        "members": members,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("planner/partials/dashboard.html", takes_context=True)
def term_planning(context: template.Context, term, rows) -> dict:
    """The dashboard's planning card. `rows`: the dashboard's rows (each has .session)."""
    sessions = [row.session for row in rows]
    return {
        "plan": dashboard.plan_term(term, sessions),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("planner/partials/related.html", takes_context=True)
def related_work(context: template.Context, paper: Paper, show_markdown: bool = False) -> dict:
    found = related.cached_related_papers(paper)
    request = context.get("request")
    site = request.build_absolute_uri("/").rstrip("/") if request is not None else ""
    return {
        "related": found,
        "show_markdown": show_markdown,
        "markdown": related.as_markdown(found, site_url=site),
    }


@register.inclusion_tag("planner/partials/paper_planning.html", takes_context=True)
def paper_planning(context: template.Context, paper: Paper) -> dict:
    """On a paper's page: presented/scheduled, a Nominate link, and for organisers the topics
    suggested for a paper without topics."""
    user = context.get("user")
    organiser = is_organiser(user)
    suggestions = []
    if organiser and not paper.topics.all():
        suggestions = TopicSuggester.from_catalogue().suggest_for(paper)
    return {
        "paper": paper,
        "showings": presented.showings([paper.pk])[paper.pk],
        "signed_in": bool(user and user.is_authenticated),
        "organiser": organiser,
        "suggestions": suggestions,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
