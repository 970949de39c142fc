"""Pieces other apps' pages show: the mail choices on the profile, the personal calendar on
My talks, the "write to presenters" links on the organiser's dashboard."""

from __future__ import annotations

from django import template
from django.urls import reverse

from notifications import calendar
from notifications.forms import PreferencesForm
from notifications.preferences import offered_kinds
from notifications.unsubscribe import opted_out

register = template.Library()


@register.inclusion_tag("notifications/partials/preferences.html", takes_context=True)
def mail_preferences(context) -> dict:
    user = context["request"].user
    offered = offered_kinds(user)
    form = PreferencesForm(offered=offered, opted_out=opted_out(user))
    return {"form": form, "csrf_token": context.get("csrf_token"), "has_email": bool(user.email)}


@register.inclusion_tag("notifications/partials/calendar.html", takes_context=True)
def personal_calendar(context) -> dict:
    request = context["request"]
    token = calendar.token_of(request.user).token
    path = reverse("notifications:calendar", kwargs={"token": token})
    return {
        "https_url": request.build_absolute_uri(path),
        "webcal_url": f"webcal://{request.get_host()}{path}",
        "csrf_token": context.get("csrf_token"),
    }
