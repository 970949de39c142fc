"""The paper queue: /queue/ lists nominations by votes; members nominate and vote in place."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from papers import presented
from papers.models import Paper
from papers.selectors import search_papers
from planner import nominations
from planner.models import Nomination
from planner.views.common import done, vary, viewer
from readinggroup.http import AuthenticatedHttpRequest, HtmxHttpRequest
from readinggroup.params import Number, Text, bounded_query, parse_id
from readinggroup.permissions import is_organiser, organiser_required
from sessions.models import Session, Talk
from sessions.people import person_for

UPCOMING_SESSIONS = 8  # open talks offered in "Schedule on…"
SEARCH_LIMIT = 10


class NominateForm(forms.Form):
    paper = forms.CharField(required=False, widget=forms.HiddenInput)
    arxiv = forms.CharField(
        required=False,
        max_length=300,
        label=gettext_lazy("arXiv id or link"),
        widget=forms.TextInput(
            attrs={"placeholder": gettext_lazy("2412.03131 or https://arxiv.org/abs/…")}
        ),
    )
    reason = forms.CharField(
        required=False,
        max_length=nominations.REASON_MAX,
        label=gettext_lazy("Why the group should read it"),
        widget=forms.TextInput(attrs={"placeholder": gettext_lazy("One line is enough")}),
    )


def _open_talks() -> list[Talk]:
    """Open talks of the next sessions, for the organisers' one-click "Schedule"."""
    sessions = (
        Session.objects.filter(date__gte=timezone.localdate())
        .exclude(kind=Session.Kind.CANCELLED)
        .order_by("date")[:UPCOMING_SESSIONS]
    )
    return list(
        Talk.objects.filter(session__in=sessions, paper__isnull=True, title="")
        .select_related("session")
        .order_by("session__date", "position")
    )


def _context(request: HttpRequest, **extra: object) -> dict[str, object]:
    person = viewer(request)
    organiser = is_organiser(request.user)
    return {
        "nav": "queue",
        "entries": nominations.open_queue(person),
        "scheduled": nominations.recently_scheduled(person),
        "open_talks": _open_talks() if organiser else [],
        "organiser": organiser,
        "form": NominateForm(),
        **extra,
    }


@require_safe
@bounded_query({"q": Text(max_chars=200), "paper": Number(lenient=True)})
def queue(request: HtmxHttpRequest) -> HttpResponse:
    """Anyone may read the queue; nominating and voting need an account.

    `q` searches the catalogue for a paper to nominate (HTMX: just the results); `paper`
    preselects one (the "Nominate" link of a paper's page)."""
    params = request.params  # type: ignore[attr-defined]
    q = params["q"]
    results = presented.attach_showings(search_papers(q)[:SEARCH_LIMIT]) if q else []
    if request.htmx and "q" in request.GET:
        results_context = {"q": q, "results": results}
        return vary(render(request, "planner/queue.html#search-results", results_context))
    context = _context(request, q=q, results=results)
    catalogue_id = params["paper"]
    if catalogue_id is not None:
        context["preselected"] = next(
            iter(presented.attach_showings(Paper.objects.filter(pk=catalogue_id))), None
        )
    return vary(render(request, "planner/queue.html", context))


@login_required
@require_POST
def nominate(request: AuthenticatedHttpRequest) -> HttpResponse:
    form = NominateForm(request.POST)
    url = reverse("planner:queue")
    if not form.is_valid():
        errors = " ".join(str(e) for errs in form.errors.values() for e in errs)
        return done(request, url, error=errors)
    data = form.cleaned_data
    try:
        paper = nominations.paper_for_nomination(data["paper"], data["arxiv"])
        nomination, created = nominations.nominate(paper, person_for(request.user), data["reason"])
    except nominations.QueueError as exc:
        if request.htmx:
            context = _context(request, form=form, nominate_error=exc.message)
            return vary(render(request, "planner/queue.html#queue-body", context))
        return done(request, url, error=exc.message)
    message = (
        _("“%(title)s” is in the queue with your vote.")
        if created
        else _("“%(title)s” was already nominated; your vote is counted.")
    ) % {"title": paper.title}
    if request.htmx:
        context = _context(request, nominate_success=message)
        return vary(render(request, "planner/queue.html#queue-body", context))
    return done(request, f"{url}#nomination-{nomination.pk}", success=message)


def _row(request: HttpRequest, nomination: Nomination, error: str = "") -> HttpResponse:
    entry = nominations.entry(nomination.pk, viewer(request))
    context = {"entry": entry, "organiser": is_organiser(request.user), "row_error": error}
    if is_organiser(request.user):
        context["open_talks"] = _open_talks()
    return vary(render(request, "planner/queue.html#nomination-row", context))


@login_required
@require_POST
def vote(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(Nomination, pk=pk)
    withdraw = request.POST.get("withdraw") == "1"
    error = ""
    try:
        if withdraw:
            nominations.withdraw_vote(nomination, person_for(request.user))
        else:
            nominations.vote(nomination, person_for(request.user))
    except nominations.QueueError as exc:
        error = exc.message
    if request.htmx:
        return _row(request, nomination, error)
    success = _("Vote withdrawn.") if withdraw else _("Vote counted.")
    return done(request, reverse("planner:queue"), error=error, success=success)


@organiser_required
@require_POST
def schedule(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    nomination = get_object_or_404(Nomination.objects.select_related("paper"), pk=pk)
    talk_id = request.POST.get("talk", "")
    talk_pk = parse_id(talk_id)
    talk = Talk.objects.filter(pk=talk_pk).first() if talk_pk is not None else None
    url = reverse("planner:queue")
    if talk is None:
        return done(request, url, error=_("Choose an open talk to schedule the paper on."))
    try:
        talk = nominations.schedule(nomination, talk)
    except nominations.QueueError as exc:
        return done(request, url, error=exc.message)
    return done(
        request,
        url,
        success=_("“%(title)s” is Topic %(topic)s on %(date)s.")
        % {
            "title": nomination.paper.title,
            "topic": talk.roman_position,
            "date": talk.session.date.isoformat(),
        },
    )
