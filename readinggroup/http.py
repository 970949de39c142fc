"""The request types views are annotated with: what the middleware adds to a request.

Django's `HttpRequest` knows neither django-htmx's `request.htmx` nor that a view behind a
sign-in check only ever sees a signed-in user; these subclasses say so for mypy (the idiom
django-htmx and django-stubs document). They are annotations only: no request is ever one of
these classes at run time, so never `isinstance`-check against them.
"""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """Any request: HtmxMiddleware (readinggroup.settings.MIDDLEWARE) sets `htmx` on each."""

    htmx: HtmxDetails


class AuthenticatedHttpRequest(HtmxHttpRequest):
    """What a view behind a sign-in check sees (login_required, organiser_required, ...)."""

    user: User
