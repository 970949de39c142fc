"""Helpers the planner's views share: who is asking, HTMX answers, safe redirects back."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers

from readinggroup.safe_urls import safe_next
from sessions.models import Person
from sessions.people import person_for


def viewer(request: HttpRequest) -> Person | None:
    return person_for(request.user) if request.user.is_authenticated else None


def vary(response: HttpResponse) -> HttpResponse:
    patch_vary_headers(response, ["HX-Request"])
    return response


def back(request: HttpRequest, fallback: str) -> str:
    """The page a plain POST came from (its `next` field or Referer), else `fallback`."""
    return (
        safe_next(request, request.POST.get("next", ""), request.headers.get("Referer", ""))
        or fallback
    )


def done(
    request: HttpRequest, fallback: str, *, error: str = "", success: str = ""
) -> HttpResponse:
    """A plain POST's answer: the message, then back where it came from."""
    if error:
        messages.error(request, error)
    elif success:
        messages.success(request, success)
    return vary(redirect(back(request, fallback)))
