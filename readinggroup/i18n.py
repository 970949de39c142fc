"""The language switcher's endpoint: Django's set_language, usable from cached pages."""

from django.http import HttpRequest, HttpResponse
from django.views import i18n
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST


@csrf_exempt
@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """Set the language cookie and go back to `next`.

    Anonymous pages are cached and shared, so they carry no CSRF token (see base.html): for a
    visitor who is not signed in the form posts without one, and all a forged post could do is
    choose the language of their next page. A signed-in member's pages are never cached and
    carry the token, so for them the usual CSRF check applies.
    """
    if request.user.is_authenticated:
        return csrf_protect(i18n.set_language)(request)
    return i18n.set_language(request)
