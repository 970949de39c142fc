"""The 403, 404 and 500 pages: in the site's layout, with the reason and a way back.

The reason is the message the code raised (PermissionDenied("Only organisers can do this."),
Http404("No session on that day.")). An HTMX request that fails gets the same page;
static/js/errors.js shows its reason ([data-error-reason]) where the answer would have gone.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import loader
from django.utils.translation import gettext as _


def _reason(exception: Exception | None) -> str:
    """The message the code raised, if it raised one for people (not a resolver's dict)."""
    args = getattr(exception, "args", ())
    return str(args[0]) if args and isinstance(args[0], str) else ""


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {"reason": _reason(exception) or _("You are not allowed to open this page.")}
    return HttpResponse(loader.render_to_string("403.html", context, request), status=403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    context = {
        "reason": _reason(exception) or _("There is no page at this address."),
        "request_path": request.path,
    }
    return HttpResponse(loader.render_to_string("404.html", context, request), status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    """Rendered without the request's context processors: the database may be what failed."""
    context = {
        "group_name": settings.GROUP_NAME,
        "error_page": True,
        "reason": _("Something went wrong on our side; it has been logged."),
    }
    try:
        body: str = loader.render_to_string("500.html", context)
    except Exception:  # the layout itself failed; still answer something readable
        body = "<h1>Server error</h1><p>Something went wrong on our side. Try again later.</p>"
    return HttpResponseServerError(body)
