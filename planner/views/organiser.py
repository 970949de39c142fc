"""The organisers' planning pages: suggestions for a session (pairs, leads), applying a pair,
and topic suggestions for papers without topics."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from papers.models import Paper
from papers.selectors import topic_choices
from planner import dashboard, pairs, topics
from planner.nominations import QueueError
from planner.views.common import done, vary
from readinggroup.http import AuthenticatedHttpRequest
from readinggroup.params import parse_id
from readinggroup.permissions import organiser_required
from sessions.models import Session
from sessions.rules import sessions_for_checks
from sessions.views.organiser import dashboard_url

TOPICS_PAGE = 20


def _session(pk: int) -> Session:
    session = get_object_or_404(Session.objects.select_related("term"), pk=pk)
    return sessions_for_checks(session.term).get(pk=session.pk)


@organiser_required
@require_safe
def suggestions(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    context = {"plan": dashboard.plan_session(session), "term": session.term, "nav": "organise"}
    if request.htmx:
        return vary(render(request, "planner/partials/session_suggestions.html", context))
    return vary(render(request, "planner/suggestions.html", context))


@organiser_required
@require_POST
def apply_pair(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = _session(pk)
    fallback = dashboard_url(session.term, session)
    ids = [parse_id(request.POST.get(name, "")) for name in ("conference", "arxiv")]
    found = {
        p.pk: p
        for p in Paper.objects.select_related("proceedings__venue").filter(
            pk__in=[i for i in ids if i is not None]
        )
    }
    if not all(i is not None and i in found for i in ids):
        return done(request, fallback, error=_("Choose a suggested pair of catalogue papers."))
    conference, arxiv = (found[i] for i in ids if i is not None)
    try:
        pairs.apply_pair(session, conference, arxiv)
    except QueueError as exc:
        return done(request, fallback, error=exc.message)
    return done(
        request,
        fallback,
        success=_("%(date)s now pairs “%(conference)s” with “%(arxiv)s”.")
        % {"date": session.date.isoformat(), "conference": conference.title, "arxiv": arxiv.title},
    )


@organiser_required
@require_safe
def topic_suggestions(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Papers without topics, each with suggested topics to accept or another to choose."""
    untopiced = (
        Paper.objects.filter(topics__isnull=True)
        .select_related("proceedings__venue")
        .order_by("-arxiv_published", "-pk")
    )
    page = Paginator(untopiced, TOPICS_PAGE).get_page(request.GET.get("page"))
    suggester = topics.TopicSuggester.from_catalogue()
    rows = [(paper, suggester.suggest_for(paper)) for paper in page]
    context = {"nav": "organise", "page": page, "rows": rows, "choices": topic_choices()}
    return render(request, "planner/topics.html", context)


@organiser_required
@require_POST
def paper_topics(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    paper = get_object_or_404(Paper, pk=pk)
    fallback = reverse("planner:topics")
    try:
        chosen = topics.set_topics(paper, request.POST.getlist("topic"))
    except topics.TopicError as exc:
        return done(request, fallback, error=str(exc))
    names = ", ".join(" / ".join(t.path) for t in chosen)
    return done(
        request,
        fallback,
        success=_("“%(title)s” is now on %(topics)s.") % {"title": paper.title, "topics": names},
    )
