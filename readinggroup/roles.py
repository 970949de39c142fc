"""Who may do what. Organisers are members of the "Organisers" group (or superusers)."""

from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

ORGANISERS_GROUP = "Organisers"


def is_organiser(user: AbstractBaseUser | AnonymousUser | None) -> bool:
    if user is None or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    # Cached on the user object so a page asking several times costs one query.
    cached = getattr(user, "_is_organiser", None)
    if cached is None:
        cached = user.groups.filter(name=ORGANISERS_GROUP).exists()
        user._is_organiser = cached
    return cached
