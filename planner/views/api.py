"""Organisers' JSON: pairing and presenter suggestions, the same lists the dashboard shows.

Everyone else gets 403 with {"error": …} (a JSON client cannot follow a sign-in page)."""

from __future__ import annotations

import datetime
from collections.abc import Callable
from functools import wraps

from django.http import HttpRequest, JsonResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from planner import pairs, rotation
from readinggroup.http import AuthenticatedHttpRequest
from readinggroup.params import parse_id
from readinggroup.permissions import is_organiser
from sessions.models import Session, Talk
from sessions.rules import sessions_for_checks


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


def organisers_json(view: Callable) -> Callable:
    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> JsonResponse:
        if not is_organiser(request.user):
            return _error(_("Only organisers can see suggestions."), 403)
        return view(request, *args, **kwargs)

    return wrapper


@require_safe
@organisers_json
def pairs_json(request: AuthenticatedHttpRequest) -> JsonResponse:
    raw = request.GET.get("session", "").strip()
    try:
        date = datetime.date.fromisoformat(raw)
    except ValueError:
        return _error(_("session must be a date as YYYY-MM-DD, got %(raw)r") % {"raw": raw}, 400)
    session = Session.objects.select_related("term").filter(date=date).first()
    if session is None:
        return _error(_("No session on %(date)s.") % {"date": date.isoformat()}, 404)
    session = sessions_for_checks(session.term).get(pk=session.pk)
    data = {
        "session": date.isoformat(),
        "pairs": [pair.as_json() for pair in pairs.suggest_pairs(session)],
    }
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


@require_safe
@organisers_json
def presenters_json(request: AuthenticatedHttpRequest) -> JsonResponse:
    raw = request.GET.get("talk", "").strip()
    talk_pk = parse_id(raw)
    if talk_pk is None:
        return _error(_("talk must be a talk id, got %(raw)r") % {"raw": raw}, 400)
    talk = Talk.objects.select_related("session").filter(pk=talk_pk).first()
    if talk is None:
        return _error(_("No talk %(id)s.") % {"id": raw}, 404)
    people = rotation.suggest_presenters(talk, limit=None)
    data = {"talk": talk.pk, "people": [c.as_json() for c in people]}
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})
