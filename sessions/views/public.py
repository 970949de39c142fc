"""The public schedule: home (the current term), term pages, session pages, README download.

Thin views: selectors fetch, templates render. Anonymous GETs are served from the cache keyed
on the schedule's last change (sessions/caching.py); filters come from the query string, and
an HTMX request gets only the schedule's fragment.
"""

from __future__ import annotations

import datetime

from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from django.views.decorators.vary import vary_on_headers

from readinggroup.http import HtmxHttpRequest
from readinggroup.params import Number, Param, Text, bounded_query
from sessions.caching import schedule_cached
from sessions.models import Term
from sessions.readme.exporter import export_term
from sessions.selectors import (
    SCHEDULE_PARAMS,
    WHEN_CHOICES,
    all_terms,
    current_term,
    schedule_view,
    session_page,
)

# The bounds of the schedule filters (readinggroup/params.py): out of them is a 400; an id
# that is no number is reported on the page like one that names no presenter.
SCHEDULE_BOUNDS: dict[str, Param] = {
    "presenter": Number(lenient=True),
    "venue": Text(max_chars=100),
    "when": Text(max_chars=20),
}


def _schedule_response(
    request: HtmxHttpRequest, term: Term | None, terms: list[Term], template: str, **extra
) -> HttpResponse:
    today = timezone.localdate()
    context = {
        "nav": "schedule",
        "term": term,
        "terms": terms,
        "when_choices": WHEN_CHOICES,
        "today": today,
        **extra,
    }
    if term is not None:
        context["schedule"] = schedule_view(term, request.GET, today)
    fragment = request.htmx and not request.htmx.history_restore_request
    name = f"{template}#schedule-body" if fragment and term is not None else template
    return render(request, name, context)


@require_safe
@vary_on_headers("HX-Request")
@bounded_query(SCHEDULE_BOUNDS)
@schedule_cached(params=SCHEDULE_PARAMS)
def home(request: HtmxHttpRequest) -> HttpResponse:
    """The current term, like the README but with the next session first."""
    terms = all_terms()
    term = current_term(terms, timezone.localdate())
    return _schedule_response(request, term, terms, "schedule/home.html")


@require_safe
@vary_on_headers("HX-Request")
@bounded_query(SCHEDULE_BOUNDS)
@schedule_cached(params=SCHEDULE_PARAMS)
def term_detail(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    terms = all_terms()
    term = next((t for t in terms if t.slug == slug), None)
    if term is None:
        raise Http404(_("No such term."))
    # The switcher lists names only; the page also shows the term's requirements.
    term = Term.objects.get(pk=term.pk)
    return _schedule_response(request, term, terms, "schedule/term.html")


@require_safe
@schedule_cached
def session_detail(request: HtmxHttpRequest, date: str) -> HttpResponse:
    try:
        day = datetime.date.fromisoformat(date)
    except ValueError:
        raise Http404(_("Not a date (expected YYYY-MM-DD).")) from None
    page = session_page(day)
    if page is None:
        raise Http404(_("No session on that day."))
    context = {
        "nav": "schedule",
        "page": page,
        "session": page.session,
        "term": page.session.term,
        "today": timezone.localdate(),
    }
    return render(request, "schedule/session.html", context)


@require_safe
@schedule_cached
def term_readme(request: HtmxHttpRequest, slug: str) -> HttpResponse:
    """The term as the group's README, as a download (the group can keep publishing it)."""
    term = get_object_or_404(Term, slug=slug)
    text = export_term(term, site_url=request.build_absolute_uri("/").rstrip("/"))
    response = HttpResponse(text, content_type="text/markdown; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{term.slug}-README.md"'
    return response
