"""The page a locked-out sign-in gets (django-axes calls `locked_out`, AXES_LOCKOUT_CALLABLE).

It is the sign-in page itself with the reason on top, answered 429: the person sees why the
right password does not work now and when to try again; the username stays filled in.
"""

from __future__ import annotations

import math

from axes.helpers import get_client_username, get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext, ngettext

LOCKED_STATUS = 429


def lockout_message(request: HttpRequest) -> str:
    cool_off = get_cool_off(request)
    if not cool_off:
        return gettext(
            "Too many failed sign-ins: this account is locked. An organiser can unlock it."
        )
    minutes = max(1, math.ceil(cool_off.total_seconds() / 60))
    return ngettext(
        "Too many failed sign-ins for this account from your address: sign-in is locked for "
        "%(minutes)d minute. Try again later, or ask an organiser to unlock it.",
        "Too many failed sign-ins for this account from your address: sign-in is locked for "
        "%(minutes)d minutes. Try again later, or ask an organiser to unlock it.",
        minutes,
    ) % {"minutes": minutes}


def locked_out(
    request: HttpRequest,
    original_response: HttpResponse | None = None,
    credentials: dict | None = None,
) -> HttpResponse:
    username = get_client_username(request, credentials) or ""
    form = AuthenticationForm(request, initial={"username": username})
    context = {
        "form": form,
        "locked_out": lockout_message(request),
        "next": request.POST.get("next", "") if request.method == "POST" else "",
    }
    return render(request, "registration/login.html", context, status=LOCKED_STATUS)
