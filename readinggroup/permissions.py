"""Who may do what: django-rules predicates, and the view decorators that enforce them.

Organisers are members of the "Organisers" group (or superusers). Predicates about the
schedule's objects (the lead of a talk) live with the schedule, in sessions/permissions.py, and
combine with these through `|`. A refusal raises PermissionDenied carrying the reason, which
the 403 page (templates/403.html) shows; anonymous visitors are sent to sign in instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

import rules
from django.contrib.auth.models import AnonymousUser, Group, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django_htmx.http import HttpResponseClientRedirect

ORGANISERS_GROUP = "Organisers"
ORGANISERS_ONLY = _("Only organisers can do this.")

AnyUser = User | AnonymousUser | None


@rules.predicate
def is_organiser(user: AnyUser) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object so a page asking several times costs one query.
    # Kept in the instance's __dict__ (not a model field): set_organiser drops it again.
    cached: bool | None = user.__dict__.get("_is_organiser")
    if cached is None:
        cached = user.groups.filter(name=ORGANISERS_GROUP).exists()
        user.__dict__["_is_organiser"] = cached
    return cached


def organisers() -> QuerySet[User]:
    """Every organiser's user row: `is_organiser` asked of all users at once, so whoever must
    hear about or act on something for the organisers finds the same people it admits."""
    return User.objects.filter(Q(groups__name=ORGANISERS_GROUP) | Q(is_superuser=True)).distinct()


def set_organiser(user: User, organiser: bool = True) -> None:
    """Make `user` an organiser (or no longer one): the Organisers group plus staff status.

    Staff status is what lets them into the admin, where the catalogue and schedule admins
    grant organisers their rights (readinggroup.admin_permissions).
    """
    group, _created = Group.objects.get_or_create(name=ORGANISERS_GROUP)
    if organiser:
        user.groups.add(group)
    else:
        user.groups.remove(group)
    if user.is_staff != organiser and not user.is_superuser:
        user.is_staff = organiser
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_is_organiser", None)


def signin_redirect(request: HttpRequest, back: str = "") -> HttpResponse:
    """To the sign-in page, coming back to `back` (default: this page).

    An HTMX request cannot show a sign-in page in a fragment, so the whole page goes there.
    """
    back = back or request.get_full_path()
    if getattr(request, "htmx", False):
        return HttpResponseClientRedirect(f"{reverse('login')}?{urlencode({'next': back})}")
    return redirect_to_login(back)


def require(
    predicate: Callable[..., bool],
    message: str | Promise,
    *,
    get_object: Callable[..., Any] | None = None,
) -> Callable[[Callable], Callable]:
    """A view decorator: anonymous visitors sign in; others need `predicate(user[, obj])`.

    With `get_object`, it is called with the URL's keyword arguments (and may raise Http404);
    the view then receives the object in their place: `view(request, obj)`.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return signin_redirect(request)
            if get_object is None:
                allowed = predicate(request.user)
            else:
                obj = get_object(**kwargs)
                allowed = predicate(request.user, obj)
                args, kwargs = (obj, *args), {}
            if not allowed:
                raise PermissionDenied(str(message))
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


organiser_required = require(is_organiser, ORGANISERS_ONLY)
