"""Helpers the planner's views share: who is asking, HTMX answers, safe redirects back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme

from sessions.models import Person
from sessions.people import person_for


def viewer(request: HttpRequest) -> Person | None:
    return person_for(request.user) if request.user.is_authenticated else None


def vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def back(request: HttpRequest, fallback: str) -> str:
    """The page a plain POST came from (its `next` field or Referer), else `fallback`."""
    for candidate in (request.POST.get("next", ""), request.headers.get("Referer", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return candidate
    return fallback


def done(
    request: HttpRequest, fallback: str, *, error: str = "", success: str = ""
) -> HttpResponse:
    """A plain POST's answer: the message, then back where it came from."""
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return vary(redirect(back(request, fallback)))
