"""A member's personal calendar: the sessions they present in, with only their own talks.

The URL holds a secret token (CalendarToken) instead of a login, so calendar apps can
subscribe; a new token makes the old URL answer 404. The events come from the schedule's own
iCal builder (sessions/exports/ical.py), so they look and update like the public calendar's.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Q
from django.utils.translation import gettext as _

from notifications.models import CalendarToken, new_calendar_token
from sessions.exports.ical import calendar_text
from sessions.exports.rows import SessionRow, session_rows
from sessions.models import Person, Session


def token_of(user: User) -> CalendarToken:
    return CalendarToken.objects.get_or_create(user=user)[0]


def regenerate(user: User) -> CalendarToken:
    token = token_of(user)
    token.token = new_calendar_token()
    token.save(update_fields=["token", "created_at"])
    return token


def owner_of(token: str) -> User | None:
    found = CalendarToken.objects.filter(token=token).select_related("user__person").first()
    if found is None or not found.user.is_active:
        return None
    return found.user


def member_sessions(person: Person | None) -> list[SessionRow]:
    """The sessions with a talk `person` presents, each holding only those talks."""
    if person is None:
        return []
    return session_rows(
        Session.objects.filter(talks__presenters__person=person).distinct().order_by("date"),
        talks=Q(presenters__person=person),
    )


def calendar_for(user: User, site_url: str) -> str:
    person = getattr(user, "person", None)
    name = _("%(group)s · talks of %(name)s") % {
        "group": settings.GROUP_NAME,
        "name": getattr(person, "name", "") or user.get_username(),
    }
    return calendar_text(member_sessions(person), name, site_url)
