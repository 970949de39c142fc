"""What a member does on My talks: mark sessions they cannot attend, ask someone to take a
talk over, answer such a request. Each POST answers HTMX with its fragment, else redirects."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from planner import rotation, swaps
from planner.models import SwapRequest
from planner.nominations import QueueError
from planner.views.common import done, vary
from readinggroup.http import AuthenticatedHttpRequest
from readinggroup.params import parse_id
from sessions.models import Person, Presenter, Session
from sessions.people import person_for


def _me() -> str:
    return reverse("schedule:me")


@login_required
@require_POST
def availability(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    person = person_for(request.user)
    wanted = request.POST.get("available") == "1"
    error = ""
    try:
        available = rotation.set_available(person, session, wanted)
    except QueueError as exc:
        error, available = (
            exc.message,
            person.pk
            not in {p for p in session.unavailabilities.values_list("person_id", flat=True)},
        )
    if request.htmx:
        context = {"item": {"session": session, "available": available}, "toggle_error": error}
        return vary(render(request, "planner/partials/availability.html", context))
    success = (
        _("You are available on %(date)s.")
        if available
        else _("Marked: you cannot attend on %(date)s.")
    ) % {"date": session.date.isoformat()}
    return done(request, _me(), error=error, success=success)


@login_required
@require_POST
def swap_request(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    presenter = get_object_or_404(Presenter.objects.select_related("person", "talk"), pk=pk)
    if presenter.person.user_id != request.user.pk:
        raise PermissionDenied(_("Only the presenter can hand this talk to someone else."))
    to_id = request.POST.get("to", "")
    to_pk = parse_id(to_id)
    to_person = Person.objects.filter(pk=to_pk).first() if to_pk is not None else None
    if to_person is None:
        return done(request, _me(), error=_("Choose the member to ask."))
    try:
        swaps.request_swap(presenter, to_person)
    except swaps.SwapError as exc:
        return done(request, _me(), error=exc.message)
    return done(
        request,
        _me(),
        success=_("Asked %(name)s to take your place; it shows on their My talks page.")
        % {"name": to_person.name},
    )


ANSWERS = {"accept": swaps.accept, "decline": swaps.decline, "withdraw": swaps.withdraw}


@login_required
@require_POST
def swap_answer(request: AuthenticatedHttpRequest, pk: int, answer: str) -> HttpResponse:
    swap = get_object_or_404(
        SwapRequest.objects.select_related("talk__session", "from_person", "to_person"), pk=pk
    )
    person = person_for(request.user)
    if answer not in ANSWERS:
        return done(request, _me(), error=_("Unknown answer %(answer)r.") % {"answer": answer})
    party = swap.from_person_id if answer == "withdraw" else swap.to_person_id
    if person.pk != party:
        raise PermissionDenied(_("This request is not yours to answer."))
    try:
        ANSWERS[answer](swap, person)
    except swaps.SwapError as exc:
        return done(request, _me(), error=exc.message)
    messages = {
        "accept": _("You now present Topic %(topic)s on %(date)s."),
        "decline": _("Declined; %(name)s keeps the talk."),
        "withdraw": _("Request withdrawn; you keep the talk."),
    }
    return done(
        request,
        _me(),
        success=messages[answer]
        % {
            "topic": swap.talk.roman_position,
            "date": swap.talk.session.date.isoformat(),
            "name": swap.from_person.name,
        },
    )
